"""File > "Export comparison": a side-by-side picture (PNG, JPEG) or an animated wipe (GIF, MP4)
of the before and after on screen, saved beside the input as ``<stem>_comparison.<ext>``.

The writing is injected (the window passes a function that hands the pictures on screen to the
engine's ``export_comparison``) and runs on a worker thread through the window's
:class:`JobBridge`. A file name that is one of the inputs, or has the wrong suffix, is refused
with one sentence before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.gui.export_choice import (
    FORMATS,
    ExportFormat,
    ExportKind,
    default_path,
    format_of,
    refusal,
    with_format,
)
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.widgets.error_dialog import plain_message

WriteComparison = Callable[[Path], Path]
"""``write(path) -> path written``; the format follows the suffix (.png, .jpg, .gif, .mp4)."""
AskPath = Callable[[QWidget, Path, ExportFormat], Path | None]

KIND_LABELS: dict[ExportKind, str] = {
    "side_by_side": "Side by side: before and after next to each other, one picture",
    "wipe": "Animated wipe: the divider sweeps across, an animation to share",
}


def ask_save_path(parent: QWidget, suggested: Path, export_format: ExportFormat) -> Path | None:
    """The system's save dialog, starting at ``suggested``."""
    patterns = " ".join(f"*{suffix}" for suffix in export_format.suffixes)
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Export comparison", str(suggested), f"{export_format.name} ({patterns})"
    )
    return Path(chosen) if chosen else None


class ExportDialog(QDialog):
    exported = Signal(Path)
    """The file was written (its path); the dialog then closes."""

    def __init__(
        self,
        source: Path,
        inputs: Sequence[Path],
        write: WriteComparison,
        bridge: JobBridge,
        parent: QWidget | None = None,
        ask_path: AskPath = ask_save_path,
        area: str = "",
    ) -> None:
        """``source`` names and places the default file; ``inputs`` are never written over;
        ``area`` says which part of the pictures is exported (see export_choice.export_area)."""
        super().__init__(parent)
        self._area = area
        self._source = source
        self._inputs = list(inputs)
        self._write = write
        self._bridge = bridge
        self._ask_path = ask_path
        self._writing = False
        self.setWindowTitle("Export comparison")
        self.setAccessibleName("Export comparison")
        self._build()
        self._on_format_changed()

    def _build(self) -> None:
        self.kinds = QButtonGroup(self)
        self.kind_buttons: dict[ExportKind, QRadioButton] = {}
        self.format_boxes: dict[ExportKind, QComboBox] = {}
        choices = QGridLayout()
        choices.setColumnStretch(0, 1)
        for row, (kind, label) in enumerate(KIND_LABELS.items()):
            button = QRadioButton(label)
            self.kinds.addButton(button, row)
            self.kind_buttons[kind] = button
            box = QComboBox()
            box.setAccessibleName(f"{label.split(':')[0]} format")
            for export_format in FORMATS[kind]:
                box.addItem(export_format.name, export_format)
            box.currentIndexChanged.connect(self._on_format_changed)
            self.format_boxes[kind] = box
            choices.addWidget(button, row, 0)
            choices.addWidget(box, row, 1)
        self.kind_buttons["side_by_side"].setChecked(True)
        self.kinds.idToggled.connect(lambda _id, on: on and self._on_format_changed())
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Save to")
        self.path_edit.textEdited.connect(lambda _: self.status.setText(""))
        self.choose_button = QPushButton("Choose...")
        self.choose_button.clicked.connect(self.choose_path)
        where = QHBoxLayout()
        where.addWidget(QLabel("Save to:"))
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.choose_button)
        self.status = QLabel()
        self.status.setAccessibleName("Export status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.area = QLabel(self._area)
        self.area.setAccessibleName("What is exported")
        self.area.setTextFormat(Qt.TextFormat.PlainText)
        self.area.setWordWrap(True)
        self.area.setVisible(bool(self._area))
        layout = QVBoxLayout(self)
        layout.addWidget(self.area)
        layout.addSpacing(4)
        layout.addLayout(choices)
        layout.addSpacing(6)
        layout.addLayout(where)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    # ------------------------------------------------------------------ choosing
    def kind(self) -> ExportKind:
        return next(kind for kind, button in self.kind_buttons.items() if button.isChecked())

    def set_kind(self, kind: ExportKind, format_name: str | None = None) -> None:
        """Choose side by side or wipe, and optionally its format ("PNG", "GIF", ...)."""
        self.kind_buttons[kind].setChecked(True)
        if format_name is not None:
            box = self.format_boxes[kind]
            box.setCurrentIndex(box.findText(format_name))
        self._on_format_changed()

    def export_format(self) -> ExportFormat:
        format_: ExportFormat = self.format_boxes[self.kind()].currentData()
        return format_

    def target(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def choose_path(self) -> None:
        chosen = self._ask_path(self, self.target(), self.export_format())
        if chosen is not None:
            self.path_edit.setText(str(with_format(chosen, self.export_format())))
            self.status.setText("")

    def _on_format_changed(self) -> None:
        """A new kind or format: the default name, or the chosen name with the new suffix."""
        for kind, box in self.format_boxes.items():
            box.setEnabled(kind == self.kind())
        export_format = self.export_format()
        text = self.path_edit.text().strip()
        current = Path(text) if text else None
        if current is None or current == default_path(self._source, _format_named_by(current)):
            self.path_edit.setText(str(default_path(self._source, export_format)))
        elif format_of(current, self.kind()) != export_format:
            self.path_edit.setText(str(current.with_suffix(export_format.suffixes[0])))
        self.status.setText("")

    # ------------------------------------------------------------------ writing
    def export(self) -> None:
        """Check the name, then write on a worker thread; refusals are one sentence."""
        if self._writing:
            return
        target = self.target()
        problem = refusal(target, self.kind(), self._inputs)
        if problem is not None:
            self.status.setText(problem)
            return
        self._set_writing(True)
        self.status.setText(f"Writing {target.name}...")
        write = self._write

        def work(token: CancelToken, progress: ProgressCallback) -> Path:
            return write(target)

        self._bridge.submit(
            work,
            worker="io",
            description=f"export {target.name}",
            on_result=self._on_written,
            on_error=self._on_failed,
        )

    def is_writing(self) -> bool:
        return self._writing

    def reject(self) -> None:
        """Closing waits for a file being written (seconds): a half-made export is never left."""
        if not self._writing:
            super().reject()

    def _on_written(self, path: Path) -> None:
        self._set_writing(False)
        self.exported.emit(path)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._set_writing(False)
        self.status.setText(plain_message(error))

    def _set_writing(self, writing: bool) -> None:
        self._writing = writing
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        for widget in (self.export_button, self.choose_button, self.path_edit, cancel):
            widget.setEnabled(not writing)
        for button in self.kind_buttons.values():
            button.setEnabled(not writing)


def _format_named_by(path: Path) -> ExportFormat:
    """The format ``path``'s suffix names, of either kind (PNG when it names none)."""
    for kind in FORMATS:
        found = format_of(path, kind)
        if found is not None:
            return found
    return FORMATS["side_by_side"][0]
