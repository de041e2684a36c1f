"""Dust: many small, isolated, high-contrast specks on smooth mid-tone areas.

A speck is what a median filter removes (Pratt, "Digital Image Processing", 1978: a median of a
window more than twice a speck's area replaces the speck by its surroundings): the residual
``picture - median`` holds specks, grain and fine texture. A residual piece counts as a dust speck
only when it is

- small and compact: 4-30 px, round-ish, no more than 7 px across (at the working size);
- strong: at least ``MIN_CONTRAST`` levels, and ``GRAIN_RATIO`` times the typical residual
  around it (grain and JPEG ringing stay far below);
- alone, on a smooth, mid-tone background: fur, foliage, text and fabric make many small specks
  side by side, and a bright dot on a near-black background is more often a star or a lamp than
  dust, so both are left out.

The picture is called dusty only when such specks are many (``DUSTY_PER_MEGAPIXEL``). Thresholds
were tuned on specks drawn on the sharp photos of ``shared/data/train_sharp`` with grain and JPEG
(see BENCHMARKS.md, "Photo diagnosis"): precision first, a false "dust" is worse than a miss.
"""

from __future__ import annotations

import numpy as np

MEDIAN_SIDE = 9  # px: removes specks up to ~6 px across (area < half the window)
MIN_CONTRAST = 50.0  # 8-bit levels above (below) the median
GRAIN_RATIO = 20.0  # times the median |residual| around the speck
MIN_AREA, MAX_AREA, MAX_EXTENT = 4, 30, 7  # px at the working size
MIN_FILL = 0.4  # of the bounding box: round-ish, not a stroke
MAX_BACKGROUND_SPREAD = 3.0  # levels: standard deviation of the median-filtered surroundings
BACKGROUND_LEVELS = (30.0, 225.0)  # mid-tones only: not stars on a black sky, not white paper
NEIGHBOURHOOD = 15  # px: the window for "alone" and "typical residual around it"
DUSTY_PER_MEGAPIXEL = 25.0  # specks per working megapixel
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
    # The median |residual| nearby (scaled by 4 to keep quarter levels in uint8).
    typical = cv2.medianBlur(np.clip(np.abs(residual) * 4, 0, 255).astype(np.uint8), NEIGHBOURHOOD)
    typical = typical.astype(np.float32) / 4
    threshold = max(MIN_CONTRAST, 5.0 * noise_sigma)
    specks = 0
    for polarity in (1.0, -1.0):
        marked = ((polarity * residual) > threshold).astype(np.uint8)
        neighbours = cv2.boxFilter(marked.astype(np.float32), -1, (NEIGHBOURHOOD,) * 2, normalize=False)
        count, _, stats, centres = cv2.connectedComponentsWithStats(marked, connectivity=8)
        for index in range(1, count):
            left, top, width, height, area = (int(v) for v in stats[index])
            if not (MIN_AREA <= area <= MAX_AREA and max(width, height) <= MAX_EXTENT):
                continue
            if area < MIN_FILL * width * height:
                continue
            x, y = (int(round(v)) for v in centres[index])
            if neighbours[y, x] > area + 2:  # other marks nearby: texture, not a lone speck
                continue
            if spread[y, x] > MAX_BACKGROUND_SPREAD:
                continue
            if not BACKGROUND_LEVELS[0] <= background[y, x] <= BACKGROUND_LEVELS[1]:
                continue
            box = residual[top : top + height, left : left + width]
            if float((polarity * box).max()) < GRAIN_RATIO * max(float(typical[y, x]), 0.5):
                continue
            specks += 1
    return specks


def is_dusty(specks: int, grey: np.ndarray) -> bool:
    """Enough specks for the working copy's size to call the picture dusty."""
    megapixels = grey.size / 1e6
    return specks >= MIN_SPECKS and specks / max(megapixels, 0.05) >= DUSTY_PER_MEGAPIXEL
