"""GUI test fixtures: a small engine double, fresh QSettings, and a window that always closes.

The double stands in for the engine bundle (gui/services.py) so GUI tests run in milliseconds and
can hold a job at a gate to test cancelling and late results. Display levels use the real
engine/display.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback, report
from cnaps_desktop.engine.errors import CorruptImageError
from cnaps_desktop.engine.facts import ModelInfo
from cnaps_desktop.engine.image import display
from cnaps_desktop.gui.services import CheckpointChoice, EngineServices, LoadedFacts, RunSettings

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


@dataclass
class EngineDouble:
    """Restores by inverting the picture, one "tile" per quarter, checking the token each time."""

    gate: threading.Event = field(default_factory=threading.Event)
    entered: threading.Event = field(default_factory=threading.Event)
    installed: set[str] = field(default_factory=lambda: {"Tiny-GoPro"})
    loads: list[RunSettings] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)
    videos: list[tuple[Path, RunSettings]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate.set()  # open unless a test closes it

    def _work(
        self, pixels: np.ndarray, token: CancelToken, progress: ProgressCallback
    ) -> np.ndarray:
        self.entered.set()
        for tile in range(TILES):
            self.gate.wait(10)
            token.check()
            report(progress, tile + 1, TILES, "tile")
        return (255 - pixels).astype(pixels.dtype)

    def services(self) -> EngineServices:
        def read_image(path: Path) -> Any:
            data = path.read_bytes()
            if data.startswith(b"broken"):
                raise CorruptImageError(f"{path.name} is damaged; expected a complete image file.")
            seed = sum(data) % 251
            pixels = np.full((48, 64, 3), seed, np.uint8)
            pixels[:, :32] = 10  # a left half and a right half that differ
            return SimpleNamespace(pixels=pixels, metadata={"from": path.name})

        def load_model(settings: RunSettings) -> Any:
            self.loads.append(settings)
            return SimpleNamespace(info=model_info(Path(settings.checkpoint).stem))

        def restore_region(loaded, pixels, box, settings, token, progress):  # type: ignore[no-untyped-def]
            left, top, right, bottom = box
            return self._work(pixels[top:bottom, left:right], token, progress)

        def restore_array(loaded, pixels, settings, token, progress):  # type: ignore[no-untyped-def]
            return self._work(pixels, token, progress)

        def restore_file(loaded, path, settings, token, progress):  # type: ignore[no-untyped-def]
            restored = self._work(read_image(path).pixels, token, progress)
            out = output_path_for(path, settings)
            np.save(out.with_suffix(".npy"), restored)
            return SimpleNamespace(output_path=out, seconds=0.01)

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
            probe_video=lambda path: SimpleNamespace(
                frames=10, frame_rate=25.0, codec="h264", audio=(SimpleNamespace(codec="aac"),)
            ),
            read_frame=lambda path, index: np.full((48, 64, 3), index * 20, np.uint8),
            restore_video=lambda loaded, path, out, settings, token, progress: (
                self.videos.append((path, settings)),
                SimpleNamespace(output_path=out, seconds=0.1),
            )[1],
            video_output_path_for=output_path_for,
            warm_up=lambda: None,
            devices=lambda: [("auto", "Automatic"), ("cpu", "CPU")],
        )


@pytest.fixture
def engine() -> EngineDouble:
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
