"""File > "Find blurry photos in a folder...": diagnose every photo in a folder tree on a worker
thread, list them most blurred first, and add the chosen ones to the file list.

The scan itself is injected (the window passes the engine's ``scan_folder``, tests a double), and
runs through the window's :class:`JobBridge`, so the dialog stays responsive. Cancel keeps what
was found so far: the dialog cancels its own token, which the scan checks between files, and the
scan returns the photos it looked at. Closing the dialog drops the job: nothing more arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cnaps_desktop.engine.cancel import CancelToken, Progress, ProgressCallback
from cnaps_desktop.gui.diagnosis_facts import ScanProgressFacts, ScanResultFacts
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.scan_rows import ScanRow, progress_line, relative_name, scan_rows, summary
from cnaps_desktop.gui.widgets.error_dialog import plain_message
from cnaps_desktop.jobs import JobHandle, JobProgress

ScanFolder = Callable[[Path, CancelToken, Callable[[ScanProgressFacts], None]], ScanResultFacts]
"""``scan(folder, token, progress) -> ScanResult``, e.g. the engine's ``scan_folder`` with the
selected checkpoint bound (``functools.partial(scan_folder, checkpoint=...)``)."""

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("File", "Blur", "What it needs")
EMPTY_TEXT = "No photos in this folder or its subfolders."


class ScanDialog(QDialog):
    """Starts scanning when first shown (or on :meth:`start`)."""

    add_requested = Signal(list)
    """The checked photos (a list of Path), sent by "Add to file list"; the dialog then closes."""

    def __init__(
        self,
        folder: Path,
        scan: ScanFolder,
        bridge: JobBridge,
        parent: QWidget | None = None,
        worker: str = "diagnosis",
    ) -> None:
        super().__init__(parent)
        self._folder = folder
        self._scan = scan
        self._bridge = bridge
        self._worker = worker
        self._token = CancelToken()
        self._handle: JobHandle | None = None
        self._total = 0
        self._rows: list[ScanRow] = []
        self._cancelled = False
        self.setWindowTitle("Find blurry photos")
        self.setAccessibleName("Find blurry photos")
        self.resize(760, 480)
        self._build()

    def _build(self) -> None:
        heading = QLabel(f"Photos in {self._folder}, the most blurred first")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Scan progress")
        self.progress.setRange(0, 0)  # busy until the first file is counted
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel("Looking for photos...")
        self.status.setAccessibleName("Scan status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.results = QTreeWidget()
        self.results.setAccessibleName("Photos found")
        self.results.setColumnCount(len(COLUMNS))
        self.results.setHeaderLabels(list(COLUMNS))
        self.results.setRootIsDecorated(False)
        self.results.setUniformRowHeights(True)
        self.results.setAlternatingRowColors(True)
        header = self.results.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.results.itemChanged.connect(self._on_check_changed)
        self.results.hide()
        self.buttons = QDialogButtonBox()
        self.add_button = self.buttons.addButton(
            "Add to file list", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self._add_chosen)
        self.buttons.rejected.connect(self.reject)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(running)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addStretch(0)  # takes the room only while the list is hidden
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------------ running
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._handle is None:
            self.start()

    def start(self) -> None:
        """Submit the scan (once)."""
        if self._handle is not None:
            return
        folder, scan, token = self._folder, self._scan, self._token

        def work(_job_token: CancelToken, progress: ProgressCallback) -> ScanResultFacts:
            def report(step: ScanProgressFacts) -> None:
                name = "" if step.current is None else relative_name(step.current, folder)
                progress(Progress(step.done, step.total, name))

            # The dialog's own token, not the job's: a cancelled scan still returns its findings.
            return scan(folder, token, report)

        self._handle = self._bridge.submit(
            work,
            worker=self._worker,
            lane="scan",
            description=f"scan {folder}",
            on_result=self._on_result,
            on_error=self._on_error,
            on_progress=self._on_progress,
        )

    def cancel(self) -> None:
        """Stop after the current file; the photos looked at so far are listed."""
        self._token.cancel()
        self.cancel_button.setEnabled(False)
        self.status.setText("Cancelling after the current photo...")

    def is_running(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def done(self, result: int) -> None:
        """Closing drops the scan: it stops at the next file and reports nothing more."""
        self._token.cancel()
        if self._handle is not None:
            self._handle.drop()
        super().done(result)

    def _on_progress(self, step: JobProgress) -> None:
        done, total = step.progress.done, step.progress.total
        self._total = total
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if not self._token.cancelled:
            self.status.setText(progress_line(done, total, step.progress.stage, step.seconds_left))

    def _on_result(self, result: ScanResultFacts) -> None:
        self._finish_running()
        self._cancelled = result.cancelled
        self._rows = scan_rows(result, self._folder)
        if not self._rows:
            cancelled = "Cancelled before any photo was looked at."
            self.status.setText(cancelled if result.cancelled else EMPTY_TEXT)
            return
        self._fill(self._rows)
        self.results.show()
        self._refresh_summary()

    def _on_error(self, error: BaseException) -> None:
        self._finish_running()
        self.status.setText(plain_message(error))

    def _finish_running(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    # ------------------------------------------------------------------ the list
    def _fill(self, rows: list[ScanRow]) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        quiet = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for row in rows:
            item = QTreeWidgetItem([row.name, row.blur, row.needs])
            item.setData(0, ROW_ROLE, row)
            item.setToolTip(0, str(row.path))
            item.setToolTip(2, row.needs)
            if row.failed:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                for column in range(len(COLUMNS)):
                    item.setForeground(column, quiet)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                state = Qt.CheckState.Checked if row.checked else Qt.CheckState.Unchecked
                item.setCheckState(0, state)
            self.results.addTopLevelItem(item)
        self.results.resizeColumnToContents(0)
        self.results.setColumnWidth(0, min(self.results.columnWidth(0), 260))
        self.results.blockSignals(False)

    def rows(self) -> list[ScanRow]:
        """The rows shown, with each photo's current check state."""
        shown = []
        for index in range(self.results.topLevelItemCount()):
            item = self.results.topLevelItem(index)
            row: ScanRow = item.data(0, ROW_ROLE)
            checked = not row.failed and item.checkState(0) == Qt.CheckState.Checked
            shown.append(replace(row, checked=checked))
        return shown

    def chosen_paths(self) -> list[Path]:
        return [row.path for row in self.rows() if row.checked]

    def _on_check_changed(self, item: QTreeWidgetItem, column: int) -> None:
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        rows = self.rows()
        self.status.setText(summary(rows, self._cancelled, self._total or None))
        self.add_button.setEnabled(any(row.checked for row in rows))

    def _add_chosen(self) -> None:
        chosen = self.chosen_paths()
        if chosen:
            self.add_requested.emit(chosen)
            self.accept()
