"""The list of dropped or opened files, each with its state: waiting, working, done, failed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMenu, QWidget

from cnaps_desktop.gui.file_entries import EntryUpdate, FileEntry

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class FileList(QListWidget):
    """Shows :class:`FileEntry` rows; right-click: show in folder, restore this one, remove."""

    restore_requested = Signal(Path)
    remove_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Files")
        self.setAlternatingRowColors(True)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self._entries: dict[Path, FileEntry] = {}

    def entries(self) -> list[FileEntry]:
        return [self._entries[self.item(i).data(PATH_ROLE)] for i in range(self.count())]

    def entry(self, path: Path) -> FileEntry | None:
        return self._entries.get(path)

    def add(self, files: list[tuple[Path, str]]) -> list[Path]:
        """Add files not listed yet; returns the ones added."""
        added = []
        for path, kind in files:
            if path in self._entries:
                continue
            self._entries[path] = FileEntry(path, kind)
            item = QListWidgetItem()
            item.setData(PATH_ROLE, path)
            self.addItem(item)
            self._refresh(path)
            added.append(path)
        return added

    def remove(self, path: Path) -> None:
        for i in range(self.count()):
            if self.item(i).data(PATH_ROLE) == path:
                self.takeItem(i)
                break
        self._entries.pop(path, None)

    def select(self, path: Path) -> None:
        for i in range(self.count()):
            if self.item(i).data(PATH_ROLE) == path:
                self.setCurrentRow(i)
                return

    def selected_path(self) -> Path | None:
        item = self.currentItem()
        return None if item is None else item.data(PATH_ROLE)

    def update_entry(self, update: EntryUpdate) -> None:
        entry = self._entries.get(update.path)
        if entry is None:
            return
        entry.apply(update)
        self._refresh(update.path)

    def _refresh(self, path: Path) -> None:
        entry = self._entries[path]
        for i in range(self.count()):
            item = self.item(i)
            if item.data(PATH_ROLE) == path:
                kind = "  (video)" if entry.kind == "video" else ""
                item.setText(f"{path.name}{kind}\n    {entry.status_line()}")
                item.setToolTip(f"{path}\n{entry.status_line()}")
                return

    def _context_menu(self, point: QPoint) -> None:
        item = self.itemAt(point)
        if item is None:
            return
        path: Path = item.data(PATH_ROLE)
        menu = QMenu(self)
        menu.addAction("Restore this one", lambda: self.restore_requested.emit(path))
        menu.addAction(
            "Show in folder",
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))),
        )
        menu.addSeparator()
        menu.addAction("Remove from list", lambda: self.remove_requested.emit(path))
        menu.popup(self.viewport().mapToGlobal(point))
