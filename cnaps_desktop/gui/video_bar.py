"""Under the view for a video: a frame scrubber, the frame's time, and "Restore video"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget


def frame_words(frame: int, frames: int, fps: float) -> str:
    seconds = frame / fps if fps > 0 else 0.0
    minutes, rest = divmod(seconds, 60)
    return f"frame {frame + 1:,} / {frames:,}   {int(minutes):02d}:{rest:04.1f}"


class VideoBar(QWidget):
    frame_chosen = Signal(int)
    """The scrubber settled on a frame (after a short pause, so dragging stays smooth)."""
    restore_video = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames = 1
        self._fps = 0.0
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Video frame")
        self.label = QLabel()
        self.button = QPushButton("Restore video")
        self.button.clicked.connect(self.restore_video)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(250)
        self._settle.timeout.connect(lambda: self.frame_chosen.emit(self.slider.value()))
        self.slider.valueChanged.connect(self._moved)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(QLabel("Video:"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.hide()

    def show_video(self, info: Any, frame: int = 0) -> None:
        if info is None:
            self.hide()
            return
        self._frames = max(1, int(info.frames))
        self._fps = float(info.frame_rate)
        self.slider.blockSignals(True)
        self.slider.setRange(0, self._frames - 1)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self.label.setText(frame_words(frame, self._frames, self._fps))
        self.show()

    def _moved(self, frame: int) -> None:
        self.label.setText(frame_words(frame, self._frames, self._fps))
        self._settle.start()
