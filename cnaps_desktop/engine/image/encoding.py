"""Pixels to file bytes for each output format, and atomic writing.

Pillow encodes everything it can; OpenCV encodes 16-bit colour PNG (Pillow cannot) and the PNG's
metadata chunks are added by hand; tifffile writes 16-bit colour TIFF with ICC profile and
resolution. Files are written to a temporary name beside the target and renamed into place.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from cnaps_desktop.engine.errors import OutputError
from cnaps_desktop.engine.files import atomic_writer, normal_file_mode
from cnaps_desktop.engine.image.colour import SPACE_NAMES, from_rgb, keeps_space
from cnaps_desktop.engine.image.metadata import ImageMetadata, add_png_metadata
from cnaps_desktop.engine.pixels import from_unit_float, to_unit_float

#: Output format names (as for ``--format``) -> Pillow format and file extension.
FORMATS = {
    "jpeg": ("JPEG", ".jpg"),
    "jpg": ("JPEG", ".jpg"),
    "png": ("PNG", ".png"),
    "tiff": ("TIFF", ".tif"),
    "tif": ("TIFF", ".tif"),
    "webp": ("WEBP", ".webp"),
    "bmp": ("BMP", ".bmp"),
    "heic": ("HEIF", ".heic"),
    "heif": ("HEIF", ".heif"),
}
SUFFIX_TO_FORMAT = {".jpeg": "JPEG", ".jpg": "JPEG", ".png": "PNG", ".tif": "TIFF"}
SUFFIX_TO_FORMAT |= {".tiff": "TIFF", ".webp": "WEBP", ".bmp": "BMP"}
SUFFIX_TO_FORMAT |= {".heic": "HEIF", ".heif": "HEIF"}
_SIXTEEN_BIT_FORMATS = {"PNG", "TIFF"}
_FORMAT_NAMES = {"WEBP": "WebP", "HEIF": "HEIC"}


def pil_format_for(path: Path, format: str | None) -> str:
    """Pillow's name of the format to write ``path`` in: ``format``, else its extension's."""
    if format:
        return _format_entry(format)[0]
    pil_format = SUFFIX_TO_FORMAT.get(path.suffix.lower())
    if pil_format is None:
        raise OutputError(
            f"{path.name} has no image extension; expected .jpg, .png, .tif, .webp, .bmp or .heic.",
            path=path,
        )
    return pil_format


def extension_for(format: str) -> str:
    """The file extension of an output format name, e.g. "jpeg" -> ".jpg"."""
    return _format_entry(format)[1]


def _format_entry(format: str) -> tuple[str, str]:
    key = format.strip().lower().lstrip(".")
    if key not in FORMATS:
        raise OutputError(
            f"'{format}' is not an output format; expected one of "
            f"{', '.join(sorted(set(FORMATS)))}."
        )
    return FORMATS[key]


def check_heif_can_save(path: Path) -> None:
    import pillow_heif

    if not pillow_heif.libheif_info().get("HEIF"):
        raise OutputError(
            f"{path.name} cannot be written as HEIC here: this pillow-heif has no HEIC encoder; "
            "choose --format png (lossless) or --format jpeg.",
            path=path,
        )


def output_notes(pixels: np.ndarray, metadata: ImageMetadata, pil_format: str) -> tuple[str, ...]:
    """What writing ``pixels`` as ``pil_format`` cannot keep, in words for the summary."""
    name = _FORMAT_NAMES.get(pil_format, pil_format)
    notes = []
    if not keeps_space(metadata.colour_space, pil_format):
        space = SPACE_NAMES[metadata.colour_space or ""]
        notes.append(f"{name} does not hold {space}, so it is saved as RGB")
    alpha = pixels.ndim == 3 and pixels.shape[2] in (2, 4)
    if alpha and pil_format in ("JPEG", "BMP"):
        notes.append(f"{name} holds no transparency, so the alpha channel was left out")
    deep = pixels.dtype != np.uint8 and not (pixels.dtype.kind == "f" and pixels.ndim == 2)
    if deep and pil_format not in _SIXTEEN_BIT_FORMATS:
        notes.append(f"{name} holds 8 bits per channel, so it is saved as 8-bit")
    if pixels.dtype.kind == "f" and pixels.ndim == 3 and pil_format in _SIXTEEN_BIT_FORMATS:
        notes.append("float colour is saved as 16-bit")
    return tuple(notes)


def encode(pixels: np.ndarray, metadata: ImageMetadata, pil_format: str) -> bytes:
    """The file's bytes, in memory (photos are small next to the model's working memory)."""
    space = metadata.colour_space
    if space and pixels.dtype == np.uint8 and keeps_space(space, pil_format):
        picture = from_rgb(pixels, space, metadata.colour_profile)
        profile = metadata.colour_profile
        metadata = ImageMetadata(
            format=metadata.format, exif=metadata.exif, icc_profile=profile, dpi=metadata.dpi
        )
        return _save(picture, metadata, pil_format)
    keep_16_bit = pil_format in _SIXTEEN_BIT_FORMATS
    pixels = _to_storable(pixels, keep_16_bit)
    colour_16_bit = pixels.dtype == np.uint16 and pixels.ndim == 3
    if colour_16_bit and pil_format == "PNG":
        return _encode_16_bit_colour_png(pixels, metadata)
    if colour_16_bit:
        return _encode_16_bit_colour_tiff(pixels, metadata)
    if pil_format in ("JPEG", "BMP") and pixels.ndim == 3 and pixels.shape[2] in (2, 4):
        pixels = pixels[:, :, :-1]  # these formats hold no alpha; the colour is kept
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    if pil_format == "HEIF" and pixels.ndim == 2:
        pixels = np.repeat(pixels[:, :, None], 3, axis=2)  # HEIC is saved as colour
    if pil_format == "HEIF" and pixels.ndim == 3 and pixels.shape[2] == 2:
        pixels = np.concatenate([np.repeat(pixels[:, :, :1], 3, axis=2), pixels[:, :, 1:]], 2)
    return _save(PILImage.fromarray(np.ascontiguousarray(pixels)), metadata, pil_format)


def _save(picture: PILImage.Image, metadata: ImageMetadata, pil_format: str) -> bytes:
    """Pillow's encoder with the metadata the format holds; a refusal becomes OutputError."""
    options: dict[str, object] = {}
    if metadata.exif and pil_format != "BMP":
        options["exif"] = metadata.exif
    if metadata.icc_profile and pil_format != "BMP":
        options["icc_profile"] = metadata.icc_profile
    if metadata.dpi and pil_format != "WEBP":
        options["dpi"] = metadata.dpi
    if pil_format == "WEBP" and metadata.lossless:
        options["lossless"] = True  # a lossless WebP stays lossless
    elif pil_format in ("JPEG", "WEBP", "HEIF"):
        options["quality"] = 95
    if pil_format == "TIFF":
        options["compression"] = "tiff_deflate"
    buffer = io.BytesIO()
    try:
        picture.save(buffer, format=pil_format, **options)
    except (OSError, ValueError, TypeError, KeyError) as error:
        name = _FORMAT_NAMES.get(pil_format, pil_format)
        raise OutputError(
            f"the {name} encoder refused these pixels or their metadata ({picture.mode})"
        ) from error
    return buffer.getvalue()


def _to_storable(pixels: np.ndarray, keep_16_bit: bool) -> np.ndarray:
    """uint8 as is; uint16 (or float) to what the format holds, rounded to nearest."""
    if pixels.dtype == np.uint8:
        return pixels
    if pixels.dtype == np.uint16 and keep_16_bit:
        return pixels
    if pixels.dtype.kind == "f" and keep_16_bit and pixels.ndim == 2:
        return pixels.astype(np.float32)  # grey float TIFF/PNG keeps its values
    return from_unit_float(to_unit_float(pixels), np.uint16 if keep_16_bit else np.uint8)


def _encode_16_bit_colour_png(pixels: np.ndarray, metadata: ImageMetadata) -> bytes:
    import cv2

    code = cv2.COLOR_RGBA2BGRA if pixels.shape[2] == 4 else cv2.COLOR_RGB2BGR
    if pixels.shape[2] == 2:
        pixels, code = (
            np.concatenate([np.repeat(pixels[:, :, :1], 3, 2), pixels[:, :, 1:]], 2),
            (cv2.COLOR_RGBA2BGRA),
        )
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(pixels, code))
    if not ok:
        raise OutputError("a 16-bit PNG could not be encoded.")
    return add_png_metadata(encoded.tobytes(), metadata)


def _encode_16_bit_colour_tiff(pixels: np.ndarray, metadata: ImageMetadata) -> bytes:
    import tifffile

    extratags = []
    if metadata.icc_profile:
        extratags.append((34675, 7, len(metadata.icc_profile), metadata.icc_profile, True))
    buffer = io.BytesIO()
    tifffile.imwrite(
        buffer,
        pixels,
        photometric="rgb",
        compression="zlib",
        resolution=metadata.dpi,
        resolutionunit="INCH" if metadata.dpi else None,
        extrasamples=("unassalpha",) if pixels.shape[2] == 4 else None,
        extratags=extratags,
    )
    return buffer.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, with a normal file's mode."""
    with atomic_writer(path, mode=normal_file_mode()) as file:
        file.write(data)
