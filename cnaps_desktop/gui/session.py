"""What the window is working on: the file on screen, its preview, saving and batches.

All engine calls go through :class:`~cnaps_desktop.gui.job_bridge.JobBridge` onto worker threads:
"io" for reading and display levels, one worker per device for models. The on-screen preview lives
in the "preview" lane, so choosing another file or checkpoint drops it and its late results.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.gui.services import Box, EngineServices, RunSettings
from cnaps_desktop.gui.widgets.compare_view import DisplayImage
from cnaps_desktop.gui.widgets.explain_pane import ScreenFacts
from cnaps_desktop.gui.widgets.file_list import FileState
from cnaps_desktop.gui.widgets.view_state import Box as ViewBox
from cnaps_desktop.gui.words import (
    PREVIEW_REGION_SIDE,
    FrameImage,
    describe_pixels,
    preview_box,
    progress_words,
    short_reason,
    video_lines,
)
from cnaps_desktop.jobs import JobProgress

KEPT_RESULTS = 3
"""Finished results kept in memory (a 24 MP photo and its display copies take about 200 MB)."""


@dataclass
class OnScreen:
    """The file shown now and what is known about it."""

    path: Path
    kind: str
    image: Any = None
    """The engine's Image (pixels + metadata) of the photo or video frame."""
    before_rgb8: np.ndarray | None = None
    result: np.ndarray | None = None
    facts: ScreenFacts | None = None
    frame: int = 0
    video_info: Any = None


class Session(QObject):
    before_changed = Signal(object)
    """DisplayImage | None: a new picture is on screen (the view fits it)."""
    after_changed = Signal(object, str, object)
    """(DisplayImage | None, badge text, box restored so far or None): the restored side."""
    facts_changed = Signal(object)
    """ScreenFacts | None, for the side pane."""
    busy = Signal(str, float)
    """(message, fraction 0..1, or -1 for "no estimate"); an empty message means idle."""
    entry_changed = Signal(object, dict)
    """(path, FileEntry field changes) for the file list."""
    failed = Signal(str, object)
    """(title, exception) to show to the person."""
    video_opened = Signal(object)
    """VideoInfo of the video on screen, or None for a photo."""

    def __init__(
        self,
        services: EngineServices,
        bridge: Any,
        run_settings: Callable[[], RunSettings],
        visible_box: Callable[[], ViewBox | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._bridge = bridge
        self._run_settings = run_settings
        self._visible_box = visible_box
        self._models: dict[RunSettings, Any] = {}
        self.on_screen: OnScreen | None = None
        self.preview_side = PREVIEW_REGION_SIDE
        self._batch_run: Any = None
        self._results: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()

    # ------------------------------------------------------------------ model cache
    def _model(self, settings: RunSettings) -> Any:
        """Load (once) the model for these settings; runs on a device worker."""
        key = RunSettings(settings.checkpoint, settings.device, settings.precision)
        loaded = self._models.get(key)
        if loaded is None:
            loaded = self._services.load_model(key)
            self._models = {key: loaded}  # keep one model in memory at a time
        return loaded

    @staticmethod
    def _device_worker(settings: RunSettings) -> str:
        return f"device:{settings.device}"

    # ------------------------------------------------------------------ showing a file
    def show(self, path: Path, kind: str, frame: int = 0) -> None:
        """Put ``path`` on screen; drops whatever preview was running."""
        self._bridge.runner.drop_lane("preview")
        self.on_screen = OnScreen(path, kind, frame=frame)
        self.busy.emit(f"Opening {path.name}...", -1.0)
        services = self._services

        def work(
            token: CancelToken, progress: ProgressCallback
        ) -> tuple[Any, Any, list[np.ndarray]]:
            info = None
            if kind == "video":
                info = services.probe_video(path)
                image = FrameImage(services.read_frame(path, frame))
            else:
                image = services.read_image(path)
            token.check()
            return image, info, services.display_levels(image.pixels)

        self._bridge.submit(
            work,
            worker="io",
            lane="load",
            description=f"open {path.name}",
            on_result=lambda result: self._opened(path, result),
            on_error=lambda error: self._open_failed(path, error),
        )

    def show_frame(self, frame: int) -> None:
        screen = self.on_screen
        if screen is not None and screen.kind == "video":
            self.show(screen.path, "video", frame)

    def _opened(self, path: Path, result: tuple[Any, Any, list[np.ndarray]]) -> None:
        screen = self.on_screen
        if screen is None or screen.path != path:
            return
        image, info, levels = result
        screen.image, screen.video_info, screen.before_rgb8 = image, info, levels[0]
        pixels = image.pixels
        screen.facts = ScreenFacts(
            input_path=path,
            input_size=(pixels.shape[1], pixels.shape[0]),
            input_kind=describe_pixels(pixels),
            checkpoint=self._run_settings().checkpoint,
            state="not restored yet",
            video_lines=video_lines(info, screen.frame),
        )
        self.before_changed.emit(DisplayImage.from_levels(levels))
        self.after_changed.emit(None, "", None)
        self.facts_changed.emit(screen.facts)
        self.video_opened.emit(info)
        self.busy.emit("", 0.0)
        if self._recall(screen):
            return
        if self._run_settings().checkpoint:
            self.preview()

    # ------------------------------------------------------------------ recent results
    def _result_key(self, screen: OnScreen, settings: RunSettings) -> tuple[Any, ...]:
        return (screen.path, screen.frame, settings.checkpoint, settings.device, settings.precision)

    def _remember(self, screen: OnScreen, settings: RunSettings, levels: list[np.ndarray]) -> None:
        """Keep the last few results, so going back to a finished photo shows it at once."""
        key = self._result_key(screen, settings)
        self._results[key] = (screen.result, levels, screen.facts)
        self._results.move_to_end(key)
        while len(self._results) > KEPT_RESULTS:
            self._results.popitem(last=False)

    def _recall(self, screen: OnScreen) -> bool:
        kept = self._results.get(self._result_key(screen, self._run_settings()))
        if kept is None:
            return False
        screen.result, levels, facts = kept
        screen.facts = replace(facts, state="restored earlier in this session")
        self.after_changed.emit(DisplayImage.from_levels(levels), "", None)
        self.facts_changed.emit(screen.facts)
        return True

    def _open_failed(self, path: Path, error: BaseException) -> None:
        if self.on_screen is not None and self.on_screen.path == path:
            self.before_changed.emit(None)
            self.facts_changed.emit(None)
        self.entry_changed.emit(path, {"state": FileState.FAILED, "reason": short_reason(error)})
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
        pixels = screen.image.pixels
        whole = (0, 0, pixels.shape[1], pixels.shape[0])
        box = preview_box(self._visible_box() or whole, self.preview_side)
        if box == whole:
            self._restore_whole(screen, settings)
        else:
            self._restore_region(screen, settings, box)

    def _restore_region(self, screen: OnScreen, settings: RunSettings, box: Box) -> None:
        services, pixels = self._services, screen.image.pixels
        assert screen.before_rgb8 is not None
        base = screen.before_rgb8

        def work(token: CancelToken, progress: ProgressCallback) -> tuple[Any, ...]:
            loaded = self._model(settings)
            region = services.restore_region(loaded, pixels, box, settings, token, progress)
            token.check()
            levels = services.paste_region(base, region, box)
            return levels, loaded.info, services.describe_loaded(loaded)

        def on_result(outcome: tuple[Any, ...]) -> None:
            levels, info, loaded_facts = outcome
            note = "Preview of the framed area - whole picture next"
            self.after_changed.emit(DisplayImage.from_levels(levels), note, box)
            if screen.facts is not None:
                screen.facts = replace(
                    screen.facts,
                    model=info,
                    device=loaded_facts.device,
                    precision=loaded_facts.precision,
                    state="framed area restored; restoring the whole picture",
                )
                self.facts_changed.emit(screen.facts)
            self._restore_whole(screen, settings)

        self._submit_preview(screen, settings, work, on_result, "Restoring the visible area of")

    def _restore_whole(self, screen: OnScreen, settings: RunSettings) -> None:
        services, pixels = self._services, screen.image.pixels
        tiles: list[int] = [1]

        def work(token: CancelToken, progress: ProgressCallback) -> tuple[Any, ...]:
            loaded = self._model(settings)
            started = time.monotonic()

            def counting(step: Any) -> None:
                tiles[0] = max(tiles[0], step.total)
                progress(step)

            result = services.restore_array(loaded, pixels, settings, token, counting)
            seconds = time.monotonic() - started
            token.check()
            return (
                result,
                services.display_levels(result),
                loaded.info,
                services.describe_loaded(loaded),
                seconds,
            )

        def on_result(outcome: tuple[Any, ...]) -> None:
            result, levels, info, loaded_facts, seconds = outcome
            screen.result = result
            assert screen.facts is not None
            screen.facts = replace(
                screen.facts,
                checkpoint=settings.checkpoint,
                model=info,
                device=loaded_facts.device,
                precision=loaded_facts.precision,
                tiles=tiles[0],
                tile_size=settings.tile,
                seconds=seconds,
                output_size=(result.shape[1], result.shape[0]),
                state="restored (not saved yet)",
            )
            self._remember(screen, settings, levels)
            self.after_changed.emit(DisplayImage.from_levels(levels), "", None)
            self.facts_changed.emit(screen.facts)
            if screen.kind == "photo":
                self.entry_changed.emit(
                    screen.path, {"state": FileState.DONE, "seconds": seconds, "fraction": 1.0}
                )
            self.busy.emit("", 0.0)

        self._submit_preview(screen, settings, work, on_result, "Restoring")

    def _submit_preview(
        self,
        screen: OnScreen,
        settings: RunSettings,
        work: Callable[[CancelToken, ProgressCallback], Any],
        on_result: Callable[[Any], None],
        verb: str,
    ) -> None:
        path = screen.path
        is_photo = screen.kind == "photo"
        self.busy.emit(f"{verb} {path.name}: loading the model...", -1.0)
        if is_photo:
            self.entry_changed.emit(path, {"state": FileState.WORKING, "fraction": 0.0})

        def on_progress(step: JobProgress) -> None:
            self.busy.emit(progress_words(verb, path.name, step), step.progress.fraction)
            if is_photo:
                self.entry_changed.emit(path, {"fraction": step.progress.fraction})

        def on_error(error: BaseException) -> None:
            if is_photo:
                self.entry_changed.emit(
                    path, {"state": FileState.FAILED, "reason": short_reason(error)}
                )
            self.busy.emit("", 0.0)
            self.failed.emit(f"Could not restore {path.name}", error)

        self._bridge.submit(
            work,
            worker=self._device_worker(settings),
            lane="preview",
            description=f"preview {path.name}",
            on_result=on_result,
            on_error=on_error,
            on_progress=on_progress,
            on_cancelled=lambda: self._cancelled(path if is_photo else None),
        )

    def _cancelled(self, path: Path | None) -> None:
        if path is not None:
            self.entry_changed.emit(path, {"state": FileState.CANCELLED, "fraction": 0.0})
        self.busy.emit("", 0.0)

    def checkpoint_changed(self) -> None:
        """A new checkpoint: drop the running preview and start again with it."""
        self._bridge.runner.drop_lane("preview")
        self._models = {}
        screen = self.on_screen
        if screen is not None and screen.image is not None:
            screen.result = None
            self.after_changed.emit(None, "", None)
            if screen.facts is not None:
                screen.facts = replace(
                    screen.facts,
                    checkpoint=self._run_settings().checkpoint,
                    model=None,
                    state="not restored yet",
                )
                self.facts_changed.emit(screen.facts)
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
        screen = self.on_screen
        return screen is not None and screen.result is not None and screen.kind == "photo"

    def default_output_path(self) -> Path | None:
        screen = self.on_screen
        if screen is None:
            return None
        return self._services.output_path_for(screen.path, self._run_settings())

    def save(
        self, target: Path, output_format: str | None, on_saved: Callable[[Path], None]
    ) -> None:
        screen = self.on_screen
        if screen is None or screen.result is None:
            return
        if target.resolve() == screen.path.resolve():
            from cnaps_desktop.engine.errors import OutputError

            self.failed.emit(
                "Not saved", OutputError(f"{target.name} is the original; choose another name.")
            )
            return
        image, result, services = screen.image, screen.result, self._services

        def work(token: CancelToken, progress: ProgressCallback) -> Path:
            return services.save_result(image, result, target, output_format)

        def saved(path: Path) -> None:
            if screen.facts is not None:
                screen.facts = replace(screen.facts, output_path=path, state="restored and saved")
                self.facts_changed.emit(screen.facts)
            self.entry_changed.emit(screen.path, {"reason": f"saved as {path.name}"})
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
        self, files: list[tuple[Path, str]], on_finished: Callable[[int, list], None]
    ) -> None:
        """Restore every file into the output folder (or beside it), one job per file."""
        from cnaps_desktop.gui.batch import BatchRun

        self._batch_run = BatchRun(self, self._run_settings())
        self._batch_run.start(files, on_finished)
