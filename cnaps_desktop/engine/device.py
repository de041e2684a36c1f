"""Device and precision, chosen once from the hardware and the model's facts.

``auto`` picks CUDA, then Apple MPS, then the CPU. Half precision is used on a GPU when the model
supports it (bf16 where the GPU has it, else fp16). On the CPU, ``auto`` runs bf16 only where the
CPU has AMX tiles (Intel Xeon 4th generation and later): there MSSNet runs about 4.7x faster than
in fp32 and differs from fp32 by about 1 level of 255 (BENCHMARKS.md). Everywhere else the CPU runs
fp32: AVX-512 BF16 alone measured barely faster, and without it bf16 is emulated and several times
slower.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from cnaps_desktop.engine.errors import DeviceError

PRECISIONS = ("auto", "fp32", "fp16", "bf16")
_DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


def choose_device(name: str = "auto") -> torch.device:
    """``auto``, ``cpu``, ``cuda``, ``cuda:1`` or ``mps`` -> a device that exists here."""
    name = (name or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise DeviceError(
            f"'{name}' is not a device name; expected auto, cpu, cuda, cuda:N or mps."
        ) from error
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"'{name}' was asked for, but this machine has no usable CUDA GPU.")
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise DeviceError(
                f"'{name}' was asked for, but this machine has "
                f"{torch.cuda.device_count()} CUDA GPU(s)."
            )
    elif device.type == "mps" and not _mps_available():
        raise DeviceError(f"'{name}' was asked for, but Apple MPS is not available here.")
    elif device.type not in ("cpu", "cuda", "mps"):
        raise DeviceError(f"'{name}' is not supported; expected auto, cpu, cuda, cuda:N or mps.")
    return device


def cpu_has_fast_bfloat16() -> bool:
    """True when this CPU has AMX tiles, where bfloat16 convolutions beat float32 by far."""
    return bool(torch.cpu._is_amx_tile_supported())


def choose_dtype(
    device: torch.device, precision: str, supports_half: bool, supports_bfloat16: bool
) -> torch.dtype:
    """The compute dtype for ``precision`` (auto, fp32, fp16, bf16) on ``device``."""
    precision = (precision or "auto").strip().lower()
    if precision not in PRECISIONS:
        raise DeviceError(
            f"'{precision}' is not a precision; expected one of {', '.join(PRECISIONS)}."
        )
    if precision == "auto":
        if device.type == "cpu":
            fast = supports_bfloat16 and cpu_has_fast_bfloat16()
            return torch.bfloat16 if fast else torch.float32
        if supports_bfloat16 and device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float16 if supports_half else torch.float32
    if precision == "fp16" and not supports_half:
        raise DeviceError("This model does not support fp16; choose fp32 or auto.")
    if precision == "bf16" and not supports_bfloat16:
        raise DeviceError("This model does not support bf16; choose fp32 or auto.")
    if precision == "fp16" and device.type == "cpu":
        raise DeviceError("fp16 runs on a GPU only; on the CPU use fp32 or auto.")
    if precision == "bf16" and device.type == "cpu" and not cpu_has_fast_bfloat16():
        raise DeviceError(
            "This CPU has no AMX unit, so bf16 would run slower than fp32; choose fp32 or auto."
        )
    return _DTYPES[precision]


def precision_name(dtype: torch.dtype) -> str:
    return {v: k for k, v in _DTYPES.items()}.get(dtype, str(dtype))


def describe_device(device: torch.device) -> str:
    """A short, human description, e.g. "CPU (2 threads)" or "CUDA: NVIDIA H100 80GB HBM3"."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"


def release_device_memory(device: torch.device) -> None:
    """Hand the GPU memory cached by torch back, before trying again with a smaller piece."""
    if device.type == "cuda":
        torch.cuda.empty_cache()


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


@contextmanager
def true_float32(device: torch.device, dtype: torch.dtype) -> Iterator[None]:
    """float32 that is float32: on NVIDIA GPUs cuDNN computes float32 convolutions in TF32 (a
    10-bit mantissa) by default, which moved tiled results 1.3e-3 from whole-frame ones on an
    H200. Whoever asks for fp32 asks for exact results, so TF32 is off around the call."""
    if device.type != "cuda" or dtype != torch.float32:
        yield
        return
    before = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = before
