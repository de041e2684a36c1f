"""The pictures of a before/after comparison: side by side, or one frame of an animated wipe.

A wipe frame shows the before left of a divider and the after right of it; the divider sweeps
from the right edge to the left edge and back (a cosine ease, so it slows at the edges and the
loop has no jump). Frames are plain arrays, so the same code builds RGB frames for MP4 and
palette-index frames for GIF.
"""

from __future__ import annotations

import math

import numpy as np

#: The divider: a light core between two dark edges, visible on light and dark pictures alike.
DIVIDER_CORE = (255, 255, 255)
DIVIDER_EDGE = (24, 24, 24)
Paint = int | tuple[int, int, int]
"""A divider colour in the frame's terms: an RGB triple, or a palette index for GIF frames."""

#: A label's box covers the picture beneath at this opacity (0-255).
_LABEL_SHADE = 150


def divider_width(width: int) -> int:
    """Pixels across the divider (edges included) for a picture ``width`` pixels wide."""
    return max(3, round(width / 400))


def side_by_side(before: np.ndarray, after: np.ndarray, labels: bool) -> np.ndarray:
    """before | divider | after, as one H x (2W + divider) x 3 uint8 RGB picture."""
    if labels:
        before, after = with_label(before, "Before", "left"), with_label(after, "After", "left")
    height, width = before.shape[:2]
    divider = np.empty((height, divider_width(width), 3), np.uint8)
    paint_divider(divider, divider.shape[1] // 2, divider.shape[1], DIVIDER_CORE, DIVIDER_EDGE)
    return np.concatenate([before, divider, after], axis=1)


def wipe_positions(width: int, count: int) -> list[int]:
    """The divider's column in each of ``count`` frames: right edge to left edge and back."""
    return [round(width * (0.5 + 0.5 * math.cos(2 * math.pi * i / count))) for i in range(count)]


def wipe_frame(
    before: np.ndarray, after: np.ndarray, x: int, core: Paint, edge: Paint
) -> np.ndarray:
    """``before`` left of column ``x``, ``after`` from it on, and the divider centred on it.

    ``core`` and ``edge`` are the divider's colours in the arrays' terms (see :data:`Paint`).
    """
    frame = after.copy()
    frame[:, :x] = before[:, :x]
    paint_divider(frame, x, divider_width(frame.shape[1]), core, edge)
    return frame


def paint_divider(frame: np.ndarray, x: int, across: int, core: Paint, edge: Paint) -> None:
    """Paint a divider ``across`` pixels wide centred on column ``x`` (clipped to the frame)."""
    width = frame.shape[1]
    start = x - across // 2
    left, right = max(0, start), min(width, start + across)
    if left >= right:
        return
    frame[:, left:right] = core
    if start >= 0:
        frame[:, start] = edge
    if start + across - 1 < width:
        frame[:, start + across - 1] = edge


def with_label(rgb: np.ndarray, text: str, corner: str) -> np.ndarray:
    """A copy of H x W x 3 uint8 ``rgb`` with ``text`` in a shaded box at its top ``corner``.

    The label is drawn with Pillow's default font at a size that follows the picture; a picture
    too small to hold it is returned unlabelled.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    height, width = rgb.shape[:2]
    size = min(48, max(11, round(min(height, width) / 24)))
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = (round(value) for value in font.getbbox(text))
    pad = max(3, size // 3)
    box_width, box_height = right - left + 2 * pad, bottom - top + 2 * pad
    if box_width + 2 * pad > width or box_height + 2 * pad > height:
        return rgb
    x0 = pad if corner == "left" else width - pad - box_width
    y0 = pad
    # Only the box is converted and drawn on, so a 12 MP picture costs no more than a small one.
    box = (slice(y0, y0 + box_height), slice(x0, x0 + box_width))
    region = PILImage.fromarray(np.ascontiguousarray(rgb[box]))
    shade = PILImage.new("RGBA", region.size, (0, 0, 0, _LABEL_SHADE))
    region = PILImage.alpha_composite(region.convert("RGBA"), shade)
    ImageDraw.Draw(region).text((pad - left, pad - top), text, font=font, fill=(255, 255, 255))
    labelled = rgb.copy()
    labelled[box] = np.asarray(region.convert("RGB"))
    return labelled
