"""The window's actions, toolbar and menu bar, and the choice menus (precision, tile size, output
format). Each builder returns what it built; the window keeps it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QMenuBar, QToolBar, QWidget

from cnaps_desktop.gui.dialogs import SAVE_FORMATS
from cnaps_desktop.gui.services import DeviceChoice
from cnaps_desktop.gui.settings_store import SettingsStore
from cnaps_desktop.gui.widgets.change_legend import changes_action

TILE_SIZES = {"Automatic": None, "256 px": 256, "512 px": 512, "1024 px": 1024}
PRECISIONS = {
    "auto": "Automatic",
    "fp32": "fp32",
    "fp16": "fp16 (GPU)",
    "bf16": "bf16 (GPU, or CPU with AMX)",
}
RESTARTS_PREVIEW = ("device", "precision", "tile")
"""Settings that change how the model runs, so the preview starts again with them."""

ViewKey = tuple[str, Callable[[], None], tuple[str, ...]]
"""(menu text, what it does, its keys) for the View menu."""


class ViewCommands(Protocol):
    """What the compare view does from the View menu's keys."""

    def zoom_in(self) -> None: ...
    def zoom_out(self) -> None: ...
    def fit(self) -> None: ...
    def actual_size(self) -> None: ...
    def toggle_before_after(self) -> None: ...


ChoiceT = TypeVar("ChoiceT")


@dataclass(frozen=True)
class WindowCommands:
    """What the actions and menus do: the window's own methods, handed in."""

    open: Callable[[], None]
    restore: Callable[[], None]
    restore_all: Callable[[], None]
    save_as: Callable[[], None]
    cancel: Callable[[], None]
    toggle_explain: Callable[[bool], None]
    choose_output_folder: Callable[[], None]
    open_output_folder: Callable[[], None]
    quit: Callable[[], object]
    add_checkpoint_file: Callable[[], None]
    add_paths: Callable[[list[Path]], None]
    recent_files: Callable[[], list[Path]]
    restart_preview: Callable[[], None]
    find_blurry: Callable[[], None]
    export_comparison: Callable[[], None]


@dataclass(frozen=True)
class WindowActions:
    open: QAction
    restore: QAction
    restore_all: QAction
    save: QAction
    cancel: QAction
    explain: QAction
    """Checkable: shows or hides the side pane."""
    export: QAction
    """File > Export comparison..., enabled while a whole result is on screen."""
    changes: QAction
    """Checkable "Show changes" (key D), enabled once the change of a result is measured."""


@dataclass(frozen=True)
class Menus:
    file: QMenu
    recent: QMenu
    view: QMenu
    run: QMenu


def build_actions(window: QWidget, commands: WindowCommands) -> WindowActions:
    """The actions with their shortcuts, added to ``window`` so the keys work everywhere in it."""

    def action(
        text: str, slot: Callable[..., object], keys: str | QKeySequence.StandardKey | None = None
    ) -> QAction:
        item = QAction(text, window)
        if keys is not None:
            item.setShortcut(QKeySequence(keys))
        item.triggered.connect(slot)
        window.addAction(item)
        return item

    explain = action("What happened", commands.toggle_explain, "F1")
    explain.setCheckable(True)
    export = action("Export comparison...", commands.export_comparison)
    export.setEnabled(False)
    changes = changes_action(window)
    window.addAction(changes)
    return WindowActions(
        open=action("Open...", commands.open, QKeySequence.StandardKey.Open),
        restore=action("Restore", commands.restore, "Ctrl+R"),
        restore_all=action("Restore all", commands.restore_all),
        save=action("Save as...", commands.save_as, QKeySequence.StandardKey.Save),
        cancel=action("Cancel", commands.cancel, "Esc"),
        explain=explain,
        export=export,
        changes=changes,
    )


def view_keys(view: ViewCommands) -> tuple[ViewKey, ...]:
    """The View menu's zoom and before/after items with their keys."""
    return (
        ("Zoom in", view.zoom_in, ("+", "=")),
        ("Zoom out", view.zoom_out, ("-",)),
        ("Fit", view.fit, ("0",)),
        ("100%", view.actual_size, ("1",)),
        ("Before / after", view.toggle_before_after, ("Space",)),
    )


def build_toolbar(actions: WindowActions, picker: QWidget, devices: QComboBox) -> QToolBar:
    """Open, Restore, Restore all, Save; the checkpoint and device choices; "What happened"."""
    toolbar = QToolBar("Main")
    toolbar.setObjectName("main-toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for item in (actions.open, actions.restore, actions.restore_all, actions.save):
        toolbar.addAction(item)
    toolbar.addSeparator()
    toolbar.addWidget(picker)
    toolbar.addSeparator()
    toolbar.addWidget(QLabel(" Device: "))
    toolbar.addWidget(devices)
    spacer = QWidget()
    spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
    toolbar.addWidget(spacer)
    toolbar.addAction(actions.explain)
    return toolbar


def build_menus(
    menu_bar: QMenuBar,
    actions: WindowActions,
    commands: WindowCommands,
    view_keys: tuple[ViewKey, ...],
    store: SettingsStore,
) -> Menus:
    file_menu = menu_bar.addMenu("&File")
    file_menu.addAction(actions.open)
    recent = file_menu.addMenu("Open recent")
    recent.aboutToShow.connect(lambda: fill_recent(recent, commands.recent_files(), commands))
    file_menu.addAction(actions.save)
    file_menu.addAction(actions.export)
    file_menu.addSeparator()
    file_menu.addAction("Find blurry photos in a folder...", commands.find_blurry)
    file_menu.addSeparator()
    file_menu.addAction("Choose output folder...", commands.choose_output_folder)
    file_menu.addAction("Open output folder", commands.open_output_folder)
    file_menu.addSeparator()
    file_menu.addAction("Quit", QKeySequence.StandardKey.Quit, commands.quit)
    view_menu = menu_bar.addMenu("&View")
    for text, slot, keys in view_keys:
        item = view_menu.addAction(text, slot)
        item.setShortcuts([QKeySequence(k) for k in keys])
        item.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    view_menu.addAction(actions.changes)
    view_menu.addAction(actions.explain)
    run_menu = menu_bar.addMenu("&Run")
    for item in (actions.restore, actions.restore_all, actions.cancel):
        run_menu.addAction(item)
    run_menu.addAction("Add checkpoint file...", commands.add_checkpoint_file)
    restart = commands.restart_preview
    choice_menu(run_menu.addMenu("Precision"), PRECISIONS, store, "precision", restart)
    tiles = {v: k for k, v in TILE_SIZES.items()}
    choice_menu(run_menu.addMenu("Tile size"), tiles, store, "tile", restart)
    formats = {v: k.split(" (")[0] for k, v in SAVE_FORMATS.items()}
    output_menu = run_menu.addMenu("Output format (Restore all)")
    choice_menu(output_menu, formats, store, "output_format", restart)
    return Menus(file=file_menu, recent=recent, view=view_menu, run=run_menu)


def fill_recent(menu: QMenu, paths: list[Path], commands: WindowCommands) -> None:
    """The recent files, each opening itself again; filled each time the menu opens."""
    menu.clear()
    for path in paths:
        menu.addAction(str(path), partial(commands.add_paths, [path]))
    if not menu.actions():
        menu.addAction("(none yet)").setEnabled(False)


def choice_menu(
    menu: QMenu,
    choices: dict[ChoiceT, str],
    store: SettingsStore,
    setting: str,
    restart_preview: Callable[[], None],
) -> QActionGroup:
    """Checkable items, one per choice; the checked one is the stored setting."""
    group = QActionGroup(menu)
    current = getattr(store, setting)

    def chooser(value: ChoiceT) -> Callable[[], None]:
        def choose() -> None:
            setattr(store, setting, value)
            if setting in RESTARTS_PREVIEW:
                restart_preview()

        return choose

    for value, words in choices.items():
        item = menu.addAction(words)
        item.setCheckable(True)
        item.setChecked(value == current)
        item.triggered.connect(chooser(value))
        group.addAction(item)
    return group


def device_combo(
    devices: list[DeviceChoice], store: SettingsStore, chosen: Callable[[str], None]
) -> QComboBox:
    """The toolbar's device choice ("Automatic", "CPU", each GPU)."""
    combo = QComboBox()
    combo.setAccessibleName("Device")
    for device in devices:
        combo.addItem(device.words, device.name)
    index = combo.findData(store.device)
    combo.setCurrentIndex(max(0, index))
    combo.activated.connect(lambda i: chosen(combo.itemData(i)))
    return combo
