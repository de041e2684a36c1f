"""What a checkpoint does, known without running it: from the catalog or the model manifest.

Loading a file to detect its architecture takes torch and seconds, too slow for a diagnosis
meant to run on every photo that opens; so a file that is neither in the catalog nor imported is
"unknown", and the verdict says so rather than guess. A caller that already has a loaded model
passes its ``ModelInfo`` facts through :func:`task_from_info` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cnaps_desktop.engine.facts import ModelInfo

#: Architectures whose job is removing blur (spandrel ids and ours).
DEBLUR_ARCHITECTURES = frozenset({"MSSNet"})


@dataclass(frozen=True)
class CheckpointTask:
    name: str
    architecture: str
    """Detected or catalogued architecture id; "" when unknown."""
    task: str
    """"deblur", "super-resolution", "restoration", "face restoration" or "unknown"."""
    first_version: bool = False
    """The catalog says it is a first, briefly trained model that barely deblurs yet."""

    @property
    def deblurs(self) -> bool:
        return self.task == "deblur" or self.architecture in DEBLUR_ARCHITECTURES


def task_for(name_or_path: str | Path = "default") -> CheckpointTask:
    """The task of a catalog name, an imported model's name or a checkpoint file."""
    from cnaps_desktop.engine.models.catalog import find_entry, load_catalog
    from cnaps_desktop.engine.models.manifest import find_record, read_manifest

    text = str(name_or_path)
    entry = find_entry(text)
    if entry is None:
        candidate = Path(text).expanduser()
        entry = next((e for e in load_catalog() if _same_file(e.installed_path(), candidate)), None)
    if entry is not None:
        task = "deblur" if entry.architecture in DEBLUR_ARCHITECTURES else "unknown"
        return CheckpointTask(entry.name, entry.architecture, task, entry.first_version)
    record = find_record(text) or next(
        (r for r in read_manifest() if _same_file(r.path(), Path(text).expanduser())), None
    )
    if record is not None:
        return CheckpointTask(record.name, record.architecture, record.task or "unknown")
    return CheckpointTask(Path(text).name, "", "unknown")


def task_from_info(info: ModelInfo) -> CheckpointTask:
    """The task of a model already loaded (its facts say what it does)."""
    first = "first" in info.suits.lower() and "barely" in info.suits.lower()
    return CheckpointTask(info.name, info.architecture, info.task, first)


def _same_file(a: Path | None, b: Path) -> bool:
    if a is None or not b.is_file():
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
