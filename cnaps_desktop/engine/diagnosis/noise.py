"""Noise level in 8-bit levels, from the full-size pixels.

Immerkaer, "Fast noise variance estimation", Computer Vision and Image Understanding 64(2), 1996:
the mask [[1, -2, 1], [-2, 4, -2], [1, -2, 1]] cancels planes and ramps, so what is left is mostly
noise, with gain 6 for white noise. Instead of Immerkaer's mean of absolute values we take the
median (Donoho and Johnstone's MAD, 1994), which edges and texture barely move.
"""

from __future__ import annotations

import numpy as np

_MASK = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)
_MASK_GAIN = 6.0  # sqrt(sum(mask**2)): the mask's gain on white noise
_MAD_TO_SIGMA = 1.4826  # median(|x|) of a unit normal is 0.6745
#: Side of the full-size centre crop measured (a 12 MP photo is not filtered whole).
CROP = 1024


def colour_noise_sigma(colour: np.ndarray) -> float:
    """Noise per colour channel (the usual meaning of "sigma"), the median over R, G and B.

    Luminance averages the channels and so hides about a third of independent channel noise.
    """
    return float(np.median([noise_sigma(colour[:, :, c]) for c in range(colour.shape[2])]))


def noise_sigma(plane: np.ndarray) -> float:
    """Standard deviation of the noise in one plane (8-bit levels), 0.0 for tiny pictures."""
    import cv2

    crop = np.ascontiguousarray(_centre_crop(plane, CROP))
    if min(crop.shape) < 3:
        return 0.0
    residual = cv2.filter2D(crop, cv2.CV_32F, _MASK)[1:-1, 1:-1]
    # Clipped pixels (pure black or white) have no noise left to see; leave them out.
    inside = (crop[1:-1, 1:-1] > 2.0) & (crop[1:-1, 1:-1] < 253.0)
    values = np.abs(residual[inside]) if inside.mean() > 0.05 else np.abs(residual).ravel()
    if values.size == 0:
        return 0.0
    return float(np.median(values) * _MAD_TO_SIGMA / _MASK_GAIN)


def _centre_crop(plane: np.ndarray, side: int) -> np.ndarray:
    height, width = plane.shape
    top, left = max(0, (height - side) // 2), max(0, (width - side) // 2)
    return plane[top : top + side, left : left + side]
