"""Colour spaces the model does not take: CMYK and CIELab become sRGB for it, and go back after.

Models work on RGB. A CMYK JPEG or TIFF (print work) and a CIELab TIFF are converted to sRGB with
LittleCMS (Pillow's ImageCms): through the file's own ICC profile when it has one, else through
the standard profiles (CIELab D50; CMYK without a profile by Pillow's plain formula, which is what
every viewer shows for such a file). The writer converts the restored pixels back into the
file's space where the output format holds it (CMYK: JPEG and TIFF; CIELab: TIFF) and otherwise
saves RGB and says so.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image as PILImage
from PIL import ImageCms

#: Which output formats hold each colour space.
FORMATS_HOLDING = {"CMYK": frozenset({"JPEG", "TIFF"}), "LAB": frozenset({"TIFF"})}
SPACE_NAMES = {"CMYK": "CMYK", "LAB": "CIELab"}


def _profile(data: bytes | None) -> ImageCms.ImageCmsProfile | None:
    if not data:
        return None
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError):
        return None  # a damaged profile: fall back to the plain conversion


def to_rgb(opened: PILImage.Image) -> tuple[PILImage.Image, str, bytes | None]:
    """(the sRGB image, the file's space, the ICC profile kept for the way back)."""
    space = opened.mode
    data = opened.info.get("icc_profile") or None
    srgb = ImageCms.createProfile("sRGB")
    if space == "LAB":
        source = _profile(data) or ImageCms.createProfile("LAB")
        return ImageCms.profileToProfile(opened, source, srgb, outputMode="RGB"), space, data
    source = _profile(data)
    if source is None:
        return opened.convert("RGB"), space, None
    return ImageCms.profileToProfile(opened, source, srgb, outputMode="RGB"), space, data


def from_rgb(pixels: np.ndarray, space: str, profile: bytes | None) -> PILImage.Image:
    """8-bit RGB pixels back in ``space`` ("CMYK" or "LAB"), through ``profile`` when given."""
    picture = PILImage.fromarray(np.ascontiguousarray(pixels[:, :, :3]), "RGB")
    srgb = ImageCms.createProfile("sRGB")
    if space == "LAB":
        target = _profile(profile) or ImageCms.createProfile("LAB")
        return ImageCms.profileToProfile(picture, srgb, target, outputMode="LAB")
    target = _profile(profile)
    if target is None:
        return picture.convert("CMYK")
    return ImageCms.profileToProfile(picture, srgb, target, outputMode="CMYK")


def keeps_space(space: str | None, pil_format: str) -> bool:
    """True when ``pil_format`` holds ``space`` (or there is nothing to convert back)."""
    return space is None or pil_format in FORMATS_HOLDING.get(space, frozenset())
