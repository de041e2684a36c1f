"""Image files: faithful reading and writing (``io``), encoding, metadata, colour spaces, the
engine's torch-free ``Image`` (``picture``), and the display levels of pixels on screen.

This package's one door: code outside ``engine/image`` imports these names from here, never from
its modules (import-linter checks it). Names load on first use (Pillow and OpenCV are heavy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.lazy import lazy_exports

_EXPORTS = {
    "Image": "cnaps_desktop.engine.image.picture",
    "ImageMetadata": "cnaps_desktop.engine.image.picture",
    "IMAGE_SUFFIXES": "cnaps_desktop.engine.image.io",
    "read_image": "cnaps_desktop.engine.image.io",
    "write_image": "cnaps_desktop.engine.image.io",
    "FORMATS": "cnaps_desktop.engine.image.encoding",
    "encode": "cnaps_desktop.engine.image.encoding",
    "extension_for": "cnaps_desktop.engine.image.encoding",
    "output_notes": "cnaps_desktop.engine.image.encoding",
    "pil_format_for": "cnaps_desktop.engine.image.encoding",
    "write_atomically": "cnaps_desktop.engine.image.encoding",
    "is_lossless_webp": "cnaps_desktop.engine.image.metadata",
    "display_levels": "cnaps_desktop.engine.image.display",
    "paste_region": "cnaps_desktop.engine.image.display",
    "pyramid_from_rgb8": "cnaps_desktop.engine.image.display",
    "to_display_rgb8": "cnaps_desktop.engine.image.display",
}

__all__ = [
    "FORMATS",
    "IMAGE_SUFFIXES",
    "Image",
    "ImageMetadata",
    "display_levels",
    "encode",
    "extension_for",
    "is_lossless_webp",
    "output_notes",
    "paste_region",
    "pil_format_for",
    "pyramid_from_rgb8",
    "read_image",
    "to_display_rgb8",
    "write_atomically",
    "write_image",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.image.display import (
        display_levels,
        paste_region,
        pyramid_from_rgb8,
        to_display_rgb8,
    )
    from cnaps_desktop.engine.image.encoding import (
        FORMATS,
        encode,
        extension_for,
        output_notes,
        pil_format_for,
        write_atomically,
    )
    from cnaps_desktop.engine.image.io import IMAGE_SUFFIXES, read_image, write_image
    from cnaps_desktop.engine.image.metadata import is_lossless_webp
    from cnaps_desktop.engine.image.picture import Image, ImageMetadata

__getattr__ = lazy_exports(__name__, _EXPORTS)
