"""The frame function a video job runs: one frame at a time, or several frames per model call.

One frame at a time goes through ``restore.restore_array``, the same path as photos (tiles sized
from the memory budget, so any frame size fits). On a GPU, whole frames in a batch keep the device
busier: ``BatchedModel`` stacks frames into one tensor, pads them to the model's size multiple,
runs the network once, and halves the batch when the device runs out of memory. A CPU gains
nothing from batching, so it stays at one frame per call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F

from cnaps_desktop.engine.cancel import CancelToken

if TYPE_CHECKING:
    from cnaps_desktop.engine.models.loader import LoadedModel
    from cnaps_desktop.engine.options import RestoreOptions

FrameFunction = Callable[[np.ndarray], np.ndarray]

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
        from cnaps_desktop.engine.restore import restore_array

        return np.stack([restore_array(loaded, frame, restore_options, token) for frame in frames])

    return restore_frames


class BatchedModel:
    """Whole frames, several per model call; falls back to ``fallback`` per frame once a single
    frame no longer fits in device memory."""

    def __init__(self, loaded: LoadedModel, batch_size: int, fallback: FrameFunction) -> None:
        self.loaded = loaded
        self.batch_size = batch_size
        self.fallback = fallback

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        outputs = []
        start = 0
        while start < len(frames):
            chunk = frames[start : start + self.batch_size]
            try:
                outputs.append(run_model_on_batch(self.loaded, chunk))
            except torch.OutOfMemoryError:
                if self.batch_size == 1:
                    outputs.append(self.fallback(chunk))
                else:
                    self.batch_size //= 2
                    _free_cache(self.loaded.device)
                    continue
            start += len(chunk)
        return np.concatenate(outputs)


def run_model_on_batch(loaded: LoadedModel, frames: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) uint8 through the network in one call -> (N, H*s, W*s, 3) uint8."""
    _, height, width, _ = frames.shape
    multiple = max(1, loaded.size_multiple)
    pad_h, pad_w = (-height) % multiple, (-width) % multiple
    with torch.inference_mode():
        batch = torch.from_numpy(np.ascontiguousarray(frames)).to(loaded.device)
        batch = batch.permute(0, 3, 1, 2).to(loaded.dtype).div_(255.0)
        if pad_h or pad_w:
            fits_reflect = pad_h < height and pad_w < width
            mode = "reflect" if fits_reflect else "replicate"
            batch = F.pad(batch, (0, pad_w, 0, pad_h), mode=mode)
        result = loaded.model(batch)
        scale = loaded.scale
        result = result[:, :, : height * scale, : width * scale]
        result = result.float().clamp_(0.0, 1.0).mul_(255.0).round_().to(torch.uint8)
        return result.permute(0, 2, 3, 1).cpu().numpy()


def _free_cache(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.empty_cache()
