"""Adapts the Qt-free job runner (jobs.py) to the GUI thread.

Worker threads report through :class:`JobBridge`'s signal, which Qt queues to the GUI thread.
There the handle is checked once more: a job dropped after it reported (the person switched
image or checkpoint meanwhile) is ignored, so a late result can never reach the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from cnaps_desktop.jobs import JobCallbacks, JobHandle, JobProgress, JobRunner, Work

ResultT = TypeVar("ResultT")

WORKER_NICENESS = 10
"""Workers run at a lower CPU priority than the GUI thread (see jobs.lower_thread_priority)."""


class JobBridge(QObject):
    # (a one-item list holding the JobHandle, a zero-argument callable to run on the GUI thread);
    # the list is filled by submit() before the GUI thread can process any delivery.
    _deliver = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = JobRunner(niceness=WORKER_NICENESS)
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._deliver.connect(self._run_delivery, Qt.ConnectionType.QueuedConnection)

    def submit(
        self,
        work: Work[ResultT],
        *,
        worker: str,
        lane: str | None = None,
        description: str = "",
        on_result: Callable[[ResultT], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        on_progress: Callable[[JobProgress], object] | None = None,
        on_cancelled: Callable[[], object] | None = None,
    ) -> JobHandle:
        """Run ``work`` on ``worker``; each handler runs later on the GUI thread.

        ``on_result`` receives what ``work`` returns, typed as such: a work function returning
        a dataclass hands that dataclass to its handler.
        """
        holder: list[JobHandle] = []

        def later(handler: Callable[..., object] | None, *args: Any) -> None:
            if handler is not None:
                with self._pending_lock:
                    self._pending += 1
                self._deliver.emit(holder, lambda: handler(*args))

        callbacks = JobCallbacks[ResultT](
            on_result=lambda result: later(on_result, result),
            on_error=lambda error: later(on_error, error),
            on_progress=lambda progress: later(on_progress, progress),
            on_cancelled=lambda: later(on_cancelled),
        )
        handle = self.runner.submit(
            work, worker=worker, lane=lane, description=description, callbacks=callbacks
        )
        holder.append(handle)
        return handle

    @Slot(object, object)
    def _run_delivery(self, holder: list[JobHandle], call: Callable[[], None]) -> None:
        with self._pending_lock:
            self._pending -= 1
        if holder and not holder[0].dropped:
            call()

    def idle(self) -> bool:
        """No job waiting or running, and no report still on its way to the GUI thread."""
        with self._pending_lock:
            pending = self._pending
        return pending == 0 and not self.runner.busy()

    def shutdown(self, timeout: float = 10.0) -> bool:
        return self.runner.shutdown(timeout)
