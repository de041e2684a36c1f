"""Before/after on one canvas: a draggable split divider, synced zoom and pan, side-by-side mode.

Paints from cached display levels (8-bit RGB pyramids made off the GUI thread by
engine/image/display.py), picking the level that matches the zoom, so a repaint never converts the
full-size image. The maths lives in view_state.py; this widget only turns events into calls.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from cnaps_desktop.engine.pixels import Box
from cnaps_desktop.gui.widgets import view_state as vs
from cnaps_desktop.gui.widgets.diagnosis_badge import DiagnosisBadge
from cnaps_desktop.gui.widgets.display_image import DisplayImage
from cnaps_desktop.gui.widgets.overlays import ViewLabels, draw_view_labels

GRAB_DISTANCE = 10.0
"""How close (in logical pixels) the pointer must be to the divider to drag it."""


class CompareView(QWidget):
    """The big view: "before" left of the divider, "after" right of it (or side by side)."""

    zoom_changed = Signal(float)
    view_moved = Signal()
    """The visible part of the image changed (zoom, pan or resize)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self.setAccessibleName("Before and after comparison")
        self._before: DisplayImage | None = None
        self._after: DisplayImage | None = None
        self._after_note = ""
        self._after_box: Box | None = None
        self._message = ""
        self._transform = vs.ViewTransform()
        self._split = vs.Split()
        self._side_by_side = False
        self._whole: str | None = None  # "before" or "after" while Space shows one side whole
        self._fitted = True
        self._drag: str | None = None  # "divider" or "pan"
        self._last_pos = QPointF()
        self._overlay: DisplayImage | None = None
        self._overlay_on = False
        self.badge = DiagnosisBadge(self)
        """What the photo needs, over the "before" side (kept inside it as the divider moves)."""

    # ------------------------------------------------------------------ state
    def set_images(self, before: DisplayImage | None, after: DisplayImage | None = None) -> None:
        """Show a new image; the view fits it and the divider returns to the middle."""
        self._before, self._after = before, after
        self._after_note, self._after_box, self._message = "", None, ""
        self._split = vs.Split()
        self._whole = None
        self._overlay = None
        self.fit()
        self._place_badge()

    def set_after(self, after: DisplayImage | None, note: str = "", box: Box | None = None) -> None:
        """Replace the "after" side, keeping zoom and pan.

        ``note`` is a small badge on it; ``box`` (image pixels) outlines the part restored so far.
        """
        self._after, self._after_note, self._after_box = after, note, box
        self.update()

    def set_overlay(self, overlay: DisplayImage | None) -> None:
        """A picture painted over the "after" side while the overlay is on (the heat map of what
        the model changed); None removes it."""
        self._overlay = overlay
        self.update()

    def set_overlay_visible(self, on: bool) -> None:
        self._overlay_on = on
        self.update()

    def overlay_shown(self) -> bool:
        """Whether the overlay is painted now (there is one, and it is on)."""
        return self._overlay is not None and self._overlay_on and self._after is not None

    def set_message(self, text: str) -> None:
        """A line shown in the middle while there is no image (e.g. why a file did not open)."""
        self._message = text
        self.update()

    def has_image(self) -> bool:
        return self._before is not None

    @property
    def transform(self) -> vs.ViewTransform:
        return self._transform

    @property
    def split(self) -> vs.Split:
        return self._split

    @property
    def side_by_side(self) -> bool:
        return self._side_by_side

    @property
    def whole_side(self) -> str | None:
        return self._whole

    def set_split(self, fraction: float) -> None:
        self._split = vs.Split(min(1.0, max(0.0, fraction)))
        self._whole = None
        self._place_badge()
        self.update()

    def set_side_by_side(self, on: bool) -> None:
        self._side_by_side = on
        self._whole = None
        self._place_badge()
        self._refit_or_keep()

    def toggle_before_after(self) -> None:
        """Space: show the whole image before, then after, then back to the divider."""
        self._whole = {None: "before", "before": "after", "after": None}[self._whole]
        self._place_badge()
        self.update()

    def before_area(self) -> QRect:
        """The part of the widget showing the "before" picture (empty when none is shown)."""
        width, height = self.width(), self.height()
        if self._before is None or self._whole == "after":
            return QRect(0, 0, 0, height)
        if self._side_by_side:
            return QRect(0, 0, width // 2, height)
        if self._whole == "before":
            return QRect(0, 0, width, height)
        return QRect(0, 0, round(self._split.x(width)), height)

    def _place_badge(self) -> None:
        self.badge.set_area(self.before_area())

    def visible_box(self) -> Box | None:
        """The part of the image on screen, in image pixels."""
        if self._before is None:
            return None
        return vs.visible_box(self._transform, self._before.size, self._pane_size())

    # ------------------------------------------------------------------ zoom
    def fit(self) -> None:
        self._fitted = True
        if self._before is not None:
            self._set_transform(vs.fit(self._before.size, self._pane_size()))
        else:
            self.update()

    def actual_size(self) -> None:
        """100%: one image pixel per screen pixel, around the view's centre."""
        self._zoom_around_centre(1.0)

    def zoom_in(self) -> None:
        self._zoom_steps(1.0)

    def zoom_out(self) -> None:
        self._zoom_steps(-1.0)

    def toggle_fit_actual(self) -> None:
        if self._fitted:
            self.actual_size()
        else:
            self.fit()

    def _zoom_around_centre(self, zoom: float) -> None:
        if self._before is None:
            return
        width, height = self._pane_size()
        self._fitted = False
        self._set_transform(vs.zoom_about(self._transform, (width / 2, height / 2), zoom))

    def _zoom_steps(self, steps: float, anchor: tuple[float, float] | None = None) -> None:
        if self._before is None:
            return
        width, height = self._pane_size()
        anchor = anchor or (width / 2, height / 2)
        self._fitted = False
        self._set_transform(vs.zoom_by_steps(self._transform, anchor, steps))

    def _set_transform(self, transform: vs.ViewTransform) -> None:
        if self._before is not None:
            transform = vs.keep_in_view(transform, self._before.size, self._pane_size())
        self._transform = transform
        self.zoom_changed.emit(transform.zoom)
        self.view_moved.emit()
        self.update()

    def _refit_or_keep(self) -> None:
        if self._fitted:
            self.fit()
        else:
            self._set_transform(self._transform)

    # ------------------------------------------------------------------ geometry
    def _dpr(self) -> float:
        return self.devicePixelRatioF()

    def _pane_size(self) -> tuple[float, float]:
        """Size of one image pane in device pixels (half the width side by side)."""
        width, height = self.width() * self._dpr(), self.height() * self._dpr()
        return (width / 2 if self._side_by_side else width, height)

    def _device_pos(self, event: QMouseEvent | QWheelEvent) -> tuple[float, float]:
        pos = event.position()
        x, y = pos.x() * self._dpr(), pos.y() * self._dpr()
        if self._side_by_side and x >= self._pane_size()[0]:
            x -= self._pane_size()[0]
        return x, y

    # ------------------------------------------------------------------ events
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_badge()
        self._refit_or_keep()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self._zoom_steps(steps, self._device_pos(event))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._before is None:
            return
        self._last_pos = event.position()
        on_divider = not self._side_by_side and self._split.near(
            event.position().x(), self.width(), GRAB_DISTANCE
        )
        self._drag = "divider" if on_divider else "pan"
        if on_divider:
            self._whole = None
        self.setCursor(
            Qt.CursorShape.SplitHCursor if on_divider else Qt.CursorShape.ClosedHandCursor
        )

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag == "divider":
            self.set_split(event.position().x() / max(1, self.width()))
        elif self._drag == "pan":
            delta = event.position() - self._last_pos
            self._last_pos = event.position()
            self._fitted = False
            self._set_transform(
                vs.pan(self._transform, (delta.x() * self._dpr(), delta.y() * self._dpr()))
            )
        elif not self._side_by_side and self._split.near(
            event.position().x(), self.width(), GRAB_DISTANCE
        ):
            self.setCursor(Qt.CursorShape.SplitHCursor)
        else:
            self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None
        self.unsetCursor()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._before is not None and event.button() == Qt.MouseButton.LeftButton:
            self.toggle_fit_actual()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        big = 5 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
        actions = {
            Qt.Key.Key_Left: lambda: self.set_split(self._split.stepped(-big).fraction),
            Qt.Key.Key_Right: lambda: self.set_split(self._split.stepped(big).fraction),
            Qt.Key.Key_Home: lambda: self.set_split(0.0),
            Qt.Key.Key_End: lambda: self.set_split(1.0),
        }
        action = actions.get(Qt.Key(key))
        if action is None or self._before is None:
            super().keyPressEvent(event)
            return
        action()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(self.backgroundRole()).darker(115))
        if self._before is None:
            if self._message:
                painter.setPen(self.palette().color(self.foregroundRole()))
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
            return
        dpr = self._dpr()
        pane_w, pane_h = self._pane_size()
        painter.save()
        painter.scale(1 / dpr, 1 / dpr)  # paint in device pixels: 100% is exact
        if self._side_by_side:
            self._paint_side(painter, self._before, QRectF(0, 0, pane_w, pane_h), 0.0)
            self._paint_after_or_waiting(painter, QRectF(pane_w, 0, pane_w, pane_h), pane_w)
        else:
            split_x = {"before": pane_w, "after": 0.0}.get(self._whole or "", self._split.x(pane_w))
            self._paint_side(painter, self._before, QRectF(0, 0, split_x, pane_h), 0.0)
            self._paint_after_or_waiting(painter, QRectF(split_x, 0, pane_w - split_x, pane_h), 0.0)
        painter.restore()
        self._paint_overlays(painter)

    def _paint_after_or_waiting(self, painter: QPainter, clip: QRectF, shift_x: float) -> None:
        if self._after is not None:
            self._paint_side(painter, self._after, clip, shift_x)
            if self.overlay_shown():
                assert self._overlay is not None
                self._paint_side(painter, self._overlay, clip, shift_x)
            if self._after_box is not None:
                self._outline(painter, self._after_box, clip, shift_x)
            return
        assert self._before is not None
        self._paint_side(painter, self._before, clip, shift_x)
        painter.fillRect(clip, QColor(0, 0, 0, 110))  # not restored yet: the "before", dimmed

    def _outline(self, painter: QPainter, box: Box, clip: QRectF, shift_x: float) -> None:
        """A dashed frame around the part of the "after" side restored so far."""
        left, top = self._transform.to_view(box[0], box[1])
        right, bottom = self._transform.to_view(box[2], box[3])
        painter.save()
        painter.setClipRect(clip)
        pen = QPen(QColor(255, 255, 255, 220), 2 * self._dpr(), Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(left + shift_x, top, right - left, bottom - top))
        painter.restore()

    def _paint_side(
        self, painter: QPainter, image: DisplayImage, clip: QRectF, shift_x: float
    ) -> None:
        if clip.width() <= 0 or self._before is None:
            return
        base_size = self._before.size
        # An upscaler's output is larger; draw it over the same image coordinates.
        ratio = image.size[0] / base_size[0] if base_size[0] else 1.0
        zoom_on_this = self._transform.zoom / ratio
        level = vs.level_for_zoom(zoom_on_this, len(image.levels))
        transform = vs.ViewTransform(
            zoom_on_this, self._transform.offset_x * ratio, self._transform.offset_y * ratio
        )
        src, target = vs.source_rect(transform, image.size, self._pane_size(), level)
        painter.save()
        painter.setClipRect(clip)
        smooth = zoom_on_this * 2**level < 1.0  # between levels: filter; magnified: exact pixels
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.drawImage(
            QRectF(target[0] + shift_x, target[1], target[2], target[3]),
            image.levels[level],
            QRectF(*src),
        )
        painter.restore()

    def _paint_overlays(self, painter: QPainter) -> None:
        """Labels, the divider and the badge, in logical pixels so text keeps its size."""
        after_label = "After" if self._after is not None else "After (not restored yet)"
        line = self.palette().color(self.foregroundRole())
        draw_view_labels(
            painter,
            ViewLabels(self._side_by_side, self._whole, self._split.fraction),
            line,
            after_label,
            self._after_note,
        )
