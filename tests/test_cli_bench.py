"""`cnaps-desktop bench` on a tiny model: it runs both paths and compares them."""

from __future__ import annotations

import json

import pytest

from cnaps_desktop.cli import main
from tests.engine.engine_models import save_tiny_mssnet


def test_bench_reports_speed_memory_and_difference(tmp_path, capsys) -> None:
    checkpoint = save_tiny_mssnet(tmp_path)
    argv = ["bench", "--checkpoint", str(checkpoint), "--size", "72x40", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["width"] == 72 and result["height"] == 40
    assert result["reference"]["megapixels_per_second"] > 0
    assert result["engine"]["peak_memory_mb"] > 0
    assert result["engine_tiles"] == 1
    assert result["max_abs_difference"] < 1e-4 and result["psnr_db"] > 80


def test_bench_text_report_and_tiles(tmp_path, capsys) -> None:
    checkpoint = save_tiny_mssnet(tmp_path)
    argv = ["bench", "--checkpoint", str(checkpoint), "--size", "320x176", "--tile", "256"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "reference (fp32, whole frame, NCHW)" in text and "2 tiles of 256 px" in text
    assert "speed-up" in text and "PSNR" in text


def test_bench_refuses_a_bad_size() -> None:
    with pytest.raises(SystemExit):
        main(["bench", "--size", "big"])
