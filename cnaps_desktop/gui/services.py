"""What the GUI needs from the engine, as one bundle of plain callables.

``gui/`` may not import torch, cv2 or spandrel, even indirectly, so it never imports the engine
modules that do. ``app.py`` builds an :class:`EngineServices` from the real engine
(cnaps_desktop/app/engine_services.py) and hands it to the main window; tests hand in small doubles.
Every callable runs on a worker thread (jobs.py), never on the GUI thread.

The values crossing this boundary are the engine's own plain dataclasses (``Image``, ``ModelInfo``,
``RunFacts``, ``VideoInfo``, ``VideoFacts``). The GUI imports the video ones for type checking
only (their modules load PyAV) and from their own modules rather than the ``engine.video``
facade: the facade's type-checking imports reach torch, which import-linter keeps out of ``gui/``.
The diagnosis and scan results are the engine's dataclasses too, read through the protocols of
``gui/diagnosis_facts.py`` (their modules use OpenCV); the change map arrives as a
:class:`ChangeView` the app layer makes from the engine's ``ChangeMap``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.facts import ModelInfo, RunFacts
from cnaps_desktop.engine.image.picture import Image
from cnaps_desktop.engine.pixels import Box
from cnaps_desktop.gui.diagnosis_facts import (
    CheckpointFacts,
    DiagnosisFacts,
    ScanProgressFacts,
    ScanResultFacts,
)

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.options import VideoFacts
    from cnaps_desktop.engine.video.probe import VideoInfo


class ModelHandle(Protocol):
    """A loaded model as the GUI holds it: handed back to the engine, read only for its facts.

    The engine's ``LoadedModel`` is one; it stays opaque here because it holds torch objects.
    """

    @property
    def info(self) -> ModelInfo: ...


@dataclass(frozen=True)
class RunSettings:
    """The person's choices for a run (from the toolbar and QSettings)."""

    checkpoint: str
    device: str = "auto"
    precision: str = "auto"
    tile: int | None = None
    output_dir: Path | None = None
    output_format: str | None = None
    video_ranges: tuple[tuple[Path, int, int], ...] = ()
    """(video, first frame, frame to stop before) for videos restored in part."""

    def frame_range(self, video: Path) -> tuple[int, int] | None:
        """The part of ``video`` to restore, or None for all of it."""
        return next(((s, e) for path, s, e in self.video_ranges if path == video), None)


@dataclass(frozen=True)
class LoadedFacts:
    """Device and precision a loaded model runs with, in words for the side pane."""

    device: str
    precision: str


@dataclass(frozen=True)
class CheckpointChoice:
    """One line of the checkpoint picker."""

    name: str
    """Catalog name, or the file's path for a file added by hand."""
    installed: bool
    label: str = ""
    """What to show; the name when empty."""


@dataclass(frozen=True)
class DeviceChoice:
    """One entry of the device menu."""

    name: str
    """What ``load_model`` takes: "auto", "cpu", "cuda:0", "mps"."""
    words: str
    """What the menu shows, e.g. "GPU 0: NVIDIA RTX 4070"."""


@dataclass(frozen=True)
class ChangeView:
    """What the model changed (the engine's change map, engine/compare), ready to paint."""

    overlay_levels: list[np.ndarray]
    """The heat map of |after - before| as premultiplied RGBA uint8 at the after picture's size,
    then halved levels (the compare view paints the level that suits the zoom)."""
    legend: tuple[tuple[float, tuple[int, int, int]], ...]
    """(change in 8-bit levels, RGB colour) from the smallest counted change up."""
    sentence: str
    """The run-facts line, e.g. "Changed: 18% of pixels by more than 2 levels; sharpness x1.6
    (Laplacian variance)", or one saying that almost nothing changed."""
    almost_nothing: bool


ScanFolder = Callable[
    [Path, CancelToken, Callable[[ScanProgressFacts], None], str], ScanResultFacts
]
"""(folder, token, progress, checkpoint) -> every photo under the folder diagnosed, worst first."""


@dataclass(frozen=True)
class EngineServices:
    load_model: Callable[[RunSettings], ModelHandle]
    describe_loaded: Callable[[ModelHandle], LoadedFacts]
    read_image: Callable[[Path], Image]
    restore_region: Callable[
        [ModelHandle, np.ndarray, Box, RunSettings, CancelToken, ProgressCallback], np.ndarray
    ]
    restore_array: Callable[
        [ModelHandle, np.ndarray, RunSettings, CancelToken, ProgressCallback], np.ndarray
    ]
    restore_file: Callable[
        [ModelHandle, Path, RunSettings, CancelToken, ProgressCallback], RunFacts
    ]
    save_result: Callable[[Image, np.ndarray, Path, str | None], Path]
    """(original image, restored pixels, path, format) -> the path written (never the input)."""
    output_path_for: Callable[[Path, RunSettings], Path]
    display_levels: Callable[[np.ndarray], list[np.ndarray]]
    paste_region: Callable[[np.ndarray, np.ndarray, Box], list[np.ndarray]]
    image_suffixes: frozenset[str]
    video_suffixes: frozenset[str]
    list_models: Callable[[], list[CheckpointChoice]]
    import_model: Callable[[Path, str | None], Path]
    download_model: Callable[[str, ProgressCallback, CancelToken], Path]
    probe_video: Callable[[Path], VideoInfo]
    read_frame: Callable[[Path, int], Image]
    """(video, frame index) -> that frame as an Image (8-bit RGB, no file metadata to keep)."""
    restore_video: Callable[
        [ModelHandle, Path, Path, RunSettings, CancelToken, ProgressCallback], VideoFacts
    ]
    video_output_path_for: Callable[[Path, RunSettings], Path]
    warm_up: Callable[[], None]
    """Import the heavy libraries once, on a worker, before the person asks for a run."""
    devices: Callable[[], list[DeviceChoice]]
    """The devices to offer, "auto" first."""
    checkpoint_task: Callable[[str], CheckpointFacts]
    """What a checkpoint (catalog name or file) does, known without loading it."""
    diagnose: Callable[[np.ndarray, str, Path | None], DiagnosisFacts]
    """(pixels, checkpoint, file) -> what the picture needs and whether that checkpoint does it."""
    scan_folder: ScanFolder
    change_view: Callable[[np.ndarray, np.ndarray], ChangeView]
    """(before, after pixels) -> what the model changed."""
    export_comparison: Callable[[Path, np.ndarray, np.ndarray, Box | None, Sequence[Path]], Path]
    """(path, before, after, box of the before to keep or None for all, inputs never written
    over) -> the path written: side by side (.png, .jpg) or an animated wipe (.gif, .mp4)."""
