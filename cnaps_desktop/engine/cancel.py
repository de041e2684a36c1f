"""Cancellation and progress, passed explicitly to every long call.

A :class:`CancelToken` is a thread-safe flag. Long work calls :meth:`CancelToken.check` between
tiles and frames; after :meth:`CancelToken.cancel` the next check raises :class:`Cancelled`, so work
stops within one tile or frame. Progress goes to a plain callable, so the GUI can adapt it to Qt
signals and the CLI to a progress bar, and the engine stays free of both.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from cnaps_desktop.engine.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    """How far one piece of work has come.

    ``done`` and ``total`` count steps (tiles, frames, training steps); ``stage`` says in a few
    words what the steps are, for example "tile" or "frame".
    """

    done: int
    total: int
    stage: str = "tile"

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(1.0, self.done / self.total)


class ProgressCallback(Protocol):
    def __call__(self, progress: Progress, /) -> None: ...


class CancelToken:
    """A flag that one thread sets and the worker checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if :meth:`cancel` was called."""
        if self._event.is_set():
            raise Cancelled()


def report(callback: ProgressCallback | None, done: int, total: int, stage: str) -> None:
    """Send progress to ``callback`` when there is one."""
    if callback is not None:
        callback(Progress(done=done, total=total, stage=stage))
