"""What the compare view draws over the pictures: the labels and badges, and the divider.

In logical pixels, so text and handles keep their size on high-DPI screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen


@dataclass(frozen=True)
class ViewLabels:
    """How the compare view is split, which decides where its labels go."""

    side_by_side: bool
    whole: str | None
    """"before" or "after" while one side is shown whole (Space), else None."""
    split: float
    """The divider's place, 0-1 of the width."""


def draw_label(painter: QPainter, at: QPointF, text: str, align_right: bool = False) -> None:
    """A rounded dark badge with light text, its top-left (or top-right) corner at ``at``."""
    metrics = painter.fontMetrics()
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + 16, metrics.height() + 8)
    box.moveTopLeft(QPointF(at.x() - box.width(), at.y()) if align_right else at)
    path = QPainterPath()
    path.addRoundedRect(box, 6, 6)
    painter.fillPath(path, QColor(20, 20, 20, 170))
    painter.setPen(QColor(245, 245, 245))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def draw_divider(painter: QPainter, x: float, height: float) -> None:
    """The before/after divider at ``x``: a shadowed line with a round handle of two arrows."""
    painter.setPen(QPen(QColor(0, 0, 0, 90), 4))
    painter.drawLine(QPointF(x, 0), QPointF(x, height))
    painter.setPen(QPen(QColor(255, 255, 255), 2))
    painter.drawLine(QPointF(x, 0), QPointF(x, height))
    centre = QPointF(x, height / 2)
    painter.setBrush(QColor(255, 255, 255))
    painter.setPen(QPen(QColor(0, 0, 0, 120), 1))
    painter.drawEllipse(centre, 14, 14)
    painter.setBrush(QColor(60, 60, 60))
    painter.setPen(Qt.PenStyle.NoPen)
    for direction in (-1, 1):
        tip = centre + QPointF(direction * 9, 0)
        painter.drawPolygon(
            [tip, centre + QPointF(direction * 3, -5), centre + QPointF(direction * 3, 5)]
        )


def draw_view_labels(
    painter: QPainter, view: ViewLabels, line: QColor, after_label: str, after_note: str
) -> None:
    """ "Before" and ``after_label`` at the top, the divider (or the side-by-side line), and
    ``after_note`` at the bottom right of the "after" side when it has room."""
    device = painter.device()
    width, height = device.width(), device.height()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(painter.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.95))
    painter.setFont(font)
    if view.side_by_side:
        draw_label(painter, QPointF(10, 10), "Before")
        draw_label(painter, QPointF(width / 2 + 10, 10), after_label)
        painter.setPen(QPen(line, 1))
        painter.drawLine(QPointF(width / 2, 0), QPointF(width / 2, height))
        after_left = width / 2
    elif view.whole is not None:
        draw_label(painter, QPointF(10, 10), "Before" if view.whole == "before" else after_label)
        after_left = 0.0
    else:
        split_x = view.split * width
        draw_label(painter, QPointF(10, 10), "Before")
        draw_label(painter, QPointF(width - 10, 10), after_label, align_right=True)
        draw_divider(painter, split_x, height)
        after_left = split_x
    if after_note and view.whole != "before":
        note_width = painter.fontMetrics().horizontalAdvance(after_note) + 20
        if width - after_left > note_width + 20:
            draw_label(painter, QPointF(width - 10, height - 34), after_note, align_right=True)
