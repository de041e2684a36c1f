"""Join the finished segments with the input's sound, subtitles and metadata into one file.

Video packets are copied from the segments unchanged; audio and subtitle packets are copied from
the input without re-encoding where the output container takes their codec (audio that it does
not take is re-encoded to AAC). Streams are interleaved by time so memory stays flat. The display
matrix (rotation), colour tags and container metadata such as the creation date are carried over.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av

from cnaps_desktop.engine.errors import VideoError
from cnaps_desktop.engine.video.encode import BITEXACT, mp4_timescale
from cnaps_desktop.engine.video.options import StreamNote
from cnaps_desktop.engine.video.probe import corrupt_while_reading, open_video, stream_title

# Output suffix -> FFmpeg muxer.
CONTAINER_FOR_SUFFIX = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}

# Audio codecs each muxer takes as they are (anything else is re-encoded to AAC).
_AUDIO_COPY = {
    "mp4": {"aac", "mp3", "ac3", "eac3", "opus", "flac", "alac"},
    "mov": {"aac", "alac", "mp3", "ac3", "eac3", "pcm_s16le", "pcm_s16be", "pcm_s24le"}
    | {"pcm_s24be", "pcm_f32le", "pcm_f32be"},
}
_SUBTITLE_COPY = {
    "mp4": {"mov_text"},
    "mov": {"mov_text"},
    "matroska": {"subrip", "srt", "ass", "ssa", "webvtt", "dvd_subtitle", "hdmv_pgs_subtitle"}
    | {"dvb_subtitle"},
}
_STANDARD_LAYOUT = {1: "mono", 2: "stereo", 3: "2.1", 4: "quad", 5: "5.0", 6: "5.1", 8: "7.1"}
# Container-level tags the muxer writes itself; copying them would be wrong.
_OWN_TAGS = {"major_brand", "minor_version", "compatible_brands", "encoder"}
_STREAM_TAGS = ("language",)


@dataclass(frozen=True)
class Window:
    """The time span of the input that the output covers, and how far it is shifted."""

    start: float | None
    """Seconds; None = from the beginning."""
    end: float | None
    shift: float
    """Seconds subtracted from every input timestamp."""


def audio_copy_allowed(muxer: str, codec: str) -> bool:
    if muxer == "matroska":
        return True  # Matroska takes every audio codec FFmpeg has
    return codec in _AUDIO_COPY.get(muxer, set())


def assemble(
    segments: list[Path],
    source: Path,
    output: Path,
    muxer: str,
    window: Window,
    display_matrix: list[int] | None,
) -> tuple[StreamNote, ...]:
    """Write ``output`` from ``segments`` plus the input's other streams; returns what happened
    to each of those streams."""
    if not segments:
        raise VideoError(
            f"{source.name}: no frame was selected, so there is nothing to write.", path=source
        )
    with av.open(str(segments[0])) as first:
        segment_time_base = first.streams.video[0].time_base
    options = dict(BITEXACT)  # the same packets give the same file (no random id, no date)
    if muxer in {"mp4", "mov"}:
        # Index at the front (plays while loading); exact edit lists (see video_encode).
        timescale = str(mp4_timescale(segment_time_base))
        options |= {"movflags": "+faststart", "movie_timescale": timescale}
    with (
        open_video(source) as inputs,
        av.open(str(output), "w", format=muxer, options=options) as out,
    ):
        out.metadata.update(
            {k: v for k, v in inputs.metadata.items() if k.lower() not in _OWN_TAGS}
        )
        with av.open(str(segments[0])) as first:
            template = first.streams.video[0]
            video_out = out.add_stream_from_template(template)
            video_out.time_base = segment_time_base
        _copy_stream_tags(inputs.streams.video[0], video_out)
        if video_out.codec_context.name == "hevc" and muxer in {"mp4", "mov"}:
            video_out.codec_tag = "hvc1"  # the tag Apple players require
        if display_matrix is not None:
            video_out.set_display_matrix(display_matrix)
        routes, notes = _plan_other_streams(inputs, out, muxer)
        others = _other_packets(inputs, routes, window, source)
        videos = _segment_packets(segments, video_out, segment_time_base)
        for _, packet in heapq.merge(videos, others, key=lambda item: item[0]):
            out.mux(packet)
        for route in routes.values():
            for packet in route.flush():
                out.mux(packet)
    return _check_titles(output, notes)


def _check_titles(output: Path, notes: tuple[StreamNote, ...]) -> tuple[StreamNote, ...]:
    """Read the written file back: a title the input had and the output lacks is said."""
    with av.open(str(output)) as written:
        kept = [s for s in written.streams if s.type in ("audio", "subtitle")]
        checked = []
        others = iter(kept)
        for note in notes:
            if note.dropped:
                checked.append(note)
                continue
            stream = next(others, None)
            found = stream_title(dict(stream.metadata)) if stream is not None else None
            if note.title and found != note.title:
                note = replace(note, title_kept=False)
            checked.append(note)
    return tuple(checked)


# ------------------------------------------------------------------ video
def _segment_packets(
    segments: list[Path], video_out: av.video.VideoStream, time_base: Fraction
) -> Iterator[tuple[float, av.Packet]]:
    """Every segment's packets in order, with decode timestamps made strictly increasing
    across segment joins (each segment's encoder started its own timeline)."""
    last_dts: int | None = None
    for path in segments:
        with av.open(str(path)) as segment:
            stream = segment.streams.video[0]
            if stream.time_base != time_base:
                raise VideoError(
                    f"segment {path.name} has a different time base; start over.", path=path
                )
            for packet in segment.demux(stream):
                if packet.size == 0 or packet.pts is None:
                    continue
                dts = packet.dts if packet.dts is not None else packet.pts
                if last_dts is not None and dts <= last_dts:
                    dts = last_dts + 1
                packet.dts = dts
                last_dts = dts
                packet.stream = video_out
                yield float(dts * time_base), packet


# ------------------------------------------------------------------ audio and subtitles
class _Route:
    """Where packets of one input stream go: copied as they are, or re-encoded."""

    def __init__(
        self,
        source: av.stream.Stream,
        target: av.stream.Stream,
        reencode: bool,
    ) -> None:
        self.source = source
        self.target = target
        self.reencode = reencode

    def convert(self, packet: av.Packet, shift: int) -> list[av.Packet]:
        if not self.reencode:
            packet.pts = None if packet.pts is None else packet.pts - shift
            packet.dts = None if packet.dts is None else packet.dts - shift
            packet.stream = self.target
            return [packet]
        produced: list[av.Packet] = []
        for frame in packet.decode():
            if frame.pts is not None:
                frame.pts -= shift
            try:
                produced.extend(self.target.encode(frame))
            except av.FFmpegError as error:
                raise VideoError(
                    f"the audio ({self.source.codec_context.name}) could not be re-encoded to "
                    f"AAC for this container ({error}); choose a .mkv output to keep it as is."
                ) from error
        return produced

    def flush(self) -> list[av.Packet]:
        return list(self.target.encode(None)) if self.reencode else []


def _plan_other_streams(
    inputs: av.container.InputContainer, out: av.container.OutputContainer, muxer: str
) -> tuple[dict[int, _Route], tuple[StreamNote, ...]]:
    routes: dict[int, _Route] = {}
    notes: list[StreamNote] = []
    for stream in inputs.streams:
        codec = stream.codec_context.name if stream.codec_context else "unknown"
        if stream.type == "audio":
            if audio_copy_allowed(muxer, codec):
                target = out.add_stream_from_template(stream)
                routes[stream.index] = _Route(stream, target, reencode=False)
                notes.append(StreamNote("audio", codec, "copied", _title(stream)))
            else:
                target = out.add_stream("aac", rate=stream.codec_context.sample_rate)
                # A standard layout for the channel count (inputs may leave the order unnamed).
                target.layout = _STANDARD_LAYOUT.get(stream.codec_context.channels, "stereo")
                target.bit_rate = 192_000
                routes[stream.index] = _Route(stream, target, reencode=True)
                notes.append(StreamNote("audio", codec, "re-encoded to aac", _title(stream)))
            _copy_stream_tags(stream, target)
        elif stream.type == "subtitle":
            if codec in _SUBTITLE_COPY.get(muxer, set()):
                target = out.add_stream_from_template(stream)
                _copy_stream_tags(stream, target)
                routes[stream.index] = _Route(stream, target, reencode=False)
                notes.append(StreamNote("subtitle", codec, "copied", _title(stream)))
            else:
                why = f"dropped: {muxer} cannot hold it"
                notes.append(StreamNote("subtitle", codec, why, _title(stream)))
        elif stream.type not in {"video"}:
            notes.append(StreamNote(stream.type, codec, "dropped: not audio or subtitles"))
    return routes, tuple(notes)


def _title(stream: av.stream.Stream) -> str | None:
    return stream_title(dict(stream.metadata))


def _other_packets(
    inputs: av.container.InputContainer,
    routes: dict[int, _Route],
    window: Window,
    source: Path,
) -> Iterator[tuple[float, av.Packet]]:
    """Audio and subtitle packets inside the window, shifted, in file order."""
    if not routes:
        return
    streams = [route.source for route in routes.values()]
    try:
        for packet in inputs.demux(*streams):
            if packet.size == 0 or packet.pts is None:
                continue
            route = routes[packet.stream.index]
            time_base = packet.time_base
            start = float(packet.pts * time_base)
            if window.end is not None and start >= window.end:
                continue
            if window.start is not None and start < window.start:
                continue  # starts before the range: dropped so no timestamp goes negative
            shift = round(window.shift / time_base)
            for converted in route.convert(packet, shift):
                stamp = converted.dts if converted.dts is not None else converted.pts
                yield float((stamp or 0) * converted.time_base), converted
    except av.FFmpegError as error:
        raise corrupt_while_reading(source, error) from error


def _copy_stream_tags(source: av.stream.Stream, target: av.stream.Stream) -> None:
    for key in _STREAM_TAGS:
        value = source.metadata.get(key)
        if value:
            target.metadata[key] = value
    title = stream_title(dict(source.metadata))
    if title:
        # Matroska reads "title"; the MP4/MOV muxer writes it as the track's udta name, and
        # players show the handler name, so both carry it.
        target.metadata["title"] = title
        target.metadata["handler_name"] = title
