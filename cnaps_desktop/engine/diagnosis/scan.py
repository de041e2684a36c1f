"""Diagnose every photo in a folder tree, most blurred first: the library scan of the window
("Find blurry photos in a folder...") and of `cnaps-desktop diagnose FOLDER --sort blur`.

The scan checks its cancel token between files and keeps what it found so far; a file that cannot
be read or diagnosed is recorded with one sentence and the scan goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.diagnosis.checkpoint_task import CheckpointTask, task_for
from cnaps_desktop.engine.errors import CnapsError, UnreadableImageError

if TYPE_CHECKING:
    from cnaps_desktop.engine.diagnosis import Diagnosis


@dataclass(frozen=True)
class ScanProgress:
    """How far a scan has come: ``done`` of ``total`` files; ``current`` is diagnosed next
    (None once all are done)."""

    done: int
    total: int
    current: Path | None

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)


ScanProgressCallback = Callable[[ScanProgress], None]


@dataclass(frozen=True)
class ScanFailure:
    """A file the scan could not diagnose, and why in one sentence."""

    path: Path
    message: str


@dataclass(frozen=True)
class ScanResult:
    diagnoses: tuple[Diagnosis, ...]
    """Most blurred first (see :func:`blur_rank`) for :func:`scan_folder`; in file order for
    :func:`diagnose_photos`."""
    failures: tuple[ScanFailure, ...]
    cancelled: bool
    """True when the token was cancelled: the results cover the files done until then."""


def scan_folder(
    folder: str | Path,
    token: CancelToken,
    progress: ScanProgressCallback | None = None,
    checkpoint: str | Path | CheckpointTask = "default",
) -> ScanResult:
    """Diagnose every photo under ``folder`` (recursively) against ``checkpoint``, worst first.

    A missing folder raises one :class:`~cnaps_desktop.engine.errors.UnreadableImageError`.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise UnreadableImageError(
            f"{folder} is not a folder; expected a folder of photos.", path=folder
        )
    files = photos_under(folder, token)
    if token.cancelled:
        return ScanResult(diagnoses=(), failures=(), cancelled=True)
    result = diagnose_photos(files, token, progress, checkpoint)
    worst_first = sorted(result.diagnoses, key=blur_rank, reverse=True)
    return ScanResult(tuple(worst_first), result.failures, result.cancelled)


def diagnose_photos(
    files: Iterable[Path],
    token: CancelToken,
    progress: ScanProgressCallback | None = None,
    checkpoint: str | Path | CheckpointTask = "default",
) -> ScanResult:
    """Diagnose ``files`` in order, checking ``token`` between files; failures are kept apart."""
    from cnaps_desktop.engine.diagnosis import diagnose_file

    files = list(files)
    task = checkpoint if isinstance(checkpoint, CheckpointTask) else task_for(checkpoint)
    found: list[Diagnosis] = []
    failures: list[ScanFailure] = []
    for done, path in enumerate(files):
        if progress is not None:
            progress(ScanProgress(done, len(files), path))
        if token.cancelled:  # checked last before each file, so a cancel stops the next one
            return ScanResult(tuple(found), tuple(failures), cancelled=True)
        try:
            found.append(diagnose_file(path, task))
        except (CnapsError, OSError, MemoryError) as error:
            failures.append(ScanFailure(path, _failure_sentence(path, error)))
    if progress is not None:
        progress(ScanProgress(len(files), len(files), None))
    return ScanResult(tuple(found), tuple(failures), cancelled=False)


def expand_photos(inputs: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Files as given, folders as their photos (recursive, sorted); missing inputs as sentences."""
    files: list[Path] = []
    missing: list[str] = []
    for text in inputs:
        path = Path(text).expanduser()
        if path.is_dir():
            files.extend(photos_under(path))
        elif path.exists():
            files.append(path)
        else:
            missing.append(f"{path} does not exist; expected a photo or a folder.")
    return files, missing


def photos_under(folder: Path, token: CancelToken | None = None) -> list[Path]:
    """Photos under ``folder``, recursively, sorted by path (by the engine's image suffixes).

    A large tree takes a while to walk, so ``token`` is checked on the way; once it is cancelled
    the walk stops and returns what it found.
    """
    from cnaps_desktop.engine.image import IMAGE_SUFFIXES

    photos = []
    for child in folder.rglob("*"):
        if token is not None and token.cancelled:
            break
        if child.suffix.lower() in IMAGE_SUFFIXES and child.is_file():
            photos.append(child)
    return sorted(photos)


def blur_rank(diagnosis: Diagnosis) -> float:
    """Larger is more blurred: blurred photos by confidence above sharp ones (least sure first)."""
    if diagnosis.blur == "sharp":
        return 1.0 - diagnosis.blur_confidence
    return 1.0 + diagnosis.blur_confidence


def _failure_sentence(path: Path, error: BaseException) -> str:
    if isinstance(error, CnapsError):
        return str(error)  # the engine's own sentences name the file already
    if isinstance(error, MemoryError):
        return f"{path.name} is too large to diagnose with the memory this computer has free."
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{path.name} cannot be read ({reason})."
