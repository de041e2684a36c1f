"""The first-version notice's "Download an official checkpoint": a menu of the authors' published
checkpoints from the catalog. A missing one starts the checkpoint picker's own download (progress,
Cancel, then it is chosen); one already installed is simply chosen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QWidget

from cnaps_desktop.engine.models.catalog import CatalogEntry


def official_entries(entries: list[CatalogEntry]) -> list[CatalogEntry]:
    """The catalog's checkpoints published by their authors (they have a download location)."""
    return [entry for entry in entries if entry.download and not entry.bundled]


def official_menu(
    parent: QWidget,
    entries: list[CatalogEntry],
    installed: set[str],
    download: Callable[[str], None],
    use: Callable[[str], None],
) -> QMenu:
    """One item per official checkpoint: "NAME" downloads it, "NAME (installed)" chooses it."""
    menu = QMenu(parent)
    menu.setAccessibleName("Official checkpoints")
    for entry in official_entries(entries):
        is_installed = entry.name in installed
        text = f"{entry.name} (installed)" if is_installed else f"{entry.name}..."
        item = menu.addAction(text)
        item.setToolTip(entry.suits)
        item.setStatusTip(entry.suits)
        chosen = use if is_installed else download
        item.triggered.connect(lambda _=False, name=entry.name, act=chosen: act(name))
    menu.setToolTipsVisible(True)
    return menu
