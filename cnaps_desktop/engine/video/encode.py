"""Encode restored RGB frames into one self-contained segment file.

A long video is written as a run of segments (see ``video_resume``); each starts with a keyframe
and is finished and renamed into place before it counts, so an interrupted job keeps every
finished segment. ``video_assemble`` later copies their packets, unchanged, into the final file.

Odd sizes: 4:2:0 (H.264, H.265) and 4:2:2 (ProRes 422) chroma cannot code an odd width (4:2:0
not an odd height either), and their bitstream cropping works in steps of two pixels. So a video
of odd size is encoded with full-resolution chroma at its exact size: H.264 High 4:4:4, H.265
Main 4:4:4 (RExt) or ProRes 4444. Players show the exact size; some hardware decoders (phones,
browsers) cannot play 4:4:4, and the summary says it. FFV1 stores RGB and keeps any size.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from cnaps_desktop.engine.errors import VideoError
from cnaps_desktop.engine.pixels import round_up
from cnaps_desktop.engine.video.options import OutputCodec
from cnaps_desktop.engine.video.probe import CONVERSION_FLAGS, ColourFacts
from cnaps_desktop.engine.video.x264_cpu import x264_params

# Container used for segment files: one that keeps decoding timestamps (mp4/mov) for codecs with
# reordered frames, Matroska for the intra-only FFV1.
_SEGMENT_FORMAT = {"h264": ("mp4", ".mp4"), "h265": ("mp4", ".mp4"), "prores": ("mov", ".mov")}
_SEGMENT_FORMAT["ffv1"] = ("matroska", ".mkv")

# Width and height steps that chroma subsampling imposes on a pixel format.
_CHROMA_STEP = {"yuv420p": (2, 2), "yuv422p10le": (2, 1)}
# The full-chroma pixel format each codec uses for a frame of odd size.
FULL_CHROMA = {"yuv420p": "yuv444p", "yuv422p10le": "yuv444p10le"}

# libx265 refuses or crashes on pictures smaller than one 64-pixel coding tree unit.
H265_MIN_SIZE = 64
RGB_PIXEL_FORMATS = frozenset({"bgr0"})
_RGB_COLORSPACE = 0  # AVCOL_SPC_RGB
_FULL_RANGE = 2


@dataclass(frozen=True)
class EncodePlan:
    """Everything every segment of one job shares, so segments fit together exactly."""

    codec: OutputCodec
    crf: int | None
    preset: str
    time_base: Fraction
    frame_rate: Fraction
    colour: ColourFacts
    width: int
    """Width of the restored frames (before padding)."""
    height: int

    def __post_init__(self) -> None:
        if self.codec.name == "h265" and min(self.width, self.height) < H265_MIN_SIZE:
            raise VideoError(
                f"frames of {self.width}x{self.height} are too small for H.265 (it needs at "
                f"least {H265_MIN_SIZE}x{H265_MIN_SIZE}); choose H.264 or lossless instead."
            )

    @property
    def pixel_format(self) -> str:
        """The codec's usual format, or full chroma when the size does not fit its steps."""
        usual = self.codec.pixel_format
        step_w, step_h = _CHROMA_STEP.get(usual, (1, 1))
        if self.width % step_w or self.height % step_h:
            return FULL_CHROMA[usual]
        return usual

    @property
    def full_chroma(self) -> bool:
        """True when an odd size made this plan use 4:4:4 instead of the codec's usual format."""
        return self.pixel_format != self.codec.pixel_format

    @property
    def padded_size(self) -> tuple[int, int]:
        step_w, step_h = _CHROMA_STEP.get(self.pixel_format, (1, 1))
        return round_up(self.width, step_w), round_up(self.height, step_h)

    @property
    def padded(self) -> bool:
        return self.padded_size != (self.width, self.height)

    @property
    def segment_suffix(self) -> str:
        return _SEGMENT_FORMAT[self.codec.name][1]

    @property
    def segment_format(self) -> str:
        return _SEGMENT_FORMAT[self.codec.name][0]


def mp4_timescale(time_base: Fraction) -> int:
    """The track timescale the mp4/mov muxer picks for ``time_base`` (it doubles small ones)."""
    scale = time_base.denominator
    while scale < 10000:
        scale *= 2
    return scale


#: Muxer options for every file written: no random identifiers or dates (Matroska writes both
#: unless told), so the same packets always make the same file.
BITEXACT = {"fflags": "+bitexact"}


def muxer_options(plan: EncodePlan) -> dict[str, str]:
    if plan.segment_format in {"mp4", "mov"}:
        # A movie timescale equal to the track's keeps edit lists exact: with the default
        # (1000) a segment starting part-way through would shift by a rounding error.
        return BITEXACT | {"movie_timescale": str(mp4_timescale(plan.time_base))}
    return dict(BITEXACT)


def encoder_options(plan: EncodePlan) -> dict[str, str]:
    name = plan.codec.name
    if name == "h264":
        options = {"crf": str(plan.crf), "preset": plan.preset}
        params = x264_params()  # same frames, same bits (see x264_cpu)
        return options | {"x264-params": params} if params else options
    if name == "h265":
        return {"crf": str(plan.crf), "preset": plan.preset, "x265-params": "log-level=error"}
    if name == "ffv1":
        # Version 3 with slices and per-slice checksums: the usual archival settings.
        return {"level": "3", "slicecrc": "1", "g": "1"}
    return {"profile": "4" if plan.full_chroma else "3"}  # ProRes 4444 or 422 HQ


class SegmentEncoder:
    """Writes frames to ``path`` (a temporary name) and renames it to ``final_path`` on finish."""

    def __init__(self, plan: EncodePlan, path: Path, final_path: Path) -> None:
        self.plan = plan
        self.path = path
        self.final_path = final_path
        self.frames = 0
        self._container = av.open(
            str(path), mode="w", format=plan.segment_format, options=muxer_options(plan)
        )
        stream = self._container.add_stream(plan.codec.encoder, rate=plan.frame_rate)
        width, height = plan.padded_size
        stream.width = width
        stream.height = height
        stream.pix_fmt = plan.pixel_format
        stream.time_base = plan.time_base
        stream.codec_context.time_base = plan.time_base
        stream.options = encoder_options(plan)
        _tag_colour(stream.codec_context, plan)
        self._stream = stream
        self._last_dts: int | None = None
        self._frame_ticks = max(1, round(1 / (plan.frame_rate * plan.time_base)))

    def write(self, rgb: np.ndarray, pts: int, duration: int | None) -> None:
        frame = rgb_to_frame(rgb, self.plan)
        frame.pts = pts
        frame.time_base = self.plan.time_base
        if duration:
            frame.duration = duration
        for packet in self._stream.encode(frame):
            self._mux(packet)
        self.frames += 1

    def _mux(self, packet: av.Packet) -> None:
        """Mux with a sane decoding timestamp. libx265 leaves the first one uninitialised in a
        segment shorter than its reorder delay; any out-of-order value is clamped so decoding
        timestamps rise strictly and never pass the presentation timestamp."""
        dts, pts = packet.dts, packet.pts
        if pts is not None:
            longest_delay = 16 * self._frame_ticks
            if dts is None or dts > pts or pts - dts > longest_delay:
                dts = pts if self._last_dts is None else min(pts, self._last_dts + 1)
        if dts is not None and self._last_dts is not None and dts <= self._last_dts:
            dts = self._last_dts + 1
        packet.dts = dts
        self._last_dts = dts
        self._container.mux(packet)

    def finish(self) -> Path:
        """Flush the encoder, close the file and move it to its final name."""
        for packet in self._stream.encode(None):
            self._mux(packet)
        self._container.close()
        self.path.replace(self.final_path)
        return self.final_path

    def abort(self) -> None:
        """Close and delete the unfinished file."""
        with contextlib.suppress(av.FFmpegError, OSError):  # the file goes anyway
            self._container.close()
        self.path.unlink(missing_ok=True)


def pad_to(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Repeat the last column/row so the frame is ``width`` x ``height``."""
    pad_h, pad_w = height - rgb.shape[0], width - rgb.shape[1]
    if pad_h == 0 and pad_w == 0:
        return rgb
    return np.pad(rgb, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")


def rgb_to_frame(rgb: np.ndarray, plan: EncodePlan) -> av.VideoFrame:
    """An RGB uint8 frame converted for the encoder with the input's matrix and range."""
    width, height = plan.padded_size
    source = av.VideoFrame.from_ndarray(
        np.ascontiguousarray(pad_to(rgb, width, height)), format="rgb24"
    )
    if plan.pixel_format in RGB_PIXEL_FORMATS:
        frame = source.reformat(format=plan.pixel_format)  # reorders bytes only
    else:
        frame = source.reformat(
            format=plan.pixel_format,
            dst_colorspace=plan.colour.matrix,
            src_color_range="JPEG",
            dst_color_range=plan.colour.swscale_range,
            interpolation=CONVERSION_FLAGS,
        )
    return frame


def _tag_colour(context: av.codec.context.CodecContext, plan: EncodePlan) -> None:
    colour = plan.colour
    context.color_primaries = colour.color_primaries
    context.color_trc = colour.color_trc
    if plan.pixel_format in RGB_PIXEL_FORMATS:
        context.colorspace = _RGB_COLORSPACE
        context.color_range = _FULL_RANGE
    else:
        context.colorspace = colour.colorspace
        context.color_range = colour.color_range
