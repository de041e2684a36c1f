"""The window's questions and answers in dialogs: files to open, where to save, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from cnaps_desktop.engine.errors import UnsupportedImageError
from cnaps_desktop.gui.batch import BatchOutcome

SAVE_FORMATS = {
    "Same as the original": None,
    "PNG (*.png)": "png",
    "JPEG (*.jpg)": "jpeg",
    "TIFF (*.tif)": "tiff",
    "WebP (*.webp)": "webp",
}
"""Save dialog filter -> output format (None keeps the original's)."""

NAMED_REFUSED = 5
"""Refused files named in the "Not added" message; the rest are an ellipsis."""


@dataclass(frozen=True)
class SaveTarget:
    path: Path
    output_format: str | None


def ask_files_to_open(parent: QWidget, suffixes: frozenset[str]) -> list[Path]:
    patterns = " ".join(f"*{s}" for s in sorted(suffixes))
    files, _ = QFileDialog.getOpenFileNames(
        parent, "Open photos or videos", "", f"Photos and videos ({patterns});;All files (*)"
    )
    return [Path(f) for f in files]


def ask_save_target(parent: QWidget, suggested: Path | None) -> SaveTarget | None:
    target, chosen_filter = QFileDialog.getSaveFileName(
        parent, "Save the restored picture", str(suggested or ""), ";;".join(SAVE_FORMATS)
    )
    return SaveTarget(Path(target), SAVE_FORMATS.get(chosen_filter)) if target else None


def ask_output_folder(parent: QWidget, current: Path | None) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "Output folder", str(current or ""))
    return Path(folder) if folder else None


def refused_files_error(refused: list[Path], suffixes: frozenset[str]) -> UnsupportedImageError:
    """One sentence naming the files not added and what the app reads."""
    names = ", ".join(p.name for p in refused[:NAMED_REFUSED])
    more = " ..." if len(refused) > NAMED_REFUSED else ""
    return UnsupportedImageError(
        f"{names}{more}: not a photo or video this app reads; expected one of "
        f"{', '.join(sorted(suffixes))}."
    )


def show_batch_failures(parent: QWidget, outcome: BatchOutcome) -> None:
    """How many files of a Restore all failed, with each one's reason under "Show Details"."""
    failed = len(outcome.failures)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Some files failed",
        f"{outcome.restored} of {outcome.count} restored; {failed} failed.",
        parent=parent,
    )
    box.setDetailedText("\n".join(f"{f.path.name}: {f.error}" for f in outcome.failures))
    box.open()
