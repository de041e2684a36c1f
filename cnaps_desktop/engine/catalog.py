"""weights/catalog.toml -> typed entries: the checkpoints CNAPS Desktop knows by name."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from cnaps_desktop import paths
from cnaps_desktop.resources import weights_path

DEFAULT_NAME = "default"


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    architecture: str
    wf: int
    scale: int
    vscale: int
    training_data: str
    suits: str
    paper: str
    code: str
    download: str
    archive_member: str
    file_name: str
    sha256: str = ""
    bundled: bool = False
    default: bool = False

    def installed_path(self) -> Path | None:
        """The file of this checkpoint on this machine, or None if it is not installed."""
        candidates = []
        if self.bundled:
            candidates.append(weights_path(self.file_name))
        candidates.append(paths.models_dir(create=False) / self.file_name)
        return next((p for p in candidates if p.is_file()), None)


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """All entries of the catalog, in file order."""
    path = path or weights_path("catalog.toml")
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [CatalogEntry(**entry) for entry in data.get("model", [])]


def find_entry(name: str, entries: list[CatalogEntry] | None = None) -> CatalogEntry | None:
    """The entry called ``name`` (case-insensitive), or the default entry for "default"."""
    entries = load_catalog() if entries is None else entries
    wanted = name.strip().lower()
    if wanted == DEFAULT_NAME:
        return next((e for e in entries if e.default), None)
    return next((e for e in entries if e.name.lower() == wanted), None)
