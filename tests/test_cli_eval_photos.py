"""`cnaps-desktop eval --photos`: real blurry photos, scored by edge contrast and colour shift."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import torch

from cnaps_desktop.cli import main
from cnaps_desktop.engine.arch.mssnet import MSSNet


def _identity_checkpoint(path: Path) -> Path:
    """A tiny MSSNet whose weights are all zero: output == input."""
    model = MSSNet(4, 3, 5)
    torch.save(
        {"model_state_dict": {k: torch.zeros_like(v) for k, v in model.state_dict().items()}}, path
    )
    return path


def test_an_unchanged_photo_scores_x1_and_no_colour_move(tmp_path, capsys) -> None:
    rng = np.random.default_rng(0)
    photos = tmp_path / "photos"
    photos.mkdir()
    cv2.imwrite(str(photos / "a.png"), (rng.random((48, 64, 3)) * 255).astype(np.uint8))
    (photos / "broken.jpg").write_bytes(b"not a photo")
    checkpoint = _identity_checkpoint(tmp_path / "identity.pt")
    args = ["eval", "--checkpoint", str(checkpoint), "--photos", str(photos), "--device", "cpu"]
    code = main([*args, "--json"])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert code == 1  # the broken photo is reported, the other one scored
    (photo,) = document["photos"]
    assert photo["name"] == "a.png"
    assert photo["edge_ratio"] == 1.0
    assert photo["colour_shift"] == 0.0
    assert len(document["failures"]) == 1 and "broken.jpg" in document["failures"][0]


def test_pairs_and_photos_are_one_or_the_other(tmp_path, capsys) -> None:
    try:
        main(["eval", "--pairs", str(tmp_path), "--photos", str(tmp_path)])
    except SystemExit as exited:
        assert exited.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
