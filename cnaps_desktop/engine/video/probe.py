"""Open a video with PyAV and say what it holds; read single frames for previews.

Every way a file can fail to open becomes one :class:`VideoError` sentence naming the file.
Frames leave this module as RGB ``uint8`` arrays (HxWx3), converted with the colour matrix and
range the file declares, so the encoder can convert back with the same ones.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from cnaps_desktop.engine.errors import CorruptVideoError, UnsupportedVideoError, VideoError

VIDEO_SUFFIXES = frozenset(
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv", ".mpg", ".mpeg",
        ".ts", ".m2ts", ".mts", ".3gp", ".ogv", ".mxf", ".vob", ".dv", ".y4m",
    }
)  # fmt: skip
"""Lowercase suffixes treated as video. Anything FFmpeg reads works when opened directly."""

# FFmpeg's AVCOL_SPC_* values -> the matrix names swscale takes. Unspecified falls back to
# BT.601, swscale's own default, used the same way in both directions.
_MATRIX_FOR_COLORSPACE = {1: "ITU709", 4: "FCC", 5: "ITU601", 6: "ITU601", 7: "SMPTE240M"}
_MATRIX_FOR_COLORSPACE.update({9: "BT2020", 10: "BT2020"})
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG

# swscale's default fast paths shift colours by about two levels per RGB <-> YUV round trip;
# accurate rounding with full chroma interpolation brings that under half a level.
_INTERPOLATION = av.video.reformatter.Interpolation
CONVERSION_FLAGS = (
    _INTERPOLATION.BILINEAR
    | _INTERPOLATION.ACCURATE_RND
    | _INTERPOLATION.FULL_CHR_H_INT
    | _INTERPOLATION.FULL_CHR_H_INP
)


def is_video_path(path: str | Path) -> bool:
    """True when the file name ends in a video suffix (by name only; nothing is read)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


@dataclass(frozen=True)
class ColourFacts:
    """Colour tags of a stream, copied to the output, and the conversion they imply."""

    color_range: int = 0
    color_primaries: int = 2
    color_trc: int = 2
    colorspace: int = 2

    @property
    def full_range(self) -> bool:
        return self.color_range == _FULL_RANGE

    @property
    def matrix(self) -> str:
        return _MATRIX_FOR_COLORSPACE.get(self.colorspace, "ITU601")

    @property
    def swscale_range(self) -> str:
        return "JPEG" if self.full_range else "MPEG"


@dataclass(frozen=True)
class AudioStreamInfo:
    index: int
    codec: str
    sample_rate: int
    channels: int
    duration: float | None
    """Seconds, when the container says."""
    language: str | None = None
    title: str | None = None
    """The track's name ("Commentary"), from whichever tag the container uses for it."""


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds, for the GUI's file list, the side pane and the pipeline."""

    path: Path
    container: str
    codec: str
    width: int
    height: int
    frames: int
    """Frames counted from the container's packets (exact for every container we tried)."""
    frame_rate: float
    """Average frames per second."""
    variable_frame_rate: bool
    duration: float
    """Seconds from the first frame to the end of the last."""
    time_base: Fraction
    pixel_format: str
    rotation: int
    """Display rotation in degrees, counter-clockwise, from the display matrix (0 when none)."""
    colour: ColourFacts
    audio: tuple[AudioStreamInfo, ...] = field(default_factory=tuple)
    subtitles: tuple[str, ...] = field(default_factory=tuple)
    """Codec names of subtitle streams."""
    creation_time: str | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) as players show it, after the rotation."""
        return (self.height, self.width) if self.rotation % 180 else (self.width, self.height)


# ------------------------------------------------------------------ opening
@contextmanager
def open_video(path: str | Path) -> Iterator[av.container.InputContainer]:
    """Open ``path`` for reading; every failure becomes one clear :class:`VideoError`."""
    path = Path(path)
    if not path.is_file():
        raise VideoError(
            f"{path} does not exist or is not a file; expected a video file.", path=path
        )
    try:
        container = av.open(str(path), mode="r")
    except av.error.InvalidDataError as error:
        raise CorruptVideoError(
            f"{path.name} could not be read as a video: it is damaged, truncated or not a video "
            "file.",
            path=path,
        ) from error
    except av.FFmpegError as error:
        raise CorruptVideoError(
            f"{path.name} could not be opened as a video ({error}).", path=path
        ) from error
    try:
        video_stream(container, path)
        yield container
    finally:
        container.close()


def video_stream(container: av.container.InputContainer, path: Path) -> av.video.VideoStream:
    """The first video stream, checked for a decoder; a clear error when there is none."""
    streams = [s for s in container.streams.video if not _is_cover_art(s)]
    if not streams:
        if container.streams.audio:
            raise UnsupportedVideoError(
                f"{path.name} holds only audio (no video stream); expected a video file.",
                path=path,
            )
        raise UnsupportedVideoError(
            f"{path.name} holds no video stream; expected a video file.", path=path
        )
    stream = streams[0]
    codec_name = stream.codec_context.name if stream.codec_context else "unknown"
    if stream.codec_context is None or not stream.codec_context.is_decoder:
        raise UnsupportedVideoError(
            f"{path.name} uses a video codec ({codec_name}) that this build of FFmpeg cannot "
            "decode; expected H.264, H.265, VP9, AV1, ProRes, MPEG-4 or another common codec.",
            path=path,
        )
    return stream


def _is_cover_art(stream: av.video.VideoStream) -> bool:
    # Album art in audio files shows up as a one-picture "video" stream.
    return bool(stream.disposition & av.stream.Disposition.attached_pic)


def corrupt_while_reading(path: Path, error: Exception) -> CorruptVideoError:
    """The error for a file that opened but failed part-way through."""
    return CorruptVideoError(
        f"{path.name} is damaged or truncated: reading it failed part-way through ({error}).",
        path=path,
    )


# ------------------------------------------------------------------ facts
def probe_video(path: str | Path) -> VideoInfo:
    """Read the facts of a video: size, frame count and timing, codec, audio, rotation."""
    path = Path(path)
    timestamps = frame_timestamps(path)
    with open_video(path) as container:
        stream = video_stream(container, path)
        first = _first_frame(container, stream, path)
        time_base = stream.time_base or Fraction(1, 1000)
        frames = len(timestamps) or stream.frames
        duration = _duration_seconds(container, stream, timestamps)
        rate = frames / duration if duration > 0 else float(stream.average_rate or 0)
        return VideoInfo(
            path=path,
            container=container.format.name,
            codec=stream.codec_context.name,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            frames=frames,
            frame_rate=rate,
            variable_frame_rate=is_variable_rate(timestamps),
            duration=duration,
            time_base=time_base,
            pixel_format=stream.codec_context.pix_fmt or first.format.name,
            rotation=int(first.rotation or 0),
            colour=colour_facts(first),
            audio=tuple(_audio_info(s) for s in container.streams.audio),
            subtitles=tuple(s.codec_context.name for s in container.streams.subtitles),
            creation_time=container.metadata.get("creation_time"),
        )


@functools.lru_cache(maxsize=16)
def _timestamps_cached(path: Path, size: int, mtime_ns: int) -> tuple[int, ...]:
    with open_video(path) as container:
        stream = video_stream(container, path)
        stamps: list[int] = []
        try:
            for packet in container.demux(stream):
                stamp = packet.pts if packet.pts is not None else packet.dts
                if packet.size and stamp is not None:
                    stamps.append(stamp)
        except av.FFmpegError as error:
            raise corrupt_while_reading(path, error) from error
        if stream.frames > len(stamps):
            raise CorruptVideoError(
                f"{path.name} is truncated: its index lists {stream.frames} frames but only "
                f"{len(stamps)} are in the file.",
                path=path,
            )
    return tuple(sorted(stamps))


def frame_timestamps(path: str | Path) -> tuple[int, ...]:
    """Presentation timestamps of every frame, in the stream's time base, sorted.

    Read from the packets alone (no decoding), so it is quick even for long videos; cached per
    file version.
    """
    path = Path(path)
    if not path.is_file():
        raise VideoError(
            f"{path} does not exist or is not a file; expected a video file.", path=path
        )
    stat = path.stat()
    return _timestamps_cached(path.resolve(), stat.st_size, stat.st_mtime_ns)


def is_variable_rate(timestamps: tuple[int, ...]) -> bool:
    """True when frame intervals differ by more than one tick (rounding) anywhere."""
    if len(timestamps) < 3:
        return False
    intervals = np.diff(np.asarray(timestamps, dtype=np.int64))
    return bool(intervals.max() - intervals.min() > 1)


def _duration_seconds(
    container: av.container.InputContainer,
    stream: av.video.VideoStream,
    timestamps: tuple[int, ...],
) -> float:
    if len(timestamps) >= 2 and stream.time_base:
        step = (timestamps[-1] - timestamps[0]) / (len(timestamps) - 1)
        return float((timestamps[-1] - timestamps[0] + step) * stream.time_base)
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return container.duration / av.time_base if container.duration else 0.0


def _first_frame(
    container: av.container.InputContainer, stream: av.video.VideoStream, path: Path
) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.FFmpegError as error:
        raise corrupt_while_reading(path, error) from error
    raise CorruptVideoError(
        f"{path.name} holds a video stream without a single readable frame.", path=path
    )


def _audio_info(stream: av.audio.AudioStream) -> AudioStreamInfo:
    context = stream.codec_context
    duration = float(stream.duration * stream.time_base) if stream.duration else None
    return AudioStreamInfo(
        index=stream.index,
        codec=context.name,
        sample_rate=context.sample_rate or 0,
        channels=context.channels or 0,
        duration=duration,
        language=stream.metadata.get("language"),
        title=stream_title(stream.metadata),
    )


# What muxers write as a track's handler when nobody named it (not a title anyone chose).
_DEFAULT_HANDLERS = {"SoundHandler", "VideoHandler", "SubtitleHandler", "DataHandler"}
_DEFAULT_HANDLERS |= {"Core Media Audio", "Core Media Video", "ISO Media file produced by Google"}


def stream_title(metadata: dict[str, str]) -> str | None:
    """A stream's title: Matroska's "title", or MP4/MOV's track name ("name" in udta, or the
    handler name), skipping the handler names muxers write by default."""
    for key in ("title", "name", "handler_name", "HANDLER_NAME"):
        value = (metadata.get(key) or "").strip()
        if value and value not in _DEFAULT_HANDLERS:
            return value
    return None


def colour_facts(frame: av.VideoFrame) -> ColourFacts:
    full = frame.format.name.startswith("yuvj")
    return ColourFacts(
        color_range=_FULL_RANGE if full else int(frame.color_range),
        color_primaries=int(frame.color_primaries),
        color_trc=int(frame.color_trc),
        colorspace=int(frame.colorspace),
    )


def display_matrix(frame: av.VideoFrame) -> list[int] | None:
    """The frame's display matrix as FFmpeg's nine int32 values, or None."""
    for item in frame.side_data:
        if item.type == av.sidedata.sidedata.Type.DISPLAYMATRIX:
            return np.frombuffer(bytes(item), dtype="<i4").astype(int).tolist()
    return None


# ------------------------------------------------------------------ pixels
def frame_to_rgb(frame: av.VideoFrame, colour: ColourFacts) -> np.ndarray:
    """A decoded frame as RGB uint8 HxWx3, using the stream's matrix and range."""
    return frame.to_ndarray(
        format="rgb24",
        src_colorspace=colour.matrix,
        src_color_range=colour.swscale_range,
        dst_color_range="JPEG",
        interpolation=CONVERSION_FLAGS,
    )


def read_frame(path: str | Path, index: int) -> np.ndarray:
    """Frame ``index`` (0-based, in display order) as RGB uint8 HxWx3, for previews."""
    path = Path(path)
    timestamps = frame_timestamps(path)
    if not 0 <= index < len(timestamps):
        raise VideoError(
            f"{path.name} has {len(timestamps)} frames; frame {index} does not exist.", path=path
        )
    target = timestamps[index]
    with open_video(path) as container:
        stream = video_stream(container, path)
        try:
            container.seek(target, stream=stream, backward=True)
            for frame in container.decode(stream):
                if frame.pts is None or frame.pts >= target:
                    return frame_to_rgb(frame, colour_facts(frame))
        except av.FFmpegError as error:
            raise corrupt_while_reading(path, error) from error
    raise CorruptVideoError(
        f"{path.name} ends before frame {index}; the file is truncated.", path=path
    )
