"""Our MSSNet against the official code's outputs (../shared/mssnet/golden)."""

from __future__ import annotations

import json

import pytest
import torch

from cnaps_desktop import load_model
from cnaps_desktop.engine.arch.mssnet import MSSNet, config_from_state_dict
from tests.conftest import shared_path

TOLERANCE = 1e-4


def _max_error(actual: torch.Tensor, expected: torch.Tensor) -> str:
    diff = (actual - expected).abs()
    return f"max abs error {diff.max().item():.3g}, mean {diff.mean().item():.3g}"


@pytest.fixture(scope="module")
def golden() -> dict:
    return torch.load(shared_path("mssnet", "golden", "mssnet_tiny_io.pt"), weights_only=True)


@pytest.fixture(scope="module")
def tiny_model():
    return load_model(
        shared_path("mssnet", "golden", "mssnet_tiny_official_format.pt"), device="cpu"
    )


def test_inference_forward_reproduces_official_output(tiny_model, golden) -> None:
    with torch.inference_mode():
        output = tiny_model.model(golden["input"])
    assert output.shape == golden["output"].shape
    assert torch.allclose(output, golden["output"], atol=TOLERANCE, rtol=0), _max_error(
        output, golden["output"]
    )


def test_training_forward_reproduces_all_six_outputs(tiny_model, golden) -> None:
    with torch.inference_mode():
        outputs = tiny_model.model.forward_train(golden["input"])
    assert len(outputs) == 6
    assert outputs[0].shape[-2:] == (32, 48)
    for index, (actual, expected) in enumerate(zip(outputs, golden["train_outputs"], strict=True)):
        assert torch.allclose(actual, expected, atol=TOLERANCE, rtol=0), (
            f"training output {index}: {_max_error(actual, expected)}"
        )
    assert torch.allclose(outputs[0], golden["output_small"], atol=TOLERANCE, rtol=0)


def test_loaded_model_reports_its_facts(tiny_model) -> None:
    info = tiny_model.info
    assert info.architecture == "MSSNet"
    assert info.task == "deblur"
    assert info.scale == 1
    assert info.size_multiple == 16
    assert info.parameters == 104_807
    assert "wf=4, scale=3, vscale=5" in info.variant
    assert not tiny_model.model.training


def test_prelu_slope_is_one_shared_parameter(tiny_model) -> None:
    slopes = {id(m.weight) for m in tiny_model.model.modules() if isinstance(m, torch.nn.PReLU)}
    assert len(slopes) == 1


LAYOUT_NAMES = ["MSSNet-S", "MSSNet", "MSSNet-L"]


@pytest.fixture(scope="module")
def layouts() -> dict:
    return json.loads(shared_path("mssnet", "golden", "mssnet_layouts.json").read_text())


@pytest.mark.parametrize("variant", LAYOUT_NAMES)
def test_fresh_network_has_every_released_key_and_shape(layouts, variant: str) -> None:
    layout = layouts[variant]
    ctor = layout["ctor"]
    model = MSSNet(wf=ctor["wf"], scale=ctor["scale"], vscale=ctor["vscale"])
    state = model.state_dict()
    expected = {k: list(v) for k, v in layout["keys"].items()}
    assert list(state) == list(expected), "keys or their order differ from the released files"
    assert {k: list(v.shape) for k, v in state.items()} == expected
    assert sum(p.numel() for p in model.parameters()) == layout["num_parameters_unique"]


@pytest.mark.parametrize("variant", LAYOUT_NAMES)
def test_detection_reads_the_variant_back_from_shapes(layouts, variant: str) -> None:
    ctor = layouts[variant]["ctor"]
    torch.manual_seed(0)
    state = MSSNet(wf=ctor["wf"], scale=ctor["scale"], vscale=ctor["vscale"]).state_dict()
    config = config_from_state_dict(state)
    assert (config.wf, config.scale, config.vscale) == (ctor["wf"], ctor["scale"], ctor["vscale"])
    assert config.variant_name == variant
