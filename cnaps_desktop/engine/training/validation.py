"""Validation during training: PSNR/SSIM of held-out crops before and after the model.

It runs the model as training does (channels_last, the run's autocast precision), which is about
four times faster on an AMX CPU than float32; the final figures of an export come from
`cnaps-desktop eval --precision fp32` on whole photos.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from cnaps_desktop.engine.training.data import ValidationPair
from cnaps_desktop.engine.training.metrics import mean_gain, psnr, psnr_gain, ssim


@dataclass(frozen=True)
class ValidationResult:
    count: int
    psnr_input: float
    psnr_output: float
    ssim_input: float
    ssim_output: float
    gain_db: float  # the mean of the per-pair gains (metrics.mean_gain, as eval reports it)
    worst_gain_db: float  # the pair that gained least (negative: made worse)
    name: str = "validation"  # which set: "validation" (crops of the hold-out) or a folder name

    def summary(self, step: int) -> str:
        return (
            f"{self.name} at step {step} ({self.count} crops): PSNR {self.psnr_input:.2f} -> "
            f"{self.psnr_output:.2f} dB ({self.gain_db:+.2f}, worst {self.worst_gain_db:+.2f}), "
            f"SSIM {self.ssim_input:.4f} -> {self.ssim_output:.4f}"
        )


@torch.no_grad()
def validate(
    model: torch.nn.Module,
    pairs: Sequence[ValidationPair],
    device: torch.device,
    amp_dtype: torch.dtype | None = None,
    name: str = "validation",
) -> ValidationResult:
    """Run the model on every pair (sizes are multiples of 16) with a progress bar."""
    from tqdm import tqdm

    model.eval()
    figures = []
    for pair in tqdm(pairs, desc=f"validating {name}", unit="crop", leave=False, file=sys.stderr):
        x = torch.from_numpy(pair.blurred.transpose(2, 0, 1).copy())[None].to(device)
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(device.type, dtype=amp_dtype or torch.float32, enabled=bool(amp_dtype)):
            restored = model(x)
        restored = restored.float().clamp(0, 1)[0].cpu().numpy().transpose(1, 2, 0)
        figures.append(
            (
                psnr(pair.blurred, pair.sharp),
                psnr(restored, pair.sharp),
                ssim(pair.blurred, pair.sharp),
                ssim(restored, pair.sharp),
            )
        )
    table = np.array(figures, dtype=np.float64)
    means = np.mean(table, axis=0)
    psnrs = [(after, before) for before, after, _, _ in figures]
    worst = min(psnr_gain(after, before) for after, before in psnrs)
    return ValidationResult(
        len(pairs), *(float(m) for m in means), mean_gain(psnrs), float(worst), name
    )
