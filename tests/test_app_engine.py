"""The real engine bundle the app hands to the window, on a tiny MSSNet and small images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from cnaps_desktop.app import engine_services as app_engine
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.errors import Cancelled
from cnaps_desktop.engine.image.io import Image, read_image, write_image
from cnaps_desktop.engine.image.metadata import ImageMetadata
from cnaps_desktop.gui.services import DeviceChoice, RunSettings


@pytest.fixture
def tiny_checkpoint(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    path = tmp_path / "tiny.pt"
    torch.save(
        {k: v.clone() for k, v in MSSNet(wf=4, scale=3, vscale=5).state_dict().items()}, path
    )
    return path


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (40, 56, 3), dtype=np.uint8)
    return write_image(Image(pixels, ImageMetadata(format="PNG")), tmp_path / "photo.png")


def test_region_first_then_whole_match_and_save_never_overwrites(
    tiny_checkpoint: Path, photo: Path, tmp_path: Path
) -> None:
    settings = RunSettings(checkpoint=str(tiny_checkpoint), device="cpu")
    loaded = app_engine.load_model(settings)
    facts = app_engine.describe_loaded(loaded)
    assert facts.device.startswith("CPU") and facts.precision == "fp32"
    image = app_engine.read_image(photo)
    steps: list[object] = []
    whole = app_engine.restore_array(loaded, image.pixels, settings, CancelToken(), steps.append)
    region = app_engine.restore_region(
        loaded, image.pixels, (8, 4, 40, 36), settings, CancelToken(), steps.append
    )
    assert whole.shape == image.pixels.shape and whole.dtype == np.uint8
    assert np.abs(region.astype(int) - whole[4:36, 8:40]).max() <= 1
    assert steps  # progress reached the callback
    target = app_engine.output_path_for(photo, settings)
    assert target == photo.with_name("photo_restored.png")
    written = app_engine.save_result(image, whole, target, None)
    assert np.array_equal(read_image(written).pixels, whole)
    assert read_image(photo).pixels.tolist() == image.pixels.tolist()


def test_a_cancelled_token_stops_the_restore(tiny_checkpoint: Path, photo: Path) -> None:
    settings = RunSettings(checkpoint=str(tiny_checkpoint), device="cpu")
    loaded = app_engine.load_model(settings)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        app_engine.restore_array(loaded, read_image(photo).pixels, settings, token, lambda p: None)


def test_devices_list_starts_with_automatic_and_the_cpu() -> None:
    assert app_engine.devices()[:2] == [
        DeviceChoice("auto", "Automatic (best available)"),
        DeviceChoice("cpu", "CPU"),
    ]


def test_the_picker_lists_catalog_entries_and_an_imported_file(tiny_checkpoint: Path) -> None:
    before = app_engine.list_models()
    assert "Deblur-MSSNet-GoPro" in [c.name for c in before]
    installed = app_engine.import_model(tiny_checkpoint, None)
    assert installed.is_file()
    after = {c.name: c.installed for c in app_engine.list_models()}
    assert len(after) == len(before) + 1
    assert any(installed_now for name, installed_now in after.items() if "tiny" in name.lower())


def test_a_video_part_chosen_in_the_window_is_the_part_restored(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    from cnaps_desktop.engine.video import probe_video
    from tests.engine.video_clips import make_clip

    clip = make_clip(tmp_path / "clip.mp4", frames=12)
    settings = RunSettings(
        checkpoint=str(tiny_checkpoint), device="cpu", video_ranges=((clip, 3, 8),)
    )
    loaded = app_engine.load_model(settings)
    output = app_engine.video_output_path_for(clip, settings)
    app_engine.restore_video(loaded, clip, output, settings, CancelToken(), lambda p: None)
    assert probe_video(output).frames == 5
