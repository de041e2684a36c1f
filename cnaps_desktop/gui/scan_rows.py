"""The folder scan's results as rows and sentences for its dialog (gui/widgets/scan_dialog.py).

Plain functions without Qt. The engine's scan (engine/diagnosis/scan.py) gives the diagnoses most
blurred first and the files it could not read; here they become the rows a person checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnaps_desktop.gui.diagnosis_facts import ScanResultFacts
from cnaps_desktop.gui.diagnosis_words import blur_kind_words, needs_text, precheck


@dataclass(frozen=True)
class ScanRow:
    path: Path
    name: str
    """The path relative to the scanned folder, e.g. "2019/IMG_0413.jpg"."""
    blur: str
    """Short: "motion, 14 px", "out of focus", "sharp"; "could not be read" for a failure."""
    needs: str
    """What the photo needs (the verdict without its lead), or the failure's sentence."""
    checked: bool
    blurred: bool = False
    """Motion blur or out of focus, whatever the confidence."""
    failed: bool = False


def scan_rows(result: ScanResultFacts, folder: Path) -> list[ScanRow]:
    """Diagnosed photos in the engine's order (worst first), then the files that failed."""
    rows = []
    for diagnosis in result.diagnoses:
        path = Path(diagnosis.file or "")
        rows.append(
            ScanRow(
                path=path,
                name=relative_name(path, folder),
                blur=blur_kind_words(diagnosis),
                needs=needs_text(diagnosis),
                checked=precheck(diagnosis),
                blurred=diagnosis.blur != "sharp",
            )
        )
    for failure in result.failures:
        rows.append(
            ScanRow(
                path=failure.path,
                name=relative_name(failure.path, folder),
                blur="could not be read",
                needs=failure.message,
                checked=False,
                failed=True,
            )
        )
    return rows


def relative_name(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.name


def summary(rows: list[ScanRow], cancelled: bool, total: int | None = None) -> str:
    """One line under the list, e.g. "40 photos: 12 look blurred, 9 checked; 1 could not be
    read." ``total`` is the number of photos found, for a cancelled scan."""
    looked = [row for row in rows if not row.failed]
    failed = len(rows) - len(looked)
    blurred = sum(1 for row in looked if row.blurred)
    checked = sum(1 for row in rows if row.checked)
    photos = f"{len(looked)} photo" + ("" if len(looked) == 1 else "s")
    line = f"{photos}: {blurred} look blurred, {checked} checked"
    if failed:
        line += f"; {failed} could not be read"
    if cancelled:
        of_total = f" of {total}" if total else ""
        return f"Cancelled after {len(rows)}{of_total} files. {line}."
    return f"{line}."


def progress_line(done: int, total: int, current: str, seconds_left: float | None) -> str:
    """E.g. "Photo 12 of 40: 2019/IMG_0413.jpg - about 8 s left"."""
    if total <= 0:
        return "Looking for photos..."
    if done >= total:
        return f"All {total:,} looked at."
    eta = "" if seconds_left is None else f" - about {_duration(seconds_left)} left"
    name = f": {current}" if current else ""
    return f"Photo {done + 1:,} of {total:,}{name}{eta}"


def _duration(seconds: float) -> str:
    return f"{max(1, round(seconds))} s" if seconds < 90 else f"{round(seconds / 60)} min"
