"""The honest first screen: a calm line near the checkpoint picker while the chosen checkpoint is
a first version, saying what to expect and offering a better one.

Not a dialog and never in the way: a thin bar in the window's own colours with a soft accent,
one sentence and two link-style buttons. What it says follows weights/README.md: the bundled
model was trained briefly on a CPU, leaves photos slightly cleaner but not visibly sharper.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QWidget,
)

DOWNLOAD_TEXT = "Download an official checkpoint"
ADD_FILE_TEXT = "Add checkpoint file..."


def first_version_text(name: str) -> str:
    """The one sentence for the first-version checkpoint called ``name``."""
    return (
        f"{name} is a first version trained briefly on a CPU: expect a light clean-up, not a "
        "sharper photo."
    )


class FirstVersionNotice(QFrame):
    """Visible only while :meth:`show_for` is told the checkpoint is a first version."""

    download_requested = Signal()
    add_file_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("About this checkpoint")
        self.icon = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.download = _link_button(DOWNLOAD_TEXT)
        self.download.clicked.connect(self.download_requested)
        self.add_file = _link_button(ADD_FILE_TEXT)
        self.add_file.clicked.connect(self.add_file_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.setSpacing(8)
        layout.addWidget(self.icon)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.download)
        layout.addWidget(self.add_file)
        self._apply_palette()
        self.hide()

    def show_for(self, first_version: bool, name: str) -> None:
        """Show the notice for checkpoint ``name`` when it is a first version, else hide it."""
        self.message.setText(first_version_text(name) if first_version else "")
        self.setAccessibleDescription(self.message.text())
        self.setVisible(first_version)

    def text(self) -> str:
        return self.message.text()

    # ------------------------------------------------------------------ look
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._apply_palette()

    def paintEvent(self, event: QPaintEvent) -> None:
        """A faint wash of the theme's highlight colour and a stronger bar on the left."""
        painter = QPainter(self)
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        wash = QColor(accent)
        wash.setAlpha(28)
        painter.fillRect(self.rect(), wash)
        painter.fillRect(0, 0, 3, self.height(), accent)

    def _apply_palette(self) -> None:
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.icon.setPixmap(icon.pixmap(size, size))
        link = self.palette().color(QPalette.ColorRole.Link)
        for button in (self.download, self.add_file):
            palette = button.palette()
            palette.setColor(QPalette.ColorRole.ButtonText, link)
            button.setPalette(palette)


def _link_button(text: str) -> QPushButton:
    """A flat button drawn like a link: keyboard-focusable and announced as a button."""
    button = QPushButton(text)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setAccessibleName(text.removesuffix("..."))
    font = button.font()
    font.setUnderline(True)
    button.setFont(font)
    return button
