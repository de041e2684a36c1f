"""Issue 16, what the first round left untested or unfixed (found by an audit of main).

Tests marked ``xfail`` describe a defect still there; ``xfail_strict`` makes each one fail the
suite as soon as the defect is fixed, so whoever fixes it removes the marker and keeps the test.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageCms
from PySide6.QtWidgets import QMessageBox

from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.photo import restore_file
from cnaps_desktop.engine.video import VideoOptions, restore_video
from cnaps_desktop.gui.services import RunSettings
from tests.engine.engine_models import SmallReceptiveField, wrap_module
from tests.engine.test_video_resume import killed_then_resumed
from tests.engine.video_clips import make_clip

ROOT = Path(__file__).resolve().parents[1]


def invert(frames: np.ndarray) -> np.ndarray:
    return 255 - frames


def _photo(path: Path) -> Path:
    yy, xx = np.mgrid[0:20, 0:28]
    pixels = np.stack([xx * 9, yy * 12, (xx * 3 + yy) % 200 + 30], 2).astype(np.uint8)
    PILImage.fromarray(pixels, "RGB").save(path)
    return path


# ------------------------------------------------------------------ 3: CMYK with a wrong profile
def test_a_cmyk_jpeg_whose_profile_is_not_cmyk_is_not_called_damaged(tmp_path: Path) -> None:
    """A CMYK JPEG carrying an RGB profile is a valid file that viewers show (they ignore the
    profile). It is restored as viewers show it, in CMYK, with the profile kept and a note in our
    words (it was refused as 'damaged or truncated ... (cannot build transform)')."""
    path = tmp_path / "print.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _photo(tmp_path / "rgb.png")
    with PILImage.open(tmp_path / "rgb.png") as rgb:
        rgb.convert("CMYK").save(path, icc_profile=srgb)
    loaded = wrap_module(SmallReceptiveField(), size_multiple=16)
    facts = restore_file(loaded, path, RestoreOptions())
    assert facts.notes == (
        "its colour profile is for RGB, not CMYK, so it was not used for the conversion "
        "(viewers ignore it too) and is kept as it was",
    )
    with PILImage.open(path) as before, PILImage.open(facts.output_path) as after:
        assert after.mode == "CMYK" and after.info.get("icc_profile") == srgb
        difference = np.abs(np.asarray(before).astype(int) - np.asarray(after).astype(int))
    assert difference.mean() < 12  # converted the way viewers show it, and back


# ------------------------------------------------------------------ 5: video file modes
def test_a_restored_video_gets_a_normal_files_mode(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", frames=4, audio=None)
    output = tmp_path / "out.mp4"
    old = os.umask(0o027)
    try:
        restore_video(None, source, output, VideoOptions(preset="ultrafast"), frame_function=invert)
    finally:
        os.umask(old)
    assert stat.S_IMODE(output.stat().st_mode) == 0o640


# ------------------------------------------------------------------ 6: the CLI checks first
def test_the_cli_refuses_an_unwritable_output_folder_before_loading_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cnaps_desktop.cli import main

    photo = _photo(tmp_path / "photo.png")
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    missing_checkpoint = tmp_path / "nowhere.pth"  # loading it would fail differently
    code = main(
        ["restore", str(photo), "--checkpoint", str(missing_checkpoint), "-o", str(blocker / "o")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "a_file" in err and "nowhere.pth" not in err and err.count("\n") == 1, err


# ------------------------------------------------------------------ 8: resume after kill -9
def _packets(path: Path, kind: str) -> list[tuple[int | None, bytes]]:
    with av.open(str(path)) as container:
        streams = [s for s in container.streams if s.type == kind]
        return [(p.pts, bytes(p)) for p in container.demux(streams) if p.size]


@pytest.mark.parametrize(("codec", "suffix"), [("ffv1", ".mkv"), ("h264", ".mp4")])
def test_a_run_killed_with_sigkill_resumes_to_the_same_file(
    tmp_path: Path, codec: str, suffix: str
) -> None:
    """The README's promise for --resume, for --codec lossless (FFV1 in .mkv) and for H.264 at
    its default preset: the very bytes of an uninterrupted run. This was flaky (pixels up to 21
    levels apart) while x264's AVX-512 code read leftover memory, and never true for .mkv."""
    whole, resumed, reused = killed_then_resumed(tmp_path, codec, suffix)
    assert reused >= 12
    assert _packets(resumed, "audio") == _packets(whole, "audio")
    assert _packets(resumed, "video") == _packets(whole, "video")
    assert resumed.read_bytes() == whole.read_bytes()


def test_two_uninterrupted_mkv_runs_write_the_same_bytes(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", frames=4, audio=None)
    outputs = []
    for name in ("one.mkv", "two.mkv"):
        options = VideoOptions(codec="ffv1")
        restore_video(None, source, tmp_path / name, options, frame_function=invert)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


SEGMENT_ENCODE = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from cnaps_desktop.engine.video import VideoOptions, restore_video
from cnaps_desktop.gui.services import RunSettings
restore_video(None, Path(sys.argv[2]), Path(sys.argv[3]), VideoOptions(),
              frame_function=lambda frames: 255 - frames)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="MALLOC_PERTURB_ is glibc's")
def test_h264_output_does_not_depend_on_leftover_memory(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", frames=48, audio=None)
    script = tmp_path / "encode.py"
    script.write_text(SEGMENT_ENCODE)
    outputs = []
    for perturb in ("1", "165"):
        output = tmp_path / f"out{perturb}.mp4"
        subprocess.run(
            [sys.executable, str(script), str(ROOT), str(source), str(output)],
            env={**os.environ, "MALLOC_PERTURB_": perturb},
            check=True,
            capture_output=True,
            timeout=120,
        )
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]


# ------------------------------------------------------------------ 9: H.265 odd sizes
def test_an_odd_size_stays_exact_in_h265(tmp_path: Path) -> None:
    source = make_clip(
        tmp_path / "c.mkv", frames=3, size=(65, 67), codec="ffv1", pixel_format="bgr0"
    )
    output = tmp_path / "out.mp4"
    options = VideoOptions(codec="h265", preset="ultrafast")
    facts = restore_video(None, source, output, options, frame_function=invert)
    assert (facts.output_size, facts.padded, facts.full_chroma) == ((65, 67), False, True)
    with av.open(str(output)) as container:
        context = container.streams.video[0].codec_context
        assert (context.width, context.height) == (65, 67)
        assert context.format.name.startswith("yuv444")


# ------------------------------------------------------------------ 10, 11: the window
@pytest.fixture
def gui_window(qtbot: Any, tmp_path: Path) -> Any:
    """The window over the GUI tests' engine double, with a video restore that can be held."""
    window = _window(qtbot, tmp_path)
    yield window
    window.test_gate.set()
    window.close()


def _window(qtbot: Any, tmp_path: Path, remembered: str | None = None) -> Any:
    """A window as gui_window's, started with ``remembered`` as the last session's checkpoint."""
    from PySide6.QtCore import QSettings

    from cnaps_desktop.engine.cancel import report
    from cnaps_desktop.engine.errors import UnsafeCheckpointError
    from cnaps_desktop.gui.main_window import MainWindow
    from tests.gui.conftest import EngineDouble, LoadedDouble, model_info, video_facts

    engine = EngineDouble()
    gate, entered = threading.Event(), threading.Event()
    gate.set()

    def restore_video(loaded, path, out, settings, token, progress):  # type: ignore[no-untyped-def]
        entered.set()
        for step in range(10):
            gate.wait(10)
            token.check()
            report(progress, step + 1, 10, "frame")
        return video_facts(path, out)

    def load_model(settings):  # type: ignore[no-untyped-def]
        engine.loads.append(settings)
        if str(settings.checkpoint).endswith("evil.pth"):
            raise UnsafeCheckpointError("evil.pth asks to import or run code and was refused.")
        return LoadedDouble(model_info(Path(settings.checkpoint).stem))

    services = dataclasses.replace(
        engine.services(), restore_video=restore_video, load_model=load_model
    )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    if remembered is not None:
        settings.setValue("run/checkpoint", remembered)
    window = MainWindow(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.test_gate, window.test_entered = gate, entered
    window.test_engine = engine
    return window


def _idle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(window.bridge.idle, timeout=5000)


def test_cancelling_a_video_does_not_say_it_was_restored(
    qtbot: Any, gui_window: Any, tmp_path: Path
) -> None:
    from tests.gui.test_main_window import drop

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video")
    drop(gui_window, [clip])
    _idle(qtbot, gui_window)
    gui_window.test_gate.clear()
    gui_window.video_bar.button.click()
    qtbot.waitUntil(gui_window.test_entered.is_set, timeout=5000)
    gui_window.window_actions.cancel.trigger()  # Esc
    gui_window.test_gate.set()
    _idle(qtbot, gui_window)
    assert gui_window.status_text.text() == "Cancelled: 0 of 1 file restored."


@pytest.mark.parametrize(
    ("restored", "failed", "cancelled", "words"),
    [
        (1, 0, 0, "Restored 1 file into out."),
        (3, 0, 0, "Restored 3 files into out."),
        (0, 0, 1, "Cancelled: 0 of 1 file restored."),
        (2, 0, 3, "Cancelled: 2 of 5 files restored into out."),
        (1, 1, 0, "1 of 2 files restored into out; 1 failed."),
        (0, 2, 1, "Cancelled: 0 of 3 files restored; 2 failed."),
    ],
)
def test_the_batch_status_line_counts_restored_failed_and_cancelled_files(
    restored: int, failed: int, cancelled: int, words: str
) -> None:
    from cnaps_desktop.gui.batch import BatchFailure, BatchOutcome
    from cnaps_desktop.gui.words import batch_words

    failures = tuple(BatchFailure(Path(f"{n}.png"), OSError("x")) for n in range(failed))
    outcome = BatchOutcome(restored, failures, cancelled)
    assert outcome.count == restored + failed + cancelled
    assert batch_words(outcome, "out") == words


def test_a_refused_checkpoint_file_is_not_listed_chosen_or_stored(
    qtbot: Any, gui_window: Any, tmp_path: Path
) -> None:
    from tests.gui.test_main_window import drop

    photo = tmp_path / "a.png"
    photo.write_bytes(b"\x01" * 10)
    drop(gui_window, [photo])
    _idle(qtbot, gui_window)
    before = gui_window.session.on_screen.result
    assert before is not None
    stored, chosen = gui_window.store.checkpoint, gui_window.picker.current()
    evil = tmp_path / "evil.pth"
    evil.write_bytes(b"not weights")
    gui_window.picker.use_file(evil)
    _idle(qtbot, gui_window)
    listed = [gui_window.picker.combo.itemText(i) for i in range(gui_window.picker.combo.count())]
    assert not any("evil" in text for text in listed), listed
    assert (gui_window.store.checkpoint, gui_window.picker.current()) == (stored, chosen)
    assert gui_window.session.on_screen.result is before  # the current result stays
    refusals = [box.text() for box in gui_window.findChildren(QMessageBox) if box.isVisible()]
    assert refusals == ["evil.pth asks to import or run code and was refused."]


def test_an_added_checkpoint_file_that_loads_is_listed_chosen_and_stored(
    qtbot: Any, gui_window: Any, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.pth"
    mine.write_bytes(b"weights")
    gui_window.picker.use_file(mine)
    _idle(qtbot, gui_window)
    assert gui_window.picker.current() == str(mine) == gui_window.store.checkpoint
    assert gui_window.picker.combo.currentText() == "mine.pth"
    assert gui_window.test_engine.loads[-1] == RunSettings(checkpoint=str(mine), device="cpu")


@pytest.mark.parametrize("name", ["evil.pth", "mine.pth"])
def test_a_remembered_checkpoint_file_is_chosen_at_start_up_only_if_it_loads(
    qtbot: Any, tmp_path: Path, name: str
) -> None:
    """One that no longer loads gets no security dialog at start-up: the default is chosen and
    remembered instead, and the status bar says so calmly."""
    remembered = tmp_path / name
    remembered.write_bytes(b"weights, or not")
    window = _window(qtbot, tmp_path, remembered=str(remembered))
    try:
        _idle(qtbot, window)
        listed = [window.picker.combo.itemText(i) for i in range(window.picker.combo.count())]
        chosen = (window.picker.current(), window.store.checkpoint)
        dialogs = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
        line = window.statusBar().currentMessage()
    finally:
        window.close()
    assert not dialogs
    if name == "mine.pth":
        assert chosen == (str(remembered), str(remembered)) and name in listed and not line
        return
    assert chosen == ("Tiny-GoPro", "Tiny-GoPro") and name not in listed, listed
    assert (
        line
        == "evil.pth, the checkpoint used last time, no longer loads; using Tiny-GoPro instead."
    )


# ------------------------------------------------------------------ 13, 14: start-up and help
def test_the_app_names_missing_window_libraries_before_qt_loads(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cnaps_desktop.app import main as app_main
    from cnaps_desktop.app import system_libraries

    sentence = "The window cannot open: Qt needs system libraries that are not installed (x)."
    monkeypatch.setattr(system_libraries, "check_window_libraries", lambda: sentence)
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    monkeypatch.setitem(sys.modules, "qasync", None)  # reaching Qt fails instead of opening
    assert app_main.main([]) == 2
    assert capsys.readouterr().err.strip() == sentence


def test_the_self_test_fails_on_missing_window_libraries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from cnaps_desktop.app import self_test, system_libraries

    sentence = "The window cannot open: Qt needs system libraries that are not installed (x)."
    monkeypatch.setattr(system_libraries, "check_window_libraries", lambda: sentence)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    run = self_test._Run(options=self_test.SelfTestOptions(device="cpu"), work_dir=tmp_path)
    with pytest.raises(self_test.CheckFailed, match="cannot open"):
        self_test.check_window(run)


def test_the_top_level_help_lists_the_self_test(capsys: pytest.CaptureFixture[str]) -> None:
    from cnaps_desktop.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "--self-test" in capsys.readouterr().out


# ------------------------------------------------------------------ 15: one gain, both places
def test_validation_gain_is_the_mean_of_the_pairs_gains_as_in_eval() -> None:
    import torch

    from cnaps_desktop.engine.training.data import ValidationPair
    from cnaps_desktop.engine.training.metrics import psnr, psnr_gain
    from cnaps_desktop.engine.training.validation import validate

    class Grey(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.full_like(x, 0.5)

    flat = np.full((16, 16, 3), 0.5, np.float32)
    sharp = np.full((16, 16, 3), 0.52, np.float32)
    blurred = np.full((16, 16, 3), 0.4, np.float32)
    pairs = [ValidationPair("same", flat, flat.copy()), ValidationPair("gain", blurred, sharp)]
    result = validate(Grey(), pairs, torch.device("cpu"))
    gains = [
        psnr_gain(psnr(flat, flat), psnr(flat, flat)),
        psnr_gain(psnr(flat, sharp), psnr(blurred, sharp)),
    ]
    assert result.gain_db == pytest.approx(float(np.mean(gains)))
