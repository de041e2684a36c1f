"""A one-line badge over the "before" picture: what the photo needs, and whether this model does it.

It is a child widget laid over another one (the compare view): a rounded, semi-transparent dark
box like the view's own "Before" and "After" labels (overlays.py), so it reads on any photo in
light and dark themes. A coloured dot repeats the match at a glance (the words always say it):
green for the model's task, amber for a little help, grey for not its task or nothing to do.
Mouse events pass through it, so dragging the view and its divider works underneath.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QWidget

from cnaps_desktop.gui.diagnosis_facts import CheckpointFacts, DiagnosisFacts
from cnaps_desktop.gui.diagnosis_words import Badge, Tone, badge

MARGIN = 10
"""Logical pixels between the badge and the edges of its area."""
_PADDING_X, _PADDING_Y, _DOT = 10, 4, 8
_TEXT_LEFT = _PADDING_X + _DOT + _PADDING_X // 2
_BACKGROUND = QColor(20, 20, 20, 185)
_TEXT = QColor(245, 245, 245)
TONE_COLOURS: dict[Tone, QColor] = {
    "suits": QColor(76, 175, 80),
    "partly": QColor(240, 180, 41),
    "not": QColor(158, 158, 158),
    "nothing": QColor(158, 158, 158),
    "unknown": QColor(120, 160, 220),
}


class DiagnosisBadge(QWidget):
    """Sits at the bottom-left corner of its area (the parent's rectangle unless
    :meth:`set_area` says otherwise); hidden while it has nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._badge: Badge | None = None
        self._area: QRect | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setAccessibleName("Photo diagnosis")
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.95))
        self.setFont(font)
        if parent is not None:
            parent.installEventFilter(self)
        self.hide()

    # ------------------------------------------------------------------ contents
    def show_diagnosis(self, diagnosis: DiagnosisFacts, task: CheckpointFacts | None) -> None:
        """Show the badge for ``diagnosis`` against the checkpoint ``task`` (the engine's
        ``CheckpointTask``; None: the finding only), see
        :func:`~cnaps_desktop.gui.diagnosis_words.badge`."""
        self.set_badge(badge(diagnosis, task))

    def set_badge(self, value: Badge | None) -> None:
        self._badge = value
        if value is None:
            self.hide()
            return
        self.setAccessibleDescription(value.text)
        if self.parentWidget() is None:
            self.resize(self.sizeHint())
            self.show()
        self._place()
        self.update()

    def clear(self) -> None:
        self.set_badge(None)

    def text(self) -> str:
        return "" if self._badge is None else self._badge.text

    def tone(self) -> Tone | None:
        return None if self._badge is None else self._badge.tone

    # ------------------------------------------------------------------ placement
    def set_area(self, area: QRect | None) -> None:
        """The part of the parent showing the "before" picture; None: the whole parent."""
        self._area = None if area is None else QRect(area)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def sizeHint(self) -> QSize:
        return self._size_for(self.text())

    def shown_text(self) -> str:
        """The text as painted at the badge's width: the short form, elided, when narrow."""
        if self._badge is None:
            return ""
        metrics, room = self.fontMetrics(), self.width() - _TEXT_LEFT - _PADDING_X
        wanted = self._badge.fitting(lambda text: metrics.horizontalAdvance(text) <= room)
        return metrics.elidedText(wanted, Qt.TextElideMode.ElideRight, room)

    def _size_for(self, text: str) -> QSize:
        metrics = self.fontMetrics()
        return QSize(
            _TEXT_LEFT + metrics.horizontalAdvance(text) + _PADDING_X + 2,  # 2: sub-pixel text
            metrics.height() + 2 * _PADDING_Y,
        )

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None or self._badge is None:
            return
        area = self._area if self._area is not None else parent.rect()
        room = max(0, area.width() - 2 * MARGIN)
        size = self._size_for(
            self._badge.fitting(lambda text: self._size_for(text).width() <= room)
        )
        width = min(size.width(), room)
        top = area.bottom() + 1 - MARGIN - size.height()
        self.setGeometry(area.left() + MARGIN, top, width, size.height())
        self.setVisible(width > _TEXT_LEFT + 2 * _PADDING_X)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        if self._badge is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QRectF(self.rect())
        path = QPainterPath()
        path.addRoundedRect(box, 6, 6)
        painter.fillPath(path, _BACKGROUND)
        centre = QPointF(_PADDING_X + _DOT / 2, box.height() / 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TONE_COLOURS[self._badge.tone])
        painter.drawEllipse(centre, _DOT / 2, _DOT / 2)
        text_box = box.adjusted(_TEXT_LEFT, 0, -_PADDING_X, 0)
        painter.setPen(_TEXT)
        painter.drawText(
            text_box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.shown_text()
        )
