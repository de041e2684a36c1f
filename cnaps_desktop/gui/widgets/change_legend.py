"""The "What changed" controls: a checkable "Show changes" button (key D) and the heat map's
legend, a small colour bar from the smallest counted change to the top of the scale.

The heat map itself is computed by the engine (engine/compare) and painted by the compare view;
this module only draws the legend from plain data: (level, RGB colour) stops, the levels in
8-bit steps of 255, the last colour also standing for every larger change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QLinearGradient, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

SHORTCUT = "D"
BAR_WIDTH = 140
"""Logical pixels; the labels sit under the bar's ends and middle."""
_BAR_HEIGHT = 10
_GAP = 3
_BUTTON_TIP = f"Colour what the model changed on the after side ({SHORTCUT})"

Colour = tuple[int, int, int]


class LegendStopLike(Protocol):
    """The engine's LegendStop: ``level`` in 8-bit steps and ``colour`` as RGB."""

    @property
    def level(self) -> float: ...

    @property
    def colour(self) -> Colour: ...


Stop = tuple[float, Colour] | LegendStopLike


def plain_stops(stops: Sequence[Stop]) -> list[tuple[float, Colour]]:
    """(level, colour) pairs, lowest level first, from pairs or engine legend stops."""
    pairs = [stop if isinstance(stop, tuple) else (stop.level, stop.colour) for stop in stops]
    return sorted(((float(level), tuple(colour)) for level, colour in pairs), key=lambda p: p[0])


def level_words(level: float) -> str:
    """ "2", "9.5": whole levels without a decimal point."""
    return f"{level:.0f}" if float(level).is_integer() else f"{level:.1f}"


def legend_marks(stops: Sequence[tuple[float, Colour]]) -> list[tuple[float, str]]:
    """(position along the bar 0-1, text) under the bar: the lowest, middle and top stop's
    level, the top one with a "+" (its colour also stands for larger changes)."""
    if not stops:
        return []
    low, high = stops[0][0], stops[-1][0]
    chosen = [stops[0], stops[len(stops) // 2], stops[-1]] if len(stops) > 2 else stops[-1:]
    marks = [(_position(level, low, high), level_words(level)) for level, _ in chosen]
    if len(stops) == 2:
        marks.insert(0, (0.0, level_words(low)))
    position, top = marks[-1]
    marks[-1] = (position, f"{top}+")
    return marks


def _position(level: float, low: float, high: float) -> float:
    return 0.0 if high <= low else (level - low) / (high - low)


class ChangeLegend(QWidget):
    """The colour bar with its level labels; empty (and hidden by its owner) without stops."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stops: list[tuple[float, Colour]] = []
        self.setAccessibleName("Change legend")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_stops(self, stops: Sequence[Stop]) -> None:
        self._stops = plain_stops(stops)
        labels = self.labels()
        if labels:
            self.setAccessibleDescription(
                f"Colours from a change of {labels[0]} levels (darkest) to {labels[-1]} levels "
                "of 255 (brightest)."
            )
        self.updateGeometry()
        self.update()

    def stops(self) -> list[tuple[float, Colour]]:
        return list(self._stops)

    def labels(self) -> list[str]:
        return [text for _, text in legend_marks(self._stops)]

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(
            BAR_WIDTH + metrics.horizontalAdvance("000+"), _BAR_HEIGHT + _GAP + metrics.height()
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._stops:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        metrics = self.fontMetrics()
        inset = metrics.horizontalAdvance("000+") / 2  # room for the end labels' halves
        bar = QRectF(inset, 1, BAR_WIDTH, _BAR_HEIGHT)
        low, high = self._stops[0][0], self._stops[-1][0]
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for level, colour in self._stops:
            gradient.setColorAt(_position(level, low, high), QColor(*colour))
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setBrush(gradient)
        painter.drawRoundedRect(bar, 2, 2)
        baseline = bar.bottom() + _GAP + metrics.ascent()
        for position, text in legend_marks(self._stops):
            x = bar.left() + position * bar.width()
            painter.drawText(QPointF(x - metrics.horizontalAdvance(text) / 2, baseline), text)


class ChangeControls(QWidget):
    """[Show changes] and, while it is on and a result exists, "Change (levels):" and the legend.

    ``action`` is the checkable "Show changes" action with key D; pass the window's own to
    share it with a menu, or leave it out and this widget makes one (add it to a menu through
    :attr:`action`). The button stays disabled until :meth:`set_change` gives a result.
    """

    toggled = Signal(bool)

    def __init__(self, action: QAction | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.action = action if action is not None else changes_action(self)
        if action is None:
            self.addAction(self.action)  # its key works anywhere in the window
        self.button = QToolButton()
        self.button.setDefaultAction(self.action)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.button.setAccessibleName("Show changes")
        self.caption = QLabel("Change (levels):")
        self.legend = ChangeLegend()
        self.note = QLabel()
        self.note.setAccessibleName("Change summary")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in (self.button, self.caption, self.legend, self.note):
            layout.addWidget(widget)
        self.action.toggled.connect(self._on_toggled)
        self._almost_nothing = False
        self.clear()

    def set_change(
        self, stops: Sequence[Stop], sentence: str = "", almost_nothing: bool = False
    ) -> None:
        """A result to show: the legend's stops, the run-facts sentence (the tooltip), and
        whether almost nothing changed (then the words replace the empty-looking colour bar)."""
        self.legend.set_stops(stops)
        self._almost_nothing = almost_nothing
        self.note.setText("Almost nothing changed" if almost_nothing else "")
        for widget in (self.button, self.legend, self.note):
            widget.setToolTip(sentence or _BUTTON_TIP)
        self.action.setEnabled(bool(stops))
        self._show_legend(self.action.isChecked())

    def clear(self) -> None:
        """No result on screen: the button is off and disabled, the legend hidden."""
        self.legend.set_stops([])
        self.action.setChecked(False)
        self.action.setEnabled(False)
        self.button.setToolTip(_BUTTON_TIP)
        self._show_legend(False)

    def is_on(self) -> bool:
        return self.action.isChecked() and self.action.isEnabled()

    def _on_toggled(self, on: bool) -> None:
        self._show_legend(on)
        self.toggled.emit(on)

    def _show_legend(self, on: bool) -> None:
        has_stops = bool(self.legend.stops())
        self.caption.setVisible(on and has_stops and not self._almost_nothing)
        self.legend.setVisible(on and has_stops and not self._almost_nothing)
        self.note.setVisible(on and self._almost_nothing)


def changes_action(parent: QWidget) -> QAction:
    """The checkable "Show changes" action with key D, disabled until there is a result."""
    action = QAction("Show changes", parent)
    action.setCheckable(True)
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setToolTip(_BUTTON_TIP)
    action.setStatusTip("Overlay a heat map of |after - before| on the after side")
    action.setEnabled(False)
    return action
