"""Image files in and out, faithfully: upright pixels, 16-bit kept, EXIF/ICC/DPI carried over.

Reading gives an :class:`Image`: pixels as H x W (grey) or H x W x C (C = 2, 3 or 4) arrays of
uint8, uint16 or float32, plus :class:`ImageMetadata`. Writing goes to a temporary file in the
target folder that is renamed into place, so a crash never leaves half a file. Pillow does most of
the work; OpenCV reads and writes 16-bit colour PNG and TIFF (Pillow cannot), tifffile writes
16-bit colour TIFF with its ICC profile and resolution, and pillow-heif adds HEIC/HEIF.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.errors import (
    CorruptImageError,
    ImageError,
    ImageTooLargeError,
    OutputError,
    UnreadableImageError,
    UnsupportedImageError,
)
from cnaps_desktop.engine.facts import RunFacts
from cnaps_desktop.engine.image_encoding import (
    FORMATS,
    SUFFIX_TO_FORMAT,
    check_heif_can_save,
    encode,
    pil_format_for,
    write_atomically,
)
from cnaps_desktop.engine.image_metadata import ImageMetadata, apply_orientation, read_metadata
from cnaps_desktop.engine.options import RestoreOptions

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel

#: File name extensions read as images (lower case, with the dot).
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif"}
)


@dataclass
class Image:
    """Pixels and what the file said about them."""

    pixels: np.ndarray
    metadata: ImageMetadata


def register_heif() -> None:
    """Let Pillow open HEIC/HEIF (idempotent)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


# ----------------------------------------------------------------------------- reading
def read_image(path: str | Path) -> Image:
    """Read an image file upright; raises one clear :class:`ImageError` for every bad file."""
    path = Path(path)
    if not path.is_file():
        reason = "is a folder" if path.is_dir() else "does not exist"
        raise UnreadableImageError(f"{path} {reason}; expected an image file.")
    register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            opened = PILImage.open(path)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise _too_large(path) from error
    except UnidentifiedImageError as error:
        raise _not_an_image(path) from error
    except PermissionError as error:
        raise UnreadableImageError(f"{path} cannot be read (permission denied).") from error
    except OSError as error:  # the file is there and readable, so its header is broken
        raise CorruptImageError(
            f"{path.name} is damaged or truncated; expected a complete image file "
            f"({_first_line(error)})."
        ) from error
    with opened:
        if opened.format not in set(SUFFIX_TO_FORMAT.values()):
            raise UnsupportedImageError(
                f"{path.name} is a {opened.format} image, which is not supported; expected "
                "JPEG, PNG, TIFF, WebP, BMP or HEIC."
            )
        try:
            pixels, bit_depth = _decode(opened, path)
            metadata = read_metadata(opened, path, bit_depth)
            if opened.mode == "CMYK":  # the pixels became RGB; a CMYK profile no longer fits
                metadata = replace(metadata, icc_profile=None)
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise CorruptImageError(
                f"{path.name} is damaged or truncated; expected a complete {opened.format} file "
                f"({_first_line(error)})."
            ) from error
    return Image(apply_orientation(pixels, metadata.orientation), metadata)


def _decode(opened: PILImage.Image, path: Path) -> tuple[np.ndarray, int]:
    """Pixels as an array and the file's bits per channel."""
    rawmode = _tile_rawmode(opened)
    if opened.mode in ("RGB", "RGBA") and ";16" in rawmode:
        return _decode_16_bit_colour(path), 16
    opened.load()
    mode = opened.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(opened).astype(np.uint16), 16
    if mode == "I":
        return np.clip(np.asarray(opened), 0, 65535).astype(np.uint16), 16
    if mode == "F":
        return np.asarray(opened, dtype=np.float32), 32
    if mode in ("L", "LA", "RGB", "RGBA"):
        return np.asarray(opened), 8
    if mode == "1":
        return np.asarray(opened.convert("L")), 8
    has_alpha = mode in ("PA", "La") or "transparency" in opened.info or mode == "RGBa"
    converted = opened.convert("RGBA" if has_alpha else "RGB")
    return np.asarray(converted), 8


def _tile_rawmode(opened: PILImage.Image) -> str:
    """How the file stores its pixels, e.g. "RGB;16B" for a 16-bit colour PNG."""
    if not opened.tile:
        return ""
    args = opened.tile[0].args
    return str(args[0] if isinstance(args, tuple) and args else args or "")


def _decode_16_bit_colour(path: Path) -> np.ndarray:
    """16-bit RGB(A) PNG or TIFF through OpenCV (Pillow would cut it to 8 bits)."""
    import cv2

    data = np.fromfile(path, dtype=np.uint8)
    pixels = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if pixels is None or pixels.dtype != np.uint16:
        raise ValueError("16-bit colour data could not be decoded")
    code = cv2.COLOR_BGRA2RGBA if pixels.shape[2] == 4 else cv2.COLOR_BGR2RGB
    return cv2.cvtColor(pixels, code)


def _too_large(path: Path) -> ImageTooLargeError:
    limit = PILImage.MAX_IMAGE_PIXELS or 0
    return ImageTooLargeError(
        f"{path.name} has more than {limit / 1e6:.0f} million pixels, the safe limit for decoding "
        "(it may be a decompression bomb); expected a photo-sized image."
    )


def _not_an_image(path: Path) -> ImageError:
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return CorruptImageError(
            f"{path.name} is not a valid {path.suffix[1:].upper()} image (damaged, empty or "
            "mislabelled); expected a readable image file."
        )
    return UnsupportedImageError(
        f"{path.name} is not an image format we read; expected JPEG, PNG, TIFF, WebP, BMP or HEIC."
    )


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:160] if lines else type(error).__name__


# ----------------------------------------------------------------------------- writing
def write_image(image: Image, path: str | Path, format: str | None = None) -> Path:
    """Write ``image`` to ``path`` through a temporary file; returns the path written.

    ``format`` is a name from :data:`FORMATS`; by default it follows the file extension.
    16-bit pixels stay 16-bit in PNG and TIFF and become 8-bit in the other formats.
    """
    path = Path(path)
    pil_format = pil_format_for(path, format)
    if pil_format == "HEIF":
        check_heif_can_save(path)
    write_atomically(path, encode(image.pixels, image.metadata, pil_format))
    return path


# ----------------------------------------------------------------------------- files in, files out
def output_path_for(
    input_path: str | Path,
    output_dir: str | Path | None = None,
    suffix: str = "_restored",
    format: str | None = None,
) -> Path:
    """Where the restoration of ``input_path`` goes: ``NAME{suffix}.EXT`` beside it or in a folder.

    The extension follows the input unless ``format`` is given.
    """
    input_path = Path(input_path)
    folder = Path(output_dir) if output_dir is not None else input_path.parent
    extension = input_path.suffix
    if format:
        key = format.strip().lower().lstrip(".")
        if key not in FORMATS:
            raise OutputError(
                f"'{format}' is not an output format; expected one of "
                f"{', '.join(sorted(set(FORMATS)))}."
            )
        extension = FORMATS[key][1]
    return folder / f"{input_path.stem}{suffix}{extension}"


def restore_file(
    loaded: LoadedModel,
    input_path: str | Path,
    options: RestoreOptions,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> RunFacts:
    """Read, restore and write one image file; nothing is written when cancelled or failing."""
    from cnaps_desktop.engine.device import describe_device, precision_name
    from cnaps_desktop.engine.restore import restore_pixels

    input_path = Path(input_path)
    output_path = output_path_for(
        input_path, options.output_dir, options.suffix, options.output_format
    )
    if output_path.resolve() == input_path.resolve():
        raise OutputError(
            f"{input_path.name} would be overwritten; choose an output folder or a name suffix."
        )
    image = read_image(input_path)
    started = time.perf_counter()
    restored = restore_pixels(loaded, image.pixels, options, token, progress)
    seconds = time.perf_counter() - started
    if token is not None:
        token.check()
    write_image(Image(restored.pixels, image.metadata), output_path, options.output_format)
    height, width = image.pixels.shape[:2]
    out_height, out_width = restored.pixels.shape[:2]
    return RunFacts(
        input_path=input_path,
        input_size=(width, height),
        input_kind=describe_pixels(image.pixels, image.metadata.bit_depth),
        model=loaded.info,
        device=describe_device(loaded.device),
        precision=precision_name(loaded.dtype),
        tiles=restored.tiles,
        tile_size=restored.tile_size,
        seconds=seconds,
        output_size=(out_width, out_height),
        output_path=output_path,
    )


def describe_pixels(pixels: np.ndarray, bit_depth: int) -> str:
    """E.g. "RGB, 8-bit", "grey, 16-bit", "RGBA, 8-bit"."""
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    kind = {1: "grey", 2: "grey + alpha", 3: "RGB", 4: "RGBA"}[channels]
    return f"{kind}, {bit_depth}-bit" if bit_depth != 32 else f"{kind}, float"


__all__ = [
    "FORMATS",
    "IMAGE_SUFFIXES",
    "Image",
    "ImageMetadata",
    "output_path_for",
    "read_image",
    "restore_file",
    "write_image",
]
