"""Dust: many small, isolated, high-contrast specks on smooth mid-tone areas.

A speck is what a median filter removes (Pratt, "Digital Image Processing", 1978: a median of a
window more than twice a speck's area replaces the speck by its surroundings): the residual
``picture - median`` holds specks, grain and fine texture. A residual piece counts as a dust speck
only when it is

- small and compact: 4-30 px, round-ish, no more than 7 px across (at the working size);
- strong: a peak of at least ``MIN_CONTRAST`` levels, and ``GRAIN_RATIO`` times the typical residual
  around it (grain and JPEG ringing stay far below);
- alone, on a smooth, mid-tone background: fur, foliage, text and fabric make many small specks
  side by side, and a bright dot on a background near the picture's own black is more often a
  star or a lamp than dust, so both are left out.

The picture is called dusty only when such specks are many (``DUSTY_PER_MEGAPIXEL``). Thresholds
were tuned on specks drawn on the sharp photos of ``shared/data/train_sharp`` with grain and JPEG
(see BENCHMARKS.md, "Photo diagnosis"): precision first, a false "dust" is worse than a miss.
"""

from __future__ import annotations

import numpy as np

MEDIAN_SIDE = 9  # px: removes specks up to ~6 px across (area < half the window)
MARK_CONTRAST = 18.0  # 8-bit levels above (below) the median that mark a speck's pixels
MIN_CONTRAST = 50.0  # levels: a speck's peak, at least
GRAIN_RATIO = 20.0  # times the median |residual| around the speck
MIN_AREA, MAX_AREA, MAX_EXTENT = 4, 30, 7  # px at the working size
MIN_FILL = 0.4  # of the bounding box: round-ish, not a stroke
MAX_BACKGROUND_SPREAD = 3.0  # levels: standard deviation of the median-filtered surroundings
BACKGROUND_LEVELS = (30.0, 225.0)  # mid-tones only: not stars on a black sky, not white paper
#: Levels above the picture's own black (2nd percentile) a background must sit: a faded
#: print's black is grey, and lamps or stars on it are not dust either.
BLACK_MARGIN = 25.0
NEIGHBOURHOOD = 15  # px: the window for "alone" and "typical residual around it"
DUSTY_PER_MEGAPIXEL = 20.0  # specks per working megapixel
MIN_SPECKS = 10


def count_specks(grey: np.ndarray, noise_sigma: float) -> int:
    """How many dust specks ``grey`` (8-bit levels, the working copy) shows."""
    import cv2

    if min(grey.shape) < 4 * NEIGHBOURHOOD:
        return 0
    levels = np.clip(grey + 0.5, 0, 255).astype(np.uint8)
    background = cv2.medianBlur(levels, MEDIAN_SIDE).astype(np.float32)
    residual = grey - background
    mean = cv2.blur(background, (9, 9))
    spread = np.sqrt(np.maximum(cv2.blur(background * background, (9, 9)) - mean * mean, 0.0))
    threshold = max(MARK_CONTRAST, 5.0 * noise_sigma)
    black = float(np.percentile(grey[::4, ::4], 2))
    darkest = max(BACKGROUND_LEVELS[0], black + BLACK_MARGIN)
    specks = 0
    for polarity in (1.0, -1.0):
        signed = polarity * residual
        marked = (signed > threshold).astype(np.uint8)
        count, labels, stats, centres = cv2.connectedComponentsWithStats(marked, connectivity=8)
        area = stats[1:, cv2.CC_STAT_AREA]
        width, height = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
        x = np.rint(centres[1:, 0]).astype(np.intp)
        y = np.rint(centres[1:, 1]).astype(np.intp)
        neighbours = cv2.boxFilter(marked, cv2.CV_32F, (NEIGHBOURHOOD,) * 2, normalize=False)
        candidate = (
            (area >= MIN_AREA)
            & (area <= MAX_AREA)
            & (np.maximum(width, height) <= MAX_EXTENT)
            & (area >= MIN_FILL * width * height)
            # Other marks nearby: texture, not a lone speck.
            & (neighbours[y, x] <= area + 2)
            & (spread[y, x] <= MAX_BACKGROUND_SPREAD)
            & (background[y, x] >= darkest)
            & (background[y, x] <= BACKGROUND_LEVELS[1])
        )
        peaks = _peaks(signed, labels, count)[1:]
        for index in np.nonzero(candidate & (peaks >= MIN_CONTRAST))[0]:
            typical = _typical_residual(residual, int(x[index]), int(y[index]))
            specks += int(peaks[index] >= GRAIN_RATIO * max(typical, 0.5))
    return specks


def _typical_residual(residual: np.ndarray, x: int, y: int) -> float:
    """The median |residual| in the neighbourhood of (x, y): grain, ringing and fine texture."""
    half = NEIGHBOURHOOD // 2
    window = residual[max(0, y - half) : y + half + 1, max(0, x - half) : x + half + 1]
    return float(np.median(np.abs(window)))


def _peaks(values: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """The largest of ``values`` in each labelled piece (index 0, the background, included)."""
    peaks = np.full(count, -np.inf, np.float32)
    inside = labels > 0
    np.maximum.at(peaks, labels[inside], values[inside])
    return peaks


def is_dusty(specks: int, grey: np.ndarray) -> bool:
    """Enough specks for the working copy's size to call the picture dusty."""
    megapixels = grey.size / 1e6
    return specks >= MIN_SPECKS and specks / max(megapixels, 0.05) >= DUSTY_PER_MEGAPIXEL
