"""tools/make_heldout_pairs.py: the frozen yardsticks of weights/README.md stay frozen, and the
nearly-sharp set (--mild) is what it says."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

TOOL = Path(__file__).resolve().parents[1] / "tools" / "make_heldout_pairs.py"


def _tool():
    spec = importlib.util.spec_from_file_location("make_heldout_pairs", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_frozen_settings_do_not_move_and_mild_is_short_clean_shake() -> None:
    tool = _tool()
    mixed, blur_only, mild = (
        tool.frozen_synthesis("mixed"),
        tool.frozen_synthesis("blur_only"),
        tool.frozen_synthesis("mild"),
    )
    # The December 2026 training defaults, written out: a change here moves every figure.
    assert (mixed.travel_px, mixed.highlight_share, mixed.noise_share) == ((3.0, 40.0), 0.5, 0.7)
    assert (mixed.jpeg_share, mixed.defocus_share, mixed.kernel_share) == (0.6, 0.15, 0.3)
    assert (blur_only.noise_share, blur_only.jpeg_share, blur_only.defocus_share) == (0, 0, 0)
    assert blur_only.travel_px == mixed.travel_px and blur_only.highlight_share == 0.5
    assert mild.travel_px == (2.0, 8.0) and mild.highlight_share == 0.0
    assert (mild.noise_share, mild.jpeg_share, mild.defocus_share) == (0, 0, 0)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    error = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0**2 / error))


def test_mild_pairs_are_nearer_sharp_than_the_mixed_ones(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    rng = np.random.default_rng(3)
    texture = cv2.resize((rng.random((24, 32, 3)) * 255).astype(np.uint8), (128, 96))
    cv2.imwrite(str(photos / "a.png"), texture)
    for kind in ("mixed", "mild"):
        flag = ["--mild"] if kind == "mild" else []
        subprocess.run(
            [sys.executable, str(TOOL), str(photos), str(tmp_path / kind), *flag],
            check=True,
            capture_output=True,
        )
    scores = {
        kind: _psnr(
            cv2.imread(str(tmp_path / kind / "blur" / "a.png")),
            cv2.imread(str(tmp_path / kind / "sharp" / "a.png")),
        )
        for kind in ("mixed", "mild")
    }
    assert scores["mild"] > scores["mixed"]
    assert cv2.imread(str(tmp_path / "mild" / "sharp" / "a.png")).shape == (96, 128, 3)
