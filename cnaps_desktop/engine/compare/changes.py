"""What the model changed: a heat map of |after - before|, the share of pixels it moved, and how
much sharper (or smoother) the result is.

Everything is measured in 8-bit levels (0-255), whatever the files hold. A pixel "changed" when
one of its channels moved by more than :data:`CHANGE_THRESHOLD` levels: JPEG round trips and
dithering move pixels by a level or two, which no eye sees. Sharpness is the variance of the
Laplacian of the luma (Pech-Pacheco et al. 2000, "Diatom autofocusing in brightfield
microscopy: a comparative study"); it also rises with noise, so the sentence names the measure.

Every step is one OpenCV pass over the full-size pictures, with no reduced copy: a 12 MP 8-bit
pair takes about 0.6 s on a busy 2-core CPU (BENCHMARKS.md), so the share counts every pixel and
the sharpness ratio is that of the pictures as shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cnaps_desktop.engine.compare.pair import matched_pair

#: A channel must move by more than this many 8-bit levels for its pixel to count as changed.
CHANGE_THRESHOLD = 2.0
#: Below this share of changed pixels the sentence says that almost nothing changed.
ALMOST_NOTHING_SHARE = 0.01
#: Opacity (0-255) of the heat map where a pixel changed; the picture stays visible beneath.
OVERLAY_ALPHA = 200
#: The top of the colour scale is the smallest of these that holds 99% of the changed pixels, so
#: the legend reads in round numbers and a few extreme pixels do not wash out the rest.
SCALE_TOPS = (8.0, 16.0, 32.0, 64.0, 128.0, 255.0)
#: The colour scale starts this far into the inferno table: its first entries are near black and
#: would not show on a dark photo.
_FIRST_COLOUR = 48
_FLAT_VARIANCE = 1e-6
#: 8-bit levels a float difference may exceed the threshold by and still not count: (a + 2) / 255
#: - a / 255 is a hair above 2 / 255 for some a, and must not count where 8-bit would not.
_ROUNDING_SLACK = 1e-3


@dataclass(frozen=True)
class LegendStop:
    """One colour of the heat map and the change it stands for."""

    level: float
    """|after - before| in 8-bit levels (the largest over the channels)."""
    colour: tuple[int, int, int]
    """RGB, 0-255."""


@dataclass(frozen=True, eq=False)
class ChangeMap:
    """What the model changed, for the "What changed" overlay and the run facts."""

    overlay: np.ndarray
    """H x W x 4 uint8 RGBA at the after picture's size: the inferno colour of each pixel's change,
    with alpha 0 (transparent) where it moved by :data:`CHANGE_THRESHOLD` levels or less."""
    legend: tuple[LegendStop, ...]
    """Colours from the smallest counted change up to the top of the scale; the last colour also
    stands for every larger change."""
    changed_share: float
    """Share (0-1) of pixels that moved by more than :data:`CHANGE_THRESHOLD` levels."""
    sharpness_before: float
    """Laplacian variance of the before picture's luma (at the after picture's size)."""
    sharpness_after: float
    sentence: str
    """One line for the run facts, e.g. "Changed: 18% of pixels by more than 2 levels; sharpness
    x1.6 (Laplacian variance)"."""

    @property
    def sharpness_ratio(self) -> float | None:
        """After over before; None when the before picture is flat (no detail to compare)."""
        return _sharpness_ratio(self.sharpness_before, self.sharpness_after)

    @property
    def almost_nothing_changed(self) -> bool:
        return self.changed_share < ALMOST_NOTHING_SHARE


def change_map(before: np.ndarray, after: np.ndarray) -> ChangeMap:
    """Compare ``before`` and ``after`` (H x W or H x W x C; uint8, uint16 or float 0-1).

    Alpha is left out. An upscaler's smaller before is resized to the after's size first (see
    :func:`~cnaps_desktop.engine.compare.pair.matched_pair`); pictures of different aspect
    ratios raise one :class:`~cnaps_desktop.engine.errors.ImageError`.
    """
    import cv2

    pair = matched_pair(before, after)
    # The arrays keep their own scale (uint8, uint16 or 0-1 float); thresholds are converted to it
    # rather than the pictures to 8-bit levels, which would cost full-size passes.
    to_levels = pair.levels_per_value
    change = _largest_channel_change(cv2.absdiff(pair.before, pair.after))
    changed = change > (CHANGE_THRESHOLD + _ROUNDING_SLACK) / to_levels
    share = np.count_nonzero(changed) / changed.size
    top = _scale_top(change, to_levels)
    overlay = _heat_overlay(change, changed, top, to_levels)
    sharp_before = laplacian_variance(pair.before, to_levels)
    sharp_after = laplacian_variance(pair.after, to_levels)
    return ChangeMap(
        overlay=overlay,
        legend=_legend(top),
        changed_share=share,
        sharpness_before=sharp_before,
        sharpness_after=sharp_after,
        sentence=describe_change(share, _sharpness_ratio(sharp_before, sharp_after)),
    )


def laplacian_variance(pixels: np.ndarray, levels_per_value: float = 1.0) -> float:
    """Variance of the Laplacian of the luma of H x W x 1|3 pixels, in 8-bit levels squared."""
    import cv2

    # Float luma: rounding it to whole levels would add about 1.7 levels² of variance (the
    # Laplacian's gain on rounding noise, 20/12), which matters for smooth pictures.
    colour = pixels.astype(np.float32, copy=False)
    luma = cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY) if colour.shape[2] == 3 else colour[:, :, 0]
    _, deviation = cv2.meanStdDev(cv2.Laplacian(luma, cv2.CV_32F))
    return (float(deviation[0, 0]) * levels_per_value) ** 2


def describe_change(changed_share: float, sharpness_ratio: float | None) -> str:
    """The run-facts sentence for a share of changed pixels and a sharpness ratio."""
    percent = _percent(changed_share)
    if changed_share < ALMOST_NOTHING_SHARE:
        return (
            f"Almost nothing changed: {percent} of pixels moved by more than "
            f"{CHANGE_THRESHOLD:.0f} levels."
        )
    if sharpness_ratio is None:
        sharpness = "sharpness not measured (the before picture is flat)"
    else:
        sharpness = f"sharpness x{_ratio(sharpness_ratio)} (Laplacian variance)"
    return f"Changed: {percent} of pixels by more than {CHANGE_THRESHOLD:.0f} levels; {sharpness}"


def heat_colours() -> np.ndarray:
    """256 x 3 uint8 RGB: the colour of each step of the scale (0 = smallest counted change)."""
    return _heat_table()[:, 0, :].copy()


# ----------------------------------------------------------------------------- helpers
def _largest_channel_change(difference: np.ndarray) -> np.ndarray:
    """H x W: the largest of the channels' differences (a colour shift counts like a level one)."""
    import cv2

    if difference.ndim == 2:  # OpenCV gives grey (H x W x 1) inputs' results as H x W
        return difference
    red, green, blue = cv2.split(difference)
    return cv2.max(cv2.max(red, green), blue)


def _scale_top(change: np.ndarray, levels_per_value: float) -> float:
    """The smallest of :data:`SCALE_TOPS` at or above the 99th percentile of counted changes."""
    import cv2

    # A histogram of one bin per 8-bit level finds the percentile in one pass (sorting 12 M values
    # takes seconds).
    counts = cv2.calcHist([change], [0], None, [256], [0, 256 / levels_per_value]).ravel()
    first_counted = int(CHANGE_THRESHOLD) + 1
    counted = counts[first_counted:]
    if counted.sum() == 0:
        return SCALE_TOPS[0]
    cumulative = np.cumsum(counted) / counted.sum()
    percentile_99 = first_counted + int(np.searchsorted(cumulative, 0.99))
    return next(top for top in SCALE_TOPS if top >= percentile_99 or top == SCALE_TOPS[-1])


def _heat_overlay(
    change: np.ndarray, changed: np.ndarray, top: float, levels_per_value: float
) -> np.ndarray:
    import cv2

    # Steps 0-255 over CHANGE_THRESHOLD..top levels, saturating above top (one pass, any dtype).
    gain = 255.0 / (top - CHANGE_THRESHOLD)
    steps = cv2.convertScaleAbs(
        change, alpha=gain * levels_per_value, beta=-CHANGE_THRESHOLD * gain
    )
    rgb = cv2.applyColorMap(steps, _heat_table())  # the table is RGB, so the result is too
    alpha = changed.view(np.uint8) * np.uint8(OVERLAY_ALPHA)
    return cv2.merge([*cv2.split(rgb), alpha])


def _legend(top: float) -> tuple[LegendStop, ...]:
    """The smallest counted change, then quarters of the scale (round numbers for the legend)."""
    table = heat_colours()
    quarters = [float(round(top * quarter / 4)) for quarter in range(1, 5)]
    stops = []
    for level in [CHANGE_THRESHOLD, *(level for level in quarters if level > CHANGE_THRESHOLD)]:
        step = round((level - CHANGE_THRESHOLD) / (top - CHANGE_THRESHOLD) * 255)
        red, green, blue = (int(value) for value in table[step])
        stops.append(LegendStop(level=level, colour=(red, green, blue)))
    return tuple(stops)


@cache
def _heat_table() -> np.ndarray:
    """256 x 1 x 3 uint8 RGB: OpenCV's inferno (perceptually uniform), from _FIRST_COLOUR up."""
    import cv2

    positions = np.linspace(_FIRST_COLOUR, 255, 256).round().astype(np.uint8)
    bgr = cv2.applyColorMap(positions.reshape(256, 1), cv2.COLORMAP_INFERNO)
    table = np.ascontiguousarray(bgr[:, :, ::-1])
    table.flags.writeable = False
    return table


def _sharpness_ratio(before: float, after: float) -> float | None:
    return None if before < _FLAT_VARIANCE else after / before


def _percent(share: float) -> str:
    percent = share * 100
    return f"{percent:.0f}%" if percent >= 10 or percent == 0 else f"{percent:.1f}%"


def _ratio(ratio: float) -> str:
    if ratio >= 10:
        return f"{ratio:.0f}"
    return f"{ratio:.1f}" if ratio >= 1 else f"{ratio:.2f}"
