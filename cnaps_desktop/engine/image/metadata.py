"""What an image file says about itself, kept across a restoration: EXIF, ICC profile, DPI.

The pixels are turned upright on reading (EXIF orientation applied), so the EXIF that is written
back has its orientation reset to 1 ("upright"); everything else in it is kept as it was.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image as PILImage

from cnaps_desktop.engine.image.picture import UPRIGHT, ImageMetadata

EXIF_ORIENTATION = 0x0112
# A TIFF's first IFD is also what Pillow hands back as its "EXIF": the tags that describe how
# the pixels are stored (size, samples, photometric, strips, compression, ...) must not be copied
# onto the output, whose pixels are stored differently. Writing a CIELab TIFF's photometric tag
# onto RGB pixels, for example, made libtiff refuse the file or mislabel its colours.
# TIFF 6.0 baseline and extension tags for the layout of the image data:
TIFF_LAYOUT_TAGS = frozenset(
    {254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 277, 278, 279, 280, 281, 282, 283, 284}
    | {290, 291, 296, 317, 320, 322, 323, 324, 325, 332, 338, 339, 340, 341, 347, 530, 531}
    | {532, 34675}  # 34675: the ICC profile, which is carried on its own
)


def read_metadata(image: PILImage.Image, path: Path, bit_depth: int) -> ImageMetadata:
    """The metadata of an opened Pillow image (before its pixels are decoded)."""
    exif_data = image.getexif()
    orientation = int(exif_data.get(EXIF_ORIENTATION, UPRIGHT) or UPRIGHT)
    if image.format == "TIFF":
        for tag in TIFF_LAYOUT_TAGS & set(exif_data):
            del exif_data[tag]
    exif: bytes | None = None
    if len(exif_data):
        if EXIF_ORIENTATION in exif_data:
            exif_data[EXIF_ORIENTATION] = UPRIGHT
        exif = exif_data.tobytes()
    dpi = image.info.get("dpi")
    return ImageMetadata(
        format=str(image.format),
        bit_depth=bit_depth,
        exif=exif,
        icc_profile=image.info.get("icc_profile") or None,
        dpi=(float(dpi[0]), float(dpi[1])) if dpi else None,
        orientation=orientation if 1 <= orientation <= 8 else UPRIGHT,
        source=path,
        lossless=image.format == "WEBP" and is_lossless_webp(path),
    )


def is_lossless_webp(path: Path) -> bool:
    """True when the WebP's (first) image is VP8L, WebP's lossless coding, rather than VP8.

    A WebP file is a RIFF container: "RIFF", size, "WEBP", then chunks of a four-letter name, a
    little-endian size and the data (padded to even). Pillow does not say which coding it read.
    """
    try:
        with path.open("rb") as file:
            header = file.read(12)
            if header[:4] != b"RIFF" or header[8:12] != b"WEBP":
                return False
            while chunk := file.read(8):
                if len(chunk) < 8:
                    return False
                name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
                if name in (b"VP8L", b"VP8 "):
                    return name == b"VP8L"
                file.seek(size + (size & 1), 1)
    except OSError:
        return False
    return False


def apply_orientation(pixels: np.ndarray, orientation: int) -> np.ndarray:
    """Turn H x W (x C) pixels upright according to an EXIF orientation (1-8)."""
    if orientation in (2, 4, 5, 7):  # the mirrored ones
        pixels = pixels[:, ::-1]
    turns = {3: 2, 4: 2, 5: 1, 6: 3, 7: 3, 8: 1}.get(orientation, 0)
    if turns:
        pixels = np.rot90(pixels, turns)
    return np.ascontiguousarray(pixels)


# ----------------------------------------------------------------------------- PNG chunks
def add_png_metadata(png: bytes, metadata: ImageMetadata) -> bytes:
    """Insert iCCP, pHYs and eXIf chunks after IHDR of a PNG that has none.

    Used for 16-bit colour PNGs, which Pillow cannot write; OpenCV writes their pixels.
    """
    chunks = []
    if metadata.icc_profile:
        chunks.append(_png_chunk(b"iCCP", b"ICC\x00\x00" + zlib.compress(metadata.icc_profile)))
    if metadata.dpi:
        per_metre = [round(value / 0.0254) for value in metadata.dpi]
        chunks.append(_png_chunk(b"pHYs", struct.pack(">IIB", *per_metre, 1)))
    if metadata.exif:
        exif = metadata.exif.removeprefix(b"Exif\x00\x00")
        chunks.append(_png_chunk(b"eXIf", exif))
    end_of_header = 8 + 4 + 4 + 13 + 4  # signature, then IHDR: length, type, data, crc
    return png[:end_of_header] + b"".join(chunks) + png[end_of_header:]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
