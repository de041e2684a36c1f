"""`cnaps-desktop --self-test`: each check passes on a working install and fails with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from cnaps_desktop.__main__ import main as entry_main
from cnaps_desktop.app import self_test
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.models.catalog import find_entry


def _tiny_checkpoint(path: Path, tail_weight: float = 0.0) -> Path:
    """A tiny MSSNet whose last layer's weights are all ``tail_weight``.

    With 0 the final residual is zero and the model gives back its input exactly; a large value
    makes it scramble every picture.
    """
    torch.manual_seed(0)
    model = MSSNet(wf=4, scale=3, vscale=5)
    with torch.no_grad():
        model.tail3_3.weight.fill_(tail_weight)
    torch.save(model.state_dict(), path)
    return path


def _run(tmp_path: Path, checkpoint: Path) -> self_test._Run:
    options = self_test.SelfTestOptions(checkpoint=str(checkpoint), device="cpu")
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    return self_test._Run(options=options, work_dir=work_dir)


def test_generated_photo_is_a_blurred_scene_that_needs_padding() -> None:
    photo = self_test.generated_photo()
    assert photo.dtype == np.uint8
    assert photo.ndim == 3
    assert photo.shape[2] == 3
    assert photo.shape[0] % 16 and photo.shape[1] % 16
    # Horizontal motion blur over 7 pixels: no step along a row exceeds 255 / 7, while the
    # sharp vertical edges (the box and the disc) keep their big steps down a column.
    assert np.abs(np.diff(photo.astype(int), axis=1)).max() <= 255 / 7
    assert np.abs(np.diff(photo.astype(int), axis=0)).max() > 60


def test_model_and_restore_checks_pass_for_a_working_model(tmp_path: Path) -> None:
    pytest.importorskip("cnaps_desktop.engine.restore", reason="the engine's restore_array")
    run = _run(tmp_path, _tiny_checkpoint(tmp_path / "identity.pt"))

    model_detail = self_test.check_model(run)
    restore_detail = self_test.check_restore(run)

    assert "on CPU" in model_detail
    assert "75x58 -> 75x58, mean change 0.0" in restore_detail


def test_restore_check_fails_when_the_model_scrambles_pictures(tmp_path: Path) -> None:
    pytest.importorskip("cnaps_desktop.engine.restore", reason="the engine's restore_array")
    run = _run(tmp_path, _tiny_checkpoint(tmp_path / "broken.pt", tail_weight=1.0))
    self_test.check_model(run)

    with pytest.raises(self_test.CheckFailed, match="does not resemble its input"):
        self_test.check_restore(run)


def test_restore_check_says_why_it_cannot_run_without_a_model(tmp_path: Path) -> None:
    run = _run(tmp_path, tmp_path / "never-loaded.pt")
    with pytest.raises(self_test.CheckFailed, match="no model was loaded"):
        self_test.check_restore(run)


def test_image_check_reads_every_format_through_the_engine(tmp_path: Path) -> None:
    pytest.importorskip("cnaps_desktop.engine.image.io", reason="the engine's read_image")
    detail = self_test.check_images(_run(tmp_path, tmp_path / "unused.pt"))
    assert detail == "read png, jpeg, tiff, webp, heic and 16-bit png"


def test_video_check_probes_and_reads_a_written_clip(tmp_path: Path) -> None:
    pytest.importorskip("cnaps_desktop.engine.video.restore", reason="the engine's video reader")
    detail = self_test.check_video(_run(tmp_path, tmp_path / "unused.pt"))
    assert f"{self_test.VIDEO_FRAMES} frames probed" in detail


def test_window_check_opens_and_closes_the_main_window(qapp: object, tmp_path: Path) -> None:
    pytest.importorskip("cnaps_desktop.gui.main_window", reason="the GUI's MainWindow")
    detail = self_test.check_window(_run(tmp_path, tmp_path / "unused.pt"))
    assert "opened and closed on the offscreen platform" in detail


def test_window_check_reports_missing_x11_libraries_when_it_runs_offscreen(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The libraries are files to load, not a display to reach: a self-test without a display
    (the installer builds' own) still names what an X11 desktop session would lack."""
    pytest.importorskip("cnaps_desktop.gui.main_window", reason="the GUI's MainWindow")
    from cnaps_desktop.app import system_libraries

    cursor = system_libraries.XCB_LIBRARIES[0]
    monkeypatch.setattr(system_libraries, "missing_libraries", lambda *_: [cursor])
    monkeypatch.setattr(self_test.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    detail = self_test.check_window(_run(tmp_path, tmp_path / "unused.pt"))
    assert "opened and closed on the offscreen platform" in detail
    assert "an X11 window could not open here: libxcb-cursor.so.0 missing" in detail
    assert "sudo apt install libxcb-cursor0" in detail


def test_window_check_fails_before_qt_where_the_window_would_use_x11(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cnaps_desktop.app import system_libraries

    cursor = system_libraries.XCB_LIBRARIES[0]
    monkeypatch.setattr(system_libraries, "missing_libraries", lambda *_: [cursor])
    monkeypatch.setattr(system_libraries.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    with pytest.raises(self_test.CheckFailed, match=r"cannot open.*libxcb-cursor\.so\.0"):
        self_test.check_window(_run(tmp_path, tmp_path / "unused.pt"))


def test_a_missing_checkpoint_fails_with_its_reason_and_exit_code_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.pt"
    code = entry_main(["--self-test", "--checkpoint", str(missing), "--no-window"])
    out = capsys.readouterr().out
    assert code == self_test.EXIT_FAILED
    assert f"FAILED model    ModelNotFoundError: {missing} does not exist" in out
    assert "FAILED restore  skipped: no model was loaded" in out
    assert out.rstrip().splitlines()[-1].startswith("self-test FAILED: ")


def test_self_test_leaves_the_user_folder_alone(
    tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = os.environ[self_test.paths.HOME_ENV]
    self_test.main(["--checkpoint", str(_tiny_checkpoint(tmp_path / "m.pt")), "--no-window"])
    capsys.readouterr()
    assert os.environ[self_test.paths.HOME_ENV] == before
    assert list(isolated_home.iterdir()) == []


def test_bad_arguments_exit_with_usage_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert self_test.main(["--no-such-option"]) == self_test.EXIT_USAGE
    assert "usage: cnaps-desktop --self-test" in capsys.readouterr().err


def test_whole_self_test_passes_on_a_complete_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in (
        "cnaps_desktop.engine.restore",
        "cnaps_desktop.engine.image.io",
        "cnaps_desktop.engine.video.restore",
    ):
        pytest.importorskip(module, reason="a complete checkout")
    if find_entry("default") is None:
        pytest.skip("weights/catalog.toml has no bundled default checkpoint yet")
    checkpoint = _tiny_checkpoint(tmp_path / "identity.pt")
    code = self_test.main(["--checkpoint", str(checkpoint), "--device", "cpu", "--no-window"])
    out = capsys.readouterr().out
    assert code == self_test.EXIT_PASSED, out
    assert out.rstrip().endswith("self-test passed: 5 checks")
