"""Image files in and out, faithfully: upright pixels, 16-bit kept, EXIF/ICC/DPI carried over.

Reading gives an :class:`Image`: pixels as H x W (grey) or H x W x C (C = 2, 3 or 4) arrays of
uint8, uint16 or float32, plus :class:`ImageMetadata`. Writing goes to a temporary file in the
target folder that is renamed into place, so a crash never leaves half a file. Pillow does most of
the work; OpenCV reads and writes 16-bit colour PNG and TIFF (Pillow cannot), tifffile writes
16-bit colour TIFF with its ICC profile and resolution, and pillow-heif adds HEIC/HEIF.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from PIL import ImageCms, UnidentifiedImageError

from cnaps_desktop.engine.errors import (
    CorruptImageError,
    ImageError,
    ImageTooLargeError,
    OutputError,
    UnreadableImageError,
    UnsupportedImageError,
)
from cnaps_desktop.engine.image.colour import to_rgb
from cnaps_desktop.engine.image.encoding import (
    SUFFIX_TO_FORMAT,
    check_heif_can_save,
    encode,
    pil_format_for,
    write_atomically,
)
from cnaps_desktop.engine.image.metadata import EXIF_ORIENTATION, apply_orientation, read_metadata
from cnaps_desktop.engine.image.picture import Image

#: File name extensions read as images (lower case, with the dot).
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp", ".heic", ".heif"}
)


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
        raise UnreadableImageError(f"{path} {reason}; expected an image file.", path=path)
    register_heif()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image = _read_opened(path)
    notes = _notes_from_warnings(caught)
    if notes:
        image = Image(image.pixels, replace(image.metadata, notes=image.metadata.notes + notes))
    return image


def _notes_from_warnings(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """Pillow's warnings about a file, in our words (they never reach the terminal raw)."""
    notes: list[str] = []
    for warning in caught:
        text = str(warning.message).lower()
        if "exif" in text or "tag" in text:
            note = "its EXIF data is damaged; what could be read was kept"
        elif "icc" in text or "profile" in text:
            note = "its colour profile is damaged"
        elif "truncated" in text or "corrupt" in text:
            note = "the file may be damaged"
        else:
            continue  # e.g. deprecation notices: about Pillow, not about this file
        if note not in notes:
            notes.append(note)
    return tuple(notes)


def _read_opened(path: Path) -> Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            opened = PILImage.open(path)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise _too_large(path) from error
    except UnidentifiedImageError as error:
        raise _not_an_image(path) from error
    except PermissionError as error:
        raise UnreadableImageError(
            f"{path} cannot be read (permission denied).", path=path
        ) from error
    except OSError as error:  # the file is there and readable, so its header is broken
        raise CorruptImageError(  # the library's words stay in the error's cause (the log)
            f"{path.name} is damaged or truncated; expected a complete image file.", path=path
        ) from error
    with opened:
        if opened.format not in set(SUFFIX_TO_FORMAT.values()):
            raise UnsupportedImageError(
                f"{path.name} is a {opened.format} image, which is not supported; expected "
                "JPEG, PNG, TIFF, WebP, BMP or HEIC.",
                path=path,
            )
        try:
            decoded = _decode(opened, path)
            metadata = read_metadata(opened, path, decoded.bit_depth)
            metadata = replace(
                metadata,
                colour_space=decoded.colour_space,
                colour_profile=decoded.colour_profile,
                notes=decoded.notes,
            )
            if decoded.colour_space:  # the pixels are sRGB now; the file's profile is kept aside
                metadata = replace(metadata, icc_profile=None)
        except (OSError, SyntaxError, ValueError, EOFError, ImageCms.PyCMSError) as error:
            raise CorruptImageError(
                f"{path.name} is damaged or truncated; expected a complete {opened.format} file.",
                path=path,
            ) from error
    if decoded.upright:
        metadata = replace(metadata, orientation=1)
    return Image(apply_orientation(decoded.pixels, metadata.orientation), metadata)


@dataclass(frozen=True)
class _Decoded:
    pixels: np.ndarray
    bit_depth: int  # the file's bits per channel
    colour_space: str | None = None  # "CMYK" or "LAB": converted to sRGB for the model
    colour_profile: bytes | None = None
    notes: tuple[str, ...] = ()
    upright: bool = False  # the orientation is applied already


def _decode(opened: PILImage.Image, path: Path) -> _Decoded:
    """Pixels as an array, the file's bits per channel, and what became of its mode."""
    rawmode = _tile_rawmode(opened)
    mode = opened.mode
    transparent = "transparency" in opened.info
    if _pillow_turns_raw_tiff(opened):
        orientation = int(opened.tag_v2[EXIF_ORIENTATION])
        stored = _stored_tiff(opened, path)
        if isinstance(stored, np.ndarray):  # 16-bit colour: Pillow has no mode for it
            return _Decoded(apply_orientation(stored, orientation), 16, upright=True)
        decoded = _decode(stored, path)
        pixels = apply_orientation(decoded.pixels, orientation)
        return replace(decoded, pixels=pixels, upright=True)
    if mode in ("RGB", "RGBA") and ";16" in rawmode:
        return _Decoded(_decode_16_bit_colour(path), 16)
    opened.load()
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return _Decoded(np.asarray(opened).astype(np.uint16), 16)
    if mode == "I":
        values = np.asarray(opened)
        note = "its 32-bit integer grey is saved as 16-bit"
        if values.size and (values.min() < 0 or values.max() > 65535):
            note += " (values beyond 0-65535 were clipped)"
        return _Decoded(np.clip(values, 0, 65535).astype(np.uint16), 16, notes=(note,))
    if mode == "F":
        return _Decoded(np.asarray(opened, dtype=np.float32), 32)
    if mode in ("L", "RGB") and transparent:  # a tRNS colour: keep it as alpha
        note = "its transparent colour is saved as an alpha channel"
        return _Decoded(np.asarray(opened.convert(mode + "A")), 8, notes=(note,))
    if mode in ("L", "LA", "RGB", "RGBA"):
        return _Decoded(np.asarray(opened), 8)
    if mode == "1":
        return _Decoded(
            np.asarray(opened.convert("L")),
            8,
            notes=("1-bit black and white is saved as 8-bit grey",),
        )
    if mode in ("CMYK", "LAB"):
        converted = to_rgb(opened)
        pixels = np.asarray(converted.picture)
        return _Decoded(pixels, 8, converted.space, converted.profile, converted.notes)
    has_alpha = mode in ("PA", "La") or transparent or mode == "RGBa"
    converted = opened.convert("RGBA" if has_alpha else "RGB")
    kind = "palette" if mode in ("P", "PA") else mode
    note = f"its {kind} colours are saved as {'RGBA' if has_alpha else 'RGB'}"
    return _Decoded(np.asarray(converted), 8, notes=(note,))


# Pillow turns a TIFF upright on load by its orientation tag; for an uncompressed TIFF whose
# orientation swaps width and height (5-8), Pillow 13 decodes scrambled pixels. tifffile reads
# the stored pixels of those; they are decoded as usual and then turned here.


def _pillow_turns_raw_tiff(opened: PILImage.Image) -> bool:
    if opened.format != "TIFF" or not getattr(opened, "tile", None):
        return False
    tags = getattr(opened, "tag_v2", {})
    return tags.get(EXIF_ORIENTATION) in (5, 6, 7, 8) and opened.tile[0].codec_name == "raw"


def _stored_tiff(opened: PILImage.Image, path: Path) -> PILImage.Image | np.ndarray:
    """The TIFF's pixels as stored (not turned), as a Pillow image of the same mode and info,
    or an array for 16-bit colour."""
    import tifffile

    pixels = tifffile.imread(path, key=0)
    if pixels.dtype == np.uint16 and pixels.ndim == 3:
        return pixels
    mode = opened.mode
    if mode == "1":
        stored = PILImage.fromarray(pixels.astype(np.uint8) * 255, "L").convert("1")
    elif mode.startswith("I;16"):
        stored = PILImage.fromarray(pixels.astype(np.uint16))
    elif mode in ("I", "F"):
        stored = PILImage.fromarray(pixels)
    else:
        stored = PILImage.fromarray(np.ascontiguousarray(pixels), mode)
        if mode in ("P", "PA") and opened.palette is not None:
            stored.putpalette(opened.getpalette() or [])
    stored.info = dict(opened.info)
    return stored


def _tile_rawmode(opened: PILImage.Image) -> str:
    """How the file stores its pixels, e.g. "RGB;16B" for a 16-bit colour PNG."""
    if not getattr(opened, "tile", None):
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
        "(it may be a decompression bomb); expected a photo-sized image.",
        path=path,
    )


def _not_an_image(path: Path) -> ImageError:
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return CorruptImageError(
            f"{path.name} is not a valid {path.suffix[1:].upper()} image (damaged, empty or "
            "mislabelled); expected a readable image file.",
            path=path,
        )
    return UnsupportedImageError(
        f"{path.name} is not an image format we read; expected JPEG, PNG, TIFF, WebP, BMP or HEIC.",
        path=path,
    )


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
    try:
        data = encode(image.pixels, image.metadata, pil_format)
    except (OutputError, UnsupportedImageError) as error:
        reason = str(error).rstrip(".")
        raise OutputError(f"{path.name} could not be saved: {reason}.", path=path) from error
    write_atomically(path, data)
    return path


__all__ = ["IMAGE_SUFFIXES", "read_image", "write_image"]
