"""Files the operating system asks the running app to open (macOS Finder's "Open With")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent


class FileOpenFilter(QObject):
    """Turns ``QEvent.FileOpen`` on the application into a call with the file's path."""

    def __init__(self, open_paths: Callable[[list[Path]], None], parent: QObject | None = None):
        super().__init__(parent)
        self._open_paths = open_paths

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            self._open_paths([Path(event.file())])
            return True
        return super().eventFilter(watched, event)
