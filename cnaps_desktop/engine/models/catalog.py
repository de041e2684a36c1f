"""weights/catalog.toml -> typed entries: the checkpoints CNAPS Desktop knows by name."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from cnaps_desktop import paths
from cnaps_desktop.resources import weights_path

DEFAULT_NAME = "default"
# Suffixes a checkpoint may have (the same list as engine/checkpoint.py, kept here torch-free):
# a file imported under a catalog name keeps its own format, e.g. Deblur-MSSNet-GoPro.safetensors.
CHECKPOINT_SUFFIXES = (".pt", ".pth", ".ckpt", ".safetensors")
# The released MSSNet variants by (wf, scale, vscale): a torch-free copy of
# engine.arch.mssnet.KNOWN_VARIANTS (a test keeps the two equal), so the variant reads the same
# whether it comes from the catalog or from a loaded file.
MSSNET_VARIANT_NAMES = {(20, 40, 40): "MSSNet-S", (54, 42, 42): "MSSNet", (80, 50, 50): "MSSNet-L"}


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
    dataset: str = ""
    """The training set's name as it appears in archive paths (GoPro, RealBlur_R, RealBlur_J)."""
    first_version: bool = False
    """A first, briefly trained model: the window says what to expect while it is selected."""

    @property
    def variant(self) -> str:
        """The variant in words, e.g. "MSSNet (wf=54, scale=42, vscale=42)"."""
        if self.architecture == "MSSNet":
            name = MSSNET_VARIANT_NAMES.get((self.wf, self.scale, self.vscale), "custom MSSNet")
            return f"{name} (wf={self.wf}, scale={self.scale}, vscale={self.vscale})"
        return self.architecture

    def installed_path(self) -> Path | None:
        """The file of this checkpoint on this machine, or None if it is not installed."""
        candidates = []
        if self.bundled:
            candidates.append(weights_path(self.file_name))
        candidates.extend(self.user_file_candidates())
        return next((p for p in candidates if p.is_file()), None)

    def user_file_candidates(self) -> list[Path]:
        """Where this checkpoint may sit in the per-user model folder, ``file_name`` first."""
        folder = paths.models_dir(create=False)
        stem = Path(self.file_name).stem
        others = [folder / f"{stem}{suffix}" for suffix in CHECKPOINT_SUFFIXES]
        first = folder / self.file_name
        return [first, *(p for p in others if p != first)]


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
