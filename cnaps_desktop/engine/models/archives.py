"""Finding one catalog checkpoint inside a downloaded archive (.zip, .tar, .tar.gz, ...).

The official MSSNet archive's layout is not documented, so the entry's ``archive_member`` is only
the first guess. When it is absent, the checkpoint is the one whose path names the entry's
dataset (GoPro, RealBlur_R, RealBlur_J) and whose tensor shapes are the entry's variant. When that
still leaves none or several, the error lists the candidates and says how to import one by hand.

Only the chosen members are read, by streaming them to a temp file; nothing is extracted by the
archive's own paths, so a crafted archive cannot write outside the cache folder.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO

from cnaps_desktop.engine.errors import CheckpointError, DownloadError, OutputError
from cnaps_desktop.engine.models.catalog import CHECKPOINT_SUFFIXES, CatalogEntry

ARCHIVE_KINDS = ("zip", "tar")


def archive_kind(path: Path) -> str | None:
    """ "zip" or "tar" for an archive of files; None for anything else (a checkpoint itself).

    A PyTorch checkpoint in the zip format is a zip too; it is told apart by its ``data.pkl``
    record and the absence of checkpoint files inside.
    """
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        holds_checkpoints = any(_is_checkpoint_name(n) for n in names)
        if not holds_checkpoints and any(n.endswith("data.pkl") for n in names):
            return None
        return "zip"
    if tarfile.is_tarfile(path):
        return "tar"
    return None


def extract_checkpoint(
    archive: Path,
    entry: CatalogEntry,
    work_folder: Path,
    fits: Callable[[Path], bool],
) -> Path:
    """Stream the member that holds ``entry`` into ``work_folder``; returns the file.

    ``fits(file)`` says whether an extracted file is the entry's architecture and variant.
    """
    members = checkpoint_members(archive)
    if not members:
        raise DownloadError(
            f"{archive.name} holds no checkpoint file (.pt/.pth/.ckpt/.safetensors); expected "
            f"{entry.name}'s weights inside it.",
            path=archive,
        )
    if entry.archive_member:
        exact = [m for m in members if _same_member(m, entry.archive_member)]
        if len(exact) == 1:
            extracted = _extract(archive, exact[0], work_folder)
            if fits(extracted):
                return extracted
            extracted.unlink()  # the recorded path holds something else; search instead

    named = [m for m in members if _names_dataset(m, entry.dataset)] if entry.dataset else members
    matches: list[tuple[str, Path]] = []
    for member in named:
        extracted = _extract(archive, member, work_folder)
        if fits(extracted):
            matches.append((member, extracted))
        else:
            extracted.unlink()
    if len(matches) == 1:
        return matches[0][1]
    for _member, extracted in matches:
        extracted.unlink()
    raise DownloadError(
        _ambiguity_message(archive, entry, [m for m, _ in matches], members), path=archive
    )


def checkpoint_members(archive: Path) -> list[str]:
    """Paths of the checkpoint files inside ``archive``, in archive order."""
    if archive_kind(archive) == "zip":
        with zipfile.ZipFile(archive) as opened:
            names = [i.filename for i in opened.infolist() if not i.is_dir()]
    else:
        with tarfile.open(archive) as opened:
            names = [m.name for m in opened.getmembers() if m.isfile()]
    return [n for n in names if _is_checkpoint_name(n)]


# ------------------------------------------------------------------------------ helpers
def _extract(archive: Path, member: str, work_folder: Path) -> Path:
    """Copy one member's bytes to a new temp file in ``work_folder`` (keeping its suffix)."""
    suffix = PurePosixPath(member).suffix.lower()
    try:
        work_folder.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=work_folder, prefix="member-", suffix=suffix)
    except OSError as error:
        raise OutputError.from_os_error(error, work_folder) from error
    extracted = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as writer, _open_member(archive, member) as stream:
            shutil.copyfileobj(stream, writer, 1024 * 1024)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as error:
        extracted.unlink(missing_ok=True)
        raise DownloadError(
            f"{archive.name} is damaged: {member} could not be read ({error}); delete it from "
            f"{archive.parent} and download again.",
            path=archive,
        ) from error
    return extracted


def _open_member(archive: Path, member: str) -> _Closing:
    """A stream of one member's bytes; closing it closes the archive too."""
    opened: zipfile.ZipFile | tarfile.TarFile
    if archive_kind(archive) == "zip":
        opened = zipfile.ZipFile(archive)  # closed by _Closing
        return _Closing(opened.open(member), opened)
    opened = tarfile.open(archive)  # noqa: SIM115 - closed by _Closing
    stream = opened.extractfile(member)
    if stream is None:
        opened.close()
        raise OSError(f"{member} is not a regular file")
    return _Closing(stream, opened)


class _Closing:
    """A member stream that also closes its archive."""

    def __init__(self, stream: IO[bytes], owner: zipfile.ZipFile | tarfile.TarFile) -> None:
        self._stream = stream
        self._owner = owner

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def __enter__(self) -> _Closing:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stream.close()
        self._owner.close()


def _is_checkpoint_name(name: str) -> bool:
    path = PurePosixPath(name)
    hidden = any(part.startswith(".") or part == "__MACOSX" for part in path.parts)
    return not hidden and path.suffix.lower() in CHECKPOINT_SUFFIXES


def _same_member(member: str, wanted: str) -> bool:
    """True when ``member`` is ``wanted``, allowing an extra top-level folder."""
    member, wanted = member.strip("/"), wanted.strip("/")
    return member == wanted or member.endswith("/" + wanted)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _names_dataset(member: str, dataset: str) -> bool:
    return _letters(dataset) in _letters(member)


def _ambiguity_message(
    archive: Path, entry: CatalogEntry, matches: list[str], members: list[str]
) -> str:
    wanted = f"{entry.variant} trained on {entry.dataset or entry.training_data}"
    how = (
        f"Extract the one you want from {archive} and run `cnaps-desktop models import FILE "
        f"--as {entry.name}`."
    )
    if matches:
        return (
            f"{archive.name} holds several checkpoints that could be {entry.name} ({wanted}): "
            f"{', '.join(matches)}. {how}"
        )
    shown = ", ".join(members[:8]) + (f" and {len(members) - 8} more" if len(members) > 8 else "")
    return (
        f"{archive.name} holds no checkpoint that is {entry.name} ({wanted}); it holds {shown}. "
        f"{how}"
    )


def fits_entry(entry: CatalogEntry) -> Callable[[Path], bool]:
    """A test for :func:`extract_checkpoint`: the file loads as ``entry``'s variant."""

    def fits(path: Path) -> bool:
        from cnaps_desktop.engine.models.loader import describe_file
        from cnaps_desktop.engine.models.store import check_fits_entry

        try:
            check_fits_entry(describe_file(path), entry, path)
        except CheckpointError:
            return False
        return True

    return fits
