"""A Qt-free job runner: one worker thread per device, cancel tokens, progress with ETA.

The GUI hands work (a plain function ``work(token, progress) -> result``) to a named worker
("cpu", "cuda:0", "io", ...). Each worker is one thread that runs its jobs in order, so one device
never runs two models at once and the GUI thread never runs the engine.

Jobs can be put in a *lane* ("preview", "batch"): submitting a new job to a lane drops the job that
was there. A dropped job is cancelled and none of its callbacks run, even when its result arrives
late, so a slow preview of the previous image can never be shown on the next one.

Callbacks run on the worker thread; the GUI adapts them to Qt signals (gui/job_bridge.py) and checks
:attr:`JobHandle.dropped` once more when the signal arrives.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cnaps_desktop.engine.cancel import CancelToken, Progress, ProgressCallback
from cnaps_desktop.engine.errors import Cancelled

log = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")

Work = Callable[[CancelToken, ProgressCallback], ResultT]
"""A job: ``work(token, progress) -> result``; ``Work[Path]`` is one whose result is a Path."""


@dataclass(frozen=True)
class JobProgress:
    """Progress of one job, with the time spent and an estimate of the time left."""

    progress: Progress
    elapsed: float
    seconds_left: float | None
    """None until there is enough progress to estimate from."""


def estimate_seconds_left(fraction: float, elapsed: float) -> float | None:
    """Time left from a straight-line extrapolation of the time spent so far."""
    if fraction <= 0.0 or elapsed < 0.5:
        return None
    if fraction >= 1.0:
        return 0.0
    return elapsed * (1.0 - fraction) / fraction


@dataclass
class JobCallbacks(Generic[ResultT]):
    """What to call when a job reports; each runs on the worker thread."""

    on_result: Callable[[ResultT], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[JobProgress], None] | None = None
    on_cancelled: Callable[[], None] | None = None


@dataclass(eq=False)  # identity equality and hashing: each handle is one job
class JobHandle:
    """One submitted job: cancel it, drop it, or ask whether it is still wanted."""

    id: int
    worker: str
    lane: str | None
    description: str
    token: CancelToken = field(default_factory=CancelToken)
    _dropped: threading.Event = field(default_factory=threading.Event)
    _finished: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Stop the work at its next check; ``on_cancelled`` is still reported."""
        self.token.cancel()

    def drop(self) -> None:
        """Stop the work and report nothing more, whatever arrives later."""
        self._dropped.set()
        self.token.cancel()

    @property
    def dropped(self) -> bool:
        return self._dropped.is_set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has run (or was skipped); True when it has."""
        return self._finished.wait(timeout)


@dataclass
class _Task(Generic[ResultT]):
    handle: JobHandle
    work: Work[ResultT]
    callbacks: JobCallbacks[ResultT]


class _Worker(threading.Thread):
    """One thread that runs its queue of tasks in order."""

    def __init__(self, name: str, niceness: int) -> None:
        super().__init__(name=f"cnaps-worker-{name}", daemon=True)
        self.tasks: queue.SimpleQueue[_Task[Any] | None] = queue.SimpleQueue()
        self.niceness = niceness

    def run(self) -> None:
        lower_thread_priority(self.niceness)
        while True:
            task = self.tasks.get()
            if task is None:
                return
            try:
                _run_task(task)
            finally:
                task.handle._finished.set()


def _run_task(task: _Task[Any]) -> None:
    handle, callbacks = task.handle, task.callbacks
    if handle.token.cancelled:
        if not handle.dropped:
            _call(callbacks.on_cancelled)
        return
    started = time.monotonic()

    def progress(step: Progress) -> None:
        if handle.dropped or callbacks.on_progress is None:
            return
        elapsed = time.monotonic() - started
        callbacks.on_progress(
            JobProgress(step, elapsed, estimate_seconds_left(step.fraction, elapsed))
        )

    try:
        result = task.work(handle.token, progress)
    except Cancelled:
        if not handle.dropped:
            _call(callbacks.on_cancelled)
        return
    except Exception as error:  # reported to the GUI, which shows it; never swallowed
        if handle.dropped:
            log.info("dropped job %s failed late: %s", handle.description, error)
        elif handle.token.cancelled:
            _call(callbacks.on_cancelled)
        elif callbacks.on_error is not None:
            callbacks.on_error(error)
        else:
            raise
        return
    if handle.dropped:
        return
    if handle.token.cancelled:
        _call(callbacks.on_cancelled)
    elif callbacks.on_result is not None:
        callbacks.on_result(result)


def lower_thread_priority(niceness: int) -> bool:
    """Make the calling thread (and threads it starts, such as torch's CPU pool) yield the CPU.

    On Linux each thread has its own nice value and new threads inherit it, so a worker that
    runs torch at a lower priority leaves the GUI thread its share of a busy CPU. Elsewhere this
    does nothing. Returns True when the priority was lowered.
    """
    if niceness <= 0 or not sys.platform.startswith("linux"):
        return False
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), current + niceness)
    except OSError:
        log.info("could not lower the priority of %s", threading.current_thread().name)
        return False
    return True


def _call(callback: Callable[[], None] | None) -> None:
    if callback is not None:
        callback()


class JobRunner:
    """Owns the worker threads; one per worker name, started on first use.

    ``niceness`` lowers the workers' CPU priority (Linux), so the GUI thread stays responsive
    while a model uses every core.
    """

    def __init__(self, niceness: int = 0) -> None:
        self._niceness = niceness
        self._workers: dict[str, _Worker] = {}
        self._lanes: dict[str, JobHandle] = {}
        self._live: set[JobHandle] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._closed = False

    def submit(
        self,
        work: Work[ResultT],
        *,
        worker: str,
        lane: str | None = None,
        description: str = "",
        callbacks: JobCallbacks[ResultT] | None = None,
    ) -> JobHandle:
        """Queue ``work`` on ``worker``; a job already in ``lane`` is dropped first."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner has been shut down")
            handle = JobHandle(next(self._ids), worker, lane, description)
            if lane is not None:
                previous = self._lanes.get(lane)
                if previous is not None:
                    previous.drop()
                self._lanes[lane] = handle
            self._live = {h for h in self._live if not h.finished}
            self._live.add(handle)
            thread = self._workers.get(worker)
            if thread is None:
                thread = _Worker(worker, self._niceness)
                self._workers[worker] = thread
                thread.start()
        thread.tasks.put(_Task(handle, work, callbacks or JobCallbacks[ResultT]()))
        return handle

    def current(self, lane: str) -> JobHandle | None:
        """The job last submitted to ``lane`` if it is still running or waiting."""
        handle = self._lanes.get(lane)
        return None if handle is None or handle.finished or handle.dropped else handle

    def drop_lane(self, lane: str) -> None:
        """Drop the job in ``lane``, if any: it stops and reports nothing."""
        handle = self._lanes.pop(lane, None)
        if handle is not None:
            handle.drop()

    def busy(self) -> bool:
        """True while any job is waiting or running."""
        return any(not h.finished for h in list(self._live))

    def threads_alive(self) -> bool:
        """True while any worker thread still runs (for example inside a long tile)."""
        return any(t.is_alive() for t in list(self._workers.values()))

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Drop every job, stop the threads and wait for them; True when all have stopped."""
        with self._lock:
            self._closed = True
            for handle in self._live:
                handle.drop()
            workers = list(self._workers.values())
        for thread in workers:
            thread.tasks.put(None)
        deadline = time.monotonic() + timeout
        for thread in workers:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in workers)
