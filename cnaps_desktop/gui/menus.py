"""The menu bar and the choice menus (device, precision, tile size, output format)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QMenu

from cnaps_desktop.gui.settings_store import SettingsStore

if TYPE_CHECKING:
    from cnaps_desktop.gui.main_window import MainWindow

SAVE_FORMATS = {
    "Same as the original": None,
    "PNG (*.png)": "png",
    "JPEG (*.jpg)": "jpeg",
    "TIFF (*.tif)": "tiff",
    "WebP (*.webp)": "webp",
}
TILE_SIZES = {"Automatic": None, "256 px": 256, "512 px": 512, "1024 px": 1024}
PRECISIONS = {
    "auto": "Automatic",
    "fp32": "fp32",
    "fp16": "fp16 (GPU)",
    "bf16": "bf16 (GPU, or CPU with AMX)",
}


def build_menus(
    window: MainWindow, view_keys: tuple[tuple[str, Callable[[], None], tuple[str, ...]], ...]
) -> None:
    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(window.open_action)
    window.recent_menu = file_menu.addMenu("Open recent")
    window.recent_menu.aboutToShow.connect(window._fill_recent)
    file_menu.addAction(window.save_action)
    file_menu.addSeparator()
    file_menu.addAction("Choose output folder...", window.choose_output_folder)
    file_menu.addAction("Open output folder", window.open_output_folder)
    file_menu.addSeparator()
    file_menu.addAction("Quit", QKeySequence.StandardKey.Quit, window.close)
    view_menu = menu.addMenu("&View")
    for text, slot, keys in view_keys:
        item = view_menu.addAction(text, slot)
        item.setShortcuts([QKeySequence(k) for k in keys])
        item.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    view_menu.addAction(window.explain_action)
    run_menu = menu.addMenu("&Run")
    for item in (window.restore_action, window.restore_all_action, window.cancel_action):
        run_menu.addAction(item)
    run_menu.addAction("Add checkpoint file...", window.picker.add_file)
    choice_menu(window, run_menu.addMenu("Precision"), PRECISIONS, "precision")
    choice_menu(
        window, run_menu.addMenu("Tile size"), {v: k for k, v in TILE_SIZES.items()}, "tile"
    )
    formats = {v: k.split(" (")[0] for k, v in SAVE_FORMATS.items()}
    choice_menu(window, run_menu.addMenu("Output format (Restore all)"), formats, "output_format")


def choice_menu(window: MainWindow, menu: QMenu, choices: dict[Any, str], setting: str) -> None:
    """Checkable items, one per choice; the checked one is the stored setting."""
    group = QActionGroup(window)
    current = getattr(window.store, setting)
    for value, words in choices.items():
        item = menu.addAction(words)
        item.setCheckable(True)
        item.setChecked(value == current)
        item.triggered.connect(lambda _=False, v=value: set_choice(window, setting, v))
        group.addAction(item)


def set_choice(window: MainWindow, setting: str, value: object) -> None:
    setattr(window.store, setting, value)
    if setting in ("device", "precision", "tile"):
        window.session.checkpoint_changed()


def device_combo(
    devices: list[tuple[str, str]], store: SettingsStore, chosen: Callable[[str], None]
) -> QComboBox:
    """The toolbar's device choice ("Automatic", "CPU", each GPU)."""
    combo = QComboBox()
    combo.setAccessibleName("Device")
    for name, words in devices:
        combo.addItem(words, name)
    index = combo.findData(store.device)
    combo.setCurrentIndex(max(0, index))
    combo.activated.connect(lambda i: chosen(combo.itemData(i)))
    return combo
