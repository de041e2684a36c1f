"""MSSNet: Multi-Scale-Stage Network for single-image deblurring (Kim, Lee, Cho, ECCV-W 2022).

Our own implementation of ../shared/mssnet/ARCHITECTURE.md. Three scales, coarse to fine; scale k
has k stages, each a small U-Net. Scales 1 and 2 see a space-to-depth (pixel-unshuffled) image.
Every stage predicts a residual that is added to the (possibly half-size) blurry input.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from cnaps_desktop.engine.arch.mssnet.blocks import (
    Decoder,
    Encoder,
    PixelShuffleTail,
    ResBlock,
    ScaleUp,
    conv3x3,
    resize_bilinear,
)

#: Input height and width must be multiples of this (scale 1 works at 1/16 of the input).
SIZE_MULTIPLE = 16


@dataclass(frozen=True)
class MSSNetConfig:
    """The three width hyper-parameters; level widths are wf, wf+scale, wf+scale+vscale."""

    wf: int = 54
    scale: int = 42
    vscale: int = 42

    @property
    def widths(self) -> tuple[int, int, int]:
        return (self.wf, self.wf + self.scale, self.wf + self.scale + self.vscale)

    @property
    def variant_name(self) -> str:
        return KNOWN_VARIANTS.get(self, "custom MSSNet")

    def describe(self) -> str:
        return f"{self.variant_name} (wf={self.wf}, scale={self.scale}, vscale={self.vscale})"


KNOWN_VARIANTS: dict[MSSNetConfig, str] = {
    MSSNetConfig(20, 40, 40): "MSSNet-S",
    MSSNetConfig(54, 42, 42): "MSSNet",
    MSSNetConfig(80, 50, 50): "MSSNet-L",
}


def config_from_state_dict(state_dict: dict[str, torch.Tensor]) -> MSSNetConfig:
    """Read wf/scale/vscale back from the level widths of the first encoder."""
    c1 = state_dict["E1_1.encoder_level1.0.body.0.weight"].shape[0]
    c2 = state_dict["E1_1.encoder_level2.0.body.0.weight"].shape[0]
    c3 = state_dict["E1_1.encoder_level3.0.body.0.weight"].shape[0]
    return MSSNetConfig(wf=c1, scale=c2 - c1, vscale=c3 - c2)


class MSSNet(nn.Module):
    """The network; ``forward`` is the inference path, ``forward_train`` returns all six outputs."""

    def __init__(self, wf: int = 54, scale: int = 42, vscale: int = 42) -> None:
        super().__init__()
        self.config = MSSNetConfig(wf, scale, vscale)
        widths = self.config.widths
        c1 = widths[0]
        # One slope for every residual block of the network (the released files store it under
        # each block's key). It is registered first inside shallow_feat1, never at the top level.
        act = nn.PReLU()

        # Registration order follows the released state dict (ARCHITECTURE.md section 6).
        self.shallow_feat1 = nn.Sequential(conv3x3(12, c1), ResBlock(c1, act))
        self.E1_1 = Encoder(widths, act, csff=False)
        self.D1_1 = Decoder(widths, act)
        self.tail1_1 = PixelShuffleTail(c1)

        self.shallow_feat2 = nn.Sequential(conv3x3(12, c1), ResBlock(c1, act))
        self.up_scale1_feat = ScaleUp(c1)
        self.fusion12 = conv3x3(2 * c1, c1)
        self.E2_1 = Encoder(widths, act, csff=True)
        self.D2_1 = Decoder(widths, act)
        self.E2_2 = Encoder(widths, act, csff=True)
        self.D2_2 = Decoder(widths, act)
        self.tail2_1 = PixelShuffleTail(c1)
        self.tail2_2 = PixelShuffleTail(c1)

        self.shallow_feat3 = nn.Sequential(conv3x3(3, c1), ResBlock(c1, act))
        self.up_scale2_feat = ScaleUp(c1)
        self.fusion23 = conv3x3(2 * c1, c1)
        self.E3_1 = Encoder(widths, act, csff=True)
        self.D3_1 = Decoder(widths, act)
        self.E3_2 = Encoder(widths, act, csff=True)
        self.D3_2 = Decoder(widths, act)
        self.E3_3 = Encoder(widths, act, csff=True)
        self.D3_3 = Decoder(widths, act)
        self.tail3_1 = conv3x3(c1, 3)
        self.tail3_2 = conv3x3(c1, 3)
        self.tail3_3 = conv3x3(c1, 3)

    def forward(self, x: torch.Tensor, x_half: torch.Tensor | None = None) -> torch.Tensor:
        """Deblur ``x`` (B x 3 x H x W, RGB in [0, 1], H and W multiples of 16).

        ``x_half`` optionally replaces the network's own half-size input. The half-size image is
        made with ``align_corners=True``, whose sampling grid depends on the frame size, so a tile
        of a large image only matches the whole-frame result if it is given its crop of the
        whole frame's half-size image (see :func:`half_size_input`).
        """
        return self._run(x, all_outputs=False, x_half=x_half)[-1]

    def forward_train(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The six stage outputs: one at half resolution, then five at full resolution."""
        return self._run(x, all_outputs=True)

    def _run(
        self, x: torch.Tensor, all_outputs: bool, x_half: torch.Tensor | None = None
    ) -> list[torch.Tensor]:
        outputs: list[torch.Tensor] = []
        if x_half is None:
            x_half = half_size_input(x)

        # Scale 1: one stage on the space-to-depth half-size image (features at H/4).
        feature = self.shallow_feat1(F.pixel_unshuffle(x_half, 2))
        enc = self.E1_1(feature)
        dec = self.D1_1(enc)
        if all_outputs:
            outputs.append(self.tail1_1(dec[0]) + x_half)

        # Scale 2: two stages on the space-to-depth full-size image (features at H/2).
        feature = self.shallow_feat2(F.pixel_unshuffle(x, 2))
        feature = self.fusion12(torch.cat([feature, self.up_scale1_feat(dec[0])], dim=1))
        enc, dec = _upsample_all(enc), _upsample_all(dec)
        for encoder, decoder, tail in (
            (self.E2_1, self.D2_1, self.tail2_1),
            (self.E2_2, self.D2_2, self.tail2_2),
        ):
            enc = encoder(feature, enc, dec)
            dec = decoder(enc)
            feature = dec[0]
            if all_outputs:
                outputs.append(tail(feature) + x)

        # Scale 3: three stages at full resolution with plain 3x3 tails.
        feature = self.shallow_feat3(x)
        feature = self.fusion23(torch.cat([feature, self.up_scale2_feat(dec[0])], dim=1))
        enc, dec = _upsample_all(enc), _upsample_all(dec)
        stages = (
            (self.E3_1, self.D3_1, self.tail3_1),
            (self.E3_2, self.D3_2, self.tail3_2),
            (self.E3_3, self.D3_3, self.tail3_3),
        )
        for index, (encoder, decoder, tail) in enumerate(stages):
            enc = encoder(feature, enc, dec)
            dec = decoder(enc)
            feature = dec[0]
            if all_outputs or index == len(stages) - 1:
                outputs.append(tail(feature) + x)
        return outputs


def half_size_input(x: torch.Tensor) -> torch.Tensor:
    """The half-size image scale 1 works on (bilinear x0.5 with align_corners=True)."""
    return resize_bilinear(x, 0.5, align_corners=True)


def _upsample_all(features: list[torch.Tensor]) -> list[torch.Tensor]:
    return [resize_bilinear(f, 2.0) for f in features]
