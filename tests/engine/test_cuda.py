"""The engine's CUDA paths, on a real NVIDIA GPU. Skipped (with the reason) on machines without
one, as in CI: these run where a GPU is at hand (`pytest tests/engine/test_cuda.py`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from cnaps_desktop.engine.device import choose_device
from cnaps_desktop.engine.models.loader import load_model
from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.restore import ModelCall, restore_array, restore_pixels
from tests.conftest import shared_path
from tests.engine.engine_models import save_tiny_mssnet

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

BUNDLED = Path(__file__).resolve().parents[2] / "weights" / "Deblur-MSSNet-CNAPS.pt"


@pytest.fixture
def exact_float32():
    """cuDNN runs float32 convolutions in TF32 by default (10-bit mantissa): fine for pictures,
    too coarse for the golden tolerance, so the golden check turns it off."""
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def _photo(height: int = 360, width: int = 480) -> np.ndarray:
    """A smooth colour picture with sharp edges, uint8 H x W x 3."""
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    image = np.stack([np.sin(9 * xx) * 0.4 + 0.5, yy, np.cos(7 * yy * xx) * 0.5 + 0.5], axis=2)
    image[height // 3 : height // 2, width // 4 : width // 2] = 0.9
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    error = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if error == 0 else 10 * np.log10(255.0**2 / error)


def test_auto_picks_the_gpu() -> None:
    assert choose_device("auto").type == "cuda"


def test_golden_outputs_on_the_gpu(exact_float32) -> None:
    golden = torch.load(shared_path("mssnet", "golden", "mssnet_tiny_io.pt"), weights_only=True)
    loaded = load_model(
        shared_path("mssnet", "golden", "mssnet_tiny_official_format.pt"),
        device="cuda",
        precision="fp32",
    )
    with torch.inference_mode():
        output = loaded.model(golden["input"].cuda()).cpu()
    assert torch.allclose(output, golden["output"], atol=1e-4, rtol=0)


@pytest.mark.parametrize("precision", ["fp32", "fp16", "bf16"])
def test_bundled_model_on_the_gpu_matches_the_cpu(precision: str) -> None:
    image = _photo()
    on_cpu = restore_array(load_model(BUNDLED, device="cpu", precision="fp32"), image)
    loaded = load_model(BUNDLED, device="cuda", precision=precision)
    assert loaded.device.type == "cuda"
    on_gpu = restore_array(loaded, image)
    assert on_gpu.dtype == np.uint8 and on_gpu.shape == image.shape
    floor = {"fp32": 50.0, "fp16": 40.0, "bf16": 34.0}[precision]
    agreement = _psnr(on_gpu, on_cpu)
    print(f"{precision} on the GPU against fp32 on the CPU: {agreement:.1f} dB")
    assert agreement > floor


def test_tiles_on_the_gpu_match_the_whole_picture_and_the_cpu(tmp_path: Path) -> None:
    """The tiny-MSSNet tiling check of test_tiling.py, on the GPU; and the GPU's tiles are the
    CPU's (float32 without TF32). On an H200 the sharp-edged picture of _photo() gave 1.34e-3
    between tiles and whole frame on the GPU and on the CPU alike: the test's image is smooth."""
    path = save_tiny_mssnet(tmp_path)
    yy, xx = np.mgrid[0:240, 0:240] / 240.0
    image = np.stack([np.sin(6 * xx) * 0.4 + 0.5, yy, np.cos(5 * yy * xx) * 0.5 + 0.5], axis=2)
    image = image.astype(np.float32)
    tiles = RestoreOptions(tile=192, tile_overlap=48)
    loaded = load_model(path, device="cuda", precision="fp32")
    whole = restore_array(loaded, image, RestoreOptions(tile=0))
    tiled = restore_pixels(loaded, image, tiles)
    assert tiled.tiles == 4
    assert np.abs(tiled.pixels - whole).max() < 1e-3
    on_cpu = restore_pixels(load_model(path, device="cpu", precision="fp32"), image, tiles)
    assert np.abs(tiled.pixels - on_cpu.pixels).max() < 1e-5


def test_auto_tiles_a_large_photo_within_the_gpu_memory() -> None:
    loaded = load_model(BUNDLED, device="cuda", precision="fp16")
    image = np.tile(_photo(), (6, 6, 1))  # 2160 x 2880, about 6 MP
    torch.cuda.reset_peak_memory_stats()
    restored = restore_pixels(loaded, image, RestoreOptions())
    assert restored.pixels.shape == image.shape
    _, total = torch.cuda.mem_get_info()
    peak = torch.cuda.max_memory_allocated()
    print(f"6 MP in fp16: {restored.tiles} tile(s), peak {peak / 2**30:.2f} GiB")
    assert peak < total


def test_a_batch_of_frames_equals_frames_one_at_a_time() -> None:
    loaded = load_model(BUNDLED, device="cuda", precision="fp32")
    frames = np.stack([_photo(), _photo()[::-1].copy(), _photo()[:, ::-1].copy()])
    frames = frames.astype(np.float32) / 255
    together = ModelCall(loaded, batch_size=3)(frames)
    alone = np.concatenate([ModelCall(loaded, batch_size=1)(frames[i : i + 1]) for i in range(3)])
    assert np.abs(together - alone).max() < 1e-4
