"""Mixed precision for training: which dtype each device gets, and bf16 steps still learn."""

from __future__ import annotations

import pytest
import torch

from cnaps_desktop.engine import device as devices
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.training import precision
from cnaps_desktop.engine.training.losses import mssnet_loss

CPU = torch.device("cpu")


def test_fp32_means_no_autocast_anywhere() -> None:
    assert precision.autocast_dtype(CPU, "fp32") is None


def test_auto_on_the_cpu_follows_hardware_bfloat16(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "cpu_has_fast_bfloat16", lambda: True)
    assert precision.autocast_dtype(CPU, "auto") == torch.bfloat16
    monkeypatch.setattr(devices, "cpu_has_fast_bfloat16", lambda: False)
    assert precision.autocast_dtype(CPU, "auto") is None
    assert precision.autocast_dtype(CPU, "bf16") == torch.bfloat16  # asked for: emulated


def test_other_devices_without_cuda_stay_in_float32() -> None:
    assert precision.autocast_dtype(torch.device("mps"), "auto") is None


def test_unknown_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="not a precision"):
        precision.autocast_dtype(CPU, "fp8")


def test_bfloat16_autocast_steps_in_channels_last_lower_the_loss() -> None:
    torch.manual_seed(0)
    model = MSSNet(4, 3, 5).to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    sharp = torch.rand(2, 3, 32, 32)
    blurred = torch.nn.functional.avg_pool2d(sharp, 5, stride=1, padding=2)
    blurred = blurred.contiguous(memory_format=torch.channels_last)
    losses = []
    for _ in range(8):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            outputs = model.forward_train(blurred)
        loss = mssnet_loss(outputs, sharp)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert all(p.dtype == torch.float32 for p in model.parameters())  # weights stay fp32
    assert losses[-1] < 0.8 * losses[0]
