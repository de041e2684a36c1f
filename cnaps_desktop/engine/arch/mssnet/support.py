"""MSSNet as a spandrel architecture: detection from state-dict keys, variant from tensor shapes.

Import this module only through :func:`cnaps_desktop.engine.models.registry.architecture_registry`,
which makes sure spandrel (and the torchvision it imports) can load first.
"""

from __future__ import annotations

import torch
from spandrel import Architecture, ImageModelDescriptor, SizeRequirements
from spandrel.util import KeyCondition

from cnaps_desktop.engine.arch.mssnet.network import SIZE_MULTIPLE, MSSNet, config_from_state_dict
from cnaps_desktop.engine.errors import ModelMismatchError

ARCH_ID = "MSSNet"

# Keys that only MSSNet has; enough to tell it from every other architecture spandrel knows.
_DETECT_KEYS = (
    "shallow_feat1.0.weight",
    "shallow_feat3.0.weight",
    "E1_1.encoder_level1.0.body.0.weight",
    "D1_1.decoder_level1.0.body.0.weight",
    "fusion12.weight",
    "tail3_3.weight",
)


def check_state_dict_matches(model: torch.nn.Module, state_dict: dict[str, torch.Tensor]) -> None:
    """Raise :class:`ModelMismatchError` listing missing, unexpected and mis-shaped keys."""
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    given = {k: tuple(v.shape) for k, v in state_dict.items()}
    missing = sorted(expected.keys() - given.keys())
    unexpected = sorted(given.keys() - expected.keys())
    mismatched = sorted(
        f"{k} {given[k]} vs {expected[k]}"
        for k in expected.keys() & given.keys()
        if given[k] != expected[k]
    )
    if not (missing or unexpected or mismatched):
        return
    parts = []
    for label, keys in (
        ("missing", missing),
        ("unexpected", unexpected),
        ("mismatched", mismatched),
    ):
        if keys:
            shown = ", ".join(keys[:4]) + (f" and {len(keys) - 4} more" if len(keys) > 4 else "")
            parts.append(f"{len(keys)} {label} ({shown})")
    raise ModelMismatchError("looks like MSSNet but does not fit it: " + "; ".join(parts) + ".")


class MSSNetArch(Architecture[MSSNet]):
    def __init__(self) -> None:
        super().__init__(id=ARCH_ID, name="MSSNet", detect=KeyCondition.has_all(*_DETECT_KEYS))

    def load(self, state_dict: dict[str, torch.Tensor]) -> ImageModelDescriptor[MSSNet]:
        config = config_from_state_dict(state_dict)
        model = MSSNet(wf=config.wf, scale=config.scale, vscale=config.vscale)
        check_state_dict_matches(model, state_dict)
        return ImageModelDescriptor(
            model,
            state_dict,
            architecture=self,
            purpose="Restoration",
            tags=[config.variant_name, f"wf{config.wf}", f"s{config.scale}", f"v{config.vscale}"],
            supports_half=True,
            supports_bfloat16=True,
            scale=1,
            input_channels=3,
            output_channels=3,
            size_requirements=SizeRequirements(multiple_of=SIZE_MULTIPLE),
        )
