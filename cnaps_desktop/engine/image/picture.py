"""An image as the engine passes it around: pixels and what the file said about them.

Plain data (numpy and the standard library only, no Pillow, no torch), so the window and any
other caller can hold, build and type-check images without loading an image library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: The EXIF orientation of pixels that need no turning.
UPRIGHT = 1


@dataclass(frozen=True)
class ImageMetadata:
    """Facts and metadata of an image file, with nothing that needs the pixels."""

    format: str
    """Pillow's format name: "JPEG", "PNG", "TIFF", "WEBP", "BMP" or "HEIF"."""
    bit_depth: int = 8
    """Bits per channel in the file: 8, 16, or 32 for float TIFF."""
    exif: bytes | None = None
    """EXIF block with orientation reset to upright, or None."""
    icc_profile: bytes | None = None
    dpi: tuple[float, float] | None = None
    orientation: int = UPRIGHT
    """The EXIF orientation the file had (already applied to the pixels)."""
    source: Path | None = None
    lossless: bool = False
    """The file was compressed losslessly (a WebP in VP8L): a WebP output then is too."""
    colour_space: str | None = None
    """"CMYK" or "LAB" when the file's pixels were in that space and became RGB for the model;
    the writer converts them back where the output format holds that space."""
    colour_profile: bytes | None = None
    """The ICC profile of a CMYK file, kept for the conversion back (``icc_profile`` is then
    None: it does not describe the RGB pixels)."""
    notes: tuple[str, ...] = ()
    """What reading changed or could not keep, in our words (e.g. damaged EXIF left out)."""


@dataclass
class Image:
    """Pixels and what the file said about them."""

    pixels: np.ndarray
    metadata: ImageMetadata
