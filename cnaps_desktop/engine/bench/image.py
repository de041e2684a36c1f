"""Benchmark: the reference way to run a model against the engine's way, on the same input.

The reference is how the authors' test script runs MSSNet: eager fp32, the whole frame at once,
NCHW memory layout, ``torch.no_grad``. The engine path is :func:`restore_array` with its defaults
(channels-last, ``inference_mode``, half precision on GPUs, tiles when memory asks for them). Both
see the same float image; the report gives speed (megapixels per second), peak memory and how far
the engine's output is from the reference's (max abs difference, PSNR).
"""

from __future__ import annotations

import copy
import math
import statistics
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import psutil
import torch
import torch.nn.functional as F

from cnaps_desktop.engine.device import describe_device, precision_name
from cnaps_desktop.engine.models import LoadedModel, load_model
from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.restore import restore_pixels

#: Names accepted by ``--variant`` -> MSSNet width hyper-parameters (wf, scale, vscale).
VARIANTS = {"S": (20, 40, 40), "base": (54, 42, 42), "L": (80, 50, 50)}


@dataclass(frozen=True)
class PathResult:
    """One way of running the model: median time over the repeats, speed and peak memory."""

    seconds: float
    megapixels_per_second: float
    peak_memory_mb: float
    memory_kind: str
    """"process RSS" on the CPU, "CUDA max allocated" on a GPU."""


@dataclass(frozen=True)
class BenchResult:
    model: str
    device: str
    torch_version: str
    threads: int
    width: int
    height: int
    repeat: int
    reference: PathResult | None
    engine: PathResult
    engine_precision: str
    engine_tiles: int
    engine_tile_size: int | None
    max_abs_difference: float | None
    psnr_db: float | None
    speedup: float | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def run_bench(
    checkpoint: str | Path | None = None,
    variant: str = "S",
    size: tuple[int, int] = (1280, 720),
    device: str = "auto",
    precision: str = "auto",
    tile: int | None = None,
    repeat: int = 1,
    reference: bool = True,
    tile_overlap: int = 64,
) -> BenchResult:
    """Time the reference and the engine on one synthetic image of ``size`` = (width, height)."""
    loaded = load_bench_model(checkpoint, variant, device, precision)
    width, height = size
    image = synthetic_photo(height, width)
    reference_model = copy.deepcopy(loaded.model).float() if reference else None
    options = RestoreOptions(tile=tile, tile_overlap=tile_overlap)

    reference_times: list[float] = []
    engine_times: list[float] = []
    reference_peak = engine_peak = 0.0
    reference_output = engine_output = None
    restored = None
    for _ in range(max(1, repeat)):
        if reference_model is not None:
            with PeakMemory(loaded.device) as memory:
                started = time.perf_counter()
                reference_output = run_reference(reference_model, image, loaded)
                reference_times.append(time.perf_counter() - started)
            reference_peak = max(reference_peak, memory.peak_mb)
        with PeakMemory(loaded.device) as memory:
            started = time.perf_counter()
            restored = restore_pixels(loaded, image, options)
            engine_times.append(time.perf_counter() - started)
        engine_peak = max(engine_peak, memory.peak_mb)
        engine_output = restored.pixels
    assert restored is not None and engine_output is not None

    megapixels = width * height / 1e6
    kind = "CUDA max allocated" if loaded.device.type == "cuda" else "process RSS"
    engine_result = _path_result(engine_times, megapixels, engine_peak, kind)
    reference_result = None
    max_abs = psnr = speedup = None
    if reference_output is not None:
        reference_result = _path_result(reference_times, megapixels, reference_peak, kind)
        difference = engine_output.astype(np.float64) - reference_output
        max_abs = float(np.abs(difference).max())
        mse = float(np.mean(difference**2))
        psnr = math.inf if mse == 0 else 10 * math.log10(1.0 / mse)
        speedup = reference_result.seconds / engine_result.seconds
    return BenchResult(
        model=loaded.info.variant,
        device=describe_device(loaded.device),
        torch_version=torch.__version__,
        threads=torch.get_num_threads(),
        width=width,
        height=height,
        repeat=max(1, repeat),
        reference=reference_result,
        engine=engine_result,
        engine_precision=precision_name(loaded.dtype),
        engine_tiles=restored.tiles,
        engine_tile_size=restored.tile_size,
        max_abs_difference=max_abs,
        psnr_db=psnr,
        speedup=speedup,
    )


def run_reference(model: torch.nn.Module, image: np.ndarray, loaded: LoadedModel) -> np.ndarray:
    """The authors' way: fp32, whole frame, NCHW, reflect-padded to the size multiple."""
    height, width = image.shape[:2]
    batch = torch.from_numpy(image).permute(2, 0, 1)[None].to(loaded.device)
    multiple = max(1, loaded.size_multiple)
    pad_bottom, pad_right = -height % multiple, -width % multiple
    if pad_bottom or pad_right:
        batch = F.pad(batch, (0, pad_right, 0, pad_bottom), mode="reflect")
    with torch.no_grad():
        output = model(batch.contiguous())
    scale = loaded.scale
    output = output[:, :, : height * scale, : width * scale]
    return output[0].permute(1, 2, 0).float().cpu().numpy()


def synthetic_photo(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A float32 RGB image with smooth shapes, edges, a horizontal blur and light noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.stack(
        [
            0.5 + 0.4 * np.sin(xx / 37.0) * np.cos(yy / 53.0),
            0.5 + 0.4 * np.sin((xx + yy) / 71.0),
            ((xx // 64 + yy // 64) % 2) * 0.6 + 0.2,
        ],
        axis=2,
    )
    kernel = np.ones(9, np.float32) / 9  # motion blur along rows
    blurred = np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), 1, image)
    noisy = blurred + rng.normal(0, 0.01, blurred.shape)
    return np.clip(noisy, 0, 1).astype(np.float32)


class PeakMemory:
    """Peak memory during a block: CUDA max allocated, or the process RSS sampled every 10 ms."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
        else:
            process = psutil.Process()
            self.peak_mb = process.memory_info().rss / 2**20
            self._thread = threading.Thread(target=self._sample, args=(process,), daemon=True)
            self._thread.start()
        return self

    def _sample(self, process: psutil.Process) -> None:
        while not self._stop.wait(0.01):
            self.peak_mb = max(self.peak_mb, process.memory_info().rss / 2**20)

    def __exit__(self, *exc_info: object) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            self.peak_mb = torch.cuda.max_memory_allocated(self.device) / 2**20
        elif self._thread is not None:
            self._stop.set()
            self._thread.join()
            self.peak_mb = max(self.peak_mb, psutil.Process().memory_info().rss / 2**20)


def _path_result(times: list[float], megapixels: float, peak: float, kind: str) -> PathResult:
    seconds = statistics.median(times)
    return PathResult(seconds, megapixels / seconds, peak, kind)


def load_bench_model(
    checkpoint: str | Path | None, variant: str, device: str, precision: str
) -> LoadedModel:
    """The checkpoint to measure, or a random-weight MSSNet of ``variant`` when none is given."""
    with tempfile.TemporaryDirectory() as folder:
        if checkpoint is None:
            checkpoint = random_checkpoint(variant, Path(folder))
        return load_model(checkpoint, device, precision)


def random_checkpoint(variant: str, folder: Path) -> Path:
    """A random-weight MSSNet of ``variant`` saved as a state dict (speed ignores the weights)."""
    from cnaps_desktop.engine.arch.mssnet import MSSNet

    if variant not in VARIANTS:
        raise ValueError(f"'{variant}' is not an MSSNet variant; expected S, base or L.")
    torch.manual_seed(0)
    path = folder / f"random-MSSNet-{variant}.pth"
    torch.save(MSSNet(*VARIANTS[variant]).state_dict(), path)
    return path


@dataclass(frozen=True)
class SeamResult:
    """Tiled against whole-frame output of one image (float outputs, clipped to [0, 1])."""

    name: str
    width: int
    height: int
    tiles: int
    tile_size: int
    overlap: int
    max_abs_difference: float
    psnr_db: float


def tiled_vs_whole(loaded: LoadedModel, path: Path, tile: int, overlap: int = 64) -> SeamResult:
    """Restore ``path`` whole and in tiles of ``tile`` px; how far apart are the two?"""
    from cnaps_desktop.engine.image import read_image
    from cnaps_desktop.engine.pixels import to_unit_float

    pixels = to_unit_float(read_image(path).pixels)
    whole = restore_pixels(loaded, pixels, RestoreOptions(tile=0)).pixels
    tiled = restore_pixels(loaded, pixels, RestoreOptions(tile=tile, tile_overlap=overlap))
    difference = np.clip(tiled.pixels, 0, 1).astype(np.float64) - np.clip(whole, 0, 1)
    mse = float(np.mean(difference**2))
    return SeamResult(
        name=path.name,
        width=pixels.shape[1],
        height=pixels.shape[0],
        tiles=tiled.tiles,
        tile_size=tiled.tile_size or 0,
        overlap=overlap,
        max_abs_difference=float(np.abs(difference).max()),
        psnr_db=math.inf if mse == 0 else 10 * math.log10(1.0 / mse),
    )
