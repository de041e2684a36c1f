"""Restore an image array with a loaded model: channels, padding, tiles, precision, rounding.

``restore_array`` takes what image files hold (H x W or H x W x C with C in 1/2/3/4; uint8, uint16
or float) and gives back the same kind of array, restored and ``scale`` times larger. Pixels become
float in [0, 1] and go back in :mod:`cnaps_desktop.engine.pixels`: uint8 and uint16 are rounded to
nearest, floats are left unclipped. Alpha is never shown to the model: it is kept as it was, and
resized for upscalers. :class:`ModelCall` is the one place the network runs: on tiles here, and on
several whole frames at once for video.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.device import describe_device, release_device_memory, true_float32
from cnaps_desktop.engine.errors import DeviceError, UnsupportedImageError
from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.pixels import (
    Box,
    from_unit_float,
    pad_to_multiple,
    round_up,
    to_unit_float,
)
from cnaps_desktop.engine.tiling import (
    Window,
    choose_tile,
    estimate_bytes_per_pixel,
    minimum_tile,
    plan_windows,
    round_down,
    run_windows,
)

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel


def restore_array(
    loaded: LoadedModel,
    pixels: np.ndarray,
    options: RestoreOptions | None = None,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> np.ndarray:
    """The whole image, restored; same dtype and channels, height and width times the scale."""
    return restore_pixels(loaded, pixels, options, token, progress).pixels


def restore_region(
    loaded: LoadedModel,
    pixels: np.ndarray,
    box: Box,
    options: RestoreOptions | None = None,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> np.ndarray:
    """Restore only ``box`` = (left, top, right, bottom) of ``pixels``; returns the box's pixels.

    The model sees the box plus at least ``options.tile_overlap`` pixels of surrounding context on
    each side (clipped at the image border), on the model's pixel grid, and MSSNet gets its crop
    of the whole image's half-size input, so the result matches the whole-image run as closely as
    tiles do.
    """
    options = options or RestoreOptions()
    _check_pixels(pixels)
    height, width = pixels.shape[:2]
    left, top, right, bottom = box
    if not (0 <= left < right <= width and 0 <= top < bottom <= height):
        raise ValueError(f"box {box} does not lie inside the {width}x{height} image")
    context = max(0, options.tile_overlap)
    # Start the crop on the model's pixel grid (multiples of the size multiple), as tiles do.
    multiple = max(1, loaded.size_multiple)
    outer_left = max(0, left - context) // multiple * multiple
    outer_top = max(0, top - context) // multiple * multiple
    # End on the grid too (or at the image's edge), so the crop is padded as the whole image is.
    outer_right = min(width, round_up(right + context, multiple))
    outer_bottom = min(height, round_up(bottom + context, multiple))
    crop = pixels[outer_top:outer_bottom, outer_left:outer_right]
    frame_half = None
    if crop.shape[:2] != pixels.shape[:2]:
        frame_half = _frame_half_for_crop(loaded, pixels, outer_top, outer_left, crop.shape)
    restored = _restore(loaded, crop, options, token, progress, frame_half).pixels
    s = loaded.scale
    return restored[
        (top - outer_top) * s : (bottom - outer_top) * s,
        (left - outer_left) * s : (right - outer_left) * s,
    ]


# ----------------------------------------------------------------------------- channels
def split_alpha(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(colour H x W x 1|3, alpha H x W x 1 or None) from H x W or H x W x C."""
    if pixels.ndim == 2:
        return pixels[:, :, None], None
    channels = pixels.shape[2]
    if channels in (2, 4):
        return pixels[:, :, : channels - 1], pixels[:, :, channels - 1 :]
    return pixels, None


def resize_alpha(alpha: np.ndarray, scale: int) -> np.ndarray:
    """Alpha as it was, or resized (bicubic, clipped) for a model that upscales."""
    if scale == 1:
        return alpha
    tensor = torch.from_numpy(to_unit_float(alpha)).permute(2, 0, 1)[None]
    resized = F.interpolate(tensor, scale_factor=scale, mode="bicubic", align_corners=False)
    values = resized[0].permute(1, 2, 0).numpy()
    if alpha.dtype.kind == "f":
        return values.astype(alpha.dtype)
    return from_unit_float(values, alpha.dtype)


def _check_pixels(pixels: np.ndarray) -> None:
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] not in (1, 2, 3, 4)):
        raise UnsupportedImageError(
            f"an image of shape {pixels.shape} cannot be restored; expected H x W or H x W x C "
            "with 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels."
        )
    if pixels.dtype not in (np.uint8, np.uint16) and pixels.dtype.kind != "f":
        raise UnsupportedImageError(
            f"pixels of type {pixels.dtype} cannot be restored; expected uint8, uint16 or float."
        )
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise UnsupportedImageError("an empty image cannot be restored.")


# ----------------------------------------------------------------------------- the model run
@dataclass(frozen=True)
class Restored:
    """Restored pixels, and how they were made."""

    pixels: np.ndarray
    tiles: int
    tile_size: int | None
    """Tile edge in input pixels, or None when the whole image ran in one piece."""


def restore_pixels(
    loaded: LoadedModel,
    pixels: np.ndarray,
    options: RestoreOptions | None = None,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> Restored:
    """:func:`restore_array`, also telling how many tiles of which size it took."""
    return _restore(loaded, pixels, options or RestoreOptions(), token, progress, None)


def _restore(
    loaded: LoadedModel,
    pixels: np.ndarray,
    options: RestoreOptions,
    token: CancelToken | None,
    progress: ProgressCallback | None,
    frame_half: torch.Tensor | None,
) -> Restored:
    _check_pixels(pixels)
    colour, alpha = split_alpha(pixels)
    result = restore_colour(loaded, colour, options, token, progress, frame_half)
    restored = result.pixels
    if alpha is not None:
        restored = np.concatenate([restored, resize_alpha(alpha, loaded.scale)], axis=2)
    if pixels.ndim == 2:
        restored = restored[:, :, 0]
    return Restored(restored, result.tiles, result.tile_size)


def restore_colour(
    loaded: LoadedModel,
    colour: np.ndarray,
    options: RestoreOptions,
    token: CancelToken | None,
    progress: ProgressCallback | None,
    frame_half: torch.Tensor | None = None,
) -> Restored:
    """Colour planes (H x W x 1|3, any supported dtype) -> restored, same dtype, x scale.

    The tile comes from the options or the memory budget; when the device still runs out of
    memory, the tile is halved and the image starts again. ``frame_half``: MSSNet's half-size
    input for this (padded) image when it is a crop of a larger one (see restore_region).
    """
    height, width, channels = colour.shape
    scale = loaded.scale
    model_call = ModelCall(loaded)
    context = max(0, options.tile_overlap)
    tile = choose_tile(
        height,
        width,
        bytes_per_pixel=estimate_bytes_per_pixel(loaded.model, scale, loaded.dtype),
        device=loaded.device,
        multiple=model_call.multiple,
        context=context,
        requested=options.tile,
        image_bytes=_image_bytes(height, width, channels, scale, colour.itemsize),
    )
    while True:
        try:
            return _run_tiles(model_call, colour, tile, context, token, progress, frame_half)
        except torch.OutOfMemoryError as error:
            tried = tile or max(height, width)
            tile = round_down(tried // 2, model_call.multiple)
            if tile < minimum_tile(context, model_call.multiple):
                raise DeviceError(
                    f"{describe_device(loaded.device)} ran out of memory even with "
                    f"{tried} px tiles; choose the CPU or close other programs."
                ) from error
            release_device_memory(loaded.device)


def _run_tiles(
    model_call: ModelCall,
    colour: np.ndarray,
    tile: int | None,
    context: int,
    token: CancelToken | None,
    progress: ProgressCallback | None,
    frame_half: torch.Tensor | None = None,
) -> Restored:
    height, width, channels = colour.shape
    scale = model_call.scale
    # Pad the image once (not each tile), so that tiles see the same borders as the whole image.
    padded = pad_to_multiple(colour, model_call.multiple)
    padded_height, padded_width = padded.shape[:2]
    windows = plan_windows(
        padded_height,
        padded_width,
        tile or max(padded_height, padded_width),
        context,
        align=model_call.multiple,
    )
    output = np.empty((padded_height * scale, padded_width * scale, channels), dtype=np.float32)
    output.fill(0.0)  # touch every page now, so memory use is known before the first tile runs

    half = frame_half if model_call.takes_half_input else None
    if half is None and len(windows) > 1 and model_call.takes_half_input:
        half = model_call.whole_frame_half(padded)  # windows start at multiples of 16

    def restore_window(window: Window) -> np.ndarray:
        piece = padded[window.top : window.bottom, window.left : window.right]
        half_piece = None
        if half is not None:
            half_piece = half[
                :, :, window.top // 2 : window.bottom // 2, window.left // 2 : window.right // 2
            ]
        return model_call(to_unit_float(piece)[None], half_piece)[0]

    run_windows(windows, restore_window, output, scale, token, progress)
    output = output[: height * scale, : width * scale]
    return Restored(from_unit_float(output, colour.dtype, in_place=True), len(windows), tile)


def _frame_half_for_crop(
    loaded: LoadedModel, pixels: np.ndarray, top: int, left: int, crop_shape: tuple[int, ...]
) -> torch.Tensor | None:
    """MSSNet's half-size input of the whole image, cut to a crop starting at (top, left) on the
    model's grid: the crop then sees the same half-size image as the whole-image run."""
    model_call = ModelCall(loaded)
    if not model_call.takes_half_input:
        return None
    colour, _ = split_alpha(pixels)
    half = model_call.whole_frame_half(pad_to_multiple(colour, model_call.multiple))
    crop_height = round_up(crop_shape[0], model_call.multiple)
    crop_width = round_up(crop_shape[1], model_call.multiple)
    return half[
        :, :, top // 2 : (top + crop_height) // 2, left // 2 : (left + crop_width) // 2
    ].contiguous()


def _image_bytes(height: int, width: int, channels: int, scale: int, itemsize: int) -> int:
    """Memory the image buffers take: input, float accumulator and output."""
    pixels_in, pixels_out = height * width * channels, height * width * channels * scale * scale
    return pixels_in * itemsize + pixels_out * (4 + itemsize)


class ModelCall:
    """Runs the network on float32 pieces in [0, 1]: channels, padding, device, precision, batch.

    A call takes N pieces of one size (N x H x W x C) and gives N x H*s x W*s x C float32 back.
    ``batch_size`` pieces go through the network at a time; when the device runs out of memory
    the batch is halved, and a single piece that still does not fit raises
    ``torch.OutOfMemoryError`` for the caller to cut smaller (tiles) or to take another path.
    """

    def __init__(self, loaded: LoadedModel, batch_size: int = 1) -> None:
        self.loaded = loaded
        self.model = prepare_for_inference(loaded)
        self.multiple = max(1, loaded.size_multiple)
        self.scale = loaded.scale
        self.batch_size = max(1, batch_size)
        self.in_channels = loaded.info.input_channels
        # MSSNet's half-size input depends on the frame size; tiles get the whole frame's.
        self.takes_half_input = loaded.info.takes_half_size_input

    def whole_frame_half(self, padded: np.ndarray) -> torch.Tensor:
        """The half-size model input of the whole (padded) image, 1 x 3 x H/2 x W/2, on the CPU."""
        image = torch.from_numpy(to_unit_float(padded)).permute(2, 0, 1)[None]
        with torch.inference_mode():
            return self.loaded.half_size_input(self._to_model_channels(image))

    def __call__(self, pieces: np.ndarray, halves: torch.Tensor | None = None) -> np.ndarray:
        """``pieces`` restored; ``halves``: their crops of the whole frame's half-size input."""
        outputs = []
        start = 0
        while start < len(pieces):
            end = start + self.batch_size
            half = halves[start:end] if halves is not None else None
            try:
                outputs.append(self._run(pieces[start:end], half))
            except torch.OutOfMemoryError:
                if self.batch_size == 1:
                    raise
                self.batch_size //= 2
                release_device_memory(self.loaded.device)
                continue
            start = end
        return outputs[0] if len(outputs) == 1 else np.concatenate(outputs)

    def _run(self, pieces: np.ndarray, halves: torch.Tensor | None) -> np.ndarray:
        count, height, width, channels = pieces.shape
        padded = torch.from_numpy(pad_to_multiple(pieces, self.multiple)).permute(0, 3, 1, 2)
        batch = self._to_device(self._to_model_channels(padded))
        with torch.inference_mode(), true_float32(self.loaded.device, self.loaded.dtype):
            if halves is not None and self.takes_half_input:
                result = self.model(batch, x_half=self._to_device(halves))
            else:
                result = self.model(batch)
        result = result[:, :, : height * self.scale, : width * self.scale]
        result = self._from_model_channels(result.float().cpu(), count, channels)
        return result.permute(0, 2, 3, 1).contiguous().numpy()

    def _to_device(self, batch: torch.Tensor) -> torch.Tensor:
        return batch.to(self.loaded.device, self.loaded.dtype).contiguous(
            memory_format=torch.channels_last
        )

    def _to_model_channels(self, batch: torch.Tensor) -> torch.Tensor:
        """N x C x H x W pieces -> the model's channels (grey models see colour planes apart)."""
        channels = batch.shape[1]
        if channels == self.in_channels:
            return batch
        if channels == 1 and self.in_channels == 3:
            return batch.expand(-1, 3, -1, -1)  # grey shown to an RGB model as R = G = B
        if channels == 3 and self.in_channels == 1:
            return batch.reshape(-1, 1, *batch.shape[2:])  # each plane through a grey model
        if channels == 3 and self.in_channels == 4:
            return torch.cat([batch, torch.ones_like(batch[:, :1])], dim=1)
        raise UnsupportedImageError(
            f"a model that takes {self.in_channels} channels cannot restore an image with "
            f"{channels}; expected a model for grey or RGB images."
        )

    def _from_model_channels(self, result: torch.Tensor, count: int, channels: int) -> torch.Tensor:
        """The model's output back to ``count`` x ``channels`` x H x W."""
        if result.shape[0] != count:  # colour planes that went through a grey model one by one
            result = result.reshape(count, -1, *result.shape[2:])
        if result.shape[1] == channels:
            return result
        if channels == 1:
            return result[:, :3].mean(dim=1, keepdim=True)
        return result[:, :channels]


def prepare_for_inference(loaded: LoadedModel) -> torch.nn.Module:
    """The model in channels-last layout (faster convolutions on CPU and GPU), done once."""
    model = loaded.model
    if not getattr(model, "_cnaps_prepared", False):
        model.to(memory_format=torch.channels_last)
        model._cnaps_prepared = True  # type: ignore[assignment]
    if loaded.device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    return model
