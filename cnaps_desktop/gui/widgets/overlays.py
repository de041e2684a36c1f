"""What the compare view draws over the pictures: the labels and badges, and the divider.

In logical pixels, so text and handles keep their size on high-DPI screens.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen


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
