"""Device and precision choice: what `auto` picks where, and one sentence for what cannot run."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnaps_desktop.engine import device as devices
from cnaps_desktop.engine.device import choose_device, choose_dtype
from cnaps_desktop.engine.errors import DeviceError
from cnaps_desktop.engine.models.loader import load_model
from cnaps_desktop.engine.restore import restore_array

CPU = torch.device("cpu")


def test_auto_on_a_cpu_without_amx_is_fp32() -> None:
    assert choose_dtype(CPU, "auto", supports_half=True, supports_bfloat16=True) == torch.float32


def test_auto_on_a_cpu_with_amx_is_bf16_when_the_model_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(devices, "cpu_has_fast_bfloat16", lambda: True)
    assert choose_dtype(CPU, "auto", True, supports_bfloat16=True) == torch.bfloat16
    assert choose_dtype(CPU, "auto", True, supports_bfloat16=False) == torch.float32
    assert choose_dtype(CPU, "fp32", True, True) == torch.float32


def test_what_a_cpu_cannot_run_well_is_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(DeviceError, match="GPU only"):
        choose_dtype(CPU, "fp16", True, True)
    with pytest.raises(DeviceError, match="no AMX unit"):
        choose_dtype(CPU, "bf16", True, True)
    monkeypatch.setattr(devices, "cpu_has_fast_bfloat16", lambda: True)
    assert choose_dtype(CPU, "bf16", True, True) == torch.bfloat16
    with pytest.raises(DeviceError, match="does not support bf16"):
        choose_dtype(CPU, "bf16", True, supports_bfloat16=False)
    with pytest.raises(DeviceError, match="not a precision"):
        choose_dtype(CPU, "int8", True, True)


def test_device_names() -> None:
    assert choose_device("cpu") == CPU
    with pytest.raises(DeviceError, match="not a device name"):
        choose_device("graphics card")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="no usable CUDA GPU"):
            choose_device("cuda:0")


def test_bf16_on_an_amx_cpu_restores_within_a_level_of_fp32(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    yy, xx = np.mgrid[0:64, 0:96] / 64.0  # photo-like: smooth shading and fine stripes
    image = np.stack([np.sin(37 * xx) * 0.4 + 0.5, yy, np.cos(24 * xx * yy) * 0.4 + 0.5], axis=2)
    image = (image * 255).round().astype(np.uint8)
    exact = restore_array(load_model("default", device="cpu"), image).astype(np.int16)
    monkeypatch.setattr(devices, "cpu_has_fast_bfloat16", lambda: True)
    loaded = load_model("default", device="cpu")
    assert loaded.dtype == torch.bfloat16
    fast = restore_array(loaded, image).astype(np.int16)
    assert fast.dtype == exact.dtype and fast.shape == exact.shape
    difference = np.abs(fast - exact)
    assert difference.mean() < 0.3 and difference.max() <= 3  # measured: 0.16 and 2


def test_fp32_on_a_gpu_turns_tf32_off_around_the_call_only() -> None:
    from cnaps_desktop.engine.device import true_float32

    before = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = True
    try:
        with true_float32(torch.device("cuda"), torch.float32):
            assert not torch.backends.cudnn.allow_tf32
            assert not torch.backends.cuda.matmul.allow_tf32
        assert torch.backends.cudnn.allow_tf32
        with true_float32(torch.device("cuda"), torch.float16):
            assert torch.backends.cudnn.allow_tf32  # half precision is not touched
        with true_float32(torch.device("cpu"), torch.float32):
            assert torch.backends.cudnn.allow_tf32
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = before


def test_one_cpu_thread_is_said_in_the_singular(monkeypatch: pytest.MonkeyPatch) -> None:
    from cnaps_desktop.engine.device import describe_device

    monkeypatch.setattr(torch, "get_num_threads", lambda: 1)
    assert describe_device(torch.device("cpu")) == "CPU (1 thread)"
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)
    assert describe_device(torch.device("cpu")) == "CPU (2 threads)"
