"""Restore all: one job per file on the device's worker, going on past failures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.gui.services import RunSettings
from cnaps_desktop.gui.widgets.file_list import FileState
from cnaps_desktop.gui.words import progress_words, short_reason
from cnaps_desktop.jobs import JobHandle, JobProgress

if TYPE_CHECKING:
    from cnaps_desktop.gui.session import Session


class BatchRun:
    """Files restored to disk with the settings of the moment the batch started."""

    def __init__(self, session: Session, settings: RunSettings) -> None:
        self._session = session
        self._settings = settings
        self.handles: list[JobHandle] = []
        self.failures: list[tuple[Path, BaseException]] = []

    def cancel(self) -> None:
        for handle in self.handles:
            handle.cancel()

    def start(
        self, files: list[tuple[Path, str]], on_finished: Callable[[int, list], None]
    ) -> None:
        session, settings = self._session, self._settings
        services = session._services
        remaining = [len(files)]

        def finish_one() -> None:
            remaining[0] -= 1
            if remaining[0] == 0:
                session.busy.emit("", 0.0)
                on_finished(len(files), list(self.failures))

        for index, (path, kind) in enumerate(files):

            def work(
                token: CancelToken, progress: ProgressCallback, path: Path = path, kind: str = kind
            ) -> Any:
                loaded = session._model(settings)
                if kind == "video":
                    output = services.video_output_path_for(path, settings)
                    return services.restore_video(loaded, path, output, settings, token, progress)
                return services.restore_file(loaded, path, settings, token, progress)

            label = f"{path.name} ({index + 1} of {len(files)})"
            session.entry_changed.emit(
                path, {"state": FileState.WAITING, "fraction": 0.0, "reason": ""}
            )
            handle = session._bridge.submit(
                work,
                worker=session._device_worker(settings),
                description=f"restore {path.name}",
                on_progress=lambda step, path=path, label=label: self._progress(path, label, step),
                on_result=lambda facts, path=path: (self._done(path, facts), finish_one()),
                on_error=lambda error, path=path: (self._failed(path, error), finish_one()),
                on_cancelled=lambda path=path: (session._cancelled(path), finish_one()),
            )
            self.handles.append(handle)

    def _progress(self, path: Path, label: str, step: JobProgress) -> None:
        self._session.entry_changed.emit(
            path, {"state": FileState.WORKING, "fraction": step.progress.fraction}
        )
        self._session.busy.emit(progress_words("Restoring", label, step), step.progress.fraction)

    def _done(self, path: Path, facts: Any) -> None:
        output = getattr(facts, "output_path", None)
        self._session.entry_changed.emit(
            path,
            {
                "state": FileState.DONE,
                "fraction": 1.0,
                "seconds": getattr(facts, "seconds", None),
                "reason": f"saved as {output}" if output else "",
            },
        )

    def _failed(self, path: Path, error: BaseException) -> None:
        self.failures.append((path, error))
        self._session.entry_changed.emit(
            path, {"state": FileState.FAILED, "reason": short_reason(error)}
        )
