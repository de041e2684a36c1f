"""The building blocks of MSSNet (ARCHITECTURE.md section 2).

No block has a bias and every residual block uses one PReLU slope shared by the whole network, so
the PReLU module is created once by the network and handed to each block. Module attribute names
and ``nn.Sequential`` positions are chosen so that state-dict keys match the released files.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def conv3x3(in_channels: int, out_channels: int) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False)


def conv1x1(in_channels: int, out_channels: int) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)


def resize_bilinear(x: torch.Tensor, factor: float, align_corners: bool = False) -> torch.Tensor:
    """Bilinear resize by an exact factor; sizes are always exact multiples in MSSNet."""
    height, width = x.shape[-2:]
    size = (round(height * factor), round(width * factor))
    return F.interpolate(x, size=size, mode="bilinear", align_corners=align_corners)


class BilinearResize(nn.Module):
    """Parameter-free resize; it occupies index 0 of the official ``nn.Sequential`` blocks."""

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return resize_bilinear(x, self.factor)


class ResBlock(nn.Module):
    """y = x + conv(PReLU(conv(x))), with the network-wide shared PReLU."""

    def __init__(self, channels: int, act: nn.PReLU) -> None:
        super().__init__()
        self.body = nn.Sequential(conv3x3(channels, channels), act, conv3x3(channels, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def two_res_blocks(channels: int, act: nn.PReLU) -> nn.Sequential:
    return nn.Sequential(ResBlock(channels, act), ResBlock(channels, act))


class Down(nn.Module):
    """Halve the resolution (exact 2x2 mean), then a 1x1 convolution to the next width."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.down = nn.Sequential(BilinearResize(0.5), conv1x1(in_channels, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(x)


class Up(nn.Module):
    """Double the resolution, 1x1 convolution to the narrower width, add the skip feature."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.up = nn.Sequential(BilinearResize(2.0), conv1x1(in_channels, out_channels))

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.up(x) + skip


class ScaleUp(nn.Module):
    """Carry a coarse scale's feature to the next scale: bilinear x2, then 1x1 convolution."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.scaleUp = nn.Sequential(BilinearResize(2.0), conv1x1(channels, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scaleUp(x)


class PixelShuffleTail(nn.Module):
    """3x3 convolution to 12 channels, then depth-to-space: a 3-channel image at 2x resolution."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.tail = conv3x3(channels, 12)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pixel_shuffle(self.tail(x), 2)


class Encoder(nn.Module):
    """Three-level encoder; with ``csff`` it adds the previous stage's features per level."""

    def __init__(self, widths: tuple[int, int, int], act: nn.PReLU, csff: bool) -> None:
        super().__init__()
        c1, c2, c3 = widths
        self.encoder_level1 = two_res_blocks(c1, act)
        self.encoder_level2 = two_res_blocks(c2, act)
        self.encoder_level3 = two_res_blocks(c3, act)
        self.down12 = Down(c1, c2)
        self.down23 = Down(c2, c3)
        self.csff = csff
        if csff:
            self.csff_enc1 = conv1x1(c1, c1)
            self.csff_enc2 = conv1x1(c2, c2)
            self.csff_enc3 = conv1x1(c3, c3)
            self.csff_dec1 = conv1x1(c1, c1)
            self.csff_dec2 = conv1x1(c2, c2)
            self.csff_dec3 = conv1x1(c3, c3)

    def forward(
        self,
        x: torch.Tensor,
        previous_encoder: list[torch.Tensor] | None = None,
        previous_decoder: list[torch.Tensor] | None = None,
    ) -> list[torch.Tensor]:
        fuse = self.csff and previous_encoder is not None and previous_decoder is not None
        e1 = self.encoder_level1(x)
        if fuse:
            e1 = e1 + self.csff_enc1(previous_encoder[0]) + self.csff_dec1(previous_decoder[0])
        e2 = self.encoder_level2(self.down12(e1))
        if fuse:
            e2 = e2 + self.csff_enc2(previous_encoder[1]) + self.csff_dec2(previous_decoder[1])
        e3 = self.encoder_level3(self.down23(e2))
        if fuse:
            e3 = e3 + self.csff_enc3(previous_encoder[2]) + self.csff_dec3(previous_decoder[2])
        return [e1, e2, e3]


class Decoder(nn.Module):
    """Three-level decoder with residual-block skip connections (named ``skip_attn`` upstream)."""

    def __init__(self, widths: tuple[int, int, int], act: nn.PReLU) -> None:
        super().__init__()
        c1, c2, c3 = widths
        self.decoder_level1 = two_res_blocks(c1, act)
        self.decoder_level2 = two_res_blocks(c2, act)
        self.decoder_level3 = two_res_blocks(c3, act)
        self.skip_attn1 = ResBlock(c1, act)
        self.skip_attn2 = ResBlock(c2, act)
        self.up32 = Up(c3, c2)
        self.up21 = Up(c2, c1)

    def forward(self, encoded: list[torch.Tensor]) -> list[torch.Tensor]:
        e1, e2, e3 = encoded
        d3 = self.decoder_level3(e3)
        d2 = self.decoder_level2(self.up32(d3, self.skip_attn2(e2)))
        d1 = self.decoder_level1(self.up21(d2, self.skip_attn1(e1)))
        return [d1, d2, d3]
