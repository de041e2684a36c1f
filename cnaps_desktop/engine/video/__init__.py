"""Videos, restored frame by frame with their sound, timing and metadata kept.

This package's one door: code outside ``engine/video`` imports these names from here, never from
its modules (import-linter checks it). ``restore`` runs a whole video; ``probe`` reads what a
video holds; ``options`` says what to do; ``batch`` makes the frame function that runs the model;
``pipeline``, ``encode``, ``assemble``, ``resume`` and ``progress`` are the job's parts. Names
load on first use (PyAV and torch are heavy), so importing this package costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.lazy import lazy_exports

_EXPORTS = {
    "restore_video": "cnaps_desktop.engine.video.restore",
    "video_output_path": "cnaps_desktop.engine.video.restore",
    "VIDEO_SUFFIXES": "cnaps_desktop.engine.video.probe",
    "AudioStreamInfo": "cnaps_desktop.engine.video.probe",
    "VideoInfo": "cnaps_desktop.engine.video.probe",
    "colour_facts": "cnaps_desktop.engine.video.probe",
    "frame_to_rgb": "cnaps_desktop.engine.video.probe",
    "is_video_path": "cnaps_desktop.engine.video.probe",
    "open_video": "cnaps_desktop.engine.video.probe",
    "probe_video": "cnaps_desktop.engine.video.probe",
    "read_frame": "cnaps_desktop.engine.video.probe",
    "video_stream": "cnaps_desktop.engine.video.probe",
    "CODEC_ALIASES": "cnaps_desktop.engine.video.options",
    "OUTPUT_CODECS": "cnaps_desktop.engine.video.options",
    "VideoFacts": "cnaps_desktop.engine.video.options",
    "VideoOptions": "cnaps_desktop.engine.video.options",
    "FrameFunction": "cnaps_desktop.engine.video.pipeline",
    "auto_batch_size": "cnaps_desktop.engine.video.batch",
    "make_frame_function": "cnaps_desktop.engine.video.batch",
    "FrameRateMeter": "cnaps_desktop.engine.video.progress",
}

__all__ = [
    "CODEC_ALIASES",
    "OUTPUT_CODECS",
    "VIDEO_SUFFIXES",
    "AudioStreamInfo",
    "FrameFunction",
    "FrameRateMeter",
    "VideoFacts",
    "VideoInfo",
    "VideoOptions",
    "auto_batch_size",
    "colour_facts",
    "frame_to_rgb",
    "is_video_path",
    "make_frame_function",
    "open_video",
    "probe_video",
    "read_frame",
    "restore_video",
    "video_output_path",
    "video_stream",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.batch import auto_batch_size, make_frame_function
    from cnaps_desktop.engine.video.options import (
        CODEC_ALIASES,
        OUTPUT_CODECS,
        VideoFacts,
        VideoOptions,
    )
    from cnaps_desktop.engine.video.pipeline import FrameFunction
    from cnaps_desktop.engine.video.probe import (
        VIDEO_SUFFIXES,
        AudioStreamInfo,
        VideoInfo,
        colour_facts,
        frame_to_rgb,
        is_video_path,
        open_video,
        probe_video,
        read_frame,
        video_stream,
    )
    from cnaps_desktop.engine.video.progress import FrameRateMeter
    from cnaps_desktop.engine.video.restore import restore_video, video_output_path

__getattr__ = lazy_exports(__name__, _EXPORTS)
