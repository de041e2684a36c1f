"""What a video restoration is asked to do (:class:`VideoOptions`) and what it did
(:class:`VideoFacts`), plus the table of output codecs.

Plain frozen dataclasses without PyAV or torch, so the CLI and the GUI can build and show them
without loading either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.engine.errors import VideoError

if TYPE_CHECKING:
    from cnaps_desktop.engine.options import RestoreOptions


@dataclass(frozen=True)
class OutputCodec:
    """One way to write the restored frames."""

    name: str
    """What people type: "h264", "h265", "ffv1", "prores"."""
    encoder: str
    """FFmpeg encoder name."""
    pixel_format: str
    """Pixel format handed to the encoder."""
    suffixes: tuple[str, ...]
    """Output file suffixes whose container takes this codec; the first is the default."""
    uses_crf: bool
    description: str


OUTPUT_CODECS: dict[str, OutputCodec] = {
    "h264": OutputCodec(
        "h264",
        "libx264",
        "yuv420p",
        (".mp4", ".mov", ".mkv", ".m4v"),
        uses_crf=True,
        description="H.264 (plays everywhere; quality set by CRF)",
    ),
    "h265": OutputCodec(
        "h265",
        "libx265",
        "yuv420p",
        (".mp4", ".mov", ".mkv"),
        uses_crf=True,
        description="H.265/HEVC (smaller files at the same quality; slower to encode)",
    ),
    "ffv1": OutputCodec(
        "ffv1",
        "ffv1",
        "bgr0",
        (".mkv",),
        uses_crf=False,
        description="FFV1 lossless: the restored RGB pixels exactly, for further editing",
    ),
    "prores": OutputCodec(
        "prores",
        "prores_ks",
        "yuv422p10le",
        (".mov",),
        uses_crf=False,
        description="ProRes 422 HQ (near-lossless 10-bit, for editing software)",
    ),
}

# "lossless" is the name people look for; it means FFV1.
CODEC_ALIASES = {"lossless": "ffv1", "hevc": "h265", "avc": "h264"}

DEFAULT_CRF = {"h264": 18, "h265": 20}
"""Visually transparent for most restored footage; lower is better and larger (0-51)."""


def output_codec(name: str) -> OutputCodec:
    """The codec for a name or alias; raises :class:`VideoError` for an unknown one."""
    key = CODEC_ALIASES.get(name.lower(), name.lower())
    codec = OUTPUT_CODECS.get(key)
    if codec is None:
        known = ", ".join([*OUTPUT_CODECS, *CODEC_ALIASES])
        raise VideoError(
            f"'{name}' is not an output video codec we write; expected one of {known}."
        )
    return codec


@dataclass(frozen=True)
class VideoOptions:
    """How to restore one video. Defaults give an mp4 with H.264 at CRF 18."""

    codec: str = "h264"
    """"h264", "h265", "ffv1" (alias "lossless") or "prores"; see :data:`OUTPUT_CODECS`."""
    crf: int | None = None
    """Quality for H.264/H.265 (0-51, lower is better); None = :data:`DEFAULT_CRF`."""
    preset: str = "medium"
    """x264/x265 speed preset ("ultrafast" ... "veryslow")."""
    start_frame: int | None = None
    """First frame to restore (0-based); None = the first."""
    end_frame: int | None = None
    """Frame to stop before (exclusive); None = to the end."""
    start_time: float | None = None
    """Alternative to start_frame: first frame shown at or after this many seconds."""
    end_time: float | None = None
    """Alternative to end_frame: stop before frames shown at or after this many seconds."""
    resume: bool = False
    """Continue a previous interrupted run of the same job, and keep finished work on cancel."""
    segment_frames: int = 120
    """Frames per independently encoded segment: the unit a resumed job keeps (and the longest
    keyframe interval)."""
    batch_size: int | None = None
    """Frames per model call; None = 1 on a CPU, more on a GPU when a whole frame fits."""
    queue_frames: int = 8
    """Frames held between decoding, the model and encoding (bounds memory)."""
    restore: RestoreOptions | None = None
    """Per-frame restore options (device, precision, tile) passed to ``restore_array``."""

    def __post_init__(self) -> None:
        output_codec(self.codec)  # validates the name
        if self.crf is not None and not 0 <= self.crf <= 51:
            raise VideoError(f"CRF must be between 0 and 51, got {self.crf}.")
        if self.segment_frames < 1 or self.queue_frames < 1:
            raise VideoError("segment_frames and queue_frames must be at least 1.")
        if self.batch_size is not None and self.batch_size < 1:
            raise VideoError(f"batch size must be at least 1, got {self.batch_size}.")
        uses_frames = self.start_frame is not None or self.end_frame is not None
        uses_time = self.start_time is not None or self.end_time is not None
        if uses_frames and uses_time:
            raise VideoError("give a frame range or a time range, not both.")
        _check_range(self.start_frame, self.end_frame, "frame")
        _check_range(self.start_time, self.end_time, "time")

    @property
    def output(self) -> OutputCodec:
        return output_codec(self.codec)

    @property
    def effective_crf(self) -> int | None:
        codec = self.output
        if not codec.uses_crf:
            return None
        return self.crf if self.crf is not None else DEFAULT_CRF[codec.name]

    @property
    def has_range(self) -> bool:
        return any(
            v is not None
            for v in (self.start_frame, self.end_frame, self.start_time, self.end_time)
        )


def _check_range(start: float | None, end: float | None, what: str) -> None:
    if start is not None and start < 0:
        raise VideoError(f"the start {what} must not be negative, got {start}.")
    if start is not None and end is not None and end <= start:
        raise VideoError(f"the end {what} ({end}) must come after the start {what} ({start}).")


@dataclass(frozen=True)
class StreamNote:
    """What happened to one non-video stream of the input."""

    kind: str
    """"audio", "subtitle" or "data"."""
    codec: str
    action: str
    """"copied", "re-encoded to aac" or "dropped: <why>"."""
    title: str | None = None
    """The input stream's title ("Commentary"), if it had one."""
    title_kept: bool = True
    """False when the written file was read back and the title was not there."""

    @property
    def dropped(self) -> bool:
        return self.action.startswith("dropped")

    def describe(self) -> str:
        named = f' "{self.title}"' if self.title else ""
        text = f"{self.kind}{named} ({self.codec}): {self.action}"
        if self.title and not self.title_kept and not self.dropped:
            text += ", its title could not be kept"
        return text


@dataclass(frozen=True)
class VideoFacts:
    """What one video restoration did, for the summary line and the side pane."""

    input_path: Path
    output_path: Path
    frames: int
    """Frames in the output."""
    restored_frames: int
    """Frames the model ran on in this run (fewer than ``frames`` when a job was resumed)."""
    resumed_frames: int
    """Frames taken from the finished part of an earlier interrupted run."""
    frame_rate: float
    """Average frames per second of the output (the input's own timing is kept per frame)."""
    variable_frame_rate: bool
    input_size: tuple[int, int]
    """(width, height) of the input frames."""
    output_size: tuple[int, int]
    """(width, height) of the encoded frames (see ``padded``)."""
    padded: bool
    """True when an odd width or height was padded by one repeated pixel row/column for a
    4:2:0 encoder."""
    input_codec: str
    output_codec: str
    rotation: int
    """Display rotation in degrees (counter-clockwise) carried over from the input."""
    streams: tuple[StreamNote, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    frames_per_second: float = 0.0
    """Throughput of this run (restored frames over wall time)."""
    batch_size: int = 1
    full_chroma: bool = False
    """True when an odd size was kept exactly by coding full-resolution chroma (4:4:4), which
    some hardware players cannot decode."""

    @property
    def audio_kept(self) -> bool:
        return any(n.kind == "audio" and not n.action.startswith("dropped") for n in self.streams)
