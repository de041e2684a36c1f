"""What the window shows and knows, without Qt: the file on screen, recent results, run facts.

The session (session.py) runs the jobs and turns each change here into a signal. This module only
keeps the state and works out the facts from the jobs' results, so tests drive it with plain
values and no QApplication.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cnaps_desktop.engine.facts import ModelInfo
from cnaps_desktop.engine.image.picture import Image
from cnaps_desktop.engine.pixels import Box, describe_pixels
from cnaps_desktop.gui.services import LoadedFacts, RunSettings
from cnaps_desktop.gui.words import PREVIEW_REGION_SIDE, preview_box, video_lines

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.probe import VideoInfo

KEPT_RESULTS = 3
"""Finished results kept in memory (a 24 MP photo and its display copies take about 200 MB)."""


@dataclass(frozen=True)
class ScreenFacts:
    """What the side pane describes: the file on screen and, once run, the run's facts."""

    input_path: Path | None = None
    input_size: tuple[int, int] | None = None
    input_kind: str = ""
    checkpoint: str = ""
    model: ModelInfo | None = None
    device: str = ""
    precision: str = ""
    tiles: int | None = None
    tile_size: int | None = None
    seconds: float | None = None
    output_size: tuple[int, int] | None = None
    output_path: Path | None = None
    state: str = ""
    """E.g. "not restored yet", "preview of the visible area", "restored"."""
    video_lines: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """Frames, frame rate, codec and audio streams, for a video."""
    change: str = ""
    """What the model changed, measured once the whole picture is restored, e.g. "Changed: 18%
    of pixels by more than 2 levels; sharpness x1.6 (Laplacian variance)"."""


# ---------------------------------------------------------------------- what the jobs hand back
@dataclass(frozen=True)
class Opened:
    """What opening a file found (read on the "io" worker)."""

    image: Image
    """The photo, or the video frame asked for."""
    video: VideoInfo | None
    """What the video holds, or None for a photo."""
    levels: list[np.ndarray]
    """The picture's display levels (8-bit RGB, full size first)."""


@dataclass(frozen=True)
class RegionRestored:
    """The framed part, restored first and pasted into the "before" picture."""

    box: Box
    levels: list[np.ndarray]
    model: ModelInfo
    loaded: LoadedFacts


@dataclass(frozen=True)
class WholeRestored:
    """The whole picture, restored."""

    pixels: np.ndarray
    levels: list[np.ndarray]
    model: ModelInfo
    loaded: LoadedFacts
    seconds: float
    tiles: int


# ---------------------------------------------------------------------- the state
@dataclass
class OnScreen:
    """The file shown now and what is known about it."""

    path: Path
    kind: str
    """"photo" or "video"."""
    frame: int = 0
    image: Image | None = None
    video: VideoInfo | None = None
    before_rgb8: np.ndarray | None = None
    """The full-size display level of the "before" picture, where a restored region is pasted."""
    result: np.ndarray | None = None
    """The restored pixels of the whole picture, once there."""
    facts: ScreenFacts | None = None


@dataclass(frozen=True)
class KeptResult:
    pixels: np.ndarray
    levels: list[np.ndarray]
    facts: ScreenFacts


class ResultCache:
    """The last few finished results, so going back to a restored photo shows it at once."""

    def __init__(self, size: int = KEPT_RESULTS) -> None:
        self._size = size
        self._kept: OrderedDict[tuple[object, ...], KeptResult] = OrderedDict()

    @staticmethod
    def _key(screen: OnScreen, settings: RunSettings) -> tuple[object, ...]:
        # Tiling and output settings do not change the pixels; the model's settings do.
        return (screen.path, screen.frame, settings.checkpoint, settings.device, settings.precision)

    def keep(self, screen: OnScreen, settings: RunSettings, kept: KeptResult) -> None:
        key = self._key(screen, settings)
        self._kept[key] = kept
        self._kept.move_to_end(key)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)

    def find(self, screen: OnScreen, settings: RunSettings) -> KeptResult | None:
        return self._kept.get(self._key(screen, settings))

    def __len__(self) -> int:
        return len(self._kept)


class ScreenModel:
    """The file on screen, its facts as they grow, and the results kept from earlier runs."""

    def __init__(
        self, kept_results: int = KEPT_RESULTS, preview_side: int = PREVIEW_REGION_SIDE
    ) -> None:
        self.on_screen: OnScreen | None = None
        self.results = ResultCache(kept_results)
        self.preview_side = preview_side
        """The first preview restores at most this many pixels square."""

    def show(self, path: Path, kind: str, frame: int = 0) -> OnScreen:
        """``path`` is on screen now, nothing known about it yet."""
        self.on_screen = OnScreen(path, kind, frame)
        return self.on_screen

    def is_shown(self, path: Path) -> bool:
        return self.on_screen is not None and self.on_screen.path == path

    def opened(self, path: Path, opened: Opened, checkpoint: str) -> OnScreen | None:
        """Take what opening ``path`` found; None when another file is on screen by now."""
        screen = self.on_screen
        if screen is None or screen.path != path:
            return None
        screen.image, screen.video, screen.before_rgb8 = (
            opened.image,
            opened.video,
            opened.levels[0],
        )
        pixels = opened.image.pixels
        screen.facts = ScreenFacts(
            input_path=path,
            input_size=(pixels.shape[1], pixels.shape[0]),
            input_kind=describe_pixels(pixels),
            checkpoint=checkpoint,
            state="not restored yet",
            video_lines=video_lines(opened.video, screen.frame),
        )
        return screen

    def recall(self, settings: RunSettings) -> KeptResult | None:
        """Put a result kept from earlier on screen, if there is one for these settings."""
        screen = self.on_screen
        kept = self.results.find(screen, settings) if screen is not None else None
        if screen is None or kept is None:
            return None
        screen.result = kept.pixels
        screen.facts = replace(kept.facts, state="restored earlier in this session")
        return kept

    def preview_region(self, visible: Box | None) -> Box | None:
        """The part to restore first: the visible part, capped in size; None for the whole."""
        screen = self.on_screen
        if screen is None or screen.image is None:
            return None
        pixels = screen.image.pixels
        whole = (0, 0, pixels.shape[1], pixels.shape[0])
        box = preview_box(visible or whole, self.preview_side)
        return None if box == whole else box

    def region_restored(self, screen: OnScreen, restored: RegionRestored) -> ScreenFacts | None:
        if screen.facts is None:
            return None
        screen.facts = replace(
            screen.facts,
            model=restored.model,
            device=restored.loaded.device,
            precision=restored.loaded.precision,
            state="framed area restored; restoring the whole picture",
        )
        return screen.facts

    def whole_restored(
        self, screen: OnScreen, settings: RunSettings, restored: WholeRestored
    ) -> ScreenFacts:
        assert screen.facts is not None, "a picture is restored only once it has opened"
        screen.result = restored.pixels
        screen.facts = replace(
            screen.facts,
            checkpoint=settings.checkpoint,
            model=restored.model,
            device=restored.loaded.device,
            precision=restored.loaded.precision,
            tiles=restored.tiles,
            tile_size=settings.tile,
            seconds=restored.seconds,
            output_size=(restored.pixels.shape[1], restored.pixels.shape[0]),
            state="restored (not saved yet)",
        )
        self.results.keep(
            screen, settings, KeptResult(restored.pixels, restored.levels, screen.facts)
        )
        return screen.facts

    def checkpoint_changed(self, checkpoint: str) -> OnScreen | None:
        """Forget the result on screen (another model made it).

        Returns the screen when it holds a picture to restore again with the new model.
        """
        screen = self.on_screen
        if screen is None or screen.image is None:
            return None
        screen.result = None
        if screen.facts is not None:
            screen.facts = replace(
                screen.facts, checkpoint=checkpoint, model=None, state="not restored yet", change=""
            )
        return screen

    def change_measured(
        self, screen: OnScreen, result: np.ndarray, sentence: str
    ) -> ScreenFacts | None:
        """The change ``result`` made, measured; None when it is no longer on screen."""
        if screen is not self.on_screen or screen.result is not result or screen.facts is None:
            return None
        screen.facts = replace(screen.facts, change=sentence)
        return screen.facts

    def saved(self, screen: OnScreen, path: Path) -> ScreenFacts | None:
        if screen.facts is None:
            return None
        screen.facts = replace(screen.facts, output_path=path, state="restored and saved")
        return screen.facts

    def can_save(self) -> bool:
        screen = self.on_screen
        return screen is not None and screen.result is not None and screen.kind == "photo"

    def has_result(self) -> bool:
        """The whole picture on screen is restored (a photo or a video frame)."""
        screen = self.on_screen
        return screen is not None and screen.image is not None and screen.result is not None
