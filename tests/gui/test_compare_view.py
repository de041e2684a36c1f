"""The compare view as a widget: divider by mouse and keys, wheel zoom, pixel-exact 100%."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from cnaps_desktop.engine.image.display import display_levels
from cnaps_desktop.gui.widgets.compare_view import CompareView
from cnaps_desktop.gui.widgets.display_image import DisplayImage


def checker(height: int, width: int) -> np.ndarray:
    """A one-pixel checkerboard: any smoothing or resampling would grey it out."""
    ys, xs = np.mgrid[0:height, 0:width]
    board = ((xs + ys) % 2 * 255).astype(np.uint8)
    return np.repeat(board[:, :, None], 3, axis=2)


@pytest.fixture
def view(qtbot: Any) -> CompareView:
    widget = CompareView()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def images(height: int = 600, width: int = 800) -> tuple[DisplayImage, DisplayImage]:
    before = np.zeros((height, width, 3), np.uint8)
    before[:] = (200, 30, 30)
    after = np.zeros_like(before)
    after[:] = (30, 30, 200)
    return (
        DisplayImage.from_levels(display_levels(before)),
        DisplayImage.from_levels(display_levels(after)),
    )


def pixel(view: CompareView, x: int, y: int) -> QColor:
    return view.grab().toImage().pixelColor(x, y)


def test_before_is_left_of_the_divider_and_after_right(view: CompareView) -> None:
    view.set_images(*images())
    assert view.split.fraction == 0.5
    left, right = pixel(view, 100, 200), pixel(view, 300, 200)
    assert left.red() > 150 and left.blue() < 80
    assert right.blue() > 150 and right.red() < 80


def test_dragging_the_divider_moves_it(qtbot: Any, view: CompareView) -> None:
    view.set_images(*images())
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(200, 150))
    qtbot.mouseMove(view, QPoint(100, 150))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(100, 150))
    assert view.split.fraction == pytest.approx(0.25)
    assert pixel(view, 150, 200).blue() > 150  # now "after" from x = 100


def test_dragging_away_from_the_divider_pans_both_sides(qtbot: Any, view: CompareView) -> None:
    view.set_images(*images())
    view.actual_size()
    start = view.transform
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(50, 50))
    qtbot.mouseMove(view, QPoint(80, 70))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(80, 70))
    dpr = view.devicePixelRatioF()
    assert view.transform.offset_x == pytest.approx(start.offset_x - 30 * dpr)
    assert view.transform.offset_y == pytest.approx(start.offset_y - 20 * dpr)
    assert view.split.fraction == 0.5


def test_keys_move_the_divider(qtbot: Any, view: CompareView) -> None:
    view.set_images(*images())
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.split.fraction == pytest.approx(0.52)
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert view.split.fraction == pytest.approx(0.42)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.split.fraction == 0.0
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.split.fraction == 1.0


def test_wheel_zooms_around_the_cursor(view: CompareView) -> None:
    view.set_images(*images())
    dpr = view.devicePixelRatioF()
    cursor = QPointF(120, 90)
    under_cursor = view.transform.to_image(cursor.x() * dpr, cursor.y() * dpr)
    event = QWheelEvent(
        cursor,
        view.mapToGlobal(cursor),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    zoom = view.transform.zoom
    QApplication.sendEvent(view, event)
    assert view.transform.zoom > zoom
    assert view.transform.to_image(cursor.x() * dpr, cursor.y() * dpr) == pytest.approx(
        under_cursor, abs=1.0
    )


def test_100_percent_is_pixel_exact(view: CompareView) -> None:
    board = DisplayImage.from_levels(display_levels(checker(300, 400)))
    view.set_images(board, board)
    view.actual_size()
    grabbed = view.grab().toImage()
    dpr = view.devicePixelRatioF()
    # Away from the labels and the divider: every pixel is pure black or pure white.
    values = {grabbed.pixelColor(x, y).red() for x in range(20, 120) for y in range(60, 120)}
    assert values == {0, 255}, f"smoothed pixels at 100% (dpr {dpr}): {sorted(values)[:8]}"


def test_side_by_side_shows_both_whole_and_space_toggles_sides(view: CompareView) -> None:
    view.set_images(*images())
    view.set_side_by_side(True)
    assert pixel(view, 20, 150).red() > 150  # left pane: before
    assert pixel(view, 380, 150).blue() > 150  # right pane: after
    view.set_side_by_side(False)
    view.toggle_before_after()
    assert view.whole_side == "before" and pixel(view, 380, 150).red() > 150
    view.toggle_before_after()
    assert view.whole_side == "after" and pixel(view, 20, 150).blue() > 150
    view.toggle_before_after()
    assert view.whole_side is None


def test_fit_then_double_click_toggles_100_percent(qtbot: Any, view: CompareView) -> None:
    view.set_images(*images(1200, 1600))
    assert view.transform.zoom < 1.0
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    assert view.transform.zoom == 1.0
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    assert view.transform.zoom < 1.0


def test_the_preview_badge_and_frame_are_drawn_on_the_after_side(view: CompareView) -> None:
    before, after = images()
    view.set_images(before)
    assert pixel(view, 300, 150).blue() < 80  # no "after" yet: the before, dimmed
    view.set_after(after, "Preview of the framed area", (500, 200, 700, 400))
    grabbed = view.grab().toImage()
    left, top = view.transform.to_view(500, 200)
    dpr = view.devicePixelRatioF()
    x, y = round(left / dpr), round(top / dpr)
    around = [grabbed.pixelColor(x + dx, y + dy) for dx in range(4) for dy in range(-1, 2)]
    assert any(c.red() > 200 and c.green() > 200 for c in around), "no white dashed frame"
