"""Restore all: one job per file on the device's worker, going on past failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.facts import RunFacts
from cnaps_desktop.gui.file_entries import EntryUpdate, FileState
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.model_cache import ModelCache, device_worker
from cnaps_desktop.gui.services import EngineServices, RunSettings
from cnaps_desktop.gui.words import progress_words, short_reason
from cnaps_desktop.jobs import JobHandle, JobProgress

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.options import VideoFacts


@dataclass(frozen=True)
class BatchFailure:
    path: Path
    error: BaseException


@dataclass(frozen=True)
class BatchOutcome:
    """What a finished Restore all did: each file was restored, failed or was cancelled."""

    restored: int
    failures: tuple[BatchFailure, ...]
    cancelled: int = 0

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def count(self) -> int:
        """Every file the batch was given."""
        return self.restored + self.failed + self.cancelled


class BatchRun:
    """Files restored to disk with the settings of the moment the batch started.

    It reports each file's state through ``entry_changed`` and its progress through ``busy``
    (message, fraction; an empty message means idle), the same way the session does.
    """

    def __init__(
        self,
        services: EngineServices,
        bridge: JobBridge,
        models: ModelCache,
        settings: RunSettings,
        entry_changed: Callable[[EntryUpdate], None],
        busy: Callable[[str, float], None],
    ) -> None:
        self._services = services
        self._bridge = bridge
        self._models = models
        self._settings = settings
        self._entry_changed = entry_changed
        self._busy = busy
        self.handles: list[JobHandle] = []
        self.failures: list[BatchFailure] = []
        self.restored = 0
        self.cancelled = 0

    def cancel(self) -> None:
        for handle in self.handles:
            handle.cancel()

    def start(
        self, files: list[tuple[Path, str]], on_finished: Callable[[BatchOutcome], None]
    ) -> None:
        remaining = [len(files)]

        def finish_one() -> None:
            remaining[0] -= 1
            if remaining[0] == 0:
                self._busy("", 0.0)
                outcome = BatchOutcome(self.restored, tuple(self.failures), self.cancelled)
                on_finished(outcome)

        for index, (path, kind) in enumerate(files):
            label = f"{path.name} ({index + 1} of {len(files)})"
            self._entry_changed(EntryUpdate(path, FileState.WAITING, fraction=0.0, reason=""))
            handle = self._start_one(path, kind, label, finish_one)
            self.handles.append(handle)

    def _start_one(
        self, path: Path, kind: str, label: str, finish_one: Callable[[], None]
    ) -> JobHandle:
        services, models, settings = self._services, self._models, self._settings

        def work(token: CancelToken, progress: ProgressCallback) -> RunFacts | VideoFacts:
            loaded = models.get(settings)
            if kind == "video":
                output = services.video_output_path_for(path, settings)
                return services.restore_video(loaded, path, output, settings, token, progress)
            return services.restore_file(loaded, path, settings, token, progress)

        def done(facts: RunFacts | VideoFacts) -> None:
            self._done(path, facts)
            finish_one()

        def failed(error: BaseException) -> None:
            self._failed(path, error)
            finish_one()

        def cancelled() -> None:
            self.cancelled += 1
            self._entry_changed(EntryUpdate(path, FileState.CANCELLED, fraction=0.0))
            self._busy("", 0.0)
            finish_one()

        return self._bridge.submit(
            work,
            worker=device_worker(settings),
            description=f"restore {path.name}",
            on_progress=lambda step: self._progress(path, label, step),
            on_result=done,
            on_error=failed,
            on_cancelled=cancelled,
        )

    def _progress(self, path: Path, label: str, step: JobProgress) -> None:
        self._entry_changed(EntryUpdate(path, FileState.WORKING, fraction=step.progress.fraction))
        self._busy(progress_words("Restoring", label, step), step.progress.fraction)

    def _done(self, path: Path, facts: RunFacts | VideoFacts) -> None:
        self.restored += 1
        output = facts.output_path
        self._entry_changed(
            EntryUpdate(
                path,
                FileState.DONE,
                fraction=1.0,
                seconds=facts.seconds,
                reason=f"saved as {output}" if output else "",
            )
        )

    def _failed(self, path: Path, error: BaseException) -> None:
        self.failures.append(BatchFailure(path, error))
        self._entry_changed(EntryUpdate(path, FileState.FAILED, reason=short_reason(error)))
