"""Colour spaces the model does not take: CMYK and CIELab become sRGB for it, and go back after.

Models work on RGB. A CMYK JPEG or TIFF (print work) and a CIELab TIFF are converted to sRGB with
LittleCMS (Pillow's ImageCms): through the file's own ICC profile when it has one that describes
the file's space, else through the standard profiles (CIELab D50; CMYK by Pillow's plain formula,
which is what every viewer shows for a CMYK file without a profile). A profile made for another
space (an RGB profile in a CMYK file, say) cannot be used, and LittleCMS would refuse it: viewers
ignore such a profile, so the conversion does too, and the summary says so. The writer converts
the restored pixels back into the file's space where the output format holds it (CMYK: JPEG and
TIFF; CIELab: TIFF), through the same profile, and otherwise saves RGB and says so.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageCms

#: Which output formats hold each colour space.
FORMATS_HOLDING = {"CMYK": frozenset({"JPEG", "TIFF"}), "LAB": frozenset({"TIFF"})}
SPACE_NAMES = {"CMYK": "CMYK", "LAB": "CIELab"}
#: The ICC colour space signature (without its padding) of a profile for each mode.
_PROFILE_SPACES = {"CMYK": "CMYK", "LAB": "Lab"}
#: Our names for the ICC signatures a profile of another space may have.
_SIGNATURE_NAMES = {"RGB": "RGB", "GRAY": "grey", "CMYK": "CMYK", "Lab": "CIELab", "XYZ": "XYZ"}


@dataclass(frozen=True)
class _Transforms:
    """LittleCMS's ways from a colour space to sRGB and back, through one profile."""

    to_srgb: ImageCms.ImageCmsTransform
    from_srgb: ImageCms.ImageCmsTransform


def _transforms(data: bytes | None, space: str) -> tuple[_Transforms | None, str | None]:
    """The ways through the profile in ``data`` when it fits ``space``, else the standard ones
    (None for CMYK: Pillow's plain formula), and a note in our words when the file has a
    profile that cannot be used."""
    if not data:
        return _standard(space), None
    name = SPACE_NAMES[space]
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError):
        return _standard(
            space
        ), f"its colour profile is damaged, so its {name} was converted plainly"
    signature = str(profile.profile.xcolor_space).strip()
    if signature != _PROFILE_SPACES[space]:
        kind = _SIGNATURE_NAMES.get(signature, f"'{signature}'")
        return _standard(space), (
            f"its colour profile is for {kind}, not {name}, so it was not used for the "
            "conversion (viewers ignore it too) and is kept as it was"
        )
    try:  # both ways now, so that the way back never differs from the way in
        return _both_ways(profile, space), None
    except ImageCms.PyCMSError:  # e.g. an input-only profile, which has no way back
        note = f"its colour profile cannot convert both ways, so its {name} was converted plainly"
        return _standard(space), note


def _standard(space: str) -> _Transforms | None:
    """CIELab through the standard D50 profile; None for CMYK (Pillow's plain formula, which is
    what viewers show for a CMYK file without a profile)."""
    return _both_ways(ImageCms.createProfile("LAB"), space) if space == "LAB" else None


def _both_ways(
    profile: ImageCms.ImageCmsProfile | ImageCms.core.CmsProfile, space: str
) -> _Transforms:
    srgb = ImageCms.createProfile("sRGB")
    return _Transforms(
        ImageCms.buildTransform(profile, srgb, space, "RGB"),
        ImageCms.buildTransform(srgb, profile, "RGB", space),
    )


@dataclass(frozen=True)
class ToRGB:
    """What reading a CMYK or CIELab file gives the model, and what the way back needs."""

    picture: PILImage.Image
    """The pixels in sRGB."""
    space: str
    """The file's mode: "CMYK" or "LAB"."""
    profile: bytes | None
    """The file's ICC profile, used or not: it is written back with the file's space."""
    notes: tuple[str, ...] = ()


def to_rgb(opened: PILImage.Image) -> ToRGB:
    """The sRGB pixels of a CMYK or CIELab image, through its profile where it fits."""
    space = opened.mode
    data = opened.info.get("icc_profile") or None
    transforms, note = _transforms(data, space)
    if transforms is None:
        picture = opened.convert("RGB")
    else:
        picture = ImageCms.applyTransform(opened, transforms.to_srgb)
    return ToRGB(picture, space, data, (note,) if note else ())


def from_rgb(pixels: np.ndarray, space: str, profile: bytes | None) -> PILImage.Image:
    """8-bit RGB pixels back in ``space`` ("CMYK" or "LAB"), the way :func:`to_rgb` came.

    The result carries no profile of its own: the writer adds the file's, if it had one.
    """
    picture = PILImage.fromarray(np.ascontiguousarray(pixels[:, :, :3]), "RGB")
    transforms, _ = _transforms(profile, space)
    if transforms is None:
        converted = picture.convert(space)
    else:
        converted = ImageCms.applyTransform(picture, transforms.from_srgb)
    converted.info.pop("icc_profile", None)  # LittleCMS labels its output with the target's
    return converted


def keeps_space(space: str | None, pil_format: str) -> bool:
    """True when ``pil_format`` holds ``space`` (or there is nothing to convert back)."""
    return space is None or pil_format in FORMATS_HOLDING.get(space, frozenset())
