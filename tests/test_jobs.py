"""The Qt-free job runner: results, progress with ETA, cancel, dropped lanes, shutdown."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback, report
from cnaps_desktop.jobs import JobCallbacks, JobRunner, estimate_seconds_left


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    jobs = JobRunner()
    yield jobs
    assert jobs.shutdown(5.0)


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.done = threading.Event()

    def callbacks(self) -> JobCallbacks:
        return JobCallbacks(
            on_result=lambda r: self._end("result", r),
            on_error=lambda e: self._end("error", e),
            on_progress=lambda p: self.events.append(("progress", p)),
            on_cancelled=lambda: self._end("cancelled", None),
        )

    def _end(self, kind: str, value: object) -> None:
        self.events.append((kind, value))
        self.done.set()

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]


def test_result_and_progress_are_reported(runner: JobRunner) -> None:
    seen = Recorder()

    def work(token: CancelToken, progress: ProgressCallback) -> int:
        for step in range(3):
            report(progress, step + 1, 3, "tile")
        return 42

    runner.submit(work, worker="cpu", callbacks=seen.callbacks())
    assert seen.done.wait(5)
    assert seen.kinds() == ["progress", "progress", "progress", "result"]
    assert seen.events[-1] == ("result", 42)
    assert seen.events[2][1].progress.fraction == 1.0


def test_errors_reach_on_error(runner: JobRunner) -> None:
    seen = Recorder()

    def work(token: CancelToken, progress: ProgressCallback) -> None:
        raise ValueError("bad pixels")

    runner.submit(work, worker="cpu", callbacks=seen.callbacks())
    assert seen.done.wait(5)
    kind, error = seen.events[-1]
    assert kind == "error" and str(error) == "bad pixels"


def test_cancel_stops_work_and_reports_cancelled_not_result(runner: JobRunner) -> None:
    seen = Recorder()
    started, release = threading.Event(), threading.Event()

    def work(token: CancelToken, progress: ProgressCallback) -> str:
        started.set()
        release.wait(5)
        token.check()
        return "finished"

    handle = runner.submit(work, worker="cpu", callbacks=seen.callbacks())
    assert started.wait(5)
    handle.cancel()
    release.set()
    assert seen.done.wait(5)
    assert seen.kinds() == ["cancelled"]


def test_result_that_arrives_after_cancel_is_not_reported(runner: JobRunner) -> None:
    seen = Recorder()
    started, release = threading.Event(), threading.Event()

    def work(token: CancelToken, progress: ProgressCallback) -> str:
        started.set()
        release.wait(5)
        return "late"  # ignores the token: the runner must still not report it

    handle = runner.submit(work, worker="cpu", callbacks=seen.callbacks())
    assert started.wait(5)
    handle.cancel()
    release.set()
    assert seen.done.wait(5)
    assert seen.kinds() == ["cancelled"]


def test_new_job_in_a_lane_drops_the_old_one_and_its_late_result(runner: JobRunner) -> None:
    first, second = Recorder(), Recorder()
    started, release = threading.Event(), threading.Event()

    def slow(token: CancelToken, progress: ProgressCallback) -> str:
        started.set()
        release.wait(5)
        report(progress, 1, 1, "tile")
        return "old image"

    old = runner.submit(slow, worker="cpu", lane="preview", callbacks=first.callbacks())
    assert started.wait(5)
    runner.submit(
        lambda t, p: "new image", worker="cpu", lane="preview", callbacks=second.callbacks()
    )
    assert old.dropped
    release.set()
    assert second.done.wait(5)
    assert old.wait(5)
    assert first.events == []  # nothing at all from the dropped job
    assert second.events == [("result", "new image")]


def test_one_thread_per_worker_name_runs_jobs_in_order(runner: JobRunner) -> None:
    names: list[str] = []
    order: list[int] = []
    handles = []
    for index in range(3):

        def work(token: CancelToken, progress: ProgressCallback, index: int = index) -> None:
            names.append(threading.current_thread().name)
            order.append(index)

        handles.append(runner.submit(work, worker="cuda:0"))
    assert all(h.wait(5) for h in handles)
    assert order == [0, 1, 2]
    assert set(names) == {"cnaps-worker-cuda:0"}


def test_shutdown_stops_threads_and_drops_waiting_jobs() -> None:
    jobs = JobRunner()
    seen = Recorder()
    release = threading.Event()
    jobs.submit(lambda t, p: release.wait(5), worker="cpu")
    waiting = jobs.submit(lambda t, p: "never", worker="cpu", callbacks=seen.callbacks())
    opener = threading.Timer(0.2, release.set)  # let the first job end while shutdown waits
    opener.start()
    assert jobs.shutdown(5)
    opener.join()
    assert waiting.dropped and seen.events == []
    assert not jobs.threads_alive()
    assert not [t for t in threading.enumerate() if t.name.startswith("cnaps-worker-")]
    with pytest.raises(RuntimeError):
        jobs.submit(lambda t, p: None, worker="cpu")


@pytest.mark.parametrize(
    ("fraction", "elapsed", "expected"),
    [(0.0, 10.0, None), (0.5, 0.1, None), (0.25, 10.0, 30.0), (0.5, 4.0, 4.0), (1.0, 9.0, 0.0)],
)
def test_estimate_seconds_left(fraction: float, elapsed: float, expected: float | None) -> None:
    assert estimate_seconds_left(fraction, elapsed) == expected
