"""Decode -> restore -> encode, overlapped, with bounded memory.

Three stages run at once: a decoder thread turns the input into RGB frames, the calling thread
runs the model on batches of them, and an encoder thread writes finished frames into segments.
Between the stages sit queues of at most ``queue_frames`` frames, so memory stays flat however
long the video is, and the device never waits for decoding or encoding unless those are the
slower part. Cancellation is checked before every model call; the threads stop within one frame.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback, report
from cnaps_desktop.engine.errors import CorruptVideoError, VideoError
from cnaps_desktop.engine.video.encode import EncodePlan, SegmentEncoder
from cnaps_desktop.engine.video.probe import (
    ColourFacts,
    corrupt_while_reading,
    frame_to_rgb,
    open_video,
    video_stream,
)
from cnaps_desktop.engine.video.resume import SegmentRecord, WorkFolder

FrameFunction = Callable[[np.ndarray], np.ndarray]
"""Restores a batch: (N, H, W, 3) uint8 RGB in, (N, H*s, W*s, 3) uint8 RGB out."""

_POLL_SECONDS = 0.1
_END = object()  # end-of-stream marker in a queue


@dataclass(frozen=True)
class Selection:
    """Which frames of the input a job covers, by presentation timestamp."""

    start_pts: int | None
    """First selected timestamp (inclusive); None = from the first frame."""
    end_pts: int | None
    """Timestamps at or past this are left out; None = to the end."""
    total: int
    """Number of selected frames."""
    shift_pts: int
    """Subtracted from every timestamp on output, so a selection starts at zero."""

    def contains(self, pts: int) -> bool:
        after_start = self.start_pts is None or pts >= self.start_pts
        return after_start and (self.end_pts is None or pts < self.end_pts)


@dataclass(frozen=True)
class Frame:
    index: int
    """Position among the selected frames."""
    pts: int
    duration: int | None
    rgb: np.ndarray


@dataclass(frozen=True)
class PipelineResult:
    restored_frames: int
    """Frames run through the model in this run."""
    seconds: float
    plan: EncodePlan | None
    """None when every frame came from an earlier run."""


@dataclass(frozen=True)
class PipelineJob:
    source: Path
    selection: Selection
    colour: ColourFacts
    work: WorkFolder
    segment_frames: int
    make_plan: Callable[[int, int], EncodePlan]
    """(restored width, restored height) -> the encode plan."""


def run_pipeline(
    job: PipelineJob,
    frame_function: FrameFunction,
    batch_size: int,
    queue_frames: int,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> PipelineResult:
    """Restore the frames of ``job`` not finished by an earlier run; returns when every segment
    is in the work folder. Raises Cancelled, VideoError or OutputError (after stopping)."""
    token = token or CancelToken()
    stack = contextlib.ExitStack()
    stop = threading.Event()
    decoded: queue.Queue[Any] = queue.Queue(maxsize=queue_frames)
    restored: queue.Queue[Any] = queue.Queue(maxsize=queue_frames)
    sink = SegmentSink(job)
    first_index = job.work.frames_done
    decoder = _Stage(
        "video-decode", lambda: _feed(decoded, _decode(job, first_index, stop), stop), stop
    )
    encoder = _Stage("video-encode", lambda: sink.consume(restored, stop), stop)
    started = time.perf_counter()
    done = first_index
    report(progress, done, job.selection.total, "frame")
    try:
        stack.enter_context(_no_python_log_callback())
        decoder.start()
        encoder.start()
        while True:
            token.check()
            batch = _next_batch(decoded, batch_size, stop, decoder)
            if not batch:
                break
            token.check()
            outputs = frame_function(np.stack([f.rgb for f in batch]))
            _check_outputs(outputs, len(batch))
            for frame, rgb in zip(batch, outputs, strict=True):
                _put(restored, Frame(frame.index, frame.pts, frame.duration, rgb), stop, encoder)
            done += len(batch)
            report(progress, done, max(job.selection.total, done), "frame")
        _put(restored, _END, stop, encoder)
        encoder.join()
        decoder.join()
        encoder.raise_error()
        decoder.raise_error()
    except _Stopped:
        # A worker stopped the pipeline: its error is the one to raise.
        decoder.join()
        encoder.join()
        decoder.raise_error()
        encoder.raise_error()
        raise
    finally:
        stop.set()
        decoder.join()
        encoder.join()
        sink.abort()
        stack.close()
    return PipelineResult(
        restored_frames=done - first_index,
        seconds=time.perf_counter() - started,
        plan=sink.plan,
    )


def _check_outputs(outputs: np.ndarray, count: int) -> None:
    if outputs.ndim != 4 or outputs.shape[0] != count or outputs.shape[3] != 3:
        raise VideoError(
            f"the frame function returned shape {outputs.shape}; expected ({count}, H, W, 3)."
        )
    if outputs.dtype != np.uint8:
        raise VideoError(f"the frame function returned {outputs.dtype}; expected uint8.")


# ------------------------------------------------------------------ decoding
def _decode(job: PipelineJob, first_index: int, stop: threading.Event) -> Iterator[Frame]:
    """Selected frames from where the finished segments end, as RGB."""
    resume_after = job.work.last_pts
    seek_to = job.selection.start_pts if resume_after is None else resume_after
    index = first_index
    for pts, frame in _frames_from(job.source, seek_to):
        if stop.is_set():
            return
        if resume_after is not None and pts <= resume_after:
            continue
        if job.selection.end_pts is not None and pts >= job.selection.end_pts:
            break
        if not job.selection.contains(pts):
            continue
        yield Frame(index, pts, frame.duration or None, frame_to_rgb(frame, job.colour))
        index += 1
    if index == first_index == 0 and job.selection.total > 0:
        raise CorruptVideoError(
            f"{job.source.name} has no readable frame where the selection starts; the file may "
            "be damaged."
        )


def _frames_from(path: Path, seek_to: int | None) -> Iterator[tuple[int, av.VideoFrame]]:
    """Decoded frames with their timestamps, starting at the keyframe at or before ``seek_to``.

    When seeking lands after ``seek_to`` (some containers seek imprecisely), decoding starts
    over from the beginning instead, so no frame is skipped.
    """
    attempts = (True, False) if seek_to is not None else (False,)
    for seek in attempts:
        with open_video(path) as container:
            stream = video_stream(container, path)
            stream.thread_type = "AUTO"
            if seek:
                container.seek(seek_to, stream=stream, backward=True)
            previous: int | None = None
            try:
                for frame in container.decode(stream):
                    pts = _frame_pts(frame, previous)
                    if seek and previous is None and seek_to is not None and pts > seek_to:
                        break  # overshot: read from the start on the next attempt
                    previous = pts
                    yield pts, frame
                else:
                    return
            except av.FFmpegError as error:
                raise corrupt_while_reading(path, error) from error


def _frame_pts(frame: av.VideoFrame, previous: int | None) -> int:
    if frame.pts is not None:
        return int(frame.pts)
    # Some raw streams carry no timestamps: continue from the previous frame.
    step = int(frame.duration or 1)
    return 0 if previous is None else previous + step


def _feed(target: queue.Queue[Any], frames: Iterator[Frame], stop: threading.Event) -> None:
    for frame in frames:
        _put(target, frame, stop)
    _put(target, _END, stop)


def _next_batch(
    source: queue.Queue[Any], size: int, stop: threading.Event, producer: _Stage
) -> list[Frame]:
    """Up to ``size`` frames: waits for the first, then takes what is ready without waiting
    for a full batch only when the stream has ended."""
    batch: list[Frame] = []
    while len(batch) < size:
        item = _get(source, stop, producer)
        if item is _END:
            source.put(_END)  # let the next call see the end too
            break
        batch.append(item)
    return batch


# ------------------------------------------------------------------ encoding
class SegmentSink:
    """Receives restored frames in order and writes them into fixed-size segments."""

    def __init__(self, job: PipelineJob) -> None:
        self.job = job
        self.plan: EncodePlan | None = None
        self._encoder: SegmentEncoder | None = None
        self._first_frame = 0
        self._last_pts = 0

    def consume(self, source: queue.Queue[Any], stop: threading.Event) -> None:
        while True:
            item = _get(source, stop)
            if item is _END:
                self._finish_segment()
                return
            self._write(item)

    def _write(self, frame: Frame) -> None:
        if self.plan is None:
            height, width = frame.rgb.shape[:2]
            self.plan = self.job.make_plan(width, height)
        if frame.index % self.job.segment_frames == 0 or self._encoder is None:
            self._finish_segment()
            self._start_segment(frame.index)
        assert self._encoder is not None
        shifted = frame.pts - self.job.selection.shift_pts
        self._encoder.write(frame.rgb, shifted, frame.duration)
        self._last_pts = frame.pts

    def _start_segment(self, first_frame: int) -> None:
        assert self.plan is not None
        number = first_frame // self.job.segment_frames
        name = f"segment-{number:05d}{self.plan.segment_suffix}"
        folder = self.job.work.path
        self._encoder = SegmentEncoder(self.plan, folder / f"{name}.part", folder / name)
        self._first_frame = first_frame

    def _finish_segment(self) -> None:
        encoder, self._encoder = self._encoder, None
        if encoder is None or encoder.frames == 0:
            if encoder is not None:
                encoder.abort()
            return
        path = encoder.finish()
        self.job.work.add(
            SegmentRecord(
                number=self._first_frame // self.job.segment_frames,
                first_frame=self._first_frame,
                frames=encoder.frames,
                last_pts=self._last_pts,
                file=path.name,
                width=encoder.plan.width,
                height=encoder.plan.height,
            )
        )

    def abort(self) -> None:
        """Drop the unfinished segment (after a cancel or an error)."""
        encoder, self._encoder = self._encoder, None
        if encoder is not None:
            encoder.abort()


# ------------------------------------------------------------------ threads and queues
@contextlib.contextmanager
def _no_python_log_callback() -> Iterator[None]:
    """Switch PyAV's Python log callback off while the stages run, and back on after.

    With it on, an encoder thread logging from inside FFmpeg waits for the GIL while another
    thread holds the GIL and waits on FFmpeg: the job hangs (PyAV issues #751 and #2276;
    reproduced here with x264 and the H.264 decoder in two threads). PyAV's default is off.
    """
    level = av.logging.get_level()
    if level is None:
        yield
        return
    av.logging.set_level(None)
    try:
        yield
    finally:
        av.logging.set_level(level)


class _Stage:
    """A worker thread whose error is kept for the calling thread to raise."""

    def __init__(self, name: str, work: Callable[[], None], stop: threading.Event) -> None:
        self._work = work
        self._stop = stop
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self._work()
        except _Stopped:
            pass
        except BaseException as error:  # handed to the calling thread, raised there
            self.error = error
            self._stop.set()

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        if self._thread.ident is not None:  # started
            self._thread.join()

    @property
    def failed(self) -> bool:
        return self.error is not None

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


class _Stopped(Exception):
    """Raised inside a stage when another stage stopped the pipeline."""


def _put(
    target: queue.Queue[Any], item: object, stop: threading.Event, consumer: _Stage | None = None
) -> None:
    while True:
        if consumer is not None:
            consumer.raise_error()
        if stop.is_set():
            raise _Stopped()
        try:
            target.put(item, timeout=_POLL_SECONDS)
            return
        except queue.Full:
            continue


def _get(source: queue.Queue[Any], stop: threading.Event, producer: _Stage | None = None) -> Any:
    while True:
        try:
            return source.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if producer is not None:
                producer.raise_error()
            if stop.is_set():
                raise _Stopped() from None
