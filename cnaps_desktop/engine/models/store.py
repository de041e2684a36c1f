"""The per-user model folder: what is installed, and bringing a checkpoint file into it.

``list_models()`` joins the catalog (installed or missing) with the files a person imported under
names of their own. ``import_model(path, as_name)`` checks a file before it goes in: it must load
safely, be detected, run a small test image, and, when it takes a catalog name, be that entry's
architecture and variant. The copy goes through a temp file and a rename, so an interrupted import
never leaves a half-written model behind, and its sha256 is recorded in the folder's manifest.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cnaps_desktop import paths
from cnaps_desktop.engine.errors import ModelMismatchError, ModelNotFoundError
from cnaps_desktop.engine.files import atomic_writer
from cnaps_desktop.engine.models.catalog import DEFAULT_NAME, CatalogEntry, find_entry, load_catalog
from cnaps_desktop.engine.models.manifest import (
    ManifestRecord,
    find_record,
    read_manifest,
    save_record,
)
from cnaps_desktop.engine.pixels import round_up

#: The side of the square test image every import runs (raised to the model's size multiple).
TRIAL_SIDE = 32
_CHUNK = 1024 * 1024
_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class ModelStatus:
    """One line of ``models list``: a catalog entry or an imported file, installed or missing."""

    name: str
    variant: str
    installed: bool
    path: Path | None
    """The file when installed."""
    source: str
    """"catalog", "bundled" or "imported" (a person's own file under a name of their own)."""
    suits: str
    """What it suits, in plain words (the catalog's text, or the detected task for own files)."""
    is_default: bool = False
    sha256: str = ""
    """The recorded checksum, when the file came in through import or download."""
    imported_from: str = ""


def list_models(catalog: Path | None = None) -> list[ModelStatus]:
    """Catalog entries (installed or missing), then the person's own imported files."""
    entries = load_catalog(catalog)
    records = {r.name.lower(): r for r in read_manifest()}
    statuses = [_catalog_status(entry, records.get(entry.name.lower())) for entry in entries]
    catalog_names = {e.name.lower() for e in entries}
    for record in records.values():
        if record.name.lower() in catalog_names:
            continue
        path = record.path()
        statuses.append(
            ModelStatus(
                name=record.name,
                variant=record.variant,
                installed=path.is_file(),
                path=path if path.is_file() else None,
                source="imported",
                suits=_task_words(record.task, record.scale),
                sha256=record.sha256,
                imported_from=record.imported_from,
            )
        )
    return statuses


def import_model(
    path: str | Path, as_name: str | None = None, *, catalog: Path | None = None
) -> Path:
    """Check ``path`` and copy it into the model folder as ``as_name``; returns the new file.

    ``as_name`` defaults to the file's stem. A catalog name ("Deblur-MSSNet-GoPro") must match
    that entry's architecture and variant. Importing a name again replaces the earlier file.
    """
    source = Path(path).expanduser()
    if not source.is_file():
        raise ModelNotFoundError(
            f"{source} does not exist; expected a checkpoint file to import.", path=source
        )
    name = _usable_name(as_name if as_name is not None else source.stem, source)
    entry = find_entry(name, load_catalog(catalog))
    return install_checkpoint(
        source,
        name,
        entry,
        imported_from=str(source.resolve()),
        mismatch_hint="import it under a name of your own instead (--as MY-NAME)",
    )


def install_checkpoint(
    source: Path,
    name: str,
    entry: CatalogEntry | None,
    imported_from: str,
    mismatch_hint: str = "",
) -> Path:
    """Check ``source`` and copy it in under ``name`` (``entry``'s file name for catalog names).

    ``mismatch_hint`` ends the error when the file is not ``entry``'s variant.
    """
    from cnaps_desktop.engine.models.loader import describe_file, model_info

    descriptor = describe_file(source)
    info = model_info(descriptor, source, entry)
    if entry is not None:
        check_fits_entry(descriptor, entry, source, mismatch_hint)
    run_trial(descriptor, source)

    folder = paths.models_dir()
    if entry is not None:
        destination = folder / f"{Path(entry.file_name).stem}{source.suffix.lower()}"
        stale = [p for p in entry.user_file_candidates() if p != destination]
    else:
        destination = folder / f"{name}{source.suffix.lower()}"
        stale = _files_of(find_record(name))
    digest = copy_atomically(source, destination)
    for old in stale:
        if old != destination and old.is_file():
            old.unlink()
    save_record(
        ManifestRecord(
            name=entry.name if entry is not None else name,
            file=destination.name,
            sha256=digest,
            architecture=info.architecture,
            variant=info.variant,
            task=info.task,
            scale=info.scale,
            imported_from=imported_from,
            date=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    return destination


def check_fits_entry(descriptor: object, entry: CatalogEntry, path: Path, hint: str = "") -> None:
    """Refuse a file whose architecture or variant differs from the catalog entry's."""
    architecture = descriptor.architecture.id  # type: ignore[attr-defined]
    model = descriptor.model  # type: ignore[attr-defined]
    config = getattr(model, "config", None)
    if architecture == "MSSNet" and config is not None:
        found = config.describe()
        fits = (config.wf, config.scale, config.vscale) == (entry.wf, entry.scale, entry.vscale)
    else:
        found = architecture
        fits = architecture == entry.architecture
    if not fits or architecture != entry.architecture:
        raise ModelMismatchError(
            f"{path.name} is {found}, but {entry.name} is {entry.variant}"
            + (f"; {hint}." if hint else "."),
            path=path,
        )


def run_trial(descriptor: object, path: Path) -> None:
    """Run one small image through the network; refuse the file if that fails."""
    import torch

    d = descriptor  # spandrel's ImageModelDescriptor
    requirements = d.size_requirements  # type: ignore[attr-defined]
    multiple = max(1, int(requirements.multiple_of))
    side = max(TRIAL_SIDE, int(requirements.minimum))
    side = round_up(side, multiple)
    channels = int(d.input_channels)  # type: ignore[attr-defined]
    scale = int(d.scale)  # type: ignore[attr-defined]
    model = d.model.eval()  # type: ignore[attr-defined]
    image = torch.rand(1, channels, side, side, generator=torch.Generator().manual_seed(0))
    try:
        with torch.inference_mode():
            output = model(image)
    except (RuntimeError, ValueError, TypeError, IndexError, AssertionError) as error:
        raise ModelMismatchError(
            f"{path.name} loads but failed a {side}x{side} test run ({_first_line(error)}).",
            path=path,
        ) from error
    expected = (1, int(d.output_channels), side * scale, side * scale)  # type: ignore[attr-defined]
    if not isinstance(output, torch.Tensor) or tuple(output.shape) != expected:
        shape = tuple(output.shape) if isinstance(output, torch.Tensor) else type(output).__name__
        raise ModelMismatchError(
            f"{path.name} gave {shape} for a {side}x{side} test image; expected {expected}.",
            path=path,
        )
    if not bool(torch.isfinite(output).all()):
        raise ModelMismatchError(
            f"{path.name} gave NaN or infinite values for a {side}x{side} test image; its weights "
            f"are damaged.",
            path=path,
        )


def copy_atomically(source: Path, destination: Path) -> str:
    """Copy ``source`` to ``destination`` via a temp file and a rename; returns the sha256."""
    digest = hashlib.sha256()
    # The temporary file is private (0600); a model file is not.
    with atomic_writer(destination, mode=0o644) as writer, source.open("rb") as reader:
        for block in iter(lambda: reader.read(_CHUNK), b""):
            digest.update(block)
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as reader:
        for block in iter(lambda: reader.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------ helpers
def _catalog_status(entry: CatalogEntry, record: ManifestRecord | None) -> ModelStatus:
    path = entry.installed_path()
    bundled = path is not None and entry.bundled and path.parent != paths.models_dir(create=False)
    from_record = record is not None and path is not None and record.file == path.name
    return ModelStatus(
        name=entry.name,
        variant=entry.variant,
        installed=path is not None,
        path=path,
        source="bundled" if bundled else "catalog",
        suits=entry.suits,
        is_default=entry.default,
        sha256=record.sha256 if from_record and record else "",
        imported_from=record.imported_from if from_record and record else "",
    )


def _usable_name(name: str, source: Path) -> str:
    name = name.strip()
    if name.lower() == DEFAULT_NAME or not _NAME_PATTERN.fullmatch(name):
        raise ModelMismatchError(
            f"'{name}' cannot name the model from {source.name}; expected letters, digits, '.', "
            f"'-' or '_' (and not 'default'), for example --as my-model.",
            path=source,
        )
    return name


def _files_of(record: ManifestRecord | None) -> list[Path]:
    return [] if record is None else [record.path()]


def _task_words(task: str, scale: int) -> str:
    return f"{task} x{scale}" if scale > 1 else task


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__
