"""Overlapping tiles with smooth blending, so any image fits in bounded memory.

Along each axis the image is covered by windows of ``tile`` pixels. Neighbouring windows overlap by
``2 * context + band`` pixels: a pixel is only kept from a window when it lies at least ``context``
pixels inside the window's edges (edges on the image border do not count), and across the ``band``
in the middle of each overlap the two windows are cross-faded with a raised cosine. The weights of
all windows sum to one at every pixel, so for a model that sees less than ``context`` pixels around
each output pixel, tiled output equals whole-image output (up to float rounding). MSSNet sees much
further in theory but little in practice (ARCHITECTURE.md section 9): a context of 64 px keeps seams
far below visibility, and the cross-fade hides what remains.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import psutil
import torch

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback, report
from cnaps_desktop.engine.pixels import round_up

#: Width of the raised-cosine cross-fade between neighbouring windows, in input pixels.
DEFAULT_BAND = 32


#: On the CPU the whole process aims to stay under this many bytes (a 24 MP photo included).
CPU_PROCESS_BUDGET = 3 * 1024**3
#: On a GPU one tile's working memory stays under this, so a 24 MP photo fits in 4 GB of GPU
#: memory even on big cards (larger tiles barely run faster on a GPU).
GPU_TILE_BUDGET = 3 * 1024**3
#: Never plan to use more than this share of the memory that is free right now.
FREE_MEMORY_SHARE = 0.6
#: Kept back for the allocator's slack and everything the estimate does not see.
SAFETY_MARGIN = 256 * 1024**2


@dataclass(frozen=True)
class Span:
    """One window along one axis: input pixels [start, stop) and its blend weights (input px)."""

    start: int
    stop: int
    weights: np.ndarray


@dataclass(frozen=True)
class Window:
    """One tile: input rows [top, bottom) and columns [left, right), with its 2-D weights."""

    top: int
    bottom: int
    left: int
    right: int
    row_weights: np.ndarray
    column_weights: np.ndarray


def minimum_tile(context: int, multiple: int, band: int = DEFAULT_BAND) -> int:
    """The smallest tile that still keeps pixels after giving ``context`` on both sides."""
    return round_up(2 * context + band + 2 * max(multiple, 16), multiple)


def round_down(value: int, multiple: int) -> int:
    return max(multiple, value // multiple * multiple)


def plan_axis(
    length: int, tile: int, context: int, band: int = DEFAULT_BAND, align: int = 1
) -> list[Span]:
    """Windows of ``tile`` pixels covering ``length``, with weights that sum to one everywhere.

    Window starts are multiples of ``align``: a network that pools by 2 four times sees the same
    pixel grid in every tile as in the whole image only when tiles start at multiples of 16.
    """
    if length <= tile:
        return [Span(0, length, np.ones(length, dtype=np.float32))]
    overlap = 2 * context + band
    longest_step = tile - overlap - (align - 1)
    if longest_step <= 0:
        raise ValueError(f"a tile of {tile} px cannot hold {context} px of context on both sides")
    count = math.ceil((length - tile) / longest_step) + 1
    starts = [i * (length - tile) // (count - 1) // align * align for i in range(count)]
    starts[-1] = length - tile
    # Each cross-fade sits in the middle of the overlap of two neighbours; it may be no wider than
    # the distance between neighbouring fades, so that one window's fade-in and fade-out never meet.
    middles = [(starts[i + 1] + starts[i] + tile) // 2 for i in range(count - 1)]
    gaps = [b - a for a, b in itertools.pairwise(middles)]
    band = max(1, min([band, *gaps]))
    fades = [middle - band // 2 for middle in middles]
    ramp = _raised_cosine(band)
    spans = []
    for i, start in enumerate(starts):
        stop = start + tile
        weights = np.ones(tile, dtype=np.float32)
        if i > 0:  # fade in from the previous window
            fade = fades[i - 1] - start
            weights[:fade] = 0.0
            weights[fade : fade + band] = ramp
        if i < count - 1:  # fade out into the next window
            fade = fades[i] - start
            weights[fade : fade + band] = 1.0 - ramp
            weights[fade + band :] = 0.0
        spans.append(Span(start, stop, weights))
    return spans


def plan_windows(
    height: int, width: int, tile: int, context: int, band: int = DEFAULT_BAND, align: int = 1
) -> list[Window]:
    """Every window of an image, row by row (starts at multiples of ``align``)."""
    rows = plan_axis(height, tile, context, band, align)
    columns = plan_axis(width, tile, context, band, align)
    return [
        Window(r.start, r.stop, c.start, c.stop, r.weights, c.weights)
        for r in rows
        for c in columns
    ]


def _raised_cosine(band: int) -> np.ndarray:
    """Weights rising smoothly from near 0 to near 1 over ``band`` pixels (pixel centres)."""
    positions = (np.arange(band, dtype=np.float64) + 0.5) / band
    return (0.5 - 0.5 * np.cos(np.pi * positions)).astype(np.float32)


def _upsample_weights(weights: np.ndarray, scale: int) -> np.ndarray:
    return np.repeat(weights, scale) if scale > 1 else weights


def run_windows(
    windows: list[Window],
    restore_window: Callable[[Window], np.ndarray],
    output: np.ndarray,
    scale: int,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> None:
    """Restore each window and add it, weighted, into ``output`` (H*scale x W*scale x C, float32).

    ``restore_window`` returns the window's restored pixels as float32 (h*scale x w*scale x C).
    The token is checked before every window, and progress is reported after each one.
    """
    total = len(windows)
    report(progress, 0, total, "tile")
    for index, window in enumerate(windows):
        if token is not None:
            token.check()
        restored = restore_window(window)
        if total == 1:
            output[...] = restored
        else:
            rows = _upsample_weights(window.row_weights, scale)
            columns = _upsample_weights(window.column_weights, scale)
            weight = (rows[:, None] * columns[None, :])[:, :, None]
            target = output[
                window.top * scale : window.bottom * scale,
                window.left * scale : window.right * scale,
            ]
            target += restored * weight
        report(progress, index + 1, total, "tile")


# ----------------------------------------------------------------------------- tile size
def choose_tile(
    height: int,
    width: int,
    *,
    bytes_per_pixel: float,
    device: torch.device,
    multiple: int,
    context: int,
    requested: int | None = None,
    image_bytes: int = 0,
) -> int | None:
    """The tile edge (input pixels) to use, or ``None`` to run the whole image in one piece.

    ``requested`` (a person's override; 0 means the whole image) is rounded down to the size
    multiple. Otherwise the tile is the largest square whose estimated working memory
    (``bytes_per_pixel`` per input pixel) fits the memory budget of ``device``; ``image_bytes`` is
    what the image buffers themselves take.
    """
    smallest = minimum_tile(context, multiple)
    if requested == 0:
        return None
    if requested is not None and requested > 0:
        tile = max(smallest, round_down(requested, multiple))
        return None if tile >= max(height, width) else tile
    budget = memory_budget(device, image_bytes)
    if height * width * bytes_per_pixel <= budget:
        return None
    tile = round_down(int(math.sqrt(budget / bytes_per_pixel)), multiple)
    return max(smallest, tile)


def memory_budget(device: torch.device, image_bytes: int = 0) -> float:
    """Bytes the model may use for one tile on ``device`` right now."""
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return max(0.0, min(free * FREE_MEMORY_SHARE - SAFETY_MARGIN, GPU_TILE_BUDGET))
    available = psutil.virtual_memory().available
    if device.type == "mps":  # unified memory: the GPU shares the RAM
        return max(0.0, min(available * FREE_MEMORY_SHARE - SAFETY_MARGIN, GPU_TILE_BUDGET))
    in_use = psutil.Process().memory_info().rss
    room = CPU_PROCESS_BUDGET - in_use - image_bytes - SAFETY_MARGIN
    return max(0.0, min(available * FREE_MEMORY_SHARE, room))


def estimate_bytes_per_pixel(model: torch.nn.Module, scale: int, dtype: torch.dtype) -> float:
    """Working memory of one forward pass per input pixel, from the model's widths.

    MSSNet was measured (PyTorch 2.13, CPU, fp32, 512 px tiles): about 1,750 bytes per pixel for
    MSSNet-S (wf=20) and 3,000 for MSSNet (wf=54); the formula rounds up. Other architectures get a
    cautious estimate from their widest convolution and their scale.
    """
    element = torch.finfo(dtype).bits // 8
    config = getattr(model, "config", None)
    wf = getattr(config, "wf", None)
    if isinstance(wf, int):
        return (40 * wf + 1100) * element / 4
    widest = max(
        (m.out_channels for m in model.modules() if isinstance(m, torch.nn.Conv2d)), default=64
    )
    return element * widest * (16 + 4 * scale * scale)


def is_out_of_memory(error: BaseException) -> bool:
    """True for the device running out of memory (CUDA raises ``torch.OutOfMemoryError``)."""
    out_of_memory = getattr(torch, "OutOfMemoryError", None) or torch.cuda.OutOfMemoryError
    return isinstance(error, out_of_memory)
