"""Under the view for a video: a frame scrubber, the frame's time, the part to restore, and
"Restore video"."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.probe import VideoInfo


def clock(frame: int, fps: float) -> str:
    seconds = frame / fps if fps > 0 else 0.0
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:04.1f}"


def frame_words(frame: int, frames: int, fps: float) -> str:
    return f"frame {frame + 1:,} / {frames:,}   {clock(frame, fps)}"


def range_words(start: int, end: int, frames: int, fps: float) -> str:
    """What "Restore video" will do: the whole video, or frames start+1 to end (1-based)."""
    if start == 0 and end == frames:
        return f"Restores the whole video ({frames:,} frames)."
    return (
        f"Restores frames {start + 1:,} to {end:,} of {frames:,} "
        f"({clock(start, fps)} to {clock(end, fps)}, {end - start:,} frames)."
    )


class VideoBar(QWidget):
    frame_chosen = Signal(int)
    """The scrubber settled on a frame (after a short pause, so dragging stays smooth)."""
    restore_video = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames = 1
        self._fps = 0.0
        self._path: Path | None = None
        self._ranges: dict[Path, tuple[int, int]] = {}  # start, stop-before; only when partial
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Video frame")
        self.label = QLabel()
        self.button = QPushButton("Restore video")
        self.button.clicked.connect(self.restore_video)
        self.start_button = QPushButton("Start here")
        self.start_button.setToolTip("Restore from the frame shown on")
        self.start_button.clicked.connect(self.start_at_current)
        self.end_button = QPushButton("End here")
        self.end_button.setToolTip("Restore up to and including the frame shown")
        self.end_button.clicked.connect(self.end_at_current)
        self.whole_button = QPushButton("Whole video")
        self.whole_button.setToolTip("Restore every frame again")
        self.whole_button.clicked.connect(self.clear_range)
        self.range_label = QLabel()
        self.range_label.setEnabled(False)  # the palette's quieter text colour
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(250)
        self._settle.timeout.connect(lambda: self.frame_chosen.emit(self.slider.value()))
        self.slider.valueChanged.connect(self._moved)

        scrub = QHBoxLayout()
        scrub.addWidget(QLabel("Video:"))
        scrub.addWidget(self.slider, 1)
        scrub.addWidget(self.label)
        part = QHBoxLayout()
        part.addWidget(self.range_label, 1)
        for button in (self.start_button, self.end_button, self.whole_button):
            part.addWidget(button)
        part.addSpacing(12)
        part.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)
        layout.addLayout(scrub)
        layout.addLayout(part)
        self.hide()

    def show_video(self, info: VideoInfo | None, frame: int = 0, path: Path | None = None) -> None:
        if info is None:
            self.hide()
            return
        self._frames = max(1, int(info.frames))
        self._fps = float(info.frame_rate)
        self._path = path
        self.slider.blockSignals(True)
        self.slider.setRange(0, self._frames - 1)
        self.slider.setValue(frame)
        self.slider.blockSignals(False)
        self.label.setText(frame_words(frame, self._frames, self._fps))
        self._show_range()
        self.show()

    # ------------------------------------------------------------------ the part to restore
    def frame_range(self) -> tuple[int, int]:
        """(first frame, frame to stop before) of the video shown."""
        if self._path is None:
            return 0, self._frames
        return self._ranges.get(self._path, (0, self._frames))

    def ranges(self) -> tuple[tuple[Path, int, int], ...]:
        """Every video given a part so far, for RunSettings.video_ranges."""
        return tuple((path, start, end) for path, (start, end) in self._ranges.items())

    def start_at_current(self) -> None:
        _, end = self.frame_range()
        frame = self.slider.value()
        self._set_range(frame, end if end > frame else self._frames)

    def end_at_current(self) -> None:
        start, _ = self.frame_range()
        frame = self.slider.value()
        self._set_range(start if start <= frame else 0, frame + 1)

    def clear_range(self) -> None:
        self._set_range(0, self._frames)

    def _set_range(self, start: int, end: int) -> None:
        if self._path is None:
            return
        if (start, end) == (0, self._frames):
            self._ranges.pop(self._path, None)
        else:
            self._ranges[self._path] = (start, end)
        self._show_range()

    def _show_range(self) -> None:
        start, end = self.frame_range()
        self.range_label.setText(range_words(start, end, self._frames, self._fps))
        self.whole_button.setVisible((start, end) != (0, self._frames))

    def _moved(self, frame: int) -> None:
        self.label.setText(frame_words(frame, self._frames, self._fps))
        self._settle.start()
