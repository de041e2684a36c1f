"""Image quality figures: PSNR and SSIM on float images in [0, 1] (H x W x C).

SSIM is Wang et al.'s (2004) with an 11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03,
computed per channel and averaged, as most deblurring papers report it on RGB.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import cv2
import numpy as np


def _check(a: np.ndarray, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"images differ in size: {a.shape} and {b.shape}")


def psnr(image: np.ndarray, reference: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB; +inf for identical images."""
    _check(image, reference)
    mse = float(np.mean((image.astype(np.float64) - reference.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(1.0 / mse)


def psnr_gain(after: float, before: float) -> float:
    """``after - before`` in dB, with inf - inf (identical before and after) taken as 0 dB."""
    if math.isinf(after) and math.isinf(before) and (after > 0) == (before > 0):
        return 0.0
    return after - before


def mean_gain(pairs: Iterable[tuple[float, float]]) -> float:
    """The mean of the per-pair gains of ``(after, before)`` PSNRs (NaN for no pairs).

    Training's validation and `cnaps-desktop eval` both report this figure, so a pair that is
    identical before and after counts as 0 dB instead of hiding the other pairs' gains."""
    gains = [psnr_gain(after, before) for after, before in pairs]
    return sum(gains) / len(gains) if gains else math.nan


def ssim(image: np.ndarray, reference: np.ndarray) -> float:
    """Structural similarity (1.0 for identical images)."""
    _check(image, reference)
    a = image.astype(np.float64)
    b = reference.astype(np.float64)
    if a.ndim == 2:
        a, b = a[:, :, None], b[:, :, None]
    c1, c2 = 0.01**2, 0.03**2
    scores = []
    for channel in range(a.shape[2]):
        x, y = a[:, :, channel], b[:, :, channel]

        def blur(z: np.ndarray) -> np.ndarray:
            return cv2.GaussianBlur(z, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)

        mx, my = blur(x), blur(y)
        vx = blur(x * x) - mx * mx
        vy = blur(y * y) - my * my
        cxy = blur(x * y) - mx * my
        score = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
        scores.append(float(score.mean()))
    return float(np.mean(scores))
