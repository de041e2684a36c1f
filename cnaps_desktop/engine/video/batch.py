"""The frame function a video job runs: one frame at a time, or several frames per model call.

One frame at a time goes through ``restore.restore_array``, the same path as photos (tiles sized
from the memory budget, so any frame size fits). On a GPU, whole frames in a batch keep the device
busier: ``BatchedModel`` hands them to the photo path's ``ModelCall`` (padding, channels,
precision, halving the batch when the device runs out of memory), and goes frame by frame in tiles
once a single whole frame no longer fits. A CPU gains nothing from batching, so it stays at one
frame per call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.device import release_device_memory
from cnaps_desktop.engine.pixels import from_unit_float, to_unit_float
from cnaps_desktop.engine.restore import ModelCall, restore_array
from cnaps_desktop.engine.video.pipeline import FrameFunction

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel
    from cnaps_desktop.engine.options import RestoreOptions

GPU_BATCH = 4
"""Frames per model call on a GPU before any out-of-memory halving."""


def auto_batch_size(loaded: LoadedModel) -> int:
    return GPU_BATCH if loaded.device.type in {"cuda", "mps", "xpu"} else 1


def make_frame_function(
    loaded: LoadedModel,
    batch_size: int,
    restore_options: RestoreOptions | None = None,
    token: CancelToken | None = None,
) -> FrameFunction:
    """A frame function bound to ``loaded``: batched when ``batch_size`` > 1, else per frame."""
    if batch_size > 1:
        return BatchedModel(loaded, batch_size, per_frame(loaded, restore_options, token))
    return per_frame(loaded, restore_options, token)


def per_frame(
    loaded: LoadedModel,
    restore_options: RestoreOptions | None = None,
    token: CancelToken | None = None,
) -> FrameFunction:
    """Each frame through ``restore_array`` (tiling, padding and rounding done there)."""

    def restore_frames(frames: np.ndarray) -> np.ndarray:
        return np.stack([restore_array(loaded, frame, restore_options, token) for frame in frames])

    return restore_frames


class BatchedModel:
    """Whole frames, several per model call; every frame goes through ``fallback`` once a single
    whole frame no longer fits in device memory (the frames of a video all have one size)."""

    def __init__(self, loaded: LoadedModel, batch_size: int, fallback: FrameFunction) -> None:
        self.model_call = ModelCall(loaded, batch_size)
        self.fallback = fallback
        self.whole_frames_fit = True

    @property
    def batch_size(self) -> int:
        """Frames per model call now (halved from the starting size when memory ran out)."""
        return self.model_call.batch_size

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        if self.whole_frames_fit:
            try:
                restored = self.model_call(to_unit_float(frames))
            except torch.OutOfMemoryError:
                self.whole_frames_fit = False
                release_device_memory(self.model_call.loaded.device)
            else:
                return from_unit_float(restored, frames.dtype, in_place=True)
        return self.fallback(frames)
