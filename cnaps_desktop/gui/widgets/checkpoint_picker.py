"""Choose a checkpoint: catalog entries (installed or not), files added by hand, "Add file...".

Choosing a missing entry offers Download (with progress and Cancel) or Import file; a finished
download or import selects it. The choice is announced by :attr:`CheckpointPicker.chosen`; the
main window remembers it in QSettings.

A file added by hand, or remembered from the last session, is first read by the engine on the io
worker (its safe load: nothing in the file runs, and its architecture must be one we know). Only
a file that loads is listed, selected and announced; a refused one changes nothing: not the list,
not the settings, not the result on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from cnaps_desktop.engine.cancel import CancelToken, Progress, ProgressCallback
from cnaps_desktop.engine.models.catalog import CHECKPOINT_SUFFIXES, find_entry
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.services import CheckpointChoice, EngineServices, RunSettings
from cnaps_desktop.gui.widgets.error_dialog import show_error
from cnaps_desktop.jobs import JobProgress

log = logging.getLogger(__name__)
ADD_FILE = "__add_file__"
#: How long the start-up line about a remembered file that no longer loads stays (ms).
NOTICE_MS = 20_000
CHECKPOINT_FILTER = "Checkpoints (*.pt *.pth *.ckpt *.safetensors *.bin);;All files (*)"


class CheckpointPicker(QWidget):
    chosen = Signal(str)
    """A usable (installed) checkpoint was chosen: its catalog name or file path."""

    def __init__(self, services: EngineServices, bridge: JobBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._bridge = bridge
        self._current = ""
        self._download_dialog: QProgressDialog | None = None
        self.combo = QComboBox()
        self.combo.setAccessibleName("Checkpoint")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(18)
        self.combo.activated.connect(self._on_activated)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Checkpoint:")
        label.setBuddy(self.combo)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        self._extra_files: list[str] = []

    # ------------------------------------------------------------------ contents
    def refresh(self, select: str | None = None) -> None:
        """Re-read which checkpoints exist; keep or set the selection."""
        choices = self._services.list_models()
        choices += [CheckpointChoice(p, True, Path(p).name) for p in self._extra_files]
        self.combo.blockSignals(True)
        self.combo.clear()
        for choice in choices:
            label = choice.label or choice.name
            text = label if choice.installed else f"{label}  (not installed)"
            self.combo.addItem(text, choice)
        self.combo.insertSeparator(self.combo.count())
        self.combo.addItem("Add checkpoint file...", ADD_FILE)
        self.combo.blockSignals(False)
        self._select(select if select is not None else self._current)

    def current(self) -> str:
        return self._current

    def set_current(self, name: str) -> None:
        """Select ``name`` (a catalog name, "default" or a file path) if it can be shown.

        A file not listed yet (the one remembered from the last session) is selected once the
        engine has read it; one that no longer loads is not: the default stays, and a calm line
        in the status bar says why (no security dialog at start-up).
        """
        if _is_file_name(name) and name not in self._extra_files:
            self._select("default")
            path, fallback = Path(name), self._current
            self._check_file(
                path, lambda error: self._remembered_file_refused(path, fallback, error)
            )
            return
        self._select(name)

    def _select(self, name: str) -> None:
        if name.lower() == "default":
            entry = find_entry("default")
            name = entry.name if entry is not None else name
        index = self._index_of(name)
        if index < 0:
            index = self._first_installed()
        if index >= 0:
            self.combo.setCurrentIndex(index)
            choice: CheckpointChoice = self.combo.itemData(index)
            self._current = choice.name if choice.installed else ""

    def _index_of(self, name: str) -> int:
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if isinstance(data, CheckpointChoice) and data.name.lower() == name.lower():
                return i
        return -1

    def _first_installed(self) -> int:
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if isinstance(data, CheckpointChoice) and data.installed:
                return i
        return 0 if self.combo.count() > 2 else -1

    # ------------------------------------------------------------------ choosing
    def _on_activated(self, index: int) -> None:
        data = self.combo.itemData(index)
        if data == ADD_FILE:
            self._select(self._current)
            self.add_file()
        elif isinstance(data, CheckpointChoice):
            if data.installed:
                self._current = data.name
                self.chosen.emit(data.name)
            else:
                self._select(self._current)
                self.offer_missing(data.name)

    def add_file(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "Add checkpoint file", "", CHECKPOINT_FILTER)
        if file:
            self.use_file(Path(file))

    def use_file(self, path: Path) -> None:
        """Use a checkpoint file of any architecture the loader detects, once it has loaded; a
        refused file gets one sentence and changes nothing else."""
        self._check_file(path, self._added_file_refused)

    def _check_file(self, path: Path, on_refused: Callable[[BaseException], object]) -> None:
        """Load ``path`` on the CPU, on the io worker, then list and choose it, or refuse it.

        A choice the person makes while the file loads wins: the file is then only listed.
        """
        load = self._services.load_model
        settings = RunSettings(checkpoint=str(path), device="cpu")
        chosen_before = self._current

        def work(token: CancelToken, progress: ProgressCallback) -> None:
            load(settings)  # the engine's safe load; the model itself is not kept

        def loads(_: None) -> None:
            self._file_loads(path, choose=self._current == chosen_before)

        self._bridge.submit(
            work,
            worker="io",
            description=f"check {path.name}",
            on_result=loads,
            on_error=on_refused,
        )

    def _file_loads(self, path: Path, choose: bool) -> None:
        if str(path) not in self._extra_files:
            self._extra_files.append(str(path))
        self.refresh(select=str(path) if choose else None)
        if choose:
            self._current = str(path)
            self.chosen.emit(str(path))

    def _added_file_refused(self, error: BaseException) -> None:
        show_error(self.window(), "Cannot use this checkpoint", error)

    def _remembered_file_refused(self, path: Path, fallback: str, error: BaseException) -> None:
        """The last session's file no longer loads: the default it fell back to is announced
        (so it is remembered instead, unless the person chose another meanwhile), and the status
        bar says so calmly; the engine's reason goes to the log."""
        log.warning("The remembered checkpoint %s no longer loads: %s", path, error)
        if self._current and self._current == fallback:
            self.chosen.emit(self._current)
        window = self.window()
        if isinstance(window, QMainWindow):
            using = f"using {self.combo.currentText()}" if self._current else "choose another"
            window.statusBar().showMessage(
                f"{path.name}, the checkpoint used last time, no longer loads; {using} instead.",
                NOTICE_MS,
            )

    def offer_missing(self, name: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Checkpoint not installed")
        box.setText(f"{name} is not on this computer yet.")
        box.setInformativeText(
            "Download it from the authors' published weights, or import a file you already have."
        )
        download = box.addButton("Download", QMessageBox.ButtonRole.AcceptRole)
        import_file = box.addButton("Import file...", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def on_clicked(button: object) -> None:
            if button is download:
                self.download(name)
            elif button is import_file:
                file, _ = QFileDialog.getOpenFileName(
                    self, f"Import a file as {name}", "", CHECKPOINT_FILTER
                )
                if file:
                    self.import_file(Path(file), name)

        box.buttonClicked.connect(on_clicked)
        box.open()

    def import_file(self, path: Path, as_name: str) -> None:
        def work(token: CancelToken, progress: ProgressCallback) -> Path:
            return self._services.import_model(path, as_name)

        self._bridge.submit(
            work,
            worker="io",
            description=f"import {path.name}",
            on_result=lambda _: self._installed(as_name),
            on_error=lambda error: show_error(self.window(), "Import failed", error),
        )

    def download(self, name: str) -> None:
        dialog = QProgressDialog(f"Downloading {name}...", "Cancel", 0, 1000, self)
        dialog.setWindowTitle("Download checkpoint")
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self._download_dialog = dialog

        def work(token: CancelToken, progress: ProgressCallback) -> Path:
            return self._services.download_model(name, progress, token)

        def on_progress(step: JobProgress) -> None:
            dialog.setValue(int(step.progress.fraction * 1000))
            dialog.setLabelText(f"Downloading {name}... {_progress_words(step.progress)}")

        def finish() -> None:
            dialog.close()
            self._download_dialog = None

        def downloaded(_: Path) -> None:
            finish()
            self._installed(name)

        def failed(error: BaseException) -> None:
            finish()
            show_error(self.window(), "Download failed", error)

        handle = self._bridge.submit(
            work,
            worker="network",
            description=f"download {name}",
            on_progress=on_progress,
            on_result=downloaded,
            on_error=failed,
            on_cancelled=finish,
        )
        dialog.canceled.connect(handle.cancel)
        dialog.show()

    def _installed(self, name: str) -> None:
        self.refresh(select=name)
        self._current = name
        self.chosen.emit(name)


def _is_file_name(name: str) -> bool:
    """A checkpoint named by its file (a path), rather than a catalog name."""
    path = Path(name)
    suffixes = {*CHECKPOINT_SUFFIXES, ".bin"}  # what "Add checkpoint file..." offers
    return bool(name) and (path.suffix.lower() in suffixes or path.is_file())


def _progress_words(progress: Progress) -> str:
    if progress.stage == "bytes" and progress.total > 0:
        return f"{progress.done / 1e6:.0f} of {progress.total / 1e6:.0f} MB"
    return f"{progress.fraction * 100:.0f}%"
