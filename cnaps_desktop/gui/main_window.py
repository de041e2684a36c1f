"""The main window: composes the widgets and wires them to the session. Wiring only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from cnaps_desktop.engine.models.catalog import load_catalog
from cnaps_desktop.gui import dialogs, window_layout
from cnaps_desktop.gui.batch import BatchOutcome
from cnaps_desktop.gui.file_entries import expand_paths
from cnaps_desktop.gui.findings import Findings
from cnaps_desktop.gui.findings_view import show_findings
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.menus import (
    WindowCommands,
    build_actions,
    build_menus,
    build_toolbar,
    device_combo,
    view_keys,
)
from cnaps_desktop.gui.official_checkpoints import official_menu
from cnaps_desktop.gui.scan_and_export import ask_folder_to_scan, open_export, open_scan
from cnaps_desktop.gui.services import EngineServices, RunSettings
from cnaps_desktop.gui.session import Session
from cnaps_desktop.gui.settings_store import SettingsStore
from cnaps_desktop.gui.widgets.change_legend import ChangeControls
from cnaps_desktop.gui.widgets.checkpoint_picker import CheckpointPicker
from cnaps_desktop.gui.widgets.compare_view import CompareView
from cnaps_desktop.gui.widgets.diagnosis_panel import DiagnosisPanel
from cnaps_desktop.gui.widgets.display_image import DisplayImage
from cnaps_desktop.gui.widgets.drop_zone import DropZone, paths_from_mime
from cnaps_desktop.gui.widgets.error_dialog import show_error
from cnaps_desktop.gui.widgets.explain_pane import ExplainPane
from cnaps_desktop.gui.widgets.file_list import FileList
from cnaps_desktop.gui.widgets.first_version_notice import FirstVersionNotice
from cnaps_desktop.gui.widgets.video_bar import VideoBar
from cnaps_desktop.gui.words import batch_words

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.probe import VideoInfo


class MainWindow(QMainWindow):
    def __init__(self, services: EngineServices, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("CNAPS Desktop")
        self.setAcceptDrops(True)
        self.services = services
        self.store = SettingsStore(settings)
        self.bridge = JobBridge(self)
        self.compare = CompareView()
        self.session = Session(
            services, self.bridge, self.run_settings, self.compare.visible_box, self
        )
        self.files = FileList()
        self.drop_zone = DropZone()
        self.video_bar = VideoBar()
        self.picker = CheckpointPicker(services, self.bridge)
        self.device_combo = device_combo(services.devices(), self.store, self._device_chosen)
        self.catalog = load_catalog()
        self.explain = ExplainPane(self.catalog)
        self.diagnosis_panel = DiagnosisPanel()
        self.notice = FirstVersionNotice()
        self.findings = Findings(services, self.bridge, self.session, self.picker.current, self)
        self.window_actions = build_actions(self, self._commands())
        self.changes = ChangeControls(self.window_actions.changes)
        self._build_layout()
        self._build_toolbar_and_menus()
        self._connect()
        self._connect_findings()
        self.picker.refresh()
        self.picker.set_current(self.store.checkpoint)
        self.findings.checkpoint_changed()
        self._restore_layout()
        self.bridge.submit(
            lambda token, progress: services.warm_up(), worker="io", description="warm up"
        )

    # ------------------------------------------------------------------ layout
    def _build_layout(self) -> None:
        controls = window_layout.view_controls(self.compare, self.changes)
        self.zoom_label, self.side_by_side_button = controls.zoom_label, controls.side_by_side
        self.centre = QStackedWidget()
        self.centre.addWidget(self.drop_zone)
        self.centre.addWidget(window_layout.viewer(self.compare, controls.bar, self.video_bar))
        self.side_pane = window_layout.side_pane(self.diagnosis_panel, self.explain)
        files = window_layout.files_pane(self.files)
        self.splitter = window_layout.main_splitter(files, self.centre, self.side_pane)
        self.setCentralWidget(window_layout.under_notice(self.notice, self.splitter))
        status = window_layout.status_parts(self.statusBar())
        self.status_text, self.progress, self.cancel_button = status

    def _commands(self) -> WindowCommands:
        return WindowCommands(
            open=self.open_dialog,
            restore=self.restore,
            restore_all=self.restore_all,
            save_as=self.save_as,
            cancel=self.session.cancel,
            toggle_explain=self._toggle_explain,
            choose_output_folder=self.choose_output_folder,
            open_output_folder=self.open_output_folder,
            quit=self.close,
            add_checkpoint_file=self.picker.add_file,
            add_paths=self.add_paths,
            recent_files=lambda: self.store.recent_files,
            restart_preview=self.session.checkpoint_changed,
            find_blurry=self.find_blurry_photos,
            export_comparison=self.export_comparison,
        )

    def _build_toolbar_and_menus(self) -> None:
        actions, keys = self.window_actions, view_keys(self.compare)
        self.addToolBar(build_toolbar(actions, self.picker, self.device_combo))
        self.menus = build_menus(self.menuBar(), actions, self._commands(), keys, self.store)

    def _device_chosen(self, name: str) -> None:
        self.store.device = name
        self.session.checkpoint_changed()

    def _connect(self) -> None:
        self.drop_zone.open_requested.connect(self.open_dialog)
        self.files.currentItemChanged.connect(lambda *_: self._show_selected())
        self.files.restore_requested.connect(lambda path: self._restore_paths([path]))
        self.files.remove_requested.connect(self.files.remove)
        self.picker.chosen.connect(self._checkpoint_chosen)
        self.compare.zoom_changed.connect(
            lambda zoom: self.zoom_label.setText(f"zoom {zoom * 100:.0f}%")
        )
        self.cancel_button.clicked.connect(self.session.cancel)
        self.video_bar.frame_chosen.connect(self.session.show_frame)
        self.video_bar.restore_video.connect(self._restore_video)
        self.session.before_changed.connect(self._before_changed)
        self.session.after_changed.connect(self.compare.set_after)
        self.session.facts_changed.connect(self.explain.show_facts)
        self.session.busy.connect(self._busy)
        self.session.entry_changed.connect(self.files.update_entry)
        self.session.failed.connect(lambda title, error: show_error(self, title, error))
        self.session.video_opened.connect(self._video_opened)
        self.session.after_changed.connect(lambda *_: self._result_actions())

    def _connect_findings(self) -> None:
        panel, notice = self.diagnosis_panel, self.notice
        show_findings(self.findings, panel, self.compare, notice, self.changes, self.explain)
        notice.download_requested.connect(self._offer_official_checkpoints)
        notice.add_file_requested.connect(self.picker.add_file)

    # ------------------------------------------------------------------ files
    def add_paths(self, paths: list[Path]) -> None:
        accepted, refused = expand_paths(
            paths, self.services.image_suffixes, self.services.video_suffixes
        )
        added = self.files.add(accepted)
        if added:
            self.store.add_recent(added)
            self.files.select(added[0])
        if refused:
            error = dialogs.refused_files_error(refused, self._suffixes())
            show_error(self, "Not added", error)
        elif not accepted and paths:
            self.status_text.setText("No photos or videos found there.")

    def _suffixes(self) -> frozenset[str]:
        return self.services.image_suffixes | self.services.video_suffixes

    def open_dialog(self) -> None:
        self.add_paths(dialogs.ask_files_to_open(self, self._suffixes()))

    def _show_selected(self) -> None:
        path = self.files.selected_path()
        entry = self.files.entry(path) if path else None
        if entry is not None:
            self.centre.setCurrentIndex(1)
            self.session.show(entry.path, entry.kind)

    def _video_opened(self, info: VideoInfo | None) -> None:
        screen = self.session.on_screen
        frame, path = (screen.frame, screen.path) if screen is not None else (0, None)
        self.video_bar.show_video(info, frame, path)

    def _before_changed(self, before: DisplayImage | None) -> None:
        self.compare.set_images(before)
        if before is None:
            path = self.files.selected_path()
            name = path.name if path is not None else "This file"
            self.compare.set_message(f"{name} could not be opened; its reason is in the file list.")
        self.compare.setFocus()

    # ------------------------------------------------------------------ running
    def run_settings(self) -> RunSettings:
        return RunSettings(
            checkpoint=self.picker.current(),
            device=self.store.device,
            precision=self.store.precision,
            tile=self.store.tile,
            output_dir=self.store.output_dir,
            output_format=self.store.output_format,
            video_ranges=self.video_bar.ranges(),
        )

    def _checkpoint_chosen(self, name: str) -> None:
        self.store.checkpoint = name
        self.session.checkpoint_changed()
        self.findings.checkpoint_changed()

    def _offer_official_checkpoints(self) -> None:
        """The notice's Download: the official checkpoints, each downloaded as the picker does."""
        installed = {choice.name for choice in self.services.list_models() if choice.installed}
        menu = official_menu(self, self.catalog, installed, self.picker.download, self._use)
        button = self.notice.download
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        self.official_menu = menu

    def _use(self, name: str) -> None:
        self.picker.set_current(name)
        self._checkpoint_chosen(name)

    def restore(self) -> None:
        if not self._have_checkpoint():
            return
        screen = self.session.on_screen
        if screen is not None and screen.kind == "video":
            self._restore_video()
        else:
            self.session.preview()

    def restore_all(self) -> None:
        entries = self.files.entries()
        if entries and self._have_checkpoint():
            self._restore_paths([e.path for e in entries])

    def _restore_video(self) -> None:
        screen = self.session.on_screen
        if screen is not None and screen.kind == "video" and self._have_checkpoint():
            self._restore_paths([screen.path])

    def _restore_paths(self, paths: list[Path]) -> None:
        if not self._have_checkpoint():
            return
        entries = [entry for entry in map(self.files.entry, paths) if entry is not None]
        self.session.restore_files([(e.path, e.kind) for e in entries], self._batch_finished)

    def _batch_finished(self, outcome: BatchOutcome) -> None:
        self.status_text.setText(batch_words(outcome, self._output_folder_words()))
        if outcome.failures:
            dialogs.show_batch_failures(self, outcome)

    def _have_checkpoint(self) -> bool:
        if self.picker.current():
            return True
        self.status_text.setText(
            "Choose a checkpoint first (top right); missing ones can be downloaded."
        )
        self.picker.combo.showPopup()
        return False

    def _busy(self, message: str, fraction: float) -> None:
        working = bool(message)
        self.progress.setVisible(working)
        self.cancel_button.setVisible(working)
        idle_words = (
            "Ready."
            if self.picker.current()
            else "Choose a checkpoint at the top to restore; missing ones can be downloaded."
        )
        self.status_text.setText(message or idle_words)
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        self._result_actions()

    def _result_actions(self) -> None:
        self.window_actions.save.setEnabled(self.session.can_save())
        self.window_actions.export.setEnabled(self.session.model.has_result())

    # ------------------------------------------------------------------ saving
    def save_as(self) -> None:
        if not self.session.can_save():
            self.status_text.setText("Nothing to save yet: restore the whole picture first.")
            return
        target = dialogs.ask_save_target(self, self.session.default_output_path())
        if target is not None:
            self.session.save(
                target.path,
                target.output_format,
                lambda path: self.status_text.setText(f"Saved {path}"),
            )

    def choose_output_folder(self) -> None:
        folder = dialogs.ask_output_folder(self, self.store.output_dir)
        if folder is not None:
            self.store.output_dir = folder

    def open_output_folder(self) -> None:
        folder = self.store.output_dir
        screen = self.session.on_screen
        folder = folder or (screen.path.parent if screen else None)
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # ------------------------------------------------------------------ find and share
    def find_blurry_photos(self) -> None:
        folder = ask_folder_to_scan(self)
        if folder is not None:
            checkpoint = self.picker.current()
            open_scan(self, folder, self.services, self.bridge, checkpoint, self.add_paths)

    def export_comparison(self) -> None:
        screen = self.session.on_screen
        if screen is None or not self.session.model.has_result():
            self.status_text.setText("Nothing to export yet: restore the whole picture first.")
            return
        visible = self.compare.visible_box()
        open_export(self, screen, visible, self.services, self.bridge, self._exported)

    def _exported(self, path: Path) -> None:
        self.status_text.setText(f"Exported {path}")

    def _output_folder_words(self) -> str:
        return str(self.store.output_dir) if self.store.output_dir else "the originals' folders"

    # ------------------------------------------------------------------ window
    def _toggle_explain(self, on: bool) -> None:
        self.side_pane.setVisible(on)
        self.store.explain_visible = on

    def _restore_layout(self) -> None:
        geometry = self.store.layout("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1380, 860)
        state = self.store.layout("state")
        if state is not None:
            self.restoreState(state)
        splitter = self.store.layout("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        visible = self.store.explain_visible
        self.window_actions.explain.setChecked(visible)
        self.side_pane.setVisible(visible)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_from_mime(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = paths_from_mime(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.store.save_layout("geometry", self.saveGeometry())
        self.store.save_layout("state", self.saveState())
        self.store.save_layout("splitter", self.splitter.saveState())
        self.store.sync()
        self.bridge.shutdown()
        super().closeEvent(event)
