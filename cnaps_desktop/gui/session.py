"""The window's work on the file on screen, as Qt signals: opening, preview, saving, batches.

What is on screen and what is known about it live in the Qt-free
:class:`~cnaps_desktop.gui.screen_model.ScreenModel`; this adapter runs the jobs and turns each
change into a signal. All engine calls go through
:class:`~cnaps_desktop.gui.job_bridge.JobBridge` onto worker threads: "io" for reading and
display levels, one worker per device for models. The on-screen preview lives in the "preview"
lane, so choosing another file or checkpoint drops it and its late results.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from cnaps_desktop.engine.cancel import CancelToken, Progress, ProgressCallback
from cnaps_desktop.engine.errors import OutputError
from cnaps_desktop.engine.pixels import Box
from cnaps_desktop.gui.batch import BatchOutcome, BatchRun
from cnaps_desktop.gui.file_entries import EntryUpdate, FileState
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.model_cache import ModelCache, device_worker
from cnaps_desktop.gui.screen_model import (
    OnScreen,
    Opened,
    RegionRestored,
    ScreenFacts,
    ScreenModel,
    WholeRestored,
)
from cnaps_desktop.gui.services import EngineServices, RunSettings
from cnaps_desktop.gui.widgets.display_image import DisplayImage
from cnaps_desktop.gui.words import progress_words, short_reason
from cnaps_desktop.jobs import JobProgress, Work

ResultT = TypeVar("ResultT")


class Session(QObject):
    before_changed = Signal(object)
    """DisplayImage | None: a new picture is on screen (the view fits it)."""
    after_changed = Signal(object, str, object)
    """(DisplayImage | None, badge text, box restored so far or None): the restored side."""
    facts_changed = Signal(object)
    """ScreenFacts | None, for the side pane."""
    busy = Signal(str, float)
    """(message, fraction 0..1, or -1 for "no estimate"); an empty message means idle."""
    entry_changed = Signal(object)
    """EntryUpdate: a file's state in the file list."""
    failed = Signal(str, object)
    """(title, exception) to show to the person."""
    video_opened = Signal(object)
    """VideoInfo of the video on screen, or None for a photo."""
    opened = Signal(object)
    """OnScreen: its picture (a photo or the video frame asked for) has just been read."""
    result_ready = Signal(object)
    """OnScreen: the whole picture's result is on the "after" side now (restored or recalled)."""

    def __init__(
        self,
        services: EngineServices,
        bridge: JobBridge,
        run_settings: Callable[[], RunSettings],
        visible_box: Callable[[], Box | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bridge = bridge
        self._run_settings = run_settings
        self._visible_box = visible_box
        self.model = ScreenModel()
        self._models = ModelCache(services.load_model)
        self._batch_run: BatchRun | None = None

    @property
    def on_screen(self) -> OnScreen | None:
        return self.model.on_screen

    def _show_facts(self, facts: ScreenFacts | None) -> None:
        if facts is not None:
            self.facts_changed.emit(facts)

    # ------------------------------------------------------------------ showing a file
    def show(self, path: Path, kind: str, frame: int = 0) -> None:
        """Put ``path`` on screen; drops whatever preview was running."""
        self._bridge.runner.drop_lane("preview")
        self.model.show(path, kind, frame)
        self.busy.emit(f"Opening {path.name}...", -1.0)
        services = self._services

        def work(token: CancelToken, progress: ProgressCallback) -> Opened:
            video = None
            if kind == "video":
                video = services.probe_video(path)
                image = services.read_frame(path, frame)
            else:
                image = services.read_image(path)
            token.check()
            return Opened(image, video, services.display_levels(image.pixels))

        self._bridge.submit(
            work,
            worker="io",
            lane="load",
            description=f"open {path.name}",
            on_result=lambda opened: self._opened(path, opened),
            on_error=lambda error: self._open_failed(path, error),
        )

    def show_frame(self, frame: int) -> None:
        screen = self.on_screen
        if screen is not None and screen.kind == "video":
            self.show(screen.path, "video", frame)

    def _opened(self, path: Path, opened: Opened) -> None:
        screen = self.model.opened(path, opened, self._run_settings().checkpoint)
        if screen is None:
            return
        self.before_changed.emit(DisplayImage.from_levels(opened.levels))
        self.after_changed.emit(None, "", None)
        self.facts_changed.emit(screen.facts)
        self.video_opened.emit(opened.video)
        self.opened.emit(screen)
        self.busy.emit("", 0.0)
        kept = self.model.recall(self._run_settings())
        if kept is not None:
            self.after_changed.emit(DisplayImage.from_levels(kept.levels), "", None)
            self.facts_changed.emit(screen.facts)
            self.result_ready.emit(screen)
        elif self._run_settings().checkpoint:
            self.preview()

    def _open_failed(self, path: Path, error: BaseException) -> None:
        if self.model.is_shown(path):
            self.before_changed.emit(None)
            self.facts_changed.emit(None)
        self.entry_changed.emit(EntryUpdate(path, FileState.FAILED, reason=short_reason(error)))
        self.busy.emit("", 0.0)
        self.failed.emit(f"Could not open {path.name}", error)

    # ------------------------------------------------------------------ preview
    def preview(self) -> None:
        """Restore what is on screen: the visible part first, then the whole picture."""
        screen = self.on_screen
        if screen is None or screen.image is None:
            return
        settings = self._run_settings()
        if not settings.checkpoint:
            return
        box = self.model.preview_region(self._visible_box())
        if box is None:
            self._restore_whole(screen, settings)
        else:
            self._restore_region(screen, settings, box)

    def _restore_region(self, screen: OnScreen, settings: RunSettings, box: Box) -> None:
        assert screen.image is not None and screen.before_rgb8 is not None
        services, models = self._services, self._models
        pixels, base = screen.image.pixels, screen.before_rgb8

        def work(token: CancelToken, progress: ProgressCallback) -> RegionRestored:
            loaded = models.get(settings)
            region = services.restore_region(loaded, pixels, box, settings, token, progress)
            token.check()
            levels = services.paste_region(base, region, box)
            return RegionRestored(box, levels, loaded.info, services.describe_loaded(loaded))

        def on_result(restored: RegionRestored) -> None:
            note = "Preview of the framed area - whole picture next"
            self.after_changed.emit(DisplayImage.from_levels(restored.levels), note, restored.box)
            self._show_facts(self.model.region_restored(screen, restored))
            self._restore_whole(screen, settings)

        self._submit_preview(screen, settings, work, on_result, "Restoring the visible area of")

    def _restore_whole(self, screen: OnScreen, settings: RunSettings) -> None:
        assert screen.image is not None
        services, models, pixels = self._services, self._models, screen.image.pixels

        def work(token: CancelToken, progress: ProgressCallback) -> WholeRestored:
            loaded = models.get(settings)
            started = time.monotonic()
            tiles = 1

            def counting(step: Progress) -> None:
                nonlocal tiles
                tiles = max(tiles, step.total)
                progress(step)

            result = services.restore_array(loaded, pixels, settings, token, counting)
            seconds = time.monotonic() - started
            token.check()
            levels = services.display_levels(result)
            return WholeRestored(
                result, levels, loaded.info, services.describe_loaded(loaded), seconds, tiles
            )

        def on_result(restored: WholeRestored) -> None:
            facts = self.model.whole_restored(screen, settings, restored)
            self.after_changed.emit(DisplayImage.from_levels(restored.levels), "", None)
            self.facts_changed.emit(facts)
            self.result_ready.emit(screen)
            if screen.kind == "photo":
                self.entry_changed.emit(
                    EntryUpdate(screen.path, FileState.DONE, 1.0, seconds=restored.seconds)
                )
            self.busy.emit("", 0.0)

        self._submit_preview(screen, settings, work, on_result, "Restoring")

    def _submit_preview(
        self,
        screen: OnScreen,
        settings: RunSettings,
        work: Work[ResultT],
        on_result: Callable[[ResultT], None],
        verb: str,
    ) -> None:
        path = screen.path
        is_photo = screen.kind == "photo"
        self.busy.emit(f"{verb} {path.name}: loading the model...", -1.0)
        if is_photo:
            self.entry_changed.emit(EntryUpdate(path, FileState.WORKING, fraction=0.0))

        def on_progress(step: JobProgress) -> None:
            self.busy.emit(progress_words(verb, path.name, step), step.progress.fraction)
            if is_photo:
                self.entry_changed.emit(EntryUpdate(path, fraction=step.progress.fraction))

        def on_error(error: BaseException) -> None:
            if is_photo:
                self.entry_changed.emit(
                    EntryUpdate(path, FileState.FAILED, reason=short_reason(error))
                )
            self.busy.emit("", 0.0)
            self.failed.emit(f"Could not restore {path.name}", error)

        def on_cancelled() -> None:
            if is_photo:
                self.entry_changed.emit(EntryUpdate(path, FileState.CANCELLED, fraction=0.0))
            self.busy.emit("", 0.0)

        self._bridge.submit(
            work,
            worker=device_worker(settings),
            lane="preview",
            description=f"preview {path.name}",
            on_result=on_result,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=on_cancelled,
        )

    def checkpoint_changed(self) -> None:
        """A new checkpoint: drop the running preview and start again with it."""
        self._bridge.runner.drop_lane("preview")
        self._models.clear()
        screen = self.model.checkpoint_changed(self._run_settings().checkpoint)
        if screen is not None:
            self.after_changed.emit(None, "", None)
            self._show_facts(screen.facts)
            self.preview()

    def cancel(self) -> None:
        """Esc: stop the preview and any batch; nothing is reported as an error."""
        current = self._bridge.runner.current("preview")
        if current is not None:
            current.cancel()
        if self._batch_run is not None:
            self._batch_run.cancel()

    # ------------------------------------------------------------------ saving
    def can_save(self) -> bool:
        return self.model.can_save()

    def default_output_path(self) -> Path | None:
        screen = self.on_screen
        if screen is None:
            return None
        return self._services.output_path_for(screen.path, self._run_settings())

    def save(
        self, target: Path, output_format: str | None, on_saved: Callable[[Path], None]
    ) -> None:
        screen = self.on_screen
        if screen is None or screen.image is None or screen.result is None:
            return
        if target.resolve() == screen.path.resolve():
            self.failed.emit(
                "Not saved", OutputError(f"{target.name} is the original; choose another name.")
            )
            return
        image, result, services = screen.image, screen.result, self._services

        def work(token: CancelToken, progress: ProgressCallback) -> Path:
            return services.save_result(image, result, target, output_format)

        def saved(path: Path) -> None:
            facts = self.model.saved(screen, path)
            if facts is not None and screen is self.on_screen:
                self.facts_changed.emit(facts)
            self.entry_changed.emit(EntryUpdate(screen.path, reason=f"saved as {path.name}"))
            on_saved(path)

        self._bridge.submit(
            work,
            worker="io",
            description=f"save {target.name}",
            on_result=saved,
            on_error=lambda error: self.failed.emit("Could not save", error),
        )

    # ------------------------------------------------------------------ batches and video
    def restore_files(
        self, files: list[tuple[Path, str]], on_finished: Callable[[BatchOutcome], None]
    ) -> None:
        """Restore every file into the output folder (or beside it), one job per file."""
        self._batch_run = BatchRun(
            self._services,
            self._bridge,
            self._models,
            self._run_settings(),
            self.entry_changed.emit,
            self.busy.emit,
        )
        self._batch_run.start(files, on_finished)
