"""Edge contrast and mean colour: the yardstick for real blurry photos (engine.compare)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from cnaps_desktop.engine.compare import edge_contrast, mean_colour


def _edges(size: int = 128) -> np.ndarray:
    rng = np.random.default_rng(3)
    blocks = rng.integers(0, 256, (size // 8, size // 8, 3), dtype=np.uint8)
    return cv2.resize(blocks, (size, size), interpolation=cv2.INTER_NEAREST)


def test_blur_lowers_edge_contrast_and_the_sharp_picture_is_higher() -> None:
    sharp = _edges()
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.0)
    assert edge_contrast(blurred) < 0.8 * edge_contrast(sharp)


def test_edge_contrast_is_in_8_bit_levels_whatever_the_dtype() -> None:
    sharp = _edges()
    as_16_bit = sharp.astype(np.uint16) * 257
    as_float = sharp.astype(np.float32) / 255.0
    assert edge_contrast(as_16_bit) == pytest.approx(edge_contrast(sharp), rel=1e-4)
    assert edge_contrast(as_float) == pytest.approx(edge_contrast(sharp), rel=1e-4)


def test_a_flat_or_tiny_picture_has_no_edges() -> None:
    assert edge_contrast(np.full((64, 64, 3), 90, np.uint8)) == 0.0
    assert edge_contrast(np.zeros((3, 3), np.uint8)) == 0.0


def test_mean_colour_leaves_alpha_out() -> None:
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[..., 3] = 255
    assert mean_colour(rgba) == pytest.approx([200.0, 0.0, 0.0])
    assert mean_colour(np.full((4, 4), 10, np.uint8)) == pytest.approx([10.0])
