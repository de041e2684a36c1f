"""A before and an after picture made comparable: the same size, channels and dtype.

Both sides become H x W x 3 (or H x W x 1 when both are grey) with alpha left out. Two pictures of
the same integer dtype keep it (exact, and no full-size conversion pass: 12 MP pairs stay fast);
any other pair becomes float32 in 0-1. :attr:`MatchedPair.levels_per_value` turns their values
into 8-bit levels, so thresholds such as "more than 2 levels" mean the same for 8-bit, 16-bit and
float files. An upscaler's "after" is larger than its "before": the before is then resized to the
after's size, as a viewer shows the two side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnaps_desktop.engine.errors import ImageError, UnsupportedImageError
from cnaps_desktop.engine.pixels import to_unit_float

_LEVELS_PER_VALUE = {np.dtype(np.uint8): 1.0, np.dtype(np.uint16): 255.0 / 65535.0}


@dataclass(frozen=True, eq=False)
class MatchedPair:
    before: np.ndarray
    after: np.ndarray
    """Same shape and dtype as ``before``: uint8, uint16 or float32 (0-1)."""
    levels_per_value: float
    """8-bit levels per unit of the arrays' values: 1 for uint8, 255/65535 for uint16, 255 for
    float."""


def matched_pair(before: np.ndarray, after: np.ndarray) -> MatchedPair:
    """``before`` and ``after`` as two arrays of one shape and dtype (see the module text)."""
    before_colour, after_colour = colour_planes(before, "before"), colour_planes(after, "after")
    if before_colour.shape[2] != after_colour.shape[2]:  # one grey side: show it as grey RGB
        before_colour = np.repeat(before_colour, 3 // before_colour.shape[2], axis=2)
        after_colour = np.repeat(after_colour, 3 // after_colour.shape[2], axis=2)
    levels_per_value = _LEVELS_PER_VALUE.get(before.dtype)
    if before.dtype != after.dtype or levels_per_value is None:
        before_colour, after_colour = unit_float(before_colour), unit_float(after_colour)
        levels_per_value = 255.0
    before_colour = resized_to(before_colour, after_colour.shape[:2])
    return MatchedPair(before_colour, after_colour, levels_per_value)


def rgb8(pixels: np.ndarray, side: str) -> np.ndarray:
    """H x W x 3 uint8 RGB of any picture the engine reads (grey repeated, alpha left out)."""
    colour = colour_planes(pixels, side)
    if colour.dtype != np.uint8:
        colour = np.rint(eight_bit_levels(colour)).astype(np.uint8)
    return np.ascontiguousarray(np.repeat(colour, 3 // colour.shape[2], axis=2))


def colour_planes(pixels: np.ndarray, side: str) -> np.ndarray:
    """H x W x 1 (grey) or H x W x 3 (RGB) of H x W or H x W x C pixels; alpha is dropped."""
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    if pixels.ndim != 3 or pixels.shape[2] not in (1, 2, 3, 4) or min(pixels.shape[:2]) < 1:
        raise UnsupportedImageError(
            f"The {side} picture has shape {pixels.shape}; expected H x W or H x W x C with "
            "C = 1, 2, 3 or 4."
        )
    return pixels[:, :, :1] if pixels.shape[2] in (1, 2) else pixels[:, :, :3]


def eight_bit_levels(pixels: np.ndarray) -> np.ndarray:
    """float32 in 0-255 (see :func:`unit_float`)."""
    return unit_float(pixels) * np.float32(255.0)


def unit_float(pixels: np.ndarray) -> np.ndarray:
    """float32 in 0-1: integers scaled, floats (0-1 by convention) clipped, NaN as black."""
    try:
        unit = to_unit_float(pixels)
    except ValueError as error:
        raise UnsupportedImageError(
            f"Pixels of type {pixels.dtype} cannot be compared; expected uint8, uint16 or float."
        ) from error
    if pixels.dtype.kind == "f":
        import cv2

        # Shown pictures clip to 0-1; a NaN shows as black. Two passes (nan_to_num takes four).
        unit = np.clip(unit, 0.0, 1.0)
        cv2.patchNaNs(unit, 0.0)
    return unit


def resized_to(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``pixels`` (H x W x C) resized to ``size`` (height, width) when they differ evenly in scale.

    A different aspect ratio is not the same picture: one :class:`ImageError` says so.
    """
    import cv2

    height, width = pixels.shape[:2]
    target_height, target_width = size
    if (height, width) == (target_height, target_width):
        return pixels
    scale = target_height / height
    # Rounding a side to whole pixels can cost one pixel on either picture (one before-pixel is
    # ``scale`` after-pixels), so the width may miss the scaled width by that much.
    if abs(width * scale - target_width) > 1.0 + scale:
        raise ImageError(
            f"The before picture is {width}x{height} px and the after picture "
            f"{target_width}x{target_height} px; expected the same picture at the same size or "
            "scaled evenly (an upscaler's result)."
        )
    # Bicubic to enlarge (as an upscaler's input is usually shown), area averaging to reduce.
    enlarging = target_width * target_height > width * height
    interpolation = cv2.INTER_CUBIC if enlarging else cv2.INTER_AREA
    resized = cv2.resize(pixels, (target_width, target_height), interpolation=interpolation)
    if resized.ndim == 2:  # cv2 drops a single channel
        resized = resized[:, :, None]
    return np.clip(resized, 0.0, 1.0) if resized.dtype.kind == "f" else resized
