"""The Qt-free screen model: what is on screen, its facts as runs finish, and kept results.

Plain values in, plain values out: no QApplication, no signals, no worker threads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from cnaps_desktop.engine.image.picture import Image, ImageMetadata
from cnaps_desktop.gui.screen_model import (
    Opened,
    RegionRestored,
    ScreenModel,
    WholeRestored,
)
from cnaps_desktop.gui.services import LoadedFacts, RunSettings
from tests.gui.conftest import model_info, video_info

CPU = LoadedFacts("CPU (2 threads)", "fp32")


def opened(height: int = 48, width: int = 64, video: bool = False) -> Opened:
    pixels = np.zeros((height, width, 3), np.uint8)
    levels = [pixels, pixels[::2, ::2]]
    info = video_info(Path("clip.mp4")) if video else None
    return Opened(Image(pixels, ImageMetadata(format="PNG")), info, levels)


def restored(pixels: np.ndarray, name: str = "Tiny-GoPro", tiles: int = 4) -> WholeRestored:
    return WholeRestored(255 - pixels, [255 - pixels], model_info(name), CPU, 1.5, tiles)


def show_and_restore(model: ScreenModel, path: Path, settings: RunSettings) -> None:
    model.show(path, "photo")
    screen = model.opened(path, opened(), settings.checkpoint)
    assert screen is not None and screen.image is not None
    model.whole_restored(screen, settings, restored(screen.image.pixels))


def test_opening_a_photo_describes_it_and_waits_for_a_run() -> None:
    model = ScreenModel()
    model.show(Path("a.png"), "photo")
    screen = model.opened(Path("a.png"), opened(), "Tiny-GoPro")
    assert screen is model.on_screen and screen is not None
    facts = screen.facts
    assert facts is not None
    assert (facts.input_size, facts.checkpoint, facts.state) == (
        (64, 48),
        "Tiny-GoPro",
        "not restored yet",
    )
    assert facts.input_kind.startswith("RGB, 8-bit") and facts.video_lines == ()
    assert screen.before_rgb8 is not None and screen.before_rgb8.shape == (48, 64, 3)
    assert not model.can_save()


def test_a_late_open_of_the_previous_file_is_ignored() -> None:
    model = ScreenModel()
    model.show(Path("a.png"), "photo")
    model.show(Path("b.png"), "photo")
    assert model.opened(Path("a.png"), opened(), "Tiny-GoPro") is None
    assert model.on_screen is not None and model.on_screen.image is None
    assert model.is_shown(Path("b.png")) and not model.is_shown(Path("a.png"))


def test_a_video_frame_lists_the_frame_and_the_streams() -> None:
    model = ScreenModel()
    model.show(Path("clip.mp4"), "video", frame=3)
    screen = model.opened(Path("clip.mp4"), opened(video=True), "Tiny-GoPro")
    assert screen is not None and screen.facts is not None
    rows = dict(screen.facts.video_lines)
    assert rows["Frame"] == "4 of 10" and rows["Sound"] == "1 audio stream(s): aac"


def test_the_first_preview_is_the_visible_part_capped_in_size() -> None:
    model = ScreenModel(preview_side=16)
    model.show(Path("a.png"), "photo")
    assert model.preview_region((0, 0, 64, 48)) is None  # nothing opened yet
    model.opened(Path("a.png"), opened(), "Tiny-GoPro")
    assert model.preview_region(None) == (24, 16, 40, 32)  # nothing visible yet: the centre
    assert model.preview_region((0, 0, 10, 10)) == (0, 0, 10, 10)  # zoomed in: all it shows
    assert ScreenModel().preview_region(None) is None  # nothing on screen
    model.preview_side = 768
    model.opened(Path("a.png"), opened(), "Tiny-GoPro")
    assert model.preview_region((0, 0, 64, 48)) is None  # the whole picture at once


def test_facts_grow_from_the_region_to_the_whole_picture_and_saving() -> None:
    model = ScreenModel()
    settings = RunSettings("Tiny-GoPro", tile=512)
    model.show(Path("a.png"), "photo")
    screen = model.opened(Path("a.png"), opened(), settings.checkpoint)
    assert screen is not None and screen.image is not None
    region = RegionRestored((0, 0, 16, 16), [screen.image.pixels], model_info("Tiny-GoPro"), CPU)
    facts = model.region_restored(screen, region)
    assert facts is not None and facts.model is not None
    assert (facts.model.name, facts.device, facts.precision) == ("Tiny-GoPro", CPU.device, "fp32")
    assert facts.state.startswith("framed area restored")
    facts = model.whole_restored(screen, settings, restored(screen.image.pixels, tiles=6))
    assert (facts.tiles, facts.tile_size, facts.seconds, facts.output_size) == (
        6,
        512,
        1.5,
        (64, 48),
    )
    assert facts.state == "restored (not saved yet)" and model.can_save()
    facts = model.saved(screen, Path("a_restored.png"))
    assert facts is not None
    assert (facts.output_path, facts.state) == (Path("a_restored.png"), "restored and saved")


def test_going_back_recalls_the_result_made_with_the_same_settings_only() -> None:
    model = ScreenModel()
    gopro, realblur = RunSettings("Tiny-GoPro"), RunSettings("Tiny-RealBlur")
    show_and_restore(model, Path("a.png"), gopro)
    model.show(Path("b.png"), "photo")
    model.opened(Path("b.png"), opened(), gopro.checkpoint)
    assert model.recall(gopro) is None  # b.png was never restored
    model.show(Path("a.png"), "photo")
    model.opened(Path("a.png"), opened(), gopro.checkpoint)
    assert model.recall(realblur) is None  # restored, but by another checkpoint
    assert model.recall(RunSettings("Tiny-GoPro", tile=256)) is not None  # tiling: same pixels
    kept = model.recall(gopro)
    screen = model.on_screen
    assert kept is not None and screen is not None and screen.facts is not None
    assert screen.result is kept.pixels and int(kept.pixels[0, 0, 0]) == 255
    assert screen.facts.state == "restored earlier in this session"


def test_only_the_last_few_results_are_kept() -> None:
    model = ScreenModel(kept_results=2)
    settings = RunSettings("Tiny-GoPro")
    for name in ("a.png", "b.png", "c.png"):
        show_and_restore(model, Path(name), settings)
    assert len(model.results) == 2
    model.show(Path("a.png"), "photo")
    model.opened(Path("a.png"), opened(), settings.checkpoint)
    assert model.recall(settings) is None  # the oldest went first
    model.show(Path("c.png"), "photo")
    model.opened(Path("c.png"), opened(), settings.checkpoint)
    assert model.recall(settings) is not None


def test_a_new_checkpoint_forgets_the_result_on_screen() -> None:
    model = ScreenModel()
    assert model.checkpoint_changed("Tiny-RealBlur") is None  # nothing on screen
    show_and_restore(model, Path("a.png"), RunSettings("Tiny-GoPro"))
    screen = model.checkpoint_changed("Tiny-RealBlur")
    assert screen is not None and screen.result is None and screen.facts is not None
    assert (screen.facts.checkpoint, screen.facts.model, screen.facts.state) == (
        "Tiny-RealBlur",
        None,
        "not restored yet",
    )
    assert not model.can_save()


def test_a_restored_video_frame_cannot_be_saved_as_a_photo() -> None:
    model = ScreenModel()
    model.show(Path("clip.mp4"), "video")
    screen = model.opened(Path("clip.mp4"), opened(video=True), "Tiny-GoPro")
    assert screen is not None and screen.image is not None
    model.whole_restored(screen, RunSettings("Tiny-GoPro"), restored(screen.image.pixels))
    assert screen.result is not None and not model.can_save()


def test_the_plain_gui_modules_load_without_qt() -> None:
    plain = (
        "cnaps_desktop.gui.screen_model",
        "cnaps_desktop.gui.model_cache",
        "cnaps_desktop.gui.file_entries",
        "cnaps_desktop.gui.words",
        "cnaps_desktop.gui.services",
    )
    code = (
        f"import sys\nfor name in {plain!r}: __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'torch', 'cv2', 'av', 'PIL'))\n"
        "print(' '.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


def test_the_measured_change_joins_the_facts_only_for_the_result_on_screen() -> None:
    model = ScreenModel()
    settings = RunSettings("Tiny-GoPro")
    show_and_restore(model, Path("a.png"), settings)
    screen = model.on_screen
    assert screen is not None and screen.result is not None and model.has_result()
    sentence = "Changed: 100% of pixels by more than 2 levels; sharpness x1.0 (Laplacian variance)"
    stale = screen.result.copy()  # a result that is no longer the one on screen
    assert model.change_measured(screen, stale, sentence) is None
    facts = model.change_measured(screen, screen.result, sentence)
    assert facts is not None and facts.change == sentence
    model.checkpoint_changed("Tiny-RealBlur")  # another model: its change is not known yet
    assert screen.facts is not None and screen.facts.change == "" and not model.has_result()
    show_and_restore(model, Path("b.png"), settings)
    assert model.change_measured(screen, screen.result, sentence) is None  # a.png left the screen
