"""A picture ready to paint: its display levels wrapped as QImages, without copying pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QImage


@dataclass(frozen=True)
class DisplayImage:
    """One side of the comparison: its pyramid as QImages, wrapping (not copying) the arrays."""

    levels: tuple[QImage, ...]
    size: tuple[int, int]
    arrays: tuple[np.ndarray, ...]
    """Kept so the QImages' pixel memory stays alive."""

    @classmethod
    def from_levels(cls, levels: list[np.ndarray]) -> DisplayImage:
        """From 8-bit RGB levels, or premultiplied RGBA ones (an overlay), full size first."""
        images = []
        arrays = []
        for level in levels:
            array = np.ascontiguousarray(level)
            height, width, channels = array.shape
            image_format = (
                QImage.Format.Format_RGBA8888_Premultiplied
                if channels == 4
                else QImage.Format.Format_RGB888
            )
            images.append(QImage(array.data, width, height, channels * width, image_format))
            arrays.append(array)
        height, width = levels[0].shape[:2]
        return cls(tuple(images), (width, height), tuple(arrays))
