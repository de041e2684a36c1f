"""Which mixed precision a training run uses on its device.

On CUDA, autocast to bfloat16 where the GPU has it, else float16 with a gradient scaler. On a CPU
with AMX tiles (Intel Xeon 4th generation and later) bfloat16 autocast runs MSSNet's training step
about 1.7 times faster than float32 (BENCHMARKS.md); other CPUs gain little (AVX-512 BF16) or run
bfloat16 emulated and slower, so they stay in float32 (the rule of engine/device.py). Weights,
optimiser state and the loss stay in float32 either way.
"""

from __future__ import annotations

import torch

from cnaps_desktop.engine import device as devices

PRECISION_CHOICES = ("auto", "fp32", "bf16")


def autocast_dtype(device: torch.device, choice: str = "auto") -> torch.dtype | None:
    """The autocast dtype for ``choice`` on ``device``, or None for plain float32.

    ``choice`` is ``auto`` (the fastest safe choice), ``fp32`` (no autocast) or ``bf16``
    (asked for explicitly: used even where it is emulated, and float16 on GPUs without bf16).
    """
    if choice not in PRECISION_CHOICES:
        raise ValueError(f"'{choice}' is not a precision; expected one of {PRECISION_CHOICES}.")
    if choice == "fp32":
        return None
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "cpu" and (choice == "bf16" or devices.cpu_has_fast_bfloat16()):
        return torch.bfloat16
    return None
