"""Pixels as the engine handles them: the one place where they become floats and go back.

Image files hold uint8, uint16 or float pixels. The model works on float32 in [0, 1]:
:func:`to_unit_float` makes those, :func:`from_unit_float` rounds them back (to nearest for
integers; floats are left unclipped, so a float image keeps what the model gave). Models need
sizes that are multiples of a number: :func:`pad_to_multiple` reflects the bottom and right
edges out to it, and the caller crops the result back. Numpy only, so every layer may use it.
"""

from __future__ import annotations

import numpy as np

from cnaps_desktop.engine.errors import UnsupportedImageError

Box = tuple[int, int, int, int]
"""A rectangle of an image in pixels: (left, top, right, bottom), right and bottom excluded."""

_INTEGER_MAXIMUM = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}
_CHANNEL_NAMES = {1: "grey", 2: "grey + alpha", 3: "RGB", 4: "RGBA"}


def to_unit_float(pixels: np.ndarray) -> np.ndarray:
    """uint8/uint16 -> float32 in [0, 1]; floats -> float32, unchanged in value."""
    maximum = _INTEGER_MAXIMUM.get(pixels.dtype)
    if maximum is not None:
        return pixels.astype(np.float32) * np.float32(1.0 / maximum)
    if pixels.dtype.kind == "f":
        return pixels.astype(np.float32, copy=False)
    raise UnsupportedImageError(
        f"pixels of type {pixels.dtype} are not an image's; expected uint8, uint16 or float."
    )


def from_unit_float(values: np.ndarray, dtype: np.dtype, in_place: bool = False) -> np.ndarray:
    """float32 in [0, 1] -> ``dtype``; integers are clipped and rounded to nearest.

    ``in_place`` lets a caller that owns ``values`` save a full-size temporary (large photos).
    """
    dtype = np.dtype(dtype)
    maximum = _INTEGER_MAXIMUM.get(dtype)
    if maximum is None:
        return values.astype(dtype, copy=False)
    scaled = np.clip(values, 0.0, 1.0, out=values if in_place else None)
    scaled *= np.float32(maximum)
    return np.rint(scaled, out=scaled).astype(dtype)


def pad_to_multiple(pixels: np.ndarray, multiple: int) -> np.ndarray:
    """Reflect the bottom and right edges out to multiples of ``multiple``.

    ``pixels`` is one image (H x W x C) or a stack of them (N x H x W x C); crop the model's
    output back to H x W (times its scale). Pads longer than the image repeat the reflection.
    """
    height, width = pixels.shape[-3], pixels.shape[-2]
    pad_bottom, pad_right = -height % multiple, -width % multiple
    if pad_bottom == 0 and pad_right == 0:
        return pixels
    widths = [(0, 0)] * pixels.ndim
    widths[-3], widths[-2] = (0, pad_bottom), (0, pad_right)
    return np.pad(pixels, widths, mode="reflect")


def round_up(size: int, multiple: int) -> int:
    """The smallest multiple of ``multiple`` that is at least ``size``."""
    return -(-size // multiple) * multiple


def describe_pixels(pixels: np.ndarray) -> str:
    """E.g. "RGB, 8-bit", "grey, 16-bit", "RGBA, float", for the summary and the side pane."""
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    kind = _CHANNEL_NAMES.get(channels, f"{channels} channels")
    if pixels.dtype.kind == "f":
        return f"{kind}, float"
    return f"{kind}, {pixels.dtype.itemsize * 8}-bit"
