"""The compare view's maths: fit, zoom around a point, pan limits, levels, the divider."""

from __future__ import annotations

import pytest

from cnaps_desktop.engine.cancel import Progress
from cnaps_desktop.gui.widgets import view_state as vs
from cnaps_desktop.gui.words import preview_box, progress_words
from cnaps_desktop.jobs import JobProgress


def test_fit_shows_the_whole_image_centred_and_never_enlarges() -> None:
    transform = vs.fit((4000, 3000), (800, 800))
    assert transform.zoom == pytest.approx(0.2)
    left, top = transform.to_view(0, 0)
    right, bottom = transform.to_view(4000, 3000)
    assert (left, right) == pytest.approx((0, 800))
    assert (top, bottom) == pytest.approx((100, 700))
    assert vs.fit((100, 50), (800, 600)).zoom == 1.0


def test_zoom_about_keeps_the_point_under_the_cursor() -> None:
    before = vs.ViewTransform(0.5, 100.0, 40.0)
    anchor = (300.0, 120.0)
    point = before.to_image(*anchor)
    after = vs.zoom_about(before, anchor, 1.7)
    assert after.zoom == 1.7
    assert after.to_image(*anchor) == pytest.approx(point)


def test_zoom_steps_stop_at_100_percent_and_are_pixel_aligned() -> None:
    start = vs.ViewTransform(0.9, 10.3, 5.7)
    stepped = vs.zoom_by_steps(start, (101.0, 99.0), 1.0)
    assert stepped.zoom == 1.0
    assert stepped.offset_x.is_integer() and stepped.offset_y.is_integer()
    assert vs.zoom_by_steps(stepped, (0, 0), 1.0).zoom == pytest.approx(vs.WHEEL_STEP)
    assert vs.zoom_by_steps(vs.ViewTransform(vs.MAX_ZOOM), (0, 0), 5).zoom == vs.MAX_ZOOM


def test_pan_moves_with_the_pointer_and_keep_in_view_limits_it() -> None:
    transform = vs.ViewTransform(2.0, 100.0, 100.0)
    moved = vs.pan(transform, (20.0, -10.0))
    assert (moved.offset_x, moved.offset_y) == (90.0, 105.0)
    limited = vs.keep_in_view(vs.ViewTransform(1.0, -500.0, 9999.0), (1000, 800), (400, 300))
    assert (limited.offset_x, limited.offset_y) == (0.0, 500.0)
    small = vs.keep_in_view(vs.ViewTransform(1.0, 0.0, 0.0), (100, 100), (400, 300))
    assert (small.offset_x, small.offset_y) == (-150.0, -100.0)  # centred


def test_visible_box_is_whole_pixels_inside_the_image() -> None:
    transform = vs.ViewTransform(2.0, 10.5, 20.0)
    assert vs.visible_box(transform, (1000, 1000), (101, 60)) == (10, 20, 61, 50)
    assert vs.visible_box(vs.ViewTransform(1.0, -50, -50), (40, 30), (400, 300)) == (0, 0, 40, 30)


@pytest.mark.parametrize(
    ("zoom", "levels", "expected"),
    [(2.0, 5, 0), (1.0, 5, 0), (0.6, 5, 0), (0.5, 5, 1), (0.3, 5, 1), (0.25, 5, 2), (0.01, 5, 4)],
)
def test_level_for_zoom_is_the_smallest_level_still_detailed_enough(
    zoom: float, levels: int, expected: int
) -> None:
    assert vs.level_for_zoom(zoom, levels) == expected


def test_source_rect_at_100_percent_maps_pixels_one_to_one() -> None:
    transform = vs.ViewTransform(1.0, 30.0, 40.0)
    src, target = vs.source_rect(transform, (500, 400), (100, 80), 0)
    assert src == (30, 40, 100, 80)
    assert target == (0.0, 0.0, 100.0, 80.0)


def test_source_rect_on_a_smaller_level_lands_on_the_same_view_area() -> None:
    transform = vs.ViewTransform(0.25, 0.0, 0.0)
    src, target = vs.source_rect(transform, (800, 400), (200, 100), 2)
    assert src == (0, 0, 200, 100)
    assert target == pytest.approx((0.0, 0.0, 200.0, 100.0))


def test_split_follows_the_mouse_and_keys_within_bounds() -> None:
    split = vs.Split()
    assert split.x(800) == 400
    assert split.moved_to(200, 800).fraction == 0.25
    assert split.moved_to(-50, 800).fraction == 0.0
    assert split.moved_to(5000, 800).fraction == 1.0
    assert split.stepped(1).fraction == pytest.approx(0.5 + vs.SPLIT_KEY_STEP)
    assert vs.Split(0.99).stepped(5).fraction == 1.0
    assert split.near(405, 800, 10) and not split.near(420, 800, 10)


def test_preview_box_is_the_visible_centre_capped_in_size() -> None:
    assert preview_box((0, 0, 4000, 3000), limit=768) == (1616, 1116, 2384, 1884)
    assert preview_box((100, 50, 300, 250), limit=768) == (100, 50, 300, 250)


def test_progress_words_give_steps_rate_and_time_left() -> None:
    tiles = JobProgress(Progress(3, 12, "tile"), elapsed=30.0, seconds_left=90.0)
    assert progress_words("Restoring", "a.jpg", tiles) == (
        "Restoring a.jpg: tile 3 of 12 - about 2 min left"
    )
    frames = JobProgress(Progress(1200, 9000, "frame"), elapsed=300.0, seconds_left=None)
    assert progress_words("Restoring", "b.mp4", frames) == (
        "Restoring b.mp4: frame 1,200 of 9,000 at 4.0 frames/s"
    )
