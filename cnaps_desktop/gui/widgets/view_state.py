"""The compare view's maths, kept free of widgets so it can be tested on its own.

Coordinates: *view* coordinates are device pixels of the widget (so 100% means one image pixel per
screen pixel on high-DPI screens too); *image* coordinates are pixels of the "before" image.
``zoom`` is view pixels per image pixel; ``offset`` is the image point at the view's top-left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from cnaps_desktop.engine.pixels import Box

MIN_ZOOM = 1 / 64
MAX_ZOOM = 32.0
WHEEL_STEP = 1.25
"""Zoom factor per wheel notch and per +/- key."""
SPLIT_KEY_STEP = 0.02
"""How far Left/Right move the divider, as a fraction of the width."""


@dataclass(frozen=True)
class ViewTransform:
    zoom: float = 1.0
    offset_x: float = 0.0
    offset_y: float = 0.0

    def to_view(self, image_x: float, image_y: float) -> tuple[float, float]:
        return ((image_x - self.offset_x) * self.zoom, (image_y - self.offset_y) * self.zoom)

    def to_image(self, view_x: float, view_y: float) -> tuple[float, float]:
        return (view_x / self.zoom + self.offset_x, view_y / self.zoom + self.offset_y)


def clamp_zoom(zoom: float) -> float:
    return min(MAX_ZOOM, max(MIN_ZOOM, zoom))


def fit_zoom(image_size: tuple[int, int], view_size: tuple[float, float]) -> float:
    """The zoom that shows the whole image in the view, never above 100%."""
    image_w, image_h = image_size
    view_w, view_h = view_size
    if image_w <= 0 or image_h <= 0 or view_w <= 0 or view_h <= 0:
        return 1.0
    return clamp_zoom(min(1.0, view_w / image_w, view_h / image_h))


def centred(
    zoom: float, image_size: tuple[int, int], view_size: tuple[float, float]
) -> ViewTransform:
    """The image at ``zoom`` with its centre in the view's centre."""
    image_w, image_h = image_size
    view_w, view_h = view_size
    transform = ViewTransform(
        zoom, image_w / 2 - view_w / (2 * zoom), image_h / 2 - view_h / (2 * zoom)
    )
    return snap_to_pixels(transform)


def fit(image_size: tuple[int, int], view_size: tuple[float, float]) -> ViewTransform:
    return centred(fit_zoom(image_size, view_size), image_size, view_size)


def zoom_about(
    transform: ViewTransform,
    anchor: tuple[float, float],
    new_zoom: float,
) -> ViewTransform:
    """Change the zoom keeping the image point under ``anchor`` (view coordinates) in place."""
    new_zoom = clamp_zoom(new_zoom)
    image_x, image_y = transform.to_image(*anchor)
    moved = ViewTransform(new_zoom, image_x - anchor[0] / new_zoom, image_y - anchor[1] / new_zoom)
    return snap_to_pixels(moved)


def zoom_by_steps(
    transform: ViewTransform, anchor: tuple[float, float], steps: float
) -> ViewTransform:
    """Zoom in (steps > 0) or out by whole or fractional wheel notches around ``anchor``.

    Passing through 100% stops there, so stepping always lands on the pixel-exact view.
    """
    target = transform.zoom * WHEEL_STEP**steps
    if (transform.zoom - 1.0) * (target - 1.0) < 0:
        target = 1.0
    return zoom_about(transform, anchor, target)


def pan(transform: ViewTransform, delta_view: tuple[float, float]) -> ViewTransform:
    """Move the image with the pointer: a drag of ``delta_view`` view pixels."""
    return replace(
        transform,
        offset_x=transform.offset_x - delta_view[0] / transform.zoom,
        offset_y=transform.offset_y - delta_view[1] / transform.zoom,
    )


def keep_in_view(
    transform: ViewTransform, image_size: tuple[int, int], view_size: tuple[float, float]
) -> ViewTransform:
    """Stop panning past the image: an image smaller than the view is centred on that axis."""

    def axis(offset: float, image_len: int, view_len: float) -> float:
        visible = view_len / transform.zoom
        if visible >= image_len:
            return image_len / 2 - visible / 2
        return min(max(offset, 0.0), image_len - visible)

    return replace(
        transform,
        offset_x=axis(transform.offset_x, image_size[0], view_size[0]),
        offset_y=axis(transform.offset_y, image_size[1], view_size[1]),
    )


def snap_to_pixels(transform: ViewTransform) -> ViewTransform:
    """At whole-number zooms, align image pixels to screen pixels so 100% is exact."""
    if transform.zoom < 1.0 or not float(transform.zoom).is_integer():
        return transform
    step = 1.0 / transform.zoom
    return replace(
        transform,
        offset_x=round(transform.offset_x / step) * step,
        offset_y=round(transform.offset_y / step) * step,
    )


def visible_box(
    transform: ViewTransform, image_size: tuple[int, int], view_size: tuple[float, float]
) -> Box:
    """The part of the image the view shows, as (left, top, right, bottom) whole pixels."""
    left, top = transform.to_image(0.0, 0.0)
    right, bottom = transform.to_image(*view_size)
    image_w, image_h = image_size
    box = (
        max(0, math.floor(left)),
        max(0, math.floor(top)),
        min(image_w, math.ceil(right)),
        min(image_h, math.ceil(bottom)),
    )
    if box[2] <= box[0] or box[3] <= box[1]:
        return (0, 0, image_w, image_h)
    return box


def level_for_zoom(zoom: float, level_count: int) -> int:
    """The pyramid level to paint from: the smallest one still at least as detailed as the zoom.

    Level k is 1/2**k of full size, so it is chosen while 1/2**k >= zoom.
    """
    if zoom >= 1.0 or level_count <= 1:
        return 0
    return max(0, min(level_count - 1, math.floor(-math.log2(zoom) + 1e-9)))


def source_rect(
    transform: ViewTransform,
    image_size: tuple[int, int],
    view_size: tuple[float, float],
    level: int,
) -> tuple[tuple[int, int, int, int], tuple[float, float, float, float]]:
    """What to copy from level ``level`` and where it lands in the view.

    Returns ((x, y, w, h) in the level's whole pixels, (x, y, w, h) in view pixels); the source is
    widened to whole level pixels so painting never resamples a partial pixel at 100%.
    """
    factor = 2**level
    left, top, right, bottom = visible_box(transform, image_size, view_size)
    level_w, level_h = image_size[0] // factor or 1, image_size[1] // factor or 1
    src_left = min(level_w - 1, left // factor)
    src_top = min(level_h - 1, top // factor)
    src_right = min(level_w, -(-right // factor))
    src_bottom = min(level_h, -(-bottom // factor))
    src = (src_left, src_top, max(1, src_right - src_left), max(1, src_bottom - src_top))
    view_x, view_y = transform.to_view(src[0] * factor, src[1] * factor)
    scale = transform.zoom * factor
    target = (view_x, view_y, src[2] * scale, src[3] * scale)
    return src, target


@dataclass(frozen=True)
class Split:
    """Where the divider is, as a fraction of the view's width (0 = all after, 1 = all before)."""

    fraction: float = 0.5

    def moved_to(self, view_x: float, view_width: float) -> Split:
        if view_width <= 0:
            return self
        return Split(min(1.0, max(0.0, view_x / view_width)))

    def stepped(self, steps: int) -> Split:
        return Split(min(1.0, max(0.0, self.fraction + steps * SPLIT_KEY_STEP)))

    def x(self, view_width: float) -> float:
        return self.fraction * view_width

    def near(self, view_x: float, view_width: float, grab_distance: float) -> bool:
        return abs(view_x - self.x(view_width)) <= grab_distance
