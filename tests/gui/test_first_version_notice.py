"""The honest first screen: a calm line, shown only for a first-version checkpoint, with
Download and Add checkpoint file... as link-style buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton

from cnaps_desktop.engine.diagnosis.checkpoint_task import task_for
from cnaps_desktop.gui.widgets.first_version_notice import (
    ADD_FILE_TEXT,
    DOWNLOAD_TEXT,
    FirstVersionNotice,
    first_version_text,
)


def notice(qtbot: Any) -> FirstVersionNotice:
    widget = FirstVersionNotice()
    qtbot.addWidget(widget)
    return widget


def test_it_shows_only_while_the_checkpoint_is_a_first_version(qtbot: Any) -> None:
    widget = notice(qtbot)
    assert not widget.isVisible()
    widget.show_for(True, "Deblur-MSSNet-CNAPS")
    assert widget.isVisible()
    assert widget.text() == (
        "Deblur-MSSNet-CNAPS is a first version trained briefly on a CPU: expect a light "
        "clean-up, not a sharper photo."
    )
    assert widget.accessibleDescription() == widget.text()
    widget.show_for(False, "Deblur-MSSNet-GoPro")
    assert not widget.isVisible()


def test_the_bundled_default_is_the_first_version_the_notice_is_for(qtbot: Any) -> None:
    bundled = task_for("default")
    widget = notice(qtbot)
    widget.show_for(bundled.first_version, bundled.name)
    assert widget.isVisible() and bundled.name in widget.text()
    official = task_for("Deblur-MSSNet-GoPro")
    widget.show_for(official.first_version, official.name)
    assert not widget.isVisible()


def test_the_two_buttons_ask_for_a_better_checkpoint(qtbot: Any) -> None:
    widget = notice(qtbot)
    widget.show_for(True, "Deblur-MSSNet-CNAPS")
    buttons = {b.text(): b for b in widget.findChildren(QPushButton)}
    assert set(buttons) == {DOWNLOAD_TEXT, ADD_FILE_TEXT}
    for button in buttons.values():
        assert button.isFlat() and button.font().underline()
        assert button.focusPolicy() != Qt.FocusPolicy.NoFocus  # reachable by keyboard
    with qtbot.waitSignal(widget.download_requested, timeout=1000):
        qtbot.mouseClick(buttons[DOWNLOAD_TEXT], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(widget.add_file_requested, timeout=1000):
        qtbot.mouseClick(buttons[ADD_FILE_TEXT], Qt.MouseButton.LeftButton)


def test_the_links_follow_the_theme_s_link_colour(qtbot: Any) -> None:
    widget = notice(qtbot)
    dark = widget.palette()
    dark.setColor(QPalette.ColorRole.Link, QColor(120, 170, 255))
    widget.setPalette(dark)  # as when the system switches to a dark theme
    for button in widget.findChildren(QPushButton):
        assert button.palette().color(QPalette.ColorRole.ButtonText) == QColor(120, 170, 255)
    assert first_version_text("X").count(". ") == 0  # one sentence
