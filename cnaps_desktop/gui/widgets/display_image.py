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
        images = []
        arrays = []
        for level in levels:
            array = np.ascontiguousarray(level)
            height, width = array.shape[:2]
            images.append(QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888))
            arrays.append(array)
        height, width = levels[0].shape[:2]
        return cls(tuple(images), (width, height), tuple(arrays))
