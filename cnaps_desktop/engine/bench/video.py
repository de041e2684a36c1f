"""The measurements behind ``cnaps-desktop bench --video``.

Three timings on the same frames and device: the model alone (frames already decoded, in
memory), the pipeline alone (decode, convert, encode, assemble with a pass-through frame
function), and the whole job end to end. Overhead is what the end-to-end run costs beyond the
model; with the stages overlapped it should stay small even though the pipeline alone is not free.
"""

from __future__ import annotations

import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from cnaps_desktop.engine.video import (
    FrameFunction,
    VideoOptions,
    auto_batch_size,
    colour_facts,
    frame_to_rgb,
    make_frame_function,
    open_video,
    restore_video,
    video_stream,
)

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel


def bench_video(
    loaded: LoadedModel,
    path_or_size: str | Path | tuple[int, int],
    device: str | None = None,
    frames: int = 8,
    batch_size: int | None = None,
    codec: str = "h264",
    frame_function: FrameFunction | None = None,
) -> dict[str, Any]:
    """Frames per second of the model alone, the pipeline alone and the whole job.

    ``path_or_size`` is a video file (its first ``frames`` frames are used) or a size such as
    ``(1280, 720)`` or ``"1280x720"`` for a generated clip. ``frame_function`` replaces the
    model (tests). Returns plain numbers for the CLI to print and BENCHMARKS.md to record.
    """
    from cnaps_desktop.engine.device import describe_device

    batch = batch_size or auto_batch_size(loaded)
    function = frame_function or make_frame_function(loaded, batch)
    with tempfile.TemporaryDirectory(prefix="cnaps-bench-video-") as folder:
        work = Path(folder)
        clip = _clip_for(path_or_size, frames, work)
        pictures = _decode(clip, frames)
        count = len(pictures)
        options = VideoOptions(codec=codec, end_frame=count, batch_size=batch)

        function(np.stack(pictures[:batch]))  # warm-up: allocations, kernels, caches
        model_seconds = _time_model(function, pictures, batch)
        started = time.perf_counter()
        restore_video(None, clip, work / "identity.mp4", options, frame_function=_identity)
        pipeline_seconds = time.perf_counter() - started
        started = time.perf_counter()
        restore_video(None, clip, work / "restored.mp4", options, frame_function=function)
        end_to_end_seconds = time.perf_counter() - started
    height, width = pictures[0].shape[:2]
    return {
        "video": str(path_or_size),
        "size": f"{width}x{height}",
        "frames": count,
        "batch_size": batch,
        "codec": codec,
        "device": device or describe_device(loaded.device),
        "model": loaded.info.variant,
        "model_fps": count / model_seconds,
        "pipeline_only_fps": count / pipeline_seconds,
        "end_to_end_fps": count / end_to_end_seconds,
        "overhead_percent": 100.0 * (end_to_end_seconds - model_seconds) / model_seconds,
        "serial_pipeline_percent": 100.0 * pipeline_seconds / model_seconds,
    }


def _identity(frames: np.ndarray) -> np.ndarray:
    return frames


def _time_model(function: FrameFunction, pictures: list[np.ndarray], batch: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(pictures), batch):
        function(np.stack(pictures[start : start + batch]))
    return time.perf_counter() - started


def _decode(path: Path, frames: int) -> list[np.ndarray]:
    pictures: list[np.ndarray] = []
    with open_video(path) as container:
        for frame in container.decode(video_stream(container, path)):
            pictures.append(frame_to_rgb(frame, colour_facts(frame)))
            if len(pictures) == frames:
                break
    return pictures


def _clip_for(path_or_size: str | Path | tuple[int, int], frames: int, folder: Path) -> Path:
    if isinstance(path_or_size, tuple):
        return synthetic_clip(folder / "bench.mp4", path_or_size, frames)
    text = str(path_or_size)
    if "x" in text and not Path(text).exists():
        width, height = (int(part) for part in text.lower().split("x"))
        return synthetic_clip(folder / "bench.mp4", (width, height), frames)
    return Path(text)


def synthetic_clip(path: Path, size: tuple[int, int], frames: int, rate: int = 30) -> Path:
    """A short H.264 clip of a moving gradient with AAC silence, like a phone video."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=rate)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "20"}
        sound = out.add_stream("aac", rate=48000, layout="stereo")
        for index in range(frames):
            pixels = np.stack(
                [(x + 4 * index) % 256, (y + 2 * index) % 256, (x + y + 6 * index) % 256], axis=-1
            ).astype(np.uint8)
            picture = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            picture.pts = index
            for packet in video.encode(picture):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        samples = int(48000 * frames / rate)
        chunk = 1024
        for start in range(0, samples, chunk):
            silence = np.zeros((2, min(chunk, samples - start)), dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(silence, format="fltp", layout="stereo")
            frame.sample_rate = 48000
            frame.pts = start
            frame.time_base = Fraction(1, 48000)
            for packet in sound.encode(frame):
                out.mux(packet)
        for packet in sound.encode(None):
            out.mux(packet)
    return path
