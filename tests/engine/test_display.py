"""Display levels for the compare view: 8-bit RGB of any input, halved down to window size."""

from __future__ import annotations

import numpy as np
import pytest

from cnaps_desktop.engine.image.display import (
    SMALLEST_LEVEL_SIDE,
    display_levels,
    paste_region,
    to_display_rgb8,
)


@pytest.mark.parametrize(
    ("pixels", "expected"),
    [
        (np.full((4, 5), 128, np.uint8), 128),
        (np.full((4, 5, 1), 65535, np.uint16), 255),
        (np.full((4, 5, 3), 0.5, np.float32), 128),
        (np.full((4, 5, 3), 2.0, np.float32), 255),
    ],
)
def test_every_engine_layout_becomes_rgb8(pixels: np.ndarray, expected: int) -> None:
    shown = to_display_rgb8(pixels)
    assert shown.shape == (4, 5, 3) and shown.dtype == np.uint8
    assert np.all(shown == expected)


def test_transparent_pixels_are_shown_over_grey() -> None:
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[0, 0] = (255, 0, 0, 255)
    shown = to_display_rgb8(rgba)
    assert tuple(shown[0, 0]) == (255, 0, 0)
    assert tuple(shown[1, 1]) == (128, 128, 128)


def test_levels_halve_until_small() -> None:
    levels = display_levels(np.zeros((3000, 4000, 3), np.uint8))
    assert [level.shape[:2] for level in levels] == [
        (3000, 4000),
        (1500, 2000),
        (750, 1000),
        (375, 500),
    ]
    assert max(levels[-1].shape[:2]) < 2 * SMALLEST_LEVEL_SIDE
    assert all(level.flags["C_CONTIGUOUS"] for level in levels)


def test_paste_region_changes_only_the_box() -> None:
    base = np.zeros((600, 800, 3), np.uint8)
    region = np.full((100, 200, 3), 65535, np.uint16)
    levels = paste_region(base, region, (300, 200, 500, 300))
    full = levels[0]
    assert np.all(full[200:300, 300:500] == 255)
    full[200:300, 300:500] = 0
    assert not full.any() and not base.any()
    assert len(levels) == 2
