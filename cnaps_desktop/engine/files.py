"""Writing a file whole or not at all: a temporary file beside the target, renamed into place.

Every file the engine writes for a person (photos, model files, the model manifest) goes through
:func:`atomic_writer`, so a crash, a full disk or a cancel never leaves half a file at the target,
and a failing write becomes one :class:`~cnaps_desktop.engine.errors.OutputError` sentence.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cnaps_desktop.engine.errors import CnapsError, OutputError


@contextmanager
def atomic_writer(path: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file that becomes ``path`` when the ``with`` block ends without an error.

    ``mode`` is the finished file's permission bits; None keeps the temporary file's (0600).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise OutputError.from_os_error(error, path) from error
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
        if mode is not None:
            temporary.chmod(mode)
        temporary.replace(path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, CnapsError):
            raise OutputError.from_os_error(error, path) from error
        raise


def check_output_folder(folder: Path, create: bool = True) -> None:
    """Fail before any model work when ``folder`` cannot be made (``create``) or written to."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".cnaps-write-check.", dir=folder)
    except OSError as error:
        raise OutputError.from_os_error(error, folder) from error
    os.close(handle)
    Path(probe).unlink(missing_ok=True)


def normal_file_mode() -> int:
    """The mode a new file gets from this process's umask (``mkstemp`` makes files private)."""
    return 0o666 & ~current_umask()


_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so under a lock)."""
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask
