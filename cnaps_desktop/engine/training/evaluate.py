"""Evaluate a model on (blurry, sharp) pairs: PSNR/SSIM of the input and the output, and the gain.

A pairs folder holds ``blur/NAME`` and ``sharp/NAME`` with matching names (the GoPro layout).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.errors import ImageError
from cnaps_desktop.engine.training.data import list_pairs, read_rgb
from cnaps_desktop.engine.training.metrics import psnr, ssim


class PairSizeError(ImageError):
    """The blurry and sharp images of a pair differ in size."""


@dataclass(frozen=True)
class PairFigures:
    name: str
    width: int
    height: int
    psnr_input: float
    psnr_output: float
    ssim_input: float
    ssim_output: float

    @property
    def gain_db(self) -> float:
        return psnr_gain(self.psnr_output, self.psnr_input)


@dataclass(frozen=True)
class EvalReport:
    checkpoint: str
    pairs: tuple[PairFigures, ...]
    failures: tuple[str, ...]  # one sentence per pair that could not be evaluated

    def _mean(self, values: Sequence[float]) -> float:
        return float(np.mean(values)) if values else math.nan

    @property
    def psnr_input(self) -> float:
        return self._mean([p.psnr_input for p in self.pairs])

    @property
    def psnr_output(self) -> float:
        return self._mean([p.psnr_output for p in self.pairs])

    @property
    def ssim_input(self) -> float:
        return self._mean([p.ssim_input for p in self.pairs])

    @property
    def ssim_output(self) -> float:
        return self._mean([p.ssim_output for p in self.pairs])

    @property
    def gain_db(self) -> float:
        """The mean of the per-pair gains (0 dB for pairs that are identical before and after)."""
        return self._mean([p.gain_db for p in self.pairs])

    @property
    def worst_gain_db(self) -> float:
        return min((p.gain_db for p in self.pairs), default=math.nan)


def psnr_gain(after: float, before: float) -> float:
    """``after - before`` in dB, with inf - inf (identical before and after) taken as 0 dB."""
    if math.isinf(after) and math.isinf(before) and (after > 0) == (before > 0):
        return 0.0
    return after - before


def pad_run_crop(model_fn: Callable[[np.ndarray], np.ndarray], pixels: np.ndarray) -> np.ndarray:
    """Reflect-pad to a multiple of 16, run, and crop back (whole image, no tiling)."""
    height, width = pixels.shape[:2]
    pad_h, pad_w = -height % 16, -width % 16
    padded = (
        np.pad(pixels, ((0, pad_h), (0, pad_w), (0, 0)), mode="reflect")
        if pad_h or pad_w
        else pixels
    )
    return model_fn(padded)[:height, :width]


def make_runner(loaded: object) -> Callable[[np.ndarray], np.ndarray]:
    """A function float32 HxWx3 [0, 1] -> restored float32 HxWx3 for a loaded model."""
    import torch

    model = loaded.model  # type: ignore[attr-defined]
    device, dtype = loaded.device, loaded.dtype  # type: ignore[attr-defined]

    @torch.no_grad()
    def run(pixels: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))[None]
        y = model(x.to(device=device, dtype=dtype)).float().clamp(0, 1)
        return y[0].cpu().numpy().transpose(1, 2, 0)

    return run


def evaluate_pair(
    run: Callable[[np.ndarray], np.ndarray], blur_path: Path, sharp_path: Path
) -> tuple[PairFigures, np.ndarray]:
    """Figures for one pair, and the restored image (uint8 RGB)."""
    blurred, sharp = read_rgb(blur_path), read_rgb(sharp_path)
    if blurred.shape != sharp.shape:
        raise PairSizeError(
            f"{blur_path.name}: the blurry image is {blurred.shape[1]}x{blurred.shape[0]} but the "
            f"sharp one is {sharp.shape[1]}x{sharp.shape[0]}; expected the same size."
        )
    restored = pad_run_crop(run, blurred.astype(np.float32) / 255.0)
    restored_u8 = (restored * 255.0 + 0.5).astype(np.uint8)  # scored as saved: 8-bit
    b, s, r = (a.astype(np.float32) / 255.0 for a in (blurred, sharp, restored_u8))
    figures = PairFigures(
        name=blur_path.name,
        width=sharp.shape[1],
        height=sharp.shape[0],
        psnr_input=psnr(b, s),
        psnr_output=psnr(r, s),
        ssim_input=ssim(b, s),
        ssim_output=ssim(r, s),
    )
    return figures, restored_u8


def evaluate_folder(
    loaded: object,
    folder: Path,
    save_dir: Path | None = None,
    token: CancelToken | None = None,
    on_pair: Callable[[PairFigures], None] | None = None,
) -> EvalReport:
    """Evaluate every pair in ``folder``; a broken pair is reported and the rest go on."""
    import cv2

    run = make_runner(loaded)
    results: list[PairFigures] = []
    failures: list[str] = []
    for blur_path, sharp_path in list_pairs(folder):
        if token is not None:
            token.check()
        try:
            figures, restored = evaluate_pair(run, blur_path, sharp_path)
        except ImageError as error:
            failures.append(str(error))
            continue
        results.append(figures)
        if on_pair is not None:
            on_pair(figures)
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)
            target = save_dir / (Path(blur_path.name).stem + ".png")
            cv2.imwrite(str(target), restored[:, :, ::-1])
    info = getattr(loaded, "info", None)
    name = str(getattr(info, "name", "") or getattr(info, "path", "") or "")
    return EvalReport(checkpoint=name, pairs=tuple(results), failures=tuple(failures))
