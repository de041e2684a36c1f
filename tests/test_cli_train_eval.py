"""`cnaps-desktop train` and `eval` from the command line, and the shipped default checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from cnaps_desktop.cli import main
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.models.catalog import find_entry
from cnaps_desktop.engine.models.checkpoint import read_checkpoint_object
from cnaps_desktop.engine.models.loader import load_model


def _pairs(
    folder: Path, sizes: dict[str, tuple[tuple[int, int], tuple[int, int]]], identical: bool = False
) -> Path:
    rng = np.random.default_rng(0)
    for name, (blur_size, sharp_size) in sizes.items():
        sharp = (rng.random((*sharp_size, 3)) * 255).astype(np.uint8)
        blur = (
            sharp.copy()
            if identical
            else cv2.blur((rng.random((*blur_size, 3)) * 255).astype(np.uint8), (3, 3))
        )
        for kind, pixels in (("blur", blur), ("sharp", sharp)):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(folder / kind / name), pixels)
    return folder


def _identity_checkpoint(path: Path) -> Path:
    """A tiny MSSNet whose weights are all zero: every residual is 0, so output == input."""
    model = MSSNet(4, 3, 5)
    torch.save(
        {"model_state_dict": {k: torch.zeros_like(v) for k, v in model.state_dict().items()}}, path
    )
    return path


def test_eval_reports_inf_and_zero_gain_for_identical_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = _pairs(tmp_path / "pairs", {"a.png": ((40, 36), (40, 36))}, identical=True)
    checkpoint = _identity_checkpoint(tmp_path / "identity.pt")
    assert (
        main(
            [
                "eval",
                "--checkpoint",
                str(checkpoint),
                "--pairs",
                str(pairs),
                "--json",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    pair = report["pairs"][0]
    assert pair["psnr_input"] == "inf" and pair["psnr_output"] == "inf"
    assert pair["gain_db"] == 0 and pair["ssim_output"] == 1.0
    assert report["mean"]["gain_db"] == 0

    assert (
        main(["eval", "--checkpoint", str(checkpoint), "--pairs", str(pairs), "--device", "cpu"])
        == 0
    )
    assert "+inf ->   +inf dB (+0.00 dB)" in capsys.readouterr().out


def test_eval_reports_pairs_of_different_sizes_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = _pairs(
        tmp_path / "pairs", {"bad.png": ((32, 32), (32, 48)), "good.png": ((32, 32), (32, 32))}
    )
    checkpoint = _identity_checkpoint(tmp_path / "identity.pt")
    code = main(["eval", "--checkpoint", str(checkpoint), "--pairs", str(pairs), "--device", "cpu"])
    captured = capsys.readouterr()
    assert code == 1
    assert "bad.png: the blurry image is 32x32 but the sharp one is 48x32" in captured.err
    assert "good.png" in captured.out and "mean of 1 pairs" in captured.out


def test_train_command_runs_saves_and_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = _pairs(tmp_path / "pairs", {f"{i}.png": ((48, 48), (48, 48)) for i in range(3)})
    run = tmp_path / "run"
    args = [
        "train",
        "--data",
        f"pairs:{pairs}",
        "--output",
        str(run),
        "--config",
        "4,3,5",
        "--batch",
        "1",
        "--crop",
        "32",
        "--warmup",
        "1",
        "--threads",
        "1",
        "--device",
        "cpu",
    ]
    assert main([*args, "--steps", "2"]) == 0
    assert "finished: step 2 of 2" in capsys.readouterr().out
    assert main([*args, "--steps", "3"]) == 0
    out = capsys.readouterr().out
    assert "Resuming" in out and "finished: step 3 of 3" in out
    assert read_checkpoint_object(run / "last.pt")["all_step"] == 3


def test_train_command_refuses_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["train", "--data", f"photos:{tmp_path}", "--output", str(tmp_path / "run")]
    assert main([*base, "--config", "huge"]) == 2
    assert main([*base, "--crop", "100"]) == 2
    assert main([*base, "--init", str(tmp_path / "missing.pt")]) == 2
    assert main(["train", "--data", "sharp:/nowhere", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr()
    assert "multiple of 16" in err.out and "KIND:FOLDER" in err.err


def test_the_shipped_default_checkpoint_loads() -> None:
    entry = find_entry("default")
    assert entry is not None and entry.bundled and entry.default
    loaded = load_model("default", device="cpu")
    assert loaded.info.architecture == "MSSNet" and loaded.info.name == entry.name
    with torch.no_grad():
        out = loaded.model(torch.rand(1, 3, 32, 32, dtype=loaded.dtype))
    assert out.shape == (1, 3, 32, 32) and torch.isfinite(out).all()


def test_restore_without_checkpoint_uses_the_shipped_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = tmp_path / "photo.png"
    cv2.imwrite(str(photo), (np.random.default_rng(2).random((40, 56, 3)) * 255).astype(np.uint8))
    assert main(["restore", str(photo), "-o", str(tmp_path / "out"), "--device", "cpu"]) == 0
    assert "Deblur-MSSNet-CNAPS" in capsys.readouterr().out
    restored = cv2.imread(str(tmp_path / "out" / "photo_restored.png"))
    assert restored is not None and restored.shape == (40, 56, 3)


def test_train_command_takes_the_synthesis_options_and_refuses_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    rng = np.random.default_rng(0)
    for i in range(2):
        cv2.imwrite(str(photos / f"{i}.png"), (rng.random((64, 64, 3)) * 255).astype(np.uint8))
    base = ["train", "--data", f"photos:{photos}", "--output", str(tmp_path / "run")]
    assert main([*base, "--travel", "60,5"]) == 2
    assert main([*base, "--noise-share", "1.5"]) == 2
    assert main([*base, "--heldout", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "--travel 60,5" in out and "--noise-share 1.5" in out and "not a pairs folder" in out
    args = [*base, "--config", "4,3,5", "--batch", "1", "--crop", "32", "--steps", "1"]
    args += ["--warmup", "1", "--threads", "1", "--travel", "5,60", "--noise-share", "0.3"]
    args += ["--jpeg-share", "0.3", "--defocus-share", "0", "--highlight-share", "0.1"]
    args += ["--validate-every", "0"]
    assert main(args) == 0
    synthesis = read_checkpoint_object(tmp_path / "run" / "last.pt")["training"]["synthesis"]
    assert synthesis["travel_px"] == [5.0, 60.0] and synthesis["noise_share"] == 0.3
    assert synthesis["jpeg_share"] == 0.3 and synthesis["defocus_share"] == 0.0
    assert synthesis["highlight_share"] == 0.1
