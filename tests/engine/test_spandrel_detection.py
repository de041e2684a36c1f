"""A person's own model loads through the same path: spandrel architectures, round trip via files.

Each network is built with random weights and a small configuration, saved as .pth and as
.safetensors, and loaded back with ``load_model``; detection must name the architecture, the scale
and the task, and a small forward must run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from cnaps_desktop import load_model
from cnaps_desktop.engine.models.registry import architecture_registry


@dataclass(frozen=True)
class Case:
    architecture: str
    scale: int
    task: str
    build: Callable[[], torch.nn.Module]


def _cases() -> dict[str, Case]:
    architecture_registry()  # spandrel may only be imported after this
    from spandrel.architectures.Compact import Compact
    from spandrel.architectures.ESRGAN import ESRGAN
    from spandrel.architectures.NAFNet import NAFNet
    from spandrel.architectures.SPAN import SPAN
    from spandrel.architectures.SwinIR import SwinIR

    return {
        "esrgan-x4": Case(
            "ESRGAN",
            4,
            "super-resolution",
            lambda: ESRGAN(in_nc=3, out_nc=3, num_filters=8, num_blocks=1, scale=4),
        ),
        "swinir-x2": Case(
            "SwinIR",
            2,
            "super-resolution",
            lambda: SwinIR(
                img_size=16,
                embed_dim=12,
                depths=[2],
                num_heads=[2],
                window_size=4,
                mlp_ratio=2.0,
                upscale=2,
                upsampler="pixelshuffledirect",
            ),
        ),
        "nafnet": Case(
            "NAFNet",
            1,
            "restoration",
            lambda: NAFNet(
                img_channel=3, width=8, middle_blk_num=1, enc_blk_nums=[1, 1], dec_blk_nums=[1, 1]
            ),
        ),
        "span-x2": Case(
            "SPAN",
            2,
            "super-resolution",
            lambda: SPAN(num_in_ch=3, num_out_ch=3, feature_channels=8, upscale=2),
        ),
        "compact-x2": Case(
            "Compact",
            2,
            "super-resolution",
            lambda: Compact(num_in_ch=3, num_out_ch=3, num_feat=8, num_conv=2, upscale=2),
        ),
    }


CASE_NAMES = ["esrgan-x4", "swinir-x2", "nafnet", "span-x2", "compact-x2"]


def _save(state_dict: dict[str, torch.Tensor], path: Path) -> None:
    if path.suffix == ".safetensors":
        save_file({k: v.clone().contiguous() for k, v in state_dict.items()}, str(path))
    else:
        torch.save(state_dict, path)


@pytest.mark.parametrize("suffix", [".pth", ".safetensors"])
@pytest.mark.parametrize("case_name", CASE_NAMES)
def test_architecture_round_trips_through_load_model(
    tmp_path: Path, case_name: str, suffix: str
) -> None:
    case = _cases()[case_name]
    torch.manual_seed(0)
    network = case.build().eval()
    path = tmp_path / f"{case_name}{suffix}"
    _save(network.state_dict(), path)

    loaded = load_model(path, device="cpu", precision="fp32")

    assert loaded.info.architecture == case.architecture
    assert loaded.scale == case.scale
    assert loaded.task == case.task
    assert loaded.info.name == case_name
    assert not loaded.model.training
    side = 16 * max(1, loaded.size_multiple)
    image = torch.rand(1, 3, side, side)
    with torch.inference_mode():
        output = loaded.model(image)
        expected = network(image)
    assert output.shape == (1, 3, side * case.scale, side * case.scale)
    assert torch.allclose(output, expected, atol=1e-5), "loaded weights differ from the saved ones"
