"""One error tree for everything the engine can refuse.

Every message is one plain sentence that names the file (when there is one) and says what was
expected, so the CLI can print it as is and the GUI can show it without a traceback. Like PyAV's
errors, each one also carries the file it is about as ``path`` (None when there is none), so a
caller can point at the file without parsing the sentence. Each error also inherits the matching
builtin, so callers that only know ``ValueError`` or ``FileNotFoundError`` still catch it.
"""

from __future__ import annotations

import errno
from pathlib import Path


class CnapsError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        """The file (or folder) the error is about, or None."""


class Cancelled(CnapsError):
    """The person cancelled the work; nothing was written."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


# ------------------------------------------------------------------ checkpoints and models
class CheckpointError(CnapsError, ValueError):
    """A checkpoint file could not be read as a checkpoint."""


class UnsafeCheckpointError(CheckpointError):
    """The file asks to import or call code while loading; it was refused and nothing ran."""


class CorruptCheckpointError(CheckpointError):
    """The file is empty, truncated or not a checkpoint at all."""


class UnsupportedModelError(CheckpointError):
    """The tensors in the file match no architecture we know."""


class ModelMismatchError(CheckpointError):
    """The file is close to a known architecture but keys or shapes differ."""


class ModelNotFoundError(CnapsError, FileNotFoundError):
    """A catalog name or path does not lead to an installed checkpoint file."""


class DownloadError(CnapsError, OSError):
    """A download failed, was cut off for good, or did not match its checksum."""


# ------------------------------------------------------------------ images and video
class ImageError(CnapsError, ValueError):
    """An image file could not be read or written as asked."""


class CorruptImageError(ImageError):
    """The image file is damaged or truncated."""


class UnsupportedImageError(ImageError):
    """The file is not an image format we read, or its pixel layout is not supported."""


class UnreadableImageError(ImageError, OSError):
    """The file cannot be opened at all: missing, a folder, or not readable by this user."""


class ImageTooLargeError(ImageError):
    """The image has more pixels than is safe to decode (a likely decompression bomb)."""


class OutputError(CnapsError, OSError):
    """The output could not be written (read-only folder, disk full, would overwrite an input)."""

    @classmethod
    def from_os_error(cls, error: OSError, path: str | Path) -> OutputError:
        """The one sentence for a failed write of ``path`` (a file, or a folder to make)."""
        path = Path(path)
        if error.errno == errno.ENOSPC:
            message = f"the disk holding {path.parent} is full; {path.name} was not written."
        elif error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
            folder = path if path.is_dir() else path.parent
            message = f"cannot write to the folder {folder} (it is read-only); choose another one."
        else:
            reason = (error.strerror or type(error).__name__).lower()
            message = f"{path} cannot be written ({reason})."
        return cls(message, path=path)


class VideoError(CnapsError, ValueError):
    """A video file could not be read or written as asked."""


class CorruptVideoError(VideoError):
    """The video file is damaged or truncated."""


class UnsupportedVideoError(VideoError):
    """The file holds no video stream, or one whose codec this FFmpeg build cannot decode."""


class DeviceError(CnapsError, ValueError):
    """The requested device or precision is not available on this machine."""
