"""The empty state and drag-and-drop: "Drop photos, videos or folders here", with an Open button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


def paths_from_mime(mime: QMimeData) -> list[Path]:
    """Local files and folders in a drag, in order."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropZone(QWidget):
    """Shown while nothing is loaded. Drops on it reach the window, which takes drops anywhere
    (main_window.py): this widget does not accept them itself, so Qt passes them up."""

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Drop zone")
        title = QLabel("Drop photos, videos or folders here")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        title.setFont(font)
        hint = QLabel(
            "CNAPS Desktop removes motion blur and camera shake at the same resolution.\n"
            "JPEG, PNG, TIFF, HEIC, WebP photos; MP4, MOV, MKV videos."
        )
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setEnabled(False)  # the palette's quieter text colour, in light and dark themes
        button = QPushButton("Open...")
        button.setMinimumWidth(140)
        button.clicked.connect(self.open_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addWidget(hint)
        layout.addSpacing(18)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
