"""Which mixed precision a training run uses on its device.

On CUDA, autocast to bfloat16 where the GPU has it, else float16 with a gradient scaler. On a CPU
with native bfloat16 (AMX or AVX-512 BF16, as in recent Xeons) bfloat16 autocast runs MSSNet's
training step about 1.7 times faster than float32 (measured in BENCHMARKS.md); on other CPUs
bfloat16 is emulated and slower, so they stay in float32. Weights, optimiser state and the loss
stay in float32 either way.
"""

from __future__ import annotations

import torch

PRECISION_CHOICES = ("auto", "fp32", "bf16")


def cpu_has_native_bfloat16() -> bool:
    """True when this CPU computes bfloat16 in hardware (AMX tiles or AVX-512 BF16)."""
    return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())


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
    if device.type == "cpu" and (choice == "bf16" or cpu_has_native_bfloat16()):
        return torch.bfloat16
    return None
