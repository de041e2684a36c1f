"""How sharp a photo looks, without a sharp reference: the yardstick for real blurry photos.

Edge contrast (issue 14's definition): the luma, halved by 2x2 mean down-sampling (so noise and
JPEG blocks weigh less than real edges), forward differences, and the 99th percentile of the
gradient magnitude. The sharp frame of the GoPro pair GOPR0384_11_00 has 2.87 times its blurry
frame's edge contrast, and a Gaussian blur of sigma 1.5 roughly halves a sharp frame's. A
sharpening filter raises it too, so it is read beside PSNR on pairs and a look at the pictures,
never alone.
"""

from __future__ import annotations

import numpy as np

from cnaps_desktop.engine.pixels import to_unit_float

#: ITU-R BT.601 luma weights, as OpenCV's RGB -> grey conversion uses them.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
EDGE_PERCENTILE = 99.0


def luma_levels(pixels: np.ndarray) -> np.ndarray:
    """H x W float32 luma in 8-bit levels (0-255) of grey, grey+alpha, RGB or RGBA pixels."""
    unit = to_unit_float(pixels)
    if unit.ndim == 2:
        return unit * 255.0
    channels = unit.shape[2]
    if channels in (1, 2):
        return unit[:, :, 0] * 255.0
    return unit[:, :, :3] @ (_LUMA * 255.0)


def edge_contrast(pixels: np.ndarray) -> float:
    """The 99th percentile of the luma gradient magnitude at half size, in 8-bit levels."""
    luma = luma_levels(pixels)
    height, width = luma.shape[0] // 2 * 2, luma.shape[1] // 2 * 2
    if height < 4 or width < 4:
        return 0.0
    half = luma[:height, :width].reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
    dx = np.diff(half, axis=1)[:-1, :]
    dy = np.diff(half, axis=0)[:, :-1]
    return float(np.percentile(np.hypot(dx, dy), EDGE_PERCENTILE))


def mean_colour(pixels: np.ndarray) -> np.ndarray:
    """The mean of each colour channel (alpha left out), in 8-bit levels."""
    unit = to_unit_float(pixels)
    if unit.ndim == 2:
        unit = unit[:, :, None]
    colour = unit[:, :, :3] if unit.shape[2] >= 3 else unit[:, :, :1]
    return colour.reshape(-1, colour.shape[2]).mean(axis=0) * 255.0
