"""Tiles: weights that sum to one, exact results for small receptive fields, memory, OOM retry."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.restore import restore_array, restore_pixels
from cnaps_desktop.engine.tiling import (
    choose_tile,
    estimate_bytes_per_pixel,
    minimum_tile,
    plan_axis,
    plan_windows,
)
from tests.engine.engine_models import SmallReceptiveField, tiny_mssnet, wrap_module


@pytest.mark.parametrize(
    ("length", "tile", "context", "align"),
    [
        (100, 100, 8, 1),
        (300, 96, 16, 1),
        (1000, 256, 64, 1),
        (257, 160, 32, 1),
        (1008, 256, 64, 16),
    ],
)
def test_axis_weights_sum_to_one_and_spare_the_context(length, tile, context, align) -> None:
    spans = plan_axis(length, tile, context, align=align)
    total = np.zeros(length)
    for index, span in enumerate(spans):
        assert span.start % align == 0
        assert span.stop - span.start == min(tile, length)
        assert span.start >= 0 and span.stop <= length
        total[span.start : span.stop] += span.weights
        kept = np.nonzero(span.weights)[0]
        if index > 0:
            assert kept[0] >= context  # never keeps pixels that lacked context on the left
        if index < len(spans) - 1:
            assert kept[-1] < tile - context
    assert np.allclose(total, 1.0, atol=1e-6)


def test_tiled_equals_whole_for_a_small_receptive_field() -> None:
    loaded = wrap_module(SmallReceptiveField(), size_multiple=16)
    image = np.random.default_rng(1).integers(0, 256, (203, 311, 3), dtype=np.uint8)
    whole = restore_pixels(loaded, image, RestoreOptions(tile=0))
    tiled = restore_pixels(loaded, image, RestoreOptions(tile=96, tile_overlap=8))
    assert whole.tiles == 1 and tiled.tiles > 4 and tiled.tile_size == 96
    assert np.array_equal(tiled.pixels, whole.pixels)
    floats = image.astype(np.float32) / 255
    difference = restore_array(loaded, floats, RestoreOptions(tile=96, tile_overlap=8)) - (
        restore_array(loaded, floats)
    )
    assert np.abs(difference).max() < 1e-6


def test_tiled_equals_whole_for_an_upscaler() -> None:
    loaded = wrap_module(SmallReceptiveField(scale=2), scale=2)
    image = np.random.default_rng(2).random((150, 170, 3), dtype=np.float32)
    whole = restore_array(loaded, image)
    tiled = restore_array(loaded, image, RestoreOptions(tile=80, tile_overlap=8))
    assert tiled.shape == (300, 340, 3)
    assert np.abs(tiled - whole).max() < 1e-6


def test_tiny_mssnet_tiled_matches_whole(tmp_path) -> None:
    """Each tile gets its crop of the whole frame's half-size input, so MSSNet's
    frame-size-dependent half-size sampling leaves no seam; what remains is the little the model
    sees beyond the 48 px of context (without the crop the error here is 3e-3)."""
    loaded = tiny_mssnet(tmp_path)
    yy, xx = np.mgrid[0:240, 0:240] / 240.0
    image = np.stack([np.sin(6 * xx) * 0.4 + 0.5, yy, np.cos(5 * yy * xx) * 0.5 + 0.5], axis=2)
    image = image.astype(np.float32)
    whole = restore_array(loaded, image)
    tiled = restore_pixels(loaded, image, RestoreOptions(tile=192, tile_overlap=48))
    assert tiled.tiles == 4
    assert np.abs(tiled.pixels - whole).max() < 1e-3


def test_out_of_memory_halves_the_tile_and_retries() -> None:
    class RunsOutAbove(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if x.shape[-1] > 128:
                raise torch.OutOfMemoryError("pretend the GPU is full")
            return x * 0.5

    loaded = wrap_module(RunsOutAbove(), size_multiple=16)
    image = np.full((300, 300, 3), 200, dtype=np.uint8)
    result = restore_pixels(loaded, image, RestoreOptions(tile=256, tile_overlap=16))
    assert result.tile_size == 128 and result.tiles > 1
    assert (result.pixels == 100).all()


def test_tile_choice_follows_the_budget_and_the_override() -> None:
    cpu = torch.device("cpu")
    kwargs = {"device": cpu, "multiple": 16, "context": 64}
    assert choose_tile(100, 100, bytes_per_pixel=1000, **kwargs) is None  # fits whole
    # A model that needs a terabyte per pixel gets the smallest usable tile.
    assert choose_tile(4000, 6000, bytes_per_pixel=1e12, **kwargs) == minimum_tile(64, 16)
    auto = choose_tile(4000, 6000, bytes_per_pixel=3000, **kwargs)
    assert auto is not None and auto % 16 == 0 and auto * auto * 3000 < 3 * 1024**3
    assert choose_tile(4000, 6000, bytes_per_pixel=1, requested=500, **kwargs) == 496
    assert choose_tile(300, 300, bytes_per_pixel=1e12, requested=512, **kwargs) is None


def test_windows_cover_a_24_megapixel_photo_with_bounded_tiles() -> None:
    windows = plan_windows(4000, 6000, 704, 64)
    assert all(w.bottom - w.top == 704 and w.right - w.left == 704 for w in windows)
    # Neighbours overlap by 2 x 64 px of context plus a 32 px cross-fade: 544 px strides.
    assert len(windows) == 8 * 11


def test_mssnet_estimate_grows_with_width() -> None:
    from cnaps_desktop.engine.arch.mssnet import MSSNet

    small = estimate_bytes_per_pixel(MSSNet(4, 3, 5), 1, torch.float32)
    assert small < estimate_bytes_per_pixel(MSSNet(20, 40, 40), 1, torch.float32)
    assert estimate_bytes_per_pixel(MSSNet(20, 40, 40), 1, torch.float16) < 1000


def test_a_big_gpu_still_tiles_a_24_megapixel_photo(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (80 * 2**30, 80 * 2**30))
    bytes_per_pixel = 1630.0  # MSSNet in fp16
    tile = choose_tile(
        4000,
        6000,
        bytes_per_pixel=bytes_per_pixel,
        device=torch.device("cuda"),
        multiple=16,
        context=64,
    )
    assert tile is not None and tile * tile * bytes_per_pixel <= 3 * 2**30
