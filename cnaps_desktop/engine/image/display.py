"""Screen-ready copies of an image: 8-bit RGB at full size plus halved levels (a pyramid).

The compare view paints from these, choosing the level nearest above the zoom, so a 24 MP photo
zoomed to fit is drawn from a copy of about the window's size and no repaint ever converts the
full-size pixels. Built once per image on a worker thread; the GUI only wraps the arrays.
"""

from __future__ import annotations

import cv2
import numpy as np

from cnaps_desktop.engine.pixels import Box, from_unit_float, to_unit_float

SMALLEST_LEVEL_SIDE = 256
"""Stop halving once the longer side of a level is below this."""


def to_display_rgb8(pixels: np.ndarray) -> np.ndarray:
    """Any image array the engine reads (grey, RGB, RGBA; uint8, uint16, float) -> RGB uint8.

    Alpha is composited over mid grey so transparent areas stay visible in light and dark themes.
    """
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] not in (1, 3, 4)):
        raise ValueError(f"expected an HxW or HxWxC image with C in 1/3/4, got {pixels.shape}")
    unit = to_unit_float(pixels) if pixels.dtype != np.uint8 else None
    if pixels.ndim == 2 or pixels.shape[2] == 1:
        grey = pixels.reshape(pixels.shape[0], pixels.shape[1])
        grey8 = grey if unit is None else _unit_to_uint8(unit.reshape(grey.shape))
        return np.ascontiguousarray(np.repeat(grey8[:, :, None], 3, axis=2))
    if pixels.shape[2] == 4:
        values = unit if unit is not None else to_unit_float(pixels)
        alpha = values[:, :, 3:4]
        rgb = values[:, :, :3] * alpha + 0.5 * (1.0 - alpha)
        return _unit_to_uint8(rgb)
    rgb8 = pixels if unit is None else _unit_to_uint8(unit)
    return np.ascontiguousarray(rgb8)


def display_levels(pixels: np.ndarray) -> list[np.ndarray]:
    """Level 0 is the full-size RGB uint8 copy; each next level is half the size (area filter)."""
    return pyramid_from_rgb8(to_display_rgb8(pixels))


def pyramid_from_rgb8(rgb8: np.ndarray) -> list[np.ndarray]:
    levels = [rgb8]
    while max(levels[-1].shape[:2]) >= 2 * SMALLEST_LEVEL_SIDE:
        previous = levels[-1]
        height, width = previous.shape[:2]
        size = (max(1, width // 2), max(1, height // 2))
        levels.append(cv2.resize(previous, size, interpolation=cv2.INTER_AREA))
    return levels


def paste_region(base_rgb8: np.ndarray, region: np.ndarray, box: Box) -> list[np.ndarray]:
    """The pyramid of ``base_rgb8`` with ``region`` (any engine dtype) pasted into ``box``.

    ``box`` is (left, top, right, bottom) in ``base_rgb8``'s pixels; a region of another size (an
    upscaler's output) is resized to fit the box, since it is only shown as a preview.
    """
    left, top, right, bottom = box
    patch = to_display_rgb8(region)
    width, height = right - left, bottom - top
    if patch.shape[:2] != (height, width):
        patch = cv2.resize(patch, (width, height), interpolation=cv2.INTER_AREA)
    composite = base_rgb8.copy()
    composite[top:bottom, left:right] = patch
    return pyramid_from_rgb8(composite)


def _unit_to_uint8(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(from_unit_float(values, np.uint8))
