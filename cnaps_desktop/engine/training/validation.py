"""Validation during training: PSNR/SSIM of the held-out crops before and after the model."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from cnaps_desktop.engine.training.data import ValidationPair
from cnaps_desktop.engine.training.metrics import psnr, ssim


@dataclass(frozen=True)
class ValidationResult:
    count: int
    psnr_input: float
    psnr_output: float
    ssim_input: float
    ssim_output: float

    @property
    def gain_db(self) -> float:
        return self.psnr_output - self.psnr_input

    def summary(self, step: int) -> str:
        return (
            f"validation at step {step} ({self.count} crops): PSNR {self.psnr_input:.2f} -> "
            f"{self.psnr_output:.2f} dB ({self.gain_db:+.2f}), SSIM {self.ssim_input:.4f} -> "
            f"{self.ssim_output:.4f}"
        )


@torch.no_grad()
def validate(
    model: torch.nn.Module, pairs: Sequence[ValidationPair], device: torch.device
) -> ValidationResult:
    """Run the model on every pair (sizes are multiples of 16) with a progress bar."""
    from tqdm import tqdm

    model.eval()
    figures = []
    for pair in tqdm(pairs, desc="validating", unit="crop", leave=False, file=sys.stderr):
        x = torch.from_numpy(pair.blurred.transpose(2, 0, 1).copy())[None].to(device)
        restored = model(x).clamp(0, 1)[0].float().cpu().numpy().transpose(1, 2, 0)
        figures.append(
            (
                psnr(pair.blurred, pair.sharp),
                psnr(restored, pair.sharp),
                ssim(pair.blurred, pair.sharp),
                ssim(restored, pair.sharp),
            )
        )
    means = np.mean(np.array(figures, dtype=np.float64), axis=0)
    return ValidationResult(len(pairs), *(float(m) for m in means))
