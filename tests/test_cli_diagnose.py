"""`cnaps-desktop diagnose`: text and JSON output, folders walked recursively, broken files."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, main
from tests.engine.test_diagnosis import dead_leaves, degrade, motion_kernel

KEYS = {
    "file", "blur", "blur_confidence", "blur_direction_deg", "blur_length_px", "noise_sigma",
    "jpeg_blocking", "scratches", "faded", "megapixels", "verdict", "suits_checkpoint",
}  # fmt: skip


@pytest.fixture
def photo_tree(tmp_path: Path) -> Path:
    sharp = degrade(dead_leaves(seed=0), None, 2.0, 0)
    blurred = degrade(dead_leaves(seed=1), motion_kernel(20, 30), 2.0, 1)
    (tmp_path / "inner").mkdir()
    cv2.imwrite(str(tmp_path / "sharp.png"), sharp)
    cv2.imwrite(str(tmp_path / "inner" / "blurred.png"), blurred)
    (tmp_path / "notes.txt").write_text("not a photo")
    return tmp_path


def test_json_one_object_per_file_worst_first(
    photo_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["diagnose", str(photo_tree), "--json", "--sort", "blur"])
    assert code == EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(row["file"]).name for row in rows] == ["blurred.png", "sharp.png"]
    assert all(row.keys() >= KEYS for row in rows)
    assert rows[0]["blur"] == "motion" and rows[0]["suits_checkpoint"] is True
    assert rows[1]["blur"] == "sharp" and rows[1]["blur_direction_deg"] is None


def test_text_output_and_a_broken_file(
    photo_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = photo_tree / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 broken")
    code = main(["diagnose", str(photo_tree)])
    captured = capsys.readouterr()
    assert code == EXIT_FAILURES
    assert captured.out.count("What this photo needs:") == 2
    assert "broken.jpg" in captured.err and "Traceback" not in captured.err
    assert len([line for line in captured.err.splitlines() if line.strip()]) == 1


def test_missing_input_and_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", str(tmp_path)]) == EXIT_USAGE
    assert main(["diagnose", str(tmp_path / "absent.jpg")]) == EXIT_FAILURES
    assert "absent.jpg does not exist" in capsys.readouterr().err


def test_checkpoint_file_of_unknown_task(
    photo_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "mine.safetensors"
    file.write_bytes(b"x")
    blurred = photo_tree / "inner" / "blurred.png"
    assert main(["diagnose", str(blurred), "--json", "--checkpoint", str(file)]) == EXIT_OK
    row = json.loads(capsys.readouterr().out)
    assert row["suits_checkpoint"] is False and "not known" in row["verdict"]
    assert row["checkpoint"] == "mine.safetensors"
    assert np.isfinite(row["blur_confidence"])
