"""The per-user model folder's manifest: which files were imported or downloaded, and from where.

``manifest.json`` in :func:`cnaps_desktop.paths.models_dir` holds one record per model name. It is
rewritten whole through a temp file and a rename, so a crash never leaves it half written, and
under a lock file, so two programs adding models at once (the window and the command line, say)
both keep their records. A damaged manifest is read as empty (the files themselves stay;
re-importing records them again).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock

from cnaps_desktop import paths
from cnaps_desktop.engine.files import atomic_writer

MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".manifest.lock"
LOCK_TIMEOUT_S = 30
_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ManifestRecord:
    """One model file in the per-user folder."""

    name: str
    file: str
    """File name inside the model folder."""
    sha256: str
    architecture: str
    variant: str
    task: str
    scale: int
    imported_from: str
    """The path or address the file came from."""
    date: str
    """When it was imported, ISO 8601 in UTC."""

    def path(self) -> Path:
        return paths.models_dir(create=False) / self.file


def read_manifest() -> list[ManifestRecord]:
    """Every record, in the order they were added."""
    manifest = paths.models_dir(create=False) / MANIFEST_NAME
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return [ManifestRecord(**record) for record in data["models"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError):
        return []  # damaged: treat as empty rather than refuse to list the catalog


def find_record(name: str) -> ManifestRecord | None:
    """The record called ``name`` (case-insensitive), or None."""
    wanted = name.strip().lower()
    return next((r for r in read_manifest() if r.name.lower() == wanted), None)


def save_record(record: ManifestRecord) -> None:
    """Add ``record``, replacing any record of the same name."""
    with FileLock(paths.models_dir() / LOCK_NAME, timeout=LOCK_TIMEOUT_S):
        kept = [r for r in read_manifest() if r.name.lower() != record.name.lower()]
        _write([*kept, record])


def _write(records: list[ManifestRecord]) -> None:
    folder = paths.models_dir()
    text = json.dumps(
        {"version": _FORMAT_VERSION, "models": [asdict(r) for r in records]}, indent=2
    )
    with atomic_writer(folder / MANIFEST_NAME) as writer:
        writer.write((text + "\n").encode("utf-8"))
