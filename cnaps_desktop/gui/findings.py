"""What the window finds out about the picture on screen besides restoring it, as Qt signals.

- **What it needs**: the engine's diagnosis, as soon as a photo (or a video frame) opens and
  before any model runs, against the selected checkpoint; again when the checkpoint changes,
  since the verdict names it.
- **What the model changed**: the engine's change map, once the whole picture is restored.

Both run on the "diagnosis" worker through the :class:`~cnaps_desktop.gui.job_bridge.JobBridge`,
each in its own lane: a newer picture or checkpoint drops the older job, and a late result for a
picture no longer on screen is dropped here, never shown on the wrong one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.gui.diagnosis_facts import CheckpointFacts, DiagnosisFacts
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.screen_model import OnScreen
from cnaps_desktop.gui.services import ChangeView, EngineServices
from cnaps_desktop.gui.session import Session
from cnaps_desktop.gui.widgets.error_dialog import plain_message

WORKER = "diagnosis"
DIAGNOSIS_LANE = "diagnosis"
CHANGES_LANE = "changes"


@dataclass(frozen=True)
class Diagnosed:
    checkpoint: str
    task: CheckpointFacts
    diagnosis: DiagnosisFacts | None
    """None when no picture was on screen to look at."""


class Findings(QObject):
    task_known = Signal(object)
    """CheckpointFacts: what the selected checkpoint does (its first-version flag among it)."""
    diagnosing = Signal(str)
    """The name of the picture being looked at (under a second)."""
    diagnosed = Signal(object, object)
    """(DiagnosisFacts, CheckpointFacts): what the picture on screen needs, for this checkpoint."""
    diagnosis_failed = Signal(str)
    """One sentence saying why the picture on screen could not be diagnosed."""
    change_known = Signal(object)
    """ChangeView of the result on screen, or None while there is none (yet)."""
    facts_changed = Signal(object)
    """ScreenFacts, now with the "What changed" line."""

    def __init__(
        self,
        services: EngineServices,
        bridge: JobBridge,
        session: Session,
        checkpoint: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bridge = bridge
        self._session = session
        self._checkpoint = checkpoint
        self.task: CheckpointFacts | None = None
        self.diagnosis: DiagnosisFacts | None = None
        self.change: ChangeView | None = None
        session.opened.connect(self._diagnose)
        session.before_changed.connect(self._before_changed)
        session.after_changed.connect(lambda *_: self._forget_change())
        session.result_ready.connect(self._measure_change)

    # ------------------------------------------------------------------ what it needs
    def checkpoint_changed(self) -> None:
        """Learn what the new checkpoint does, and diagnose the picture on screen against it."""
        screen = self._session.on_screen
        self._diagnose(screen if screen is not None and screen.image is not None else None)

    def _diagnose(self, screen: OnScreen | None) -> None:
        services, checkpoint = self._services, self._checkpoint()
        pixels = screen.image.pixels if screen is not None and screen.image is not None else None
        path = screen.path if screen is not None else None
        if screen is not None:
            self.diagnosis = None
            self.diagnosing.emit(screen.path.name)

        def work(token: CancelToken, progress: ProgressCallback) -> Diagnosed:
            task = services.checkpoint_task(checkpoint)
            token.check()
            found = None if pixels is None else services.diagnose(pixels, checkpoint, path)
            return Diagnosed(checkpoint, task, found)

        def on_result(found: Diagnosed) -> None:
            if found.checkpoint != self._checkpoint():
                return  # chosen again meanwhile; the job for the new one follows
            self.task = found.task
            self.task_known.emit(found.task)
            if found.diagnosis is not None and self._is_current(screen):
                self.diagnosis = found.diagnosis
                self.diagnosed.emit(found.diagnosis, found.task)

        def on_error(error: BaseException) -> None:
            if screen is not None and self._is_current(screen):
                name = screen.path.name
                self.diagnosis_failed.emit(f"{name} could not be diagnosed: {plain_message(error)}")

        self._bridge.submit(
            work,
            worker=WORKER,
            lane=DIAGNOSIS_LANE,
            description=f"diagnose {path.name if path else checkpoint}",
            on_result=on_result,
            on_error=on_error,
        )

    def _before_changed(self, before: object) -> None:
        screen = self._session.on_screen
        if before is None and screen is not None:  # the file on screen did not open
            self._bridge.runner.drop_lane(DIAGNOSIS_LANE)
            self.diagnosis = None
            self._forget_change()
            name = screen.path.name
            self.diagnosis_failed.emit(f"{name} could not be opened, so there is nothing to see.")

    def _is_current(self, screen: OnScreen | None) -> bool:
        return screen is not None and screen is self._session.on_screen

    # ------------------------------------------------------------------ what changed
    def _forget_change(self) -> None:
        """The "after" side changed: the measured change belongs to the result before it."""
        self._bridge.runner.drop_lane(CHANGES_LANE)
        if self.change is not None:
            self.change = None
            self.change_known.emit(None)

    def _measure_change(self, screen: OnScreen) -> None:
        if screen.image is None or screen.result is None:
            return
        services, before, result = self._services, screen.image.pixels, screen.result

        def work(token: CancelToken, progress: ProgressCallback) -> ChangeView:
            return services.change_view(before, result)

        def on_result(view: ChangeView) -> None:
            self._show_change(screen, result, view, view.sentence)

        def on_error(error: BaseException) -> None:
            self._show_change(screen, result, None, f"not measured: {plain_message(error)}")

        self._bridge.submit(
            work,
            worker=WORKER,
            lane=CHANGES_LANE,
            description=f"measure the change in {screen.path.name}",
            on_result=on_result,
            on_error=on_error,
        )

    def _show_change(
        self, screen: OnScreen, result: np.ndarray, view: ChangeView | None, sentence: str
    ) -> None:
        facts = self._session.model.change_measured(screen, result, sentence)
        if facts is None:
            return  # another picture or result is on screen by now
        self.change = view
        self.change_known.emit(view)
        self.facts_changed.emit(facts)
