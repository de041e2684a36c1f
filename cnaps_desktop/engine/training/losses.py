"""MSSNet's published training loss.

Six outputs (half-scale first, then five full-scale) against targets ``[half, full x 5]``; each
term is the L1 of the pixels plus 0.1 x the L1 of the full 2-D DFTs (real and imaginary parts as
separate numbers), all six terms weighted equally.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

FFT_WEIGHT = 0.1


def half_size(image: torch.Tensor) -> torch.Tensor:
    """Bilinear x0.5 with align_corners=True, the resize the official scripts use."""
    return F.interpolate(image, scale_factor=0.5, mode="bilinear", align_corners=True)


def frequency_l1(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    spectrum_out = torch.view_as_real(torch.fft.fft2(output.float()))
    spectrum_target = torch.view_as_real(torch.fft.fft2(target.float()))
    return F.l1_loss(spectrum_out, spectrum_target)


def mssnet_loss(outputs: list[torch.Tensor], sharp: torch.Tensor) -> torch.Tensor:
    """The loss of ``MSSNet.forward_train(blurry)`` outputs against the ``sharp`` batch."""
    half = half_size(sharp)
    total = sharp.new_zeros((), dtype=torch.float32)
    for output in outputs:
        target = half if output.shape[-1] != sharp.shape[-1] else sharp
        total = total + F.l1_loss(output.float(), target.float())
        total = total + FFT_WEIGHT * frequency_l1(output, target)
    return total
