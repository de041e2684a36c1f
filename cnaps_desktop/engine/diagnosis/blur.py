"""Blur kind, amount and, for motion blur, its direction and length: no reference needed.

Three established no-reference measures on the reduced grey copy:

- **How blurred** (sharp or not): the slope of the radially averaged power spectrum. Sharp natural
  photos fall off close to 1/f^2 (Field, "Relations between the statistics of natural images and
  the response properties of cortical cells", JOSA A 4(12), 1987); blur of any kind steepens it,
  which Liu, Li and Jia use as their first blur feature ("Image partial blur detection and
  classification", CVPR 2008). The noise floor, flat in the spectrum, is taken off first, so
  noise does not pass for detail.
- **Motion or out of focus**: the anisotropy of the gradient structure tensor. Linear motion blur
  removes gradient energy along the motion only, defocus removes it in every direction; the
  direction with the least energy is the motion direction (Yitzhaky and Kopeika, "Identification
  of blur parameters from motion blurred images", Graphical Models and Image Processing 59(5),
  1997).
- **Motion length**: Yitzhaky and Kopeika's autocorrelation of the derivative along the motion:
  a blur of L pixels makes the derivative the difference of two copies L apart, so the
  autocorrelation falls to its minimum at lag L.
- **Edge width**, a second opinion (Marziliano, Dufaux, Winkler and Ebrahimi, "A no-reference
  perceptual blur metric", ICIP 2002): the width of the sharpest edges, per edge orientation,
  taken as local contrast over peak gradient (exact for a ramp). A phone's defocused photo can
  keep a flat spectrum (processing and JPEG put power in the high bands) while every edge in it is
  wide; motion widens only the edges across the motion, defocus all of them. So a "sharp" call
  whose edges are all wide, or wide across one direction only, becomes defocus or motion, and a
  "motion" call whose edges are equally wide every way becomes defocus.

Angles are in degrees counter-clockwise from the horizontal as the photo is seen, 0-180 (a blur
streak has no arrow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

BlurKind = Literal["sharp", "motion", "defocus"]

# Thresholds, tuned on synthetic dead-leaves pictures only (tests/engine/test_diagnosis.py makes
# them): sharp pictures gave spectral slopes of -2.7 to -2.9, any blur of 3 px or more -3.4 or
# steeper; motion blur of 8 px or more gave anisotropy 0.34-0.75, defocus 0.01-0.15.
SHARP_SLOPE = -3.15
SLOPE_MARGIN = 0.35
MOTION_ANISOTROPY = 0.25
ANISOTROPY_MARGIN = 0.15
# Edge widths (px of the working copy; the 20th percentile of each orientation's edges). Tuned on
# train_sharp blurred by the training synthesis (tools/measure_diagnosis.py --only blur, draw 0):
# with these the blur table went from 201 to 232 right of 309, and 229 for draw 1 against 197.
WIDE_EDGES = 7.5  # the narrowest orientation's edges this wide: blurred every way
WIDE_ONE_WAY = 9.5  # the widest orientation's edges this wide ...
ONE_WAY_RATIO = 1.6  # ... and this much wider than the narrowest: motion
EVEN_RATIO = 1.2  # "motion" with edges as wide every way as this: defocus
EDGE_CONTEXT = 12  # px each side for an edge's local contrast
MIN_EDGES = 50  # fewer edges than this in an orientation: no opinion
#: The largest square of the working copy that is analysed (one FFT).
ANALYSIS_SIDE = 1024
MAX_LAG = 120
_BANDS = np.geomspace(0.04, 0.42, 9)  # cycles per pixel; above 0.42 demosaicing and JPEG rule


@dataclass(frozen=True)
class BlurFinding:
    kind: BlurKind
    confidence: float
    direction_deg: float | None
    length_px: float | None
    """In full-size pixels."""
    spectral_slope: float
    anisotropy: float
    edge_widths: tuple[float, float] | None = None
    """(narrowest, widest) orientation's edge width in working-copy px; None: too few edges."""


def measure_blur(working: np.ndarray, scale: float, noise_sigma: float) -> BlurFinding:
    """Judge the blur of ``working`` (grey, 8-bit levels); lengths come back in full-size px.

    ``noise_sigma`` is the noise of ``working`` itself (8-bit levels), taken off the spectrum.
    """
    plane = _centre_square(working, ANALYSIS_SIDE)
    slope = spectral_slope(plane, noise_sigma)
    direction, anisotropy = structure_tensor_direction(plane)
    widths = edge_widths(plane, noise_sigma)
    sharp_margin = (slope - SHARP_SLOPE) / SLOPE_MARGIN
    kind_margin = (anisotropy - MOTION_ANISOTROPY) / ANISOTROPY_MARGIN
    if sharp_margin >= 0:
        kind, confidence = _edges_overrule_sharp(widths)
        if kind is None:
            return BlurFinding(
                "sharp", _confidence(sharp_margin), None, None, slope, anisotropy, widths
            )
    else:
        kind = "defocus" if kind_margin < 0 else "motion"
        confidence = min(_confidence(sharp_margin), _confidence(kind_margin))
        if kind == "motion" and widths is not None and widths[1] < EVEN_RATIO * widths[0]:
            kind, confidence = "defocus", _confidence(1 - widths[1] / (EVEN_RATIO * widths[0]))
    if kind == "defocus":
        return BlurFinding("defocus", confidence, None, None, slope, anisotropy, widths)
    length = motion_length(plane, direction) * scale
    return BlurFinding(
        "motion", confidence, round(direction, 1), round(length, 1), slope, anisotropy, widths
    )


def _edges_overrule_sharp(
    widths: tuple[float, float] | None,
) -> tuple[BlurKind | None, float]:
    """A flat spectrum said sharp; edges wide every way say defocus, wide one way say motion."""
    if widths is None:
        return None, 0.0
    narrowest, widest = widths
    one_way = widest >= ONE_WAY_RATIO * narrowest
    if narrowest > WIDE_EDGES:
        return ("motion" if one_way else "defocus"), _confidence(narrowest / WIDE_EDGES - 1)
    if widest > WIDE_ONE_WAY and one_way:
        return "motion", _confidence(widest / WIDE_ONE_WAY - 1)
    return None, 0.0


def edge_widths(plane: np.ndarray, noise_sigma: float) -> tuple[float, float] | None:
    """(narrowest, widest) of the four edge orientations' 20th-percentile edge widths, in px."""
    import cv2

    smooth = cv2.GaussianBlur(plane.astype(np.float32), (0, 0), 0.7)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 8  # levels per pixel
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 8
    magnitude = np.hypot(gx, gy)
    window = np.ones((2 * EDGE_CONTEXT + 1,) * 2, np.uint8)
    contrast = cv2.dilate(smooth, window) - cv2.erode(smooth, window)
    # Edge pixels: local maxima of the gradient with enough contrast to stand above the noise.
    peaks = magnitude >= cv2.dilate(magnitude, np.ones((3, 3), np.uint8))
    edges = peaks & (contrast > max(20.0, 8 * noise_sigma)) & (magnitude > 0.05 * contrast)
    width = contrast[edges] / np.maximum(magnitude[edges], 1e-6)
    angle = np.degrees(np.arctan2(gy[edges], gx[edges])) % 180
    per_orientation = []
    for centre in (0, 45, 90, 135):
        chosen = width[((angle - centre + 22.5) % 180) < 45]
        if chosen.size < MIN_EDGES:
            return None
        per_orientation.append(float(np.percentile(chosen, 20)))
    return round(min(per_orientation), 2), round(max(per_orientation), 2)


def spectral_slope(plane: np.ndarray, noise_sigma: float) -> float:
    """Slope of log power over log frequency between 0.04 and 0.42 cycles/px (-2: sharp)."""
    height, width = plane.shape
    window = np.outer(np.hanning(height), np.hanning(width)).astype(np.float32)
    spectrum = np.fft.rfft2((plane - plane.mean()) * window)
    power = spectrum.real**2 + spectrum.imag**2
    # White noise of variance s^2 adds s^2 * sum(window^2) to every frequency of the power.
    power -= noise_sigma**2 * float((window**2).sum())
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    band = np.digitize(np.hypot(fx, fy), _BANDS) - 1
    inside = (band >= 0) & (band < len(_BANDS) - 1)
    count = np.bincount(band[inside], minlength=len(_BANDS) - 1)
    total = np.bincount(band[inside], power[inside], minlength=len(_BANDS) - 1)
    mean = total / np.maximum(count, 1)
    # Below the noise floor the power is unknown; 1e-4 of the lowest band keeps the log finite
    # and reads as "no detail left" (a steep slope), which is what it means.
    level = np.log10(np.maximum(mean, 1e-4 * max(float(mean[0]), 1e-9)))
    frequency = np.log10(np.sqrt(_BANDS[:-1] * _BANDS[1:]))
    centred = frequency - frequency.mean()
    return float(((level - level.mean()) * centred).sum() / (centred**2).sum())


def structure_tensor_direction(plane: np.ndarray) -> tuple[float, float]:
    """(direction of least gradient energy in degrees, anisotropy 0-1) of ``plane``."""
    import cv2

    # A slight pre-blur keeps pixel noise, which is isotropic, from drowning the blur's signal.
    smooth = cv2.GaussianBlur(plane, (0, 0), 0.7)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = -cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)  # y up, as the photo is seen
    xx, xy, yy = float((gx * gx).mean()), float((gx * gy).mean()), float((gy * gy).mean())
    values, vectors = np.linalg.eigh(np.array([[xx, xy], [xy, yy]]))
    if values[1] <= 1e-9:
        return 0.0, 0.0
    least = vectors[:, 0]
    direction = float(np.degrees(np.arctan2(least[1], least[0])) % 180.0)
    return direction, float(1.0 - values[0] / values[1])


def motion_length(plane: np.ndarray, direction_deg: float) -> float:
    """Blur length in ``plane``'s pixels along ``direction_deg`` (Yitzhaky and Kopeika 1997)."""
    import cv2

    height, width = plane.shape
    # Turn the picture so the motion runs along the rows (cv2 angles are counter-clockwise).
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), -direction_deg, 1.0)
    rows = cv2.warpAffine(
        plane, turn, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
    margin = int(0.15 * min(height, width))  # the corners turned in from outside are mirrored
    rows = rows[margin : height - margin, margin : width - margin]
    derivative = np.diff(rows, axis=1)
    count = derivative.shape[1]
    spectrum = np.fft.rfft(derivative, n=2 * count, axis=1)  # padded: no wrap-around
    correlation = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, axis=1).mean(axis=0)
    lags = min(MAX_LAG, count // 2)
    correlation = correlation[: lags + 1] / max(float(correlation[0]), 1e-9)
    return float(_first_minimum(correlation))


def _first_minimum(correlation: np.ndarray) -> int:
    """The lag where the falling autocorrelation stops falling, after it first goes negative."""
    negative = np.nonzero(correlation[1:] < 0)[0]
    if negative.size == 0:
        return len(correlation) - 1  # longer than we can see: report the longest we can
    start = int(negative[0]) + 1
    tail = correlation[start:]
    depth = float(correlation[0] - tail.min())
    # The fall flattens at the blur length; 1% of the whole fall per lag counts as flat.
    for lag in range(start, len(correlation) - 1):
        if correlation[lag + 1] >= correlation[lag] - 0.01 * depth:
            return lag
    return start + int(np.argmin(tail))


def _confidence(margin: float) -> float:
    """0.5 on a threshold, rising to 1.0 one margin away."""
    return round(0.5 + 0.5 * min(1.0, abs(margin)), 2)


def _centre_square(plane: np.ndarray, side: int) -> np.ndarray:
    height, width = plane.shape
    top, left = max(0, (height - side) // 2), max(0, (width - side) // 2)
    return np.ascontiguousarray(plane[top : top + side, left : left + side])
