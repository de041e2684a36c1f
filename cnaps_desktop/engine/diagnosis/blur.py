"""Blur kind, amount and, for motion blur, its direction and length: no reference needed.

Three established no-reference measures on the reduced grey copy:

- **How blurred** (sharp or not): the slope of the radially averaged power spectrum. Sharp natural
  photos fall off close to 1/f^2 (Field, "Relations between the statistics of natural images and
  the response properties of cortical cells", JOSA A 4(12), 1987); blur of any kind steepens it,
  which Liu, Li and Jia use as their first blur feature ("Image partial blur detection and
  classification", CVPR 2008). The noise floor, flat in the spectrum, is taken off first, so
  noise does not pass for detail.
- **Motion or out of focus**: how unevenly the blur attenuates the spectrum by orientation. Motion
  blur, straight or curved camera shake, attenuates high frequencies along the motion much more
  than across it; defocus attenuates them alike in every direction. A photo's own structure
  (mortar, branches, horizons) is anisotropic too, but natural images fall off at about the same
  rate in every orientation (Field 1987, above), so per orientation we take the ratio of
  high-band (0.10-0.25 cycles/px) to low-band (0.03-0.06) power, which cancels the scene's own
  orientation to first order; the spread of that log-ratio over 12 orientations is the blur's
  anisotropy. (The gradient structure tensor used for this before keeps the scene's
  anisotropy, so defocused real photos read as motion.)
- **Motion direction**: the direction of least gradient energy of the structure tensor
  (Yitzhaky and Kopeika, "Identification of blur parameters from motion blurred images",
  Graphical Models and Image Processing 59(5), 1997).
- **Motion length**: Yitzhaky and Kopeika's autocorrelation of the derivative along the motion:
  a blur of L pixels makes the derivative the difference of two copies L apart, so the
  autocorrelation falls to its minimum at lag L.

Angles are in degrees counter-clockwise from the horizontal as the photo is seen, 0-180 (a blur
streak has no arrow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

BlurKind = Literal["sharp", "motion", "defocus"]

# Thresholds. The slope was tuned on synthetic dead-leaves pictures (tests/engine/
# test_diagnosis.py makes them): sharp pictures gave spectral slopes of -2.7 to -2.9, any blur
# of 3 px or more -3.4 or steeper. The spectral anisotropy was tuned on the sharp photos of
# shared/data/train_sharp blurred by the training synthesis (curved camera shake and random-walk
# kernels of 8-40 px against defocus discs of radius 2-6): shake gave a median of 0.67 (10th
# percentile 0.37), defocus 0.28 (90th percentile 0.55). See BENCHMARKS.md, "Photo diagnosis".
SHARP_SLOPE = -3.15
SLOPE_MARGIN = 0.35
MOTION_SPECTRAL_ANISOTROPY = 0.45
SPECTRAL_ANISOTROPY_MARGIN = 0.25
_ORIENTATIONS = 12
_LOW_BAND = (0.03, 0.06)  # cycles per pixel
_HIGH_BAND = (0.10, 0.25)
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
    """Of the gradient structure tensor, 0-1 (the scene's structure counts in it too)."""
    spectral_anisotropy: float = 0.0
    """Spread of the high-to-low band power ratio over orientations, log10 units."""


def measure_blur(working: np.ndarray, scale: float, noise_sigma: float) -> BlurFinding:
    """Judge the blur of ``working`` (grey, 8-bit levels); lengths come back in full-size px.

    ``noise_sigma`` is the noise of ``working`` itself (8-bit levels), taken off the spectrum.
    """
    plane = _centre_square(working, ANALYSIS_SIDE)
    spectrum = PowerSpectrum.of(plane, noise_sigma)
    slope = spectral_slope(spectrum)
    spread = spectral_anisotropy(spectrum)
    direction, anisotropy = structure_tensor_direction(plane)
    sharp_margin = (slope - SHARP_SLOPE) / SLOPE_MARGIN
    if sharp_margin >= 0:
        confidence = _confidence(sharp_margin)
        return BlurFinding("sharp", confidence, None, None, slope, anisotropy, spread)
    kind_margin = (spread - MOTION_SPECTRAL_ANISOTROPY) / SPECTRAL_ANISOTROPY_MARGIN
    confidence = min(_confidence(sharp_margin), _confidence(kind_margin))
    if kind_margin < 0:
        return BlurFinding("defocus", confidence, None, None, slope, anisotropy, spread)
    length = motion_length(plane, direction) * scale
    return BlurFinding(
        "motion", confidence, round(direction, 1), round(length, 1), slope, anisotropy, spread
    )


@dataclass(frozen=True)
class PowerSpectrum:
    """The windowed power spectrum of a plane with the noise floor taken off (rfft layout)."""

    power: np.ndarray
    radius: np.ndarray
    """Frequency, cycles per pixel."""
    orientation: np.ndarray
    """Direction of the frequency vector, degrees 0-180."""

    @classmethod
    def of(cls, plane: np.ndarray, noise_sigma: float) -> PowerSpectrum:
        height, width = plane.shape
        window = np.outer(np.hanning(height), np.hanning(width)).astype(np.float32)
        spectrum = np.fft.rfft2((plane - plane.mean()) * window)
        power = spectrum.real**2 + spectrum.imag**2
        # White noise of variance s^2 adds s^2 * sum(window^2) to every frequency of the power.
        power -= noise_sigma**2 * float((window**2).sum())
        fy = np.fft.fftfreq(height)[:, None]
        fx = np.fft.rfftfreq(width)[None, :]
        orientation = np.degrees(np.arctan2(fy, fx)) % 180.0
        return cls(power, np.hypot(fx, fy), orientation)


def spectral_slope(spectrum: PowerSpectrum) -> float:
    """Slope of log power over log frequency between 0.04 and 0.42 cycles/px (-2: sharp)."""
    power = spectrum.power
    band = np.digitize(spectrum.radius, _BANDS) - 1
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


def spectral_anisotropy(spectrum: PowerSpectrum) -> float:
    """How unevenly blur attenuates orientations: the spread (max - min, log10) over 12
    orientations of high-band over low-band power. About 0.3 for defocus or none, 0.5-1.2 for
    motion blur and camera shake."""
    sector = (spectrum.orientation * (_ORIENTATIONS / 180.0)).astype(np.intp) % _ORIENTATIONS
    means = []
    for low, high in (_LOW_BAND, _HIGH_BAND):
        inside = (spectrum.radius >= low) & (spectrum.radius < high)
        total = np.bincount(sector[inside], spectrum.power[inside], _ORIENTATIONS)
        count = np.bincount(sector[inside], minlength=_ORIENTATIONS)
        # Below the noise floor the power is unknown: a small positive floor reads as "gone".
        means.append(np.maximum(total / np.maximum(count, 1), 1e-3))
    ratio = np.log10(means[1] / means[0])
    # Neighbouring orientations averaged (circularly): one noisy sector does not make a motion.
    smooth = (np.roll(ratio, 1) + 2 * ratio + np.roll(ratio, -1)) / 4
    return float(smooth.max() - smooth.min())


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
