"""The "What changed" controls: the Show changes toggle (button and key D) and the heat map legend
drawn from the engine's legend stops."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cnaps_desktop.engine.compare import change_map
from cnaps_desktop.gui.widgets.change_legend import (
    BAR_WIDTH,
    ChangeControls,
    ChangeLegend,
    legend_marks,
    plain_stops,
)

STOPS = [(2.0, (61, 9, 101)), (8.0, (127, 30, 108)), (16.0, (211, 71, 67)), (32.0, (252, 255, 164))]


def test_stops_come_as_pairs_or_as_the_engine_s_legend() -> None:
    before = np.zeros((32, 32, 3), np.uint8)
    after = before.copy()
    after[:, 16:] = 40
    found = change_map(before, after)
    stops = plain_stops(found.legend)
    assert stops[0][0] == 2.0 and len(stops) == len(found.legend)
    assert stops[-1][1] == found.legend[-1].colour
    assert plain_stops(list(reversed(STOPS))) == STOPS  # lowest level first


def test_the_labels_are_the_ends_and_middle_at_their_levels() -> None:
    assert legend_marks(STOPS) == [(0.0, "2"), (0.4666666666666667, "16"), (1.0, "32+")]
    assert legend_marks(STOPS[:2]) == [(0.0, "2"), (1.0, "8+")]
    assert legend_marks([(2.0, (1, 2, 3)), (9.5, (4, 5, 6)), (17.0, (7, 8, 9))])[1] == (0.5, "9.5")
    assert legend_marks([]) == []


def test_the_legend_paints_its_colours_left_to_right(qtbot: Any) -> None:
    legend = ChangeLegend()
    qtbot.addWidget(legend)
    legend.set_stops(STOPS)
    legend.resize(legend.sizeHint())
    legend.show()
    assert legend.labels() == ["2", "16", "32+"]
    assert "2 levels" in legend.accessibleDescription()
    picture = legend.grab().toImage()
    scale = picture.width() / legend.width()
    bar_left = legend.fontMetrics().horizontalAdvance("000+") / 2
    left = picture.pixelColor(int((bar_left + 4) * scale), int(6 * scale))
    right = picture.pixelColor(int((bar_left + BAR_WIDTH - 4) * scale), int(6 * scale))
    assert left.lightness() < right.lightness()  # dark purple to pale yellow


def test_the_toggle_waits_for_a_result_then_shows_the_legend(qtbot: Any) -> None:
    controls = ChangeControls()
    qtbot.addWidget(controls)
    controls.show()
    assert not controls.action.isEnabled() and not controls.is_on()
    assert controls.button.text() == "Show changes"
    assert controls.action.shortcut().toString() == "D"
    assert "(D)" in controls.button.toolTip()
    seen: list[bool] = []
    controls.toggled.connect(seen.append)
    controls.set_change(STOPS, "Changed: 18% of pixels by more than 2 levels; sharpness x1.6")
    assert controls.action.isEnabled()
    assert not controls.legend.isVisible()  # off until asked
    qtbot.mouseClick(controls.button, Qt.MouseButton.LeftButton)
    assert seen == [True] and controls.is_on()
    assert controls.legend.isVisible() and controls.caption.isVisible()
    assert controls.legend.toolTip().startswith("Changed: 18% of pixels")
    controls.clear()  # the next picture has no result yet
    assert seen == [True, False]
    assert not controls.is_on() and not controls.legend.isVisible()


def test_almost_nothing_changed_is_said_in_words(qtbot: Any) -> None:
    controls = ChangeControls()
    qtbot.addWidget(controls)
    controls.show()
    controls.set_change(STOPS, "Almost nothing changed: 0.3% of pixels ...", almost_nothing=True)
    controls.action.setChecked(True)
    assert controls.note.isVisible() and controls.note.text() == "Almost nothing changed"
    assert not controls.legend.isVisible()


def test_key_d_toggles_the_changes_anywhere_in_the_window(qtbot: Any) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    other = QWidget()
    other.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    controls = ChangeControls()
    layout = QVBoxLayout(window)
    layout.addWidget(other)
    layout.addWidget(controls)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window only
    other.setFocus()
    controls.set_change(STOPS)
    qtbot.keyClick(other, Qt.Key.Key_D)
    assert controls.is_on()
    qtbot.keyClick(other, Qt.Key.Key_D)
    assert not controls.is_on()


def test_a_shared_window_action_drives_the_button(qtbot: Any) -> None:
    from cnaps_desktop.gui.widgets.change_legend import changes_action

    window = QWidget()
    qtbot.addWidget(window)
    action = changes_action(window)
    controls = ChangeControls(action, window)
    assert controls.action is action and controls.button.defaultAction() is action
    assert action not in controls.actions()  # the window owns its key
    controls.set_change(STOPS)
    action.setChecked(True)
    assert controls.is_on()
