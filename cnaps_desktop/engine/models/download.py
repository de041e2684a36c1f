"""``models download NAME``: fetch a catalog checkpoint into the per-user model folder.

The transfer is done by gdown, for every address: it performs Google Drive's confirmation step for
drive.google.com links and is a plain HTTP client otherwise. Bytes land in a partial file in the
cache folder; a cut connection is resumed with an HTTP Range request (``retries`` times within one
call, and again by the next call, which finds the partial file). Then:

1. an archive is searched for the entry's checkpoint (see :mod:`.archives`);
2. the checkpoint's sha256 is compared with the catalog's, when the catalog has one: on a
   mismatch the file is removed and the download refused;
3. the file goes through the same checks as ``models import`` (safe load, detection, variant,
   a small test run) and is copied in with a temp file and a rename.

A downloaded archive stays in the cache, so other checkpoints it holds install without a second
download; a single checkpoint file is removed from the cache once installed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlparse

from cnaps_desktop import paths
from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback, report
from cnaps_desktop.engine.errors import CnapsError, DownloadError, ModelNotFoundError, OutputError
from cnaps_desktop.engine.files import atomic_writer
from cnaps_desktop.engine.models.archives import archive_kind, extract_checkpoint, fits_entry
from cnaps_desktop.engine.models.catalog import (
    CHECKPOINT_SUFFIXES,
    CatalogEntry,
    find_entry,
    load_catalog,
)
from cnaps_desktop.engine.models.store import install_checkpoint, sha256_of

#: Extra attempts after a cut connection within one call; each resumes where the last stopped.
DEFAULT_RETRIES = 3
#: Seconds to wait for the server to connect, and between bytes.
TIMEOUT = (20.0, 60.0)
_DRIVE_HOSTS = ("drive.google.com", "docs.google.com")
# Names the finished file in a download folder, so it is reused without asking the server again.
_FINISHED_MARK = "finished.txt"


def download_model(
    name: str,
    progress: ProgressCallback | None = None,
    token: CancelToken | None = None,
    *,
    url: str | None = None,
    catalog: Path | None = None,
    retries: int = DEFAULT_RETRIES,
    force: bool = False,
) -> Path:
    """Download the catalog checkpoint ``name`` and install it; returns the installed file.

    ``url`` replaces the catalog's download location (a mirror, or a local server in tests);
    ``catalog`` reads another catalog file. Progress is reported in bytes (stage "byte").
    An installed checkpoint is left alone unless ``force`` is true.
    """
    entries = load_catalog(catalog)
    entry = find_entry(name, entries)
    if entry is None:
        names = ", ".join(e.name for e in entries)
        raise ModelNotFoundError(f"'{name}' is not in the catalog; known names: {names}.")
    installed = entry.installed_path()
    if installed is not None and not force and _checksum_ok(installed, entry):
        return installed
    address = url or entry.download
    if not address:
        raise DownloadError(
            f"{entry.name} has no download location; get the file by hand and run "
            f"`cnaps-desktop models import FILE --as {entry.name}`."
        )

    folder = download_folder(address)
    fetched = fetch(
        address, folder, progress=progress, token=token, retries=retries, name=entry.name
    )
    if token is not None:
        token.check()
    kind = archive_kind(fetched)
    checkpoint = (
        extract_checkpoint(fetched, entry, folder / "unpacked", fits_entry(entry))
        if kind is not None
        else _with_checkpoint_suffix(fetched)
    )
    try:
        _verify_checksum(checkpoint, entry, folder)
        destination = install_checkpoint(
            checkpoint,
            entry.name,
            entry,
            imported_from=address,
            mismatch_hint=f"the file at {address} is not the one the catalog describes",
        )
    except CnapsError:
        if kind is None:
            _discard_downloads(folder)  # a single file that failed its checks is of no use
        raise
    finally:
        if kind is not None:
            checkpoint.unlink(missing_ok=True)  # the archive itself stays for its other files
    if kind is None:
        _discard_downloads(folder)
    return destination


def download_folder(address: str) -> Path:
    """The cache folder for one address: partial and finished downloads of it live there."""
    key = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
    folder = paths.cache_dir() / "downloads" / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError.from_os_error(error, folder) from error
    return folder


def fetch(
    address: str,
    folder: Path,
    progress: ProgressCallback | None = None,
    token: CancelToken | None = None,
    retries: int = DEFAULT_RETRIES,
    name: str = "NAME",
) -> Path:
    """Download ``address`` into ``folder`` (resuming a partial file there); returns the file.

    A finished download is remembered in ``folder`` and returned without asking the server again.
    ``name`` is the catalog name that error messages suggest importing a file as.
    """
    finished = _finished_download(folder)
    if finished is not None:
        return finished
    import gdown
    import requests
    from gdown.exceptions import DownloadError as GdownDownloadError
    from gdown.exceptions import FileURLRetrievalError

    def on_chunk(done: int, total: int | None) -> None:
        if token is not None:
            token.check()  # raises Cancelled; gdown keeps the partial file for the next call
        report(progress, done, total or 0, "byte")

    drive = urlparse(address).hostname in _DRIVE_HOSTS
    try:
        result = gdown.download(
            url=address,
            output=str(folder) + os.sep,
            quiet=True,
            resume=True,
            retries=retries,
            timeout=TIMEOUT,
            progress=on_chunk,
            use_cookies=drive,
            cookies_file=str(paths.cache_dir() / "gdown-cookies.txt"),
        )
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else "?"
        raise DownloadError(
            f"The server at {address} answered HTTP {status}; the file could not be downloaded."
        ) from error
    except FileURLRetrievalError as error:
        raise DownloadError(
            f"Google Drive did not hand out {address} (it may be over its daily download quota or "
            f"no longer shared); try again later, or download it in a browser and run "
            f"`cnaps-desktop models import FILE --as {name}`."
        ) from error
    except (requests.RequestException, GdownDownloadError, OSError) as error:
        arrived = sum(p.stat().st_size for p in folder.glob("*.part"))
        kept = (
            f"the {arrived / 1e6:.1f} MB that arrived are kept in {folder} and the next download "
            f"resumes from there"
            if arrived
            else "check the connection, or download the file by hand and run "
            f"`cnaps-desktop models import FILE --as {name}`"
        )
        raise DownloadError(
            f"Downloading {address} failed ({_network_reason(error, address)}); {kept}."
        ) from error
    fetched = Path(str(result))
    with atomic_writer(folder / _FINISHED_MARK) as mark:
        mark.write(fetched.name.encode("utf-8"))
    return fetched


# ------------------------------------------------------------------------------ helpers
def _finished_download(folder: Path) -> Path | None:
    mark = folder / _FINISHED_MARK
    if not mark.is_file():
        return None
    fetched = folder / mark.read_text(encoding="utf-8").strip()
    if fetched.is_file() and fetched.parent == folder:
        return fetched
    mark.unlink()
    return None


def _with_checkpoint_suffix(path: Path) -> Path:
    """A downloaded checkpoint whose name lacks a checkpoint suffix gets one from its content."""
    if path.suffix.lower() in CHECKPOINT_SUFFIXES:
        return path
    with path.open("rb") as handle:
        head = handle.read(9)
    # safetensors: an 8-byte little-endian header length, then the JSON header.
    suffix = ".safetensors" if len(head) == 9 and head[8:9] == b"{" else ".pt"
    return path.replace(path.with_name(path.name + suffix))


def _verify_checksum(checkpoint: Path, entry: CatalogEntry, folder: Path) -> None:
    """Refuse (and remove) a download whose sha256 is not the catalog's."""
    if not entry.sha256:
        return
    actual = sha256_of(checkpoint)
    if actual == entry.sha256.lower():
        return
    checkpoint.unlink(missing_ok=True)
    _discard_downloads(folder)
    raise DownloadError(
        f"The download of {entry.name} has sha256 {actual}, expected {entry.sha256}; it was "
        f"removed. The file on the server may have changed or the transfer was damaged."
    )


def _discard_downloads(folder: Path) -> None:
    """Remove the finished or partial download in ``folder`` and its mark."""
    for leftover in folder.iterdir():
        if leftover.is_file():
            leftover.unlink()


def _checksum_ok(path: Path, entry: CatalogEntry) -> bool:
    return not entry.sha256 or sha256_of(path) == entry.sha256.lower()


def _network_reason(error: BaseException, address: str) -> str:
    """A few plain words for a failed transfer, from the innermost cause that says something."""
    import requests

    causes: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(causes) < 8:
        causes.append(current)
        current = current.__cause__ or current.__context__
    host = urlparse(address).hostname or address
    for cause in causes:
        if isinstance(cause, requests.Timeout):
            return f"{host} stopped answering"
        if isinstance(cause, requests.exceptions.ChunkedEncodingError):
            return "the connection was cut off"
        if isinstance(cause, requests.ConnectionError):
            return f"could not connect to {host}"
    lines = str(error).strip().splitlines()
    return lines[0][:160] if lines else type(error).__name__
