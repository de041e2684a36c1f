"""Tone and colour of an aged print: faded, a colour cast, greyscale.

- **Faded**: a print whose dyes have aged has no true black left anywhere, a compressed tonal
  range and weak colours. Three tests, all needed:
  the *dark channel* (He, Sun and Tang, "Single image haze removal using dark channel prior",
  CVPR 2009: the minimum over R, G, B and a 15 px patch) is lifted in 90 % of the picture: real
  scenes have a dark or saturated pixel in nearly every patch, even bright ones; the luminance
  range between the 1st and 99th percentiles is compressed; and the colours are weak but present.
  A picture with no colour at all (a grey file) cannot tell a faded print from a misty or
  low-contrast subject, so it is never called faded.
- **Colour cast**: the grey-world mean (Buchsbaum, "A spatial processor model for object colour
  perception", J. Franklin Inst. 310(1), 1980) of the chroma in CIELAB, named only where the
  picture's own colours cannot explain it: on a faded print, or on a monochrome (toned) one, whose
  pixels are all near-neutral. On a colourful photo a warm or blue scene cannot be told from a
  cast by these statistics (Gasparini and Schettini, "Color balancing of digital photos using
  simple image statistics", Pattern Recognition 37(6), 2004, call these "intrinsic" casts), so
  none is named.
- **Greyscale**: the chroma hardly varies (a grey or uniformly toned print, such as sepia).

Thresholds were tuned on synthetic aged prints made from ``shared/data/train_sharp`` (see
BENCHMARKS.md, "Photo diagnosis").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DARK_PATCH = 15  # px: the dark channel's patch
FADED_DARK = 40.0  # 8-bit levels: the dark channel's 10th percentile above this is lifted
FADED_RANGE = 160.0  # levels between the 1st and 99th luminance percentiles, at most
FADED_COLOUR = (3.0, 25.0)  # CIELAB chroma, 90th percentile: weak but present colour
CAST_CHROMA = 6.0  # CIELAB a*/b* distance of the grey-world mean from neutral
TONED_SPREAD = 4.0  # CIELAB a*/b* standard deviation of a monochrome (toned) picture
GREY_CHROMA_SPREAD = 3.0  # CIELAB a*/b* standard deviation of a greyscale picture
_SAMPLE_SIDE = 256  # the colour statistics read about this many pixels per side


@dataclass(frozen=True)
class Tone:
    faded: bool
    colour_cast: str | None
    """"yellow", "red", ... when a cast can be told from the scene's colours; else None."""
    greyscale: bool


def tone_of(colour: np.ndarray, grey: np.ndarray) -> Tone:
    """Judge ``colour`` (RGB) and ``grey`` (the same picture's luminance), 8-bit levels."""
    import cv2

    step = max(1, min(colour.shape[:2]) // _SAMPLE_SIDE)
    small = np.ascontiguousarray(colour[::step, ::step] / 255.0, dtype=np.float32)
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).reshape(-1, 3)
    lightness, a, b = lab[:, 0], lab[:, 1], lab[:, 2]
    chroma = np.hypot(a, b)
    spread = float(np.hypot(a.std(), b.std()))
    greyscale = spread < GREY_CHROMA_SPREAD
    faded = _faded(colour, grey, float(np.percentile(chroma, 90)))
    # Grey world over the mid-tones: near-black and near-white pixels carry little colour.
    mid = (lightness > 15) & (lightness < 95)
    if mid.sum() < 100:
        mid = np.ones_like(lightness, dtype=bool)
    mean_a, mean_b = float(a[mid].mean()), float(b[mid].mean())
    print_like = faded or float(np.hypot(a[mid].std(), b[mid].std())) <= TONED_SPREAD
    cast = None
    if print_like and np.hypot(mean_a, mean_b) >= CAST_CHROMA:
        cast = cast_name(mean_a, mean_b)
    return Tone(faded, cast, greyscale)


def _faded(colour: np.ndarray, grey: np.ndarray, colourfulness: float) -> bool:
    import cv2

    if not FADED_COLOUR[0] <= colourfulness <= FADED_COLOUR[1]:
        return False
    kernel = np.ones((DARK_PATCH, DARK_PATCH), np.uint8)
    dark_channel = cv2.erode(colour.min(axis=2), kernel)
    if float(np.percentile(dark_channel, 10)) < FADED_DARK:
        return False
    low, high = np.percentile(grey, [1, 99])
    return bool(high - low <= FADED_RANGE)


def cast_name(a: float, b: float) -> str:
    """The colour a CIELAB a*/b* direction looks like."""
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
