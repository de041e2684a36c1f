"""Restore a video frame by frame, keeping its sound, timing and metadata.

``restore_video`` is the one entry point: probe the input, pick the frames, run the
decode -> restore -> encode pipeline into segments (``pipeline``), then assemble the
segments with the input's audio, subtitles and metadata into a temporary file in the output
folder and rename it into place (``assemble``). Cancelling or failing leaves no output;
with ``resume`` the finished segments stay for the next run (``resume``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.errors import OutputError, VideoError
from cnaps_desktop.engine.files import check_output_folder
from cnaps_desktop.engine.options import RESTORED_SUFFIX
from cnaps_desktop.engine.video.assemble import CONTAINER_FOR_SUFFIX, Window, assemble
from cnaps_desktop.engine.video.encode import EncodePlan
from cnaps_desktop.engine.video.options import OutputCodec, VideoFacts, VideoOptions, output_codec
from cnaps_desktop.engine.video.pipeline import FrameFunction, PipelineJob, Selection, run_pipeline
from cnaps_desktop.engine.video.probe import (
    VideoInfo,
    display_matrix,
    frame_timestamps,
    open_video,
    probe_video,
    video_stream,
)
from cnaps_desktop.engine.video.resume import WorkFolder
from cnaps_desktop.engine.video.x264_cpu import x264_params

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel


def video_output_path(
    input_path: str | Path,
    output_dir: Path | None = None,
    suffix: str = RESTORED_SUFFIX,
    codec: str = "h264",
) -> Path:
    """Where a restored video goes by default: beside the input (or in ``output_dir``), named
    ``NAME_restored`` with the codec's default container (.mp4 for H.264/H.265)."""
    input_path = Path(input_path)
    folder = output_dir if output_dir is not None else input_path.parent
    extension = output_codec(codec).suffixes[0]
    return folder / f"{input_path.stem}{suffix}{extension}"


def restore_video(
    loaded: LoadedModel | None,
    input_path: str | Path,
    output_path: str | Path | None = None,
    options: VideoOptions | None = None,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    *,
    frame_function: FrameFunction | None = None,
    job_id: str | None = None,
) -> VideoFacts:
    """Restore every selected frame of ``input_path`` with ``loaded`` and write the result.

    ``frame_function`` replaces the model (tests, benchmarks); then ``job_id`` names it for
    resume, since a function has no file to identify it. Progress arrives per batch with stage
    "frame". Raises VideoError for unreadable input, OutputError when the output cannot be
    written, Cancelled when ``token`` is cancelled; in each case no output file remains.
    """
    options = options or VideoOptions()
    token = token or CancelToken()
    source = Path(input_path)
    info = probe_video(source)
    codec = options.output
    output = (
        Path(output_path)
        if output_path is not None
        else video_output_path(source, codec=options.codec)
    )
    muxer = _check_output(source, output, codec)
    selection, window = select_frames(source, info, options)

    batch_size = options.batch_size or (_auto_batch(loaded) if frame_function is None else 1)
    if frame_function is None:
        if loaded is None:
            raise VideoError("restore_video needs a loaded model or a frame function.")
        frame_function = _model_frame_function(loaded, batch_size, options, token)
    key = _job_key(source, loaded, options, job_id)

    with _output_errors(output):
        work = WorkFolder.open(output, key, options.resume)
    resumed = work.frames_done
    rate = Fraction(info.frame_rate).limit_denominator(1001 * 1000) or Fraction(30)
    crf = options.effective_crf

    def make_plan(width: int, height: int) -> EncodePlan:
        return EncodePlan(
            codec, crf, options.preset, info.time_base, rate, info.colour, width, height
        )

    job = PipelineJob(source, selection, info.colour, work, options.segment_frames, make_plan)
    temporary = output.with_name(f".{output.name}.partial{output.suffix}")
    finished = False
    try:
        with _output_errors(output):
            result = run_pipeline(
                job, frame_function, batch_size, options.queue_frames, token, progress
            )
            token.check()
            notes = assemble(
                work.segment_paths(), source, temporary, muxer, window, _rotation_matrix(source)
            )
            temporary.replace(output)
        finished = True
    finally:
        temporary.unlink(missing_ok=True)
        # Finished segments stay only for a later resume; the output holds them otherwise.
        if finished or not options.resume:
            work.remove()
    return _facts(info, output, work, resumed, result, notes, batch_size, codec)


# ------------------------------------------------------------------ choosing frames
def select_frames(source: Path, info: VideoInfo, options: VideoOptions) -> tuple[Selection, Window]:
    """The frames the options select, and the matching time window for the other streams."""
    stamps = frame_timestamps(source)
    time_base = info.time_base
    if not options.has_range:
        with open_video(source) as container:
            start = container.start_time
        # A late start (MPEG-TS often starts at 1.4 s) moves to zero; a negative one (audio
        # priming) stays, so the video keeps its exact timestamps.
        shift_seconds = max(0.0, float(start) / av.time_base) if start else 0.0
        selection = Selection(None, None, len(stamps), round(shift_seconds / time_base))
        return selection, Window(None, None, shift_seconds)
    if options.start_time is not None or options.end_time is not None:
        first = options.start_time or 0.0
        first_index = next((i for i, s in enumerate(stamps) if s * time_base >= first), len(stamps))
        end_index = len(stamps)
        if options.end_time is not None:
            end_index = next(
                (i for i, s in enumerate(stamps) if s * time_base >= options.end_time), len(stamps)
            )
    else:
        first_index = options.start_frame or 0
        end_index = min(options.end_frame or len(stamps), len(stamps))
    if first_index >= len(stamps) or end_index <= first_index:
        raise VideoError(
            f"{source.name} has {len(stamps)} frames ({info.duration:.2f} s); the range asked "
            "for selects none of them.",
            source,
        )
    start_pts = stamps[first_index]
    end_pts = stamps[end_index] if end_index < len(stamps) else None
    selection = Selection(start_pts, end_pts, end_index - first_index, start_pts)
    end_seconds = None if end_pts is None else float(end_pts * time_base)
    start_seconds = float(start_pts * time_base)
    return selection, Window(start_seconds, end_seconds, start_seconds)


# ------------------------------------------------------------------ helpers
def _check_output(source: Path, output: Path, codec: OutputCodec) -> str:
    """Refuse outputs that would overwrite the input, cannot hold the codec, or cannot be
    written; returns the muxer name."""
    suffix = output.suffix.lower()
    muxer = CONTAINER_FOR_SUFFIX.get(suffix)
    if muxer is None or suffix not in codec.suffixes:
        allowed = ", ".join(codec.suffixes)
        raise VideoError(
            f"{output.name}: {codec.description} is written as {allowed}; choose one of those "
            "file endings.",
            output,
        )
    if output.resolve() == source.resolve():
        raise OutputError(f"{output} is the input video; choose another output name.", output)
    folder = output.parent
    if not folder.is_dir():
        raise OutputError(f"the output folder {folder} does not exist.", folder)
    check_output_folder(folder, create=False)
    return muxer


@contextmanager
def _output_errors(output: Path) -> Iterator[None]:
    """Turn a failing write in the output folder into one clear OutputError."""
    try:
        yield
    except OSError as error:
        if isinstance(error, OutputError | VideoError):
            raise
        raise OutputError.from_os_error(error, output) from error


def _rotation_matrix(source: Path) -> list[int] | None:
    with open_video(source) as container:
        stream = video_stream(container, source)
        for frame in container.decode(stream):
            return display_matrix(frame)
    return None


def _auto_batch(loaded: LoadedModel | None) -> int:
    if loaded is None:
        return 1
    from cnaps_desktop.engine.video.batch import auto_batch_size

    return auto_batch_size(loaded)


def _model_frame_function(
    loaded: LoadedModel, batch_size: int, options: VideoOptions, token: CancelToken
) -> FrameFunction:
    from cnaps_desktop.engine.video.batch import make_frame_function

    return make_frame_function(loaded, batch_size, options.restore, token)


def _job_key(
    source: Path, loaded: LoadedModel | None, options: VideoOptions, job_id: str | None
) -> dict[str, Any]:
    """Everything that shapes the output; a resumed run must match it exactly."""
    stat = source.stat()
    model: dict[str, Any] = {"function": job_id}
    if loaded is not None:
        model_stat = loaded.info.path.stat() if loaded.info.path.is_file() else None
        model.update(
            name=loaded.info.name,
            path=str(loaded.info.path.resolve()),
            size=model_stat.st_size if model_stat else None,
            mtime_ns=model_stat.st_mtime_ns if model_stat else None,
            device=str(loaded.device.type),
            dtype=str(loaded.dtype),
        )
    return {
        "input": {"path": str(source.resolve()), "size": stat.st_size, "mtime": stat.st_mtime_ns},
        "model": model,
        "restore": repr(options.restore),
        "codec": options.output.name,
        "crf": options.effective_crf,
        "preset": options.preset,
        "range": [options.start_frame, options.end_frame, options.start_time, options.end_time],
        "segment_frames": options.segment_frames,
        "batch_size": options.batch_size,
        "pyav": av.__version__,
        "x264": x264_params() if options.output.name == "h264" else None,  # the CPU's code
    }


def _facts(
    info: VideoInfo,
    output: Path,
    work: WorkFolder,
    resumed: int,
    result: Any,
    notes: Any,
    batch_size: int,
    codec: OutputCodec,
) -> VideoFacts:
    frames = work.frames_done
    first = work.segments[0]
    with av.open(str(output)) as written:
        stream = written.streams.video[0]
        encoded = (stream.codec_context.width, stream.codec_context.height)
        pixel_format = stream.codec_context.format.name if stream.codec_context.format else ""
    seconds = result.seconds
    return VideoFacts(
        input_path=info.path,
        output_path=output,
        frames=frames,
        restored_frames=result.restored_frames,
        resumed_frames=resumed,
        frame_rate=info.frame_rate,
        variable_frame_rate=info.variable_frame_rate,
        input_size=info.size,
        output_size=encoded,
        padded=encoded != (first.width, first.height),
        full_chroma=pixel_format.startswith("yuv444") and pixel_format != codec.pixel_format,
        input_codec=info.codec,
        output_codec=codec.name,
        rotation=info.rotation,
        streams=tuple(notes),
        seconds=seconds,
        frames_per_second=result.restored_frames / seconds if seconds > 0 else 0.0,
        batch_size=batch_size,
    )
