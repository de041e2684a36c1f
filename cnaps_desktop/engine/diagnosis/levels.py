"""Pixels of any layout -> one grey plane in 8-bit levels, and the reduced copy the measures use.

Every measure works in 8-bit levels (0-255 as float32) so thresholds mean the same for 8-bit,
16-bit and float files, and on a copy whose long side is at most ``WORKING_LONG_SIDE`` so a 12 MP
photo is judged in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The reduced copy's long side. 1536 px keeps blur of about 2 px at that size visible (about 5 px
#: on a 12 MP photo) while the FFT and the filters stay under a few hundred milliseconds.
WORKING_LONG_SIDE = 1536


@dataclass(frozen=True)
class Planes:
    """The photo as the measures see it."""

    colour: np.ndarray
    """H x W x 3 float32 RGB in 8-bit levels (grey files repeat their plane), full size."""
    grey: np.ndarray
    """H x W float32 luminance in 8-bit levels, full size."""
    working: np.ndarray
    """The grey plane reduced to at most ``WORKING_LONG_SIDE`` on its long side."""
    working_colour: np.ndarray
    """The colour planes reduced the same way."""
    scale: float
    """Full-size pixels per working pixel (1.0 when no reduction was needed)."""
    was_colour: bool
    """False when the file had one grey plane (with or without alpha)."""


def planes_of(pixels: np.ndarray) -> Planes:
    """Split ``pixels`` (H x W, or H x W x C with C = 2, 3 or 4) into the planes above."""
    import cv2

    levels = _to_8_bit_levels(pixels)
    if levels.ndim == 2:
        levels = levels[:, :, None]
    channels = levels.shape[2]
    # Alpha (the 2nd of 2 or the 4th of 4 channels) says nothing about blur or colour: drop it.
    colour_planes = levels[:, :, :1] if channels in (1, 2) else levels[:, :, :3]
    was_colour = colour_planes.shape[2] == 3
    colour = np.repeat(colour_planes, 3, axis=2) if not was_colour else colour_planes
    colour = np.ascontiguousarray(colour, dtype=np.float32)
    grey = cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY) if was_colour else colour[:, :, 0].copy()
    height, width = grey.shape
    scale = max(1.0, max(height, width) / WORKING_LONG_SIDE)
    if scale > 1.0:
        size = (max(1, round(width / scale)), max(1, round(height / scale)))
        # INTER_AREA averages whole pixels: no aliasing that could pass for sharp detail.
        working_colour = cv2.resize(colour, size, interpolation=cv2.INTER_AREA)
        working = cv2.cvtColor(working_colour, cv2.COLOR_RGB2GRAY)
    else:
        working_colour, working = colour, grey
    return Planes(colour, grey, working, working_colour, scale, was_colour)


def _to_8_bit_levels(pixels: np.ndarray) -> np.ndarray:
    if pixels.dtype == np.uint8:
        return pixels.astype(np.float32)
    if pixels.dtype == np.uint16:
        return pixels.astype(np.float32) * (255.0 / 65535.0)
    if np.issubdtype(pixels.dtype, np.floating):
        # Float files hold 0-1 by convention; NaN and infinity become black rather than spread.
        finite = np.nan_to_num(pixels.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        return np.clip(finite, 0.0, 1.0) * 255.0
    if pixels.dtype == np.bool_:
        return pixels.astype(np.float32) * 255.0
    info = np.iinfo(pixels.dtype)
    return (pixels.astype(np.float32) - info.min) * (255.0 / (info.max - info.min))
