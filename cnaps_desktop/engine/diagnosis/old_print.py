"""Signs of an old print: scratches, dust, faded or cast colours, greyscale.

- Scratches and dust: a morphological white and black top-hat (Serra, "Image Analysis and
  Mathematical Morphology", 1982) keeps only features thinner than its structuring element.
  What stands out by more than a few noise levels is split into connected pieces: long thin
  straight pieces are scratches (the line test Kokaram uses for film scratches, "Detection and
  removal of line scratches in motion picture films", CVPR 1996, done on pieces rather than on
  column profiles), small compact ones are dust specks.
- Faded: the luminance range between the 1st and 99th percentiles is compressed, or the blacks
  are lifted, as in prints whose dyes have aged.
- Colour cast: the grey-world mean (Buchsbaum 1980) of the chroma is far from neutral.
- Greyscale: the chroma hardly varies (a grey or uniformly toned print, such as sepia).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_TOP_HAT_SIDE = 7  # px at the working size: scratches and specks are thinner than this
_MIN_CONTRAST = 12.0  # 8-bit levels a scratch or speck must stand out by, at least
_SCRATCH_MIN_LENGTH = 0.08  # of the long side
_SCRATCH_MAX_WIDTH = 4.0  # px
_DUST_MAX_AREA = 40  # px
_DUST_PER_MEGAPIXEL = 60.0  # specks per working megapixel that read as a dusty scan
_FADED_RANGE = 150.0  # levels between the 1st and 99th luminance percentiles
_FADED_BLACK = 45.0  # a 1st percentile above this is lifted black
_CAST_CHROMA = 10.0  # Lab a*/b* distance of the mean from neutral
_GREY_CHROMA_SPREAD = 3.0  # Lab a*/b* standard deviation of a monochrome picture


@dataclass(frozen=True)
class OldPrintSigns:
    scratches: bool
    scratch_count: int
    dust: bool
    dust_specks: int
    faded: bool
    colour_cast: str | None
    """"yellow", "red", ... when the picture leans that way; None when it is neutral."""
    greyscale: bool


def old_print_signs(colour: np.ndarray, grey: np.ndarray, noise_sigma: float) -> OldPrintSigns:
    """Look for old-print signs in the working copy (``colour`` RGB, ``grey``: 8-bit levels)."""
    scratches, specks = _thin_marks(grey, noise_sigma)
    megapixels = grey.size / 1e6
    greyscale, cast = _colour_facts(colour)
    low, high = np.percentile(grey, [1, 99])
    faded = bool((high - low) < _FADED_RANGE or low > _FADED_BLACK) and high > low + 1
    dust = specks / max(megapixels, 0.05) > _DUST_PER_MEGAPIXEL
    return OldPrintSigns(scratches > 0, scratches, dust, specks, faded, cast, greyscale)


def _thin_marks(grey: np.ndarray, noise_sigma: float) -> tuple[int, int]:
    """(scratch count, dust speck count) in ``grey``."""
    import cv2

    if min(grey.shape) < 4 * _TOP_HAT_SIDE:
        return 0, 0
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_TOP_HAT_SIDE, _TOP_HAT_SIDE))
    bright = cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, element)
    dark = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, element)
    threshold = max(_MIN_CONTRAST, 4.0 * noise_sigma)
    marks = ((np.maximum(bright, dark) > threshold) * 255).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    long_side = max(grey.shape)
    scratches = specks = 0
    for index in range(1, count):
        area = int(stats[index, cv2.CC_STAT_AREA])
        width = int(stats[index, cv2.CC_STAT_WIDTH])
        height = int(stats[index, cv2.CC_STAT_HEIGHT])
        extent = max(width, height)
        if extent >= _SCRATCH_MIN_LENGTH * long_side:
            if _is_thin_line(
                labels[
                    stats[index, 1] : stats[index, 1] + height,
                    stats[index, 0] : stats[index, 0] + width,
                ]
                == index
            ):
                scratches += 1
        elif area <= _DUST_MAX_AREA and extent <= 2 * np.sqrt(area) + 1:
            specks += 1
    return scratches, specks


def _is_thin_line(mask: np.ndarray) -> bool:
    """A piece whose pixels lie along one straight, thin band (min-area rectangle test)."""
    import cv2

    points = cv2.findNonZero(mask.astype(np.uint8))
    (_, _), (side_a, side_b), _ = cv2.minAreaRect(points)
    length, width = max(side_a, side_b), max(1.0, min(side_a, side_b))
    # A mesh of mortar lines or text fills a wide rectangle; a scratch fills a thin one.
    return width <= _SCRATCH_MAX_WIDTH or (length / width >= 15 and len(points) >= 0.5 * length)


def _colour_facts(colour: np.ndarray) -> tuple[bool, str | None]:
    """(greyscale?, colour cast name or None)."""
    import cv2

    small = colour[:: max(1, colour.shape[0] // 256), :: max(1, colour.shape[1] // 256)]
    lab = cv2.cvtColor(np.ascontiguousarray(small / 255.0, dtype=np.float32), cv2.COLOR_RGB2LAB)
    a, b = lab[:, :, 1].ravel(), lab[:, :, 2].ravel()
    greyscale = bool(np.hypot(a.std(), b.std()) < _GREY_CHROMA_SPREAD)
    mean_a, mean_b = float(a.mean()), float(b.mean())
    if np.hypot(mean_a, mean_b) < _CAST_CHROMA:
        return greyscale, None
    return greyscale, _cast_name(mean_a, mean_b)


def _cast_name(a: float, b: float) -> str:
    hue = np.degrees(np.arctan2(b, a)) % 360
    names = (
        (30, "red"),
        (75, "orange"),
        (110, "yellow"),
        (200, "green"),
        (250, "cyan"),
        (300, "blue"),
        (345, "magenta"),
        (360, "red"),
    )
    return next(name for limit, name in names if hue < limit)
