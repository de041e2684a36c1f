"""The main window's panes, built here and wired in main_window.py.

Under the toolbar, the first-version notice (hidden unless it applies); below it three panes:
the file list | the compare view with its controls and the video bar | the side pane, which is
the photo's diagnosis above "What happened". The status bar holds a line, progress and Cancel.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStatusBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cnaps_desktop.gui.widgets.change_legend import ChangeControls
from cnaps_desktop.gui.widgets.compare_view import CompareView

PANE_WIDTHS = (230, 820, 340)
"""Files, view, side pane: the first start's widths in logical pixels."""


class ShrinkingHint(QLabel):
    """A quiet one-line hint that gives way to the controls beside it: it ends in "..." when
    short of room (the whole line is its tooltip) instead of widening the window."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setToolTip(text)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter, theme-aware
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.width()
        )
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.rect(), align, shown)


class ViewControls(NamedTuple):
    bar: QWidget
    zoom_label: QLabel
    side_by_side: QToolButton


class StatusParts(NamedTuple):
    text: QLabel
    progress: QProgressBar
    cancel: QPushButton


def view_controls(compare: CompareView, changes: ChangeControls) -> ViewControls:
    """zoom, [Fit] [1:1] [Side by side], [Show changes] and its legend, then a hint."""
    bar = QWidget()
    layout = QHBoxLayout(bar)
    layout.setContentsMargins(8, 4, 8, 4)
    zoom_label = QLabel("zoom 100%")
    zoom_label.setMinimumWidth(90)
    layout.addWidget(zoom_label)
    for text, slot in (("Fit", compare.fit), ("1:1", compare.actual_size)):
        button = _compact_button(text)
        button.clicked.connect(slot)
        layout.addWidget(button)
    side_by_side = _compact_button("Side by side")
    side_by_side.setCheckable(True)
    side_by_side.toggled.connect(compare.set_side_by_side)
    layout.addWidget(side_by_side)
    layout.addSpacing(12)
    layout.addWidget(changes)
    layout.addSpacing(12)
    layout.addWidget(ShrinkingHint("Drag the divider or use Left/Right; wheel zooms, drag pans"), 1)
    return ViewControls(bar, zoom_label, side_by_side)


def _compact_button(text: str) -> QToolButton:
    """A text button only as wide as its text, so the bar keeps room for the change legend."""
    button = QToolButton()
    button.setText(text)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


def viewer(compare: CompareView, controls: QWidget, video_bar: QWidget) -> QWidget:
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(compare, 1)
    layout.addWidget(controls)
    layout.addWidget(video_bar)
    return pane


def files_pane(files: QWidget) -> QWidget:
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(6, 6, 0, 6)
    layout.addWidget(QLabel("<b>Files</b>"))
    layout.addWidget(files)
    return pane


def side_pane(diagnosis: QWidget, explain: QWidget) -> QWidget:
    """The diagnosis on top (as tall as its words), "What happened" below it."""
    pane = QWidget()
    pane.setMinimumWidth(260)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(diagnosis)
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    layout.addWidget(line)
    layout.addWidget(explain, 1)
    return pane


def main_splitter(files: QWidget, centre: QWidget, side: QWidget) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("main-splitter")
    for pane in (files, centre, side):
        splitter.addWidget(pane)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes(list(PANE_WIDTHS))
    return splitter


def under_notice(notice: QWidget, body: QWidget) -> QWidget:
    """``notice`` as a thin bar across the top of ``body`` (it hides itself when not needed)."""
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(notice)
    layout.addWidget(body, 1)
    return central


def status_parts(status_bar: QStatusBar) -> StatusParts:
    text = QLabel("Ready.")
    progress = QProgressBar()
    progress.setMaximumWidth(260)
    progress.setRange(0, 1000)
    progress.hide()
    cancel = QPushButton("Cancel")
    cancel.hide()
    status_bar.addWidget(text, 1)
    status_bar.addPermanentWidget(progress)
    status_bar.addPermanentWidget(cancel)
    return StatusParts(text, progress, cancel)
