"""The networks `train` can build: MSSNet (what we ship) and NAFNet (the study's comparison).

A network's size is a small frozen config. Both networks add their output to their input, so
zeroing the last convolutions ("tails") makes a fresh network start as the identity: the first
steps then learn the residual (the blur) instead of first unlearning random noise, which trained
about twice as fast in the recipe study (weights/README.md).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import nn

from cnaps_desktop.engine.arch.mssnet import MSSNet, MSSNetConfig

NAMED_CONFIGS: dict[str, MSSNetConfig] = {
    "S": MSSNetConfig(20, 40, 40),
    "base": MSSNetConfig(54, 42, 42),
    "L": MSSNetConfig(80, 50, 50),
}


@dataclass(frozen=True)
class NAFNetConfig:
    """NAFNet (Chen et al., ECCV 2022) widths; the defaults are a small CPU-friendly layout."""

    width: int = 16
    encoders: tuple[int, ...] = (1, 1, 2, 4)
    middle: int = 4
    decoders: tuple[int, ...] = (1, 1, 1, 1)

    def describe(self) -> str:
        return (
            f"NAFNet (width={self.width}, blocks {list(self.encoders)} / {self.middle} / "
            f"{list(self.decoders)})"
        )


NetworkConfig = MSSNetConfig | NAFNetConfig


def parse_config(text: str) -> NetworkConfig:
    """``S``, ``base``, ``L``, ``WF,SCALE,VSCALE`` (MSSNet) or ``nafnet`` / ``nafnet:WIDTH``."""
    if text in NAMED_CONFIGS:
        return NAMED_CONFIGS[text]
    if text == "nafnet":
        return NAFNetConfig()
    if text.startswith("nafnet:") and text[7:].isdigit() and int(text[7:]) > 0:
        return NAFNetConfig(width=int(text[7:]))
    parts = text.split(",")
    if len(parts) == 3 and all(p.strip().isdigit() and int(p) > 0 for p in parts):
        return MSSNetConfig(*(int(p) for p in parts))
    raise ValueError(
        f"'{text}' is not a model size; expected S, base, L, WF,SCALE,VSCALE or nafnet[:WIDTH]."
    )


def config_to_plain(config: NetworkConfig) -> dict[str, object]:
    """The config as plain values for a checkpoint's ``training`` dict."""
    if isinstance(config, NAFNetConfig):
        return {
            "network": "nafnet",
            "width": config.width,
            "encoders": list(config.encoders),
            "middle": config.middle,
            "decoders": list(config.decoders),
        }
    return {"network": "mssnet", "wf": config.wf, "scale": config.scale, "vscale": config.vscale}


def config_from_plain(plain: dict) -> NetworkConfig:
    if plain.get("network") == "nafnet":
        return NAFNetConfig(
            int(plain["width"]),
            tuple(int(n) for n in plain["encoders"]),
            int(plain["middle"]),
            tuple(int(n) for n in plain["decoders"]),
        )
    return MSSNetConfig(int(plain["wf"]), int(plain["scale"]), int(plain["vscale"]))


def build_network(config: NetworkConfig) -> nn.Module:
    if isinstance(config, NAFNetConfig):
        from cnaps_desktop.engine.arch.torchvision_compat import import_torchvision

        import_torchvision()  # spandrel imports torchvision
        from spandrel.architectures.NAFNet import NAFNet

        # spandrel's NAFNet layer norm uses an old autograd name; torch warns at every step.
        warnings.filterwarnings(
            "ignore", message="'saved_variables' is deprecated", category=DeprecationWarning
        )

        return NAFNet(
            width=config.width,
            enc_blk_nums=list(config.encoders),
            middle_blk_num=config.middle,
            dec_blk_nums=list(config.decoders),
        )
    return MSSNet(config.wf, config.scale, config.vscale)


def training_outputs(model: nn.Module, blurred: torch.Tensor) -> list[torch.Tensor]:
    """Every output the loss scores: MSSNet's six stage outputs, NAFNet's one."""
    if isinstance(model, MSSNet):
        return model.forward_train(blurred)
    return [model(blurred)]


def output_convolutions(model: nn.Module) -> list[nn.Conv2d]:
    """The convolutions whose output is added to the input image (the "tails")."""
    if isinstance(model, MSSNet):
        tails = [model.tail1_1.tail, model.tail2_1.tail, model.tail2_2.tail]
        return [*tails, model.tail3_1, model.tail3_2, model.tail3_3]
    ending = getattr(model, "ending", None)
    if isinstance(ending, nn.Conv2d):
        return [ending]
    raise TypeError(f"{type(model).__name__} has no known output convolution.")


@torch.no_grad()
def zero_init_tails(model: nn.Module) -> None:
    """Make a fresh network the identity: every output convolution gives zeros."""
    for conv in output_convolutions(model):
        conv.weight.zero_()
        if conv.bias is not None:
            conv.bias.zero_()
