"""Small video clips generated with PyAV for the video tests (a few frames, tiny sizes)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def frame_pixels(index: int, width: int, height: int) -> np.ndarray:
    """A smooth, moving test picture (compresses well, differs per frame)."""
    y, x = np.mgrid[0:height, 0:width]
    red = (x * 255 // max(1, width - 1) + index * 9) % 256
    green = (y * 255 // max(1, height - 1) + index * 5) % 256
    blue = ((x + y) * 2 + index * 17) % 256
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)


def make_clip(
    path: Path,
    frames: int = 12,
    size: tuple[int, int] = (64, 48),
    rate: int = 24,
    codec: str = "libx264",
    pixel_format: str = "yuv420p",
    audio: str | None = "aac",
    audio_rate: int = 48000,
    frame_times: list[Fraction] | None = None,
    rotation: int | None = None,
    metadata: dict[str, str] | None = None,
    subtitles: list[tuple[float, float, str]] | None = None,
) -> Path:
    """Write a clip: ``frames`` frames at ``rate`` (or at ``frame_times`` seconds, for variable
    frame rates), optional sine audio as long as the video, optional rotation and subtitles."""
    width, height = size
    time_base = Fraction(1, 1000) if frame_times else Fraction(1, rate)
    times = frame_times or [Fraction(i, rate) for i in range(frames)]
    with av.open(str(path), "w") as out:
        out.metadata.update(metadata or {})
        video = out.add_stream(codec, rate=rate)
        video.width, video.height, video.pix_fmt = width, height, pixel_format
        video.time_base = time_base
        video.codec_context.time_base = time_base
        if codec in {"libx264", "libx265"}:
            video.options = {"preset": "ultrafast", "crf": "12"}
        if rotation is not None:
            video.set_display_rotation(rotation)
        sound = None
        if audio is not None:
            sound = out.add_stream(audio, rate=audio_rate, layout="mono")
        srt = _srt_source(path, subtitles) if subtitles else None
        text = out.add_stream_from_template(srt.streams.subtitles[0]) if srt else None
        packets = []
        for index, when in enumerate(times):
            picture = av.VideoFrame.from_ndarray(frame_pixels(index, width, height), "rgb24")
            picture = picture.reformat(format=pixel_format)
            picture.pts = round(when / time_base)
            picture.time_base = time_base
            packets += video.encode(picture)
        packets += video.encode(None)
        for packet in packets:
            out.mux(packet)
        if sound is not None:
            step = sound.codec_context.frame_size or 1024
            end = times[-1] + (times[-1] - times[-2] if len(times) > 1 else Fraction(1, rate))
            total = int(end * audio_rate)
            for start in range(0, total, step):
                count = min(step, total - start)
                t = (np.arange(start, start + count) / audio_rate).astype(np.float32)
                samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
                chunk = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
                chunk.sample_rate = audio_rate
                chunk.pts = start
                chunk.time_base = Fraction(1, audio_rate)
                for packet in sound.encode(chunk):
                    out.mux(packet)
            for packet in sound.encode(None):
                out.mux(packet)
        if srt is not None and text is not None:
            for packet in srt.demux():
                if packet.size:
                    packet.stream = text
                    out.mux(packet)
            srt.close()
    return path


def _srt_source(path: Path, lines: list[tuple[float, float, str]]) -> av.container.InputContainer:
    """An SRT file beside ``path`` holding ``lines``, opened for reading (PyAV has no subtitle
    encoder to write them directly)."""

    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, minutes = millis // 3600000, millis // 60000 % 60
        return f"{hours:02d}:{minutes:02d}:{millis // 1000 % 60:02d},{millis % 1000:03d}"

    blocks = [
        f"{i}\n{stamp(a)} --> {stamp(b)}\n{text}\n" for i, (a, b, text) in enumerate(lines, 1)
    ]
    source = path.with_suffix(".srt")
    source.write_text("\n".join(blocks), encoding="utf-8")
    return av.open(str(source))
