"""The files the person added and where each one stands, without Qt.

The file list widget (widgets/file_list.py) shows these; the session and Restore all report
changes to them as :class:`EntryUpdate` values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path


class FileState(Enum):
    WAITING = "waiting"
    WORKING = "working"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class FileEntry:
    path: Path
    kind: str
    """"photo" or "video"."""
    state: FileState = FileState.WAITING
    fraction: float = 0.0
    reason: str = ""
    """Why it failed, or where the result went."""
    seconds: float | None = None

    def status_line(self) -> str:
        if self.state is FileState.WORKING:
            return f"working {self.fraction * 100:.0f}%"
        if self.state is FileState.DONE:
            took = f"  {self.seconds:.1f} s" if self.seconds is not None else ""
            return f"done{took}"
        if self.state is FileState.FAILED:
            return f"failed: {self.reason}"
        return self.state.value

    def apply(self, update: EntryUpdate) -> None:
        """Take every field ``update`` sets; the others stay as they are."""
        for field in fields(update):
            value = getattr(update, field.name)
            if field.name != "path" and value is not None:
                setattr(self, field.name, value)


@dataclass(frozen=True)
class EntryUpdate:
    """A change to one file's entry; a field left None keeps its value."""

    path: Path
    state: FileState | None = None
    fraction: float | None = None
    reason: str | None = None
    seconds: float | None = None


def expand_paths(
    paths: Iterable[Path], image_suffixes: frozenset[str], video_suffixes: frozenset[str]
) -> tuple[list[tuple[Path, str]], list[Path]]:
    """Dropped paths -> ([(file, kind)], [unsupported files]); folders are searched recursively."""
    accepted: list[tuple[Path, str]] = []
    refused: list[Path] = []

    def consider(path: Path, from_folder: bool) -> None:
        suffix = path.suffix.lower()
        if suffix in image_suffixes:
            accepted.append((path, "photo"))
        elif suffix in video_suffixes:
            accepted.append((path, "video"))
        elif not from_folder:
            refused.append(path)

    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not any(part.startswith(".") for part in child.relative_to(path).parts):
                    consider(child, from_folder=True)
        else:
            consider(path, from_folder=False)
    return accepted, refused
