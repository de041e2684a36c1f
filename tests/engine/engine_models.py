"""Tiny models for engine tests, saved to a temporary file and loaded like any checkpoint."""

from __future__ import annotations

from pathlib import Path

import torch

from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.models.loader import LoadedModel, load_model


def save_tiny_mssnet(folder: Path, seed: int = 7) -> Path:
    """A random-weight MSSNet(wf=4, scale=3, vscale=5) saved as a plain state dict."""
    torch.manual_seed(seed)
    model = MSSNet(wf=4, scale=3, vscale=5)
    path = folder / "tiny_mssnet.pth"
    torch.save(model.state_dict(), path)
    return path


def tiny_mssnet(folder: Path) -> LoadedModel:
    return load_model(save_tiny_mssnet(folder), device="cpu")


class SmallReceptiveField(torch.nn.Module):
    """Two 3x3 convolutions (each output pixel sees 2 px around it), optionally upscaling."""

    def __init__(self, in_channels: int = 3, out_channels: int = 3, scale: int = 1) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.first = torch.nn.Conv2d(in_channels, 8, 3, padding=1)
        self.second = torch.nn.Conv2d(8, out_channels * scale * scale, 3, padding=1)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.second(torch.relu(self.first(x))) * 0.1
        if self.scale > 1:
            y = torch.nn.functional.pixel_shuffle(y, self.scale)
            x = torch.nn.functional.interpolate(x, scale_factor=self.scale, mode="nearest")
        if y.shape[1] == x.shape[1]:
            y = y + x
        return y


class _Descriptor:
    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model


def wrap_module(
    module: torch.nn.Module,
    scale: int = 1,
    size_multiple: int = 1,
    in_channels: int = 3,
    out_channels: int = 3,
) -> LoadedModel:
    """A LoadedModel around any module, for tests of the engine's plumbing."""
    from cnaps_desktop.engine.facts import ModelInfo

    module.eval()
    info = ModelInfo(
        name="test-model",
        path=Path("test-model.pth"),
        architecture="Test",
        variant="test",
        task="restoration" if scale == 1 else "super-resolution",
        scale=scale,
        size_multiple=size_multiple,
        parameters=sum(p.numel() for p in module.parameters()),
        input_channels=in_channels,
        output_channels=out_channels,
        supports_half=True,
        supports_bfloat16=True,
    )
    return LoadedModel(
        descriptor=_Descriptor(module), info=info, device=torch.device("cpu"), dtype=torch.float32
    )
