"""GUI test fixtures: a small engine double, fresh QSettings, and a window that always closes.

The double stands in for the engine bundle (gui/services.py) so GUI tests run in milliseconds and
can hold a job at a gate to test cancelling and late results. Display levels use the real
engine/display.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from cnaps_desktop.app import engine_services as real
from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback, report
from cnaps_desktop.engine.diagnosis import CheckpointTask, Diagnosis, ScanProgress, ScanResult
from cnaps_desktop.engine.errors import CorruptImageError
from cnaps_desktop.engine.facts import ModelInfo, RunFacts
from cnaps_desktop.engine.image import display
from cnaps_desktop.engine.image.picture import Image, ImageMetadata
from cnaps_desktop.engine.video.options import VideoFacts
from cnaps_desktop.engine.video.probe import AudioStreamInfo, ColourFacts, VideoInfo
from cnaps_desktop.gui.services import (
    CheckpointChoice,
    DeviceChoice,
    EngineServices,
    LoadedFacts,
    ModelHandle,
    RunSettings,
)
from tests.gui.diagnoses import motion

TILES = 4


def model_info(name: str) -> ModelInfo:
    return ModelInfo(
        name=name,
        path=Path(f"/models/{name}.pt"),
        architecture="MSSNet",
        variant="MSSNet (wf=4, scale=3, vscale=5)",
        task="deblur",
        scale=1,
        size_multiple=16,
        parameters=123_456,
        input_channels=3,
        output_channels=3,
        supports_half=True,
        supports_bfloat16=True,
        training_data="GoPro test pairs",
        suits="tests",
    )


@dataclass(frozen=True)
class LoadedDouble:
    """A loaded model as the GUI sees one: its facts."""

    info: ModelInfo


@dataclass
class EngineDouble:
    """Restores by inverting the picture, one "tile" per quarter, checking the token each time.

    Diagnoses by name (``diagnoses``) and measures the change with the real engine.
    """

    gate: threading.Event = field(default_factory=threading.Event)
    entered: threading.Event = field(default_factory=threading.Event)
    installed: set[str] = field(default_factory=lambda: {"Tiny-GoPro"})
    loads: list[RunSettings] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    videos: list[tuple[Path, RunSettings]] = field(default_factory=list)
    invert: bool = True
    """False: the "restored" picture is the input unchanged."""
    first_versions: set[str] = field(default_factory=lambda: {"Tiny-GoPro"})
    diagnoses: dict[str, Diagnosis] = field(default_factory=dict)
    """What ``diagnose`` finds, by file name; a motion-blurred photo otherwise."""
    diagnosed: list[tuple[str, str]] = field(default_factory=list)
    """(file name, checkpoint) of each diagnosis asked for."""
    diagnosis_gate: threading.Event = field(default_factory=threading.Event)
    exports: list[tuple[Path, tuple[int, ...], object]] = field(default_factory=list)
    """(path, before shape, box) of each comparison exported."""

    def __post_init__(self) -> None:
        self.gate.set()  # open unless a test closes it
        self.diagnosis_gate.set()

    def checkpoint_task(self, name: str) -> CheckpointTask:
        return CheckpointTask(name, "MSSNet", "deblur", first_version=name in self.first_versions)

    def diagnose(self, pixels: np.ndarray, checkpoint: str, path: Path | None) -> Diagnosis:
        name = path.name if path is not None else ""
        self.diagnosis_gate.wait(10)
        self.diagnosed.append((name, checkpoint))
        found = self.diagnoses.get(name) or motion(file=str(path))
        verdict = found.verdict.replace("Deblur-MSSNet-GoPro", checkpoint)
        return replace(found, checkpoint=checkpoint, verdict=verdict)

    def scan_folder(
        self,
        folder: Path,
        token: CancelToken,
        progress: Callable[[ScanProgress], None],
        checkpoint: str,
    ) -> ScanResult:
        """Every .png under ``folder`` (a motion-blurred photo unless ``diagnoses`` says)."""
        files = sorted(folder.rglob("*.png"))
        found = []
        for index, path in enumerate(files):
            progress(ScanProgress(index, len(files), path))
            token.check()
            found.append(self.diagnose(np.zeros((1, 1, 3), np.uint8), checkpoint, path))
        progress(ScanProgress(len(files), len(files), None))
        return ScanResult(tuple(found), (), cancelled=False)

    def export_comparison(
        self, path: Path, before: np.ndarray, after: np.ndarray, box: Any, inputs: Any
    ) -> Path:
        self.exports.append((path, before.shape, box))
        return real.export_comparison(path, before, after, box, inputs)

    def _work(
        self, pixels: np.ndarray, token: CancelToken, progress: ProgressCallback
    ) -> np.ndarray:
        self.entered.set()
        for tile in range(TILES):
            self.gate.wait(10)
            token.check()
            report(progress, tile + 1, TILES, "tile")
        return (255 - pixels).astype(pixels.dtype) if self.invert else pixels.copy()

    def services(self) -> EngineServices:
        def read_image(path: Path) -> Image:
            data = path.read_bytes()
            if data.startswith(b"broken"):
                raise CorruptImageError(f"{path.name} is damaged; expected a complete image file.")
            seed = sum(data) % 251
            pixels = np.full((48, 64, 3), seed, np.uint8)
            pixels[:, :32] = 10  # a left half and a right half that differ
            return Image(pixels, ImageMetadata(format="PNG", source=path))

        def load_model(settings: RunSettings) -> LoadedDouble:
            self.loads.append(settings)
            return LoadedDouble(model_info(Path(settings.checkpoint).stem))

        def restore_region(loaded, pixels, box, settings, token, progress):  # type: ignore[no-untyped-def]
            left, top, right, bottom = box
            return self._work(pixels[top:bottom, left:right], token, progress)

        def restore_array(loaded, pixels, settings, token, progress):  # type: ignore[no-untyped-def]
            return self._work(pixels, token, progress)

        def restore_file(loaded, path, settings, token, progress):  # type: ignore[no-untyped-def]
            restored = self._work(read_image(path).pixels, token, progress)
            out = output_path_for(path, settings)
            np.save(out.with_suffix(".npy"), restored)
            return run_facts(path, out, loaded.info)

        def save_result(image, pixels, path, output_format):  # type: ignore[no-untyped-def]
            with path.open("wb") as handle:
                np.save(handle, pixels)
            self.saved.append(path)
            return path

        def output_path_for(path: Path, settings: RunSettings) -> Path:
            folder = settings.output_dir or path.parent
            return folder / f"{path.stem}_restored{path.suffix}"

        def download_model(name: str, progress: ProgressCallback, token: CancelToken) -> Path:
            for step in range(3):
                self.gate.wait(10)
                token.check()
                report(progress, step + 1, 3, "bytes")
            self.installed.add(name)
            return Path(f"/models/{name}.pt")

        def import_model(path: Path, as_name: str | None) -> Path:
            self.installed.add(as_name or path.stem)
            return path

        def restore_video(
            loaded: ModelHandle,
            path: Path,
            out: Path,
            settings: RunSettings,
            token: CancelToken,
            progress: ProgressCallback,
        ) -> VideoFacts:
            self.videos.append((path, settings))
            return video_facts(path, out)

        return EngineServices(
            load_model=load_model,
            describe_loaded=lambda loaded: LoadedFacts("CPU (2 threads)", "fp32"),
            read_image=read_image,
            restore_region=restore_region,
            restore_array=restore_array,
            restore_file=restore_file,
            save_result=save_result,
            output_path_for=output_path_for,
            display_levels=display.display_levels,
            paste_region=display.paste_region,
            image_suffixes=frozenset({".png", ".jpg"}),
            video_suffixes=frozenset({".mp4"}),
            list_models=lambda: [
                CheckpointChoice(name, name in self.installed)
                for name in ("Tiny-GoPro", "Tiny-RealBlur")
            ],
            import_model=import_model,
            download_model=download_model,
            probe_video=video_info,
            read_frame=lambda path, index: Image(
                np.full((48, 64, 3), index * 20, np.uint8), ImageMetadata(format="PNG")
            ),
            restore_video=restore_video,
            video_output_path_for=output_path_for,
            warm_up=lambda: None,
            devices=lambda: [DeviceChoice("auto", "Automatic"), DeviceChoice("cpu", "CPU")],
            checkpoint_task=self.checkpoint_task,
            diagnose=self.diagnose,
            scan_folder=self.scan_folder,
            change_view=real.change_view,  # the engine's change map: fast at the test size
            export_comparison=self.export_comparison,
        )


def run_facts(path: Path, output: Path, model: ModelInfo) -> RunFacts:
    return RunFacts(
        input_path=path,
        input_size=(64, 48),
        input_kind="RGB, 8-bit",
        model=model,
        device="CPU (2 threads)",
        precision="fp32",
        tiles=TILES,
        tile_size=None,
        seconds=0.01,
        output_size=(64, 48),
        output_path=output,
    )


def video_info(path: Path) -> VideoInfo:
    """A 10-frame, 25 frames/s h264 video with one aac stream."""
    return VideoInfo(
        path=path,
        container="mp4",
        codec="h264",
        width=64,
        height=48,
        frames=10,
        frame_rate=25.0,
        variable_frame_rate=False,
        duration=0.4,
        time_base=Fraction(1, 12800),
        pixel_format="yuv420p",
        rotation=0,
        colour=ColourFacts(),
        audio=(AudioStreamInfo(1, "aac", 48000, 2, 0.4),),
    )


def video_facts(path: Path, output: Path) -> VideoFacts:
    return VideoFacts(
        input_path=path,
        output_path=output,
        frames=10,
        restored_frames=10,
        resumed_frames=0,
        frame_rate=25.0,
        variable_frame_rate=False,
        input_size=(64, 48),
        output_size=(64, 48),
        padded=False,
        input_codec="h264",
        output_codec="h264",
        rotation=0,
        seconds=0.1,
    )


@pytest.fixture
def engine() -> Iterator[EngineDouble]:
    double = EngineDouble()
    yield double
    double.gate.set()  # never leave a worker waiting


@pytest.fixture
def fresh_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "photos"
    folder.mkdir()
    paths = []
    for index, name in enumerate(("a.png", "b.jpg", "c.png")):
        path = folder / name
        path.write_bytes(bytes([index + 1]) * 10)
        paths.append(path)
    return paths


def worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cnaps-worker-")]


@pytest.fixture
def window(qtbot: Any, engine: EngineDouble, fresh_settings: QSettings) -> Any:
    from cnaps_desktop.gui.main_window import MainWindow

    main = MainWindow(engine.services(), fresh_settings)
    qtbot.addWidget(main)
    main.show()
    yield main
    engine.gate.set()
    main.close()
    assert not worker_threads(), "a worker thread was left running"
