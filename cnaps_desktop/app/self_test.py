"""`cnaps-desktop --self-test`: prove that this copy of the app works, end to end.

The installer builds (installer/) run it on every bundle before it ships, and anyone can run it
to see whether an installation is sound. It uses what a person uses: the bundled default
checkpoint, the engine's restore path, the image and video readers and the main window
(offscreen when there is no display). Each check prints one line, ``ok`` or ``FAILED`` with the
reason (and the traceback on stderr); the exit code is 0 only when every check passed.

Everything runs in a throw-away user folder, so the self-test never touches the person's
models, logs or settings.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cnaps_desktop import __version__, paths, resources

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from cnaps_desktop.engine.models import LoadedModel
    from cnaps_desktop.gui.main_window import MainWindow

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# A restored picture may differ from its input (that is the point), but on average by less
# than this many 8-bit levels; more means the model or the pipeline scrambled it.
MAX_MEAN_CHANGE = 24.0
# Image formats Qt must read through its plugins (PNG is built in; the rest are imageformats/).
QT_IMAGE_FORMATS = ("png", "jpeg", "gif", "ico", "svg", "tiff", "webp")
# Written with Pillow, read back through the engine: each needs a plugin that a bundle can miss.
IMAGE_ROUND_TRIPS = ("png", "jpeg", "tiff", "webp", "heic")
VIDEO_FRAMES = 8


class CheckFailed(Exception):
    """A check saw something wrong; the message is the one-sentence reason."""


@dataclass(frozen=True)
class SelfTestOptions:
    checkpoint: str = "default"
    device: str = "auto"
    window: bool = True


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    seconds: float


@dataclass
class _Run:
    """What the checks share: the options, a scratch folder and the model once it is loaded."""

    options: SelfTestOptions
    work_dir: Path
    loaded: LoadedModel | None = None
    results: list[CheckResult] = field(default_factory=list)


def main(args: Sequence[str]) -> int:
    try:
        options = _parse(args)
    except SystemExit as stop:  # argparse has printed the usage or the help
        return EXIT_USAGE if stop.code else EXIT_PASSED
    print(f"CNAPS Desktop {__version__} self-test")
    for line in environment_lines():
        print(f"  {line}")
    with _isolated_user_folder() as work_dir:
        run = _Run(options=options, work_dir=work_dir)
        for name, check in _checks(options):
            result = _run_check(name, check, run)
            run.results.append(result)
            status = "ok    " if result.passed else "FAILED"
            print(f"{status} {name:<8} {result.detail} ({result.seconds:.1f} s)", flush=True)
    failed = [r.name for r in run.results if not r.passed]
    if failed:
        print(f"self-test FAILED: {', '.join(failed)}")
        return EXIT_FAILED
    print(f"self-test passed: {len(run.results)} checks")
    return EXIT_PASSED


def _parse(args: Sequence[str]) -> SelfTestOptions:
    parser = argparse.ArgumentParser(
        prog="cnaps-desktop --self-test",
        description="Check that this installation works: model, restore, files, video, window.",
    )
    parser.add_argument(
        "--checkpoint",
        default="default",
        help="checkpoint name or file to test with (default: the bundled default checkpoint)",
    )
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument(
        "--no-window", action="store_true", help="skip opening the main window (no Qt)"
    )
    parsed = parser.parse_args(list(args))
    return SelfTestOptions(
        checkpoint=parsed.checkpoint, device=parsed.device, window=not parsed.no_window
    )


def _checks(options: SelfTestOptions) -> list[tuple[str, Callable[[_Run], str]]]:
    checks: list[tuple[str, Callable[[_Run], str]]] = [
        ("bundle", check_bundle),
        ("model", check_model),
        ("restore", check_restore),
        ("images", check_images),
        ("video", check_video),
    ]
    if options.window:
        checks.append(("window", check_window))
    return checks


def _run_check(name: str, check: Callable[[_Run], str], run: _Run) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check(run)
        passed = True
    except CheckFailed as failure:
        detail, passed = str(failure), False
    except Exception as error:  # a self-test reports every failure instead of stopping
        detail, passed = f"{type(error).__name__}: {_first_line(error)}", False
        print(f"--- {name}: traceback", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
    return CheckResult(name, passed, detail, time.perf_counter() - started)


# ------------------------------------------------------------------------------------ checks
def check_bundle(run: _Run) -> str:
    """resources/ and weights/ are where the locator says, and the default checkpoint is there."""
    from cnaps_desktop.engine.models import find_entry, load_catalog

    resource_files = [p for p in resources.resource_path().rglob("*") if p.is_file()]
    if not resource_files:
        raise CheckFailed(f"no resource files under {resources.resource_path()}")
    entries = load_catalog()
    default = find_entry("default", entries)
    if default is None:
        raise CheckFailed(f"{resources.weights_path('catalog.toml')} marks no default checkpoint")
    shipped = resources.weights_path(default.file_name)
    if not (default.bundled and shipped.is_file()):
        raise CheckFailed(f"the default checkpoint {default.name} is not shipped at {shipped}")
    size_mb = shipped.stat().st_size / 1e6
    return (
        f"{len(resource_files)} resource files; {len(entries)} catalog entries; default "
        f"{default.name} ({size_mb:.1f} MB)"
    )


def check_model(run: _Run) -> str:
    from cnaps_desktop.engine.device import describe_device, precision_name
    from cnaps_desktop.engine.models import load_model

    loaded = load_model(run.options.checkpoint, device=run.options.device)
    run.loaded = loaded
    info = loaded.info
    return (
        f"{info.name}: {info.variant}, {info.parameters / 1e6:.2f} M parameters, on "
        f"{describe_device(loaded.device)} {precision_name(loaded.dtype)}"
    )


def check_restore(run: _Run) -> str:
    """A generated, motion-blurred picture goes through the engine and comes back sane."""
    if run.loaded is None:
        raise CheckFailed("skipped: no model was loaded (see the model check)")
    from cnaps_desktop.engine.restore import restore_array

    picture = generated_photo()
    original = picture.copy()
    restored = restore_array(run.loaded, picture)
    scale = run.loaded.scale
    expected_shape = (picture.shape[0] * scale, picture.shape[1] * scale, 3)
    if restored.shape != expected_shape or restored.dtype != np.uint8:
        raise CheckFailed(
            f"expected a {expected_shape} uint8 picture back, got {restored.shape} {restored.dtype}"
        )
    if not np.array_equal(picture, original):
        raise CheckFailed("restore_array changed its input array")
    change = float(np.abs(_shrink(restored, scale) - original.astype(np.float64)).mean())
    if change > MAX_MEAN_CHANGE or float(restored.std()) < 5.0:
        raise CheckFailed(
            f"the restored picture does not resemble its input (mean change {change:.1f} levels, "
            f"spread {restored.std():.1f})"
        )
    height, width = picture.shape[:2]
    return f"{width}x{height} -> {restored.shape[1]}x{restored.shape[0]}, mean change {change:.1f}"


def check_images(run: _Run) -> str:
    """Each format is written with Pillow and read back through the engine's reader."""
    from PIL import Image as PILImage

    from cnaps_desktop.engine.image import read_image

    _register_heif()
    picture = generated_photo()
    done = []
    for name in IMAGE_ROUND_TRIPS:
        path = run.work_dir / f"round-trip.{name}"
        PILImage.fromarray(picture).save(path)  # the format follows the suffix
        pixels = read_image(path).pixels
        if pixels.shape[:2] != picture.shape[:2]:
            raise CheckFailed(f"{path.name} came back {pixels.shape}, expected {picture.shape}")
        done.append(name)
    path16 = run.work_dir / "sixteen-bit.png"
    deep = (picture[..., 0].astype(np.uint16) * 257).astype(np.uint16)
    PILImage.fromarray(deep).save(path16)
    pixels16 = read_image(path16).pixels
    grey16 = pixels16 if pixels16.ndim == 2 else pixels16[..., 0]
    if pixels16.dtype != np.uint16 or not np.array_equal(grey16, deep):
        raise CheckFailed(f"{path16.name} lost its 16 bits (came back {pixels16.dtype})")
    return f"read {', '.join(done)} and 16-bit png"


def check_video(run: _Run) -> str:
    """A short clip written with PyAV's FFmpeg is probed and a frame read through the engine."""
    from cnaps_desktop.engine.video import probe_video, read_frame

    path, codec = write_test_clip(run.work_dir / "clip.mp4")
    info = probe_video(path)
    frames = int(info.frames)
    if frames != VIDEO_FRAMES:
        raise CheckFailed(f"{path.name} has {VIDEO_FRAMES} frames but probing found {frames}")
    frame = read_frame(path, VIDEO_FRAMES // 2)
    height, width = generated_photo().shape[:2]
    if frame.shape != (height - height % 2, width - width % 2, 3) or frame.dtype != np.uint8:
        raise CheckFailed(f"frame {VIDEO_FRAMES // 2} of {path.name} came back {frame.shape}")
    return f"{codec} mp4: {frames} frames probed, frame {VIDEO_FRAMES // 2} read"


def check_window(run: _Run) -> str:
    """The main window opens and closes (offscreen when there is no display).

    On Linux the system libraries of Qt's X11 plugin are checked every time: they are files to
    load, not a display to reach. Missing ones fail the check when this run's window would use
    X11, and are named in the check's line when it runs offscreen or on another platform.
    """
    if _needs_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from cnaps_desktop.app import system_libraries

    cannot_open = system_libraries.check_window_libraries()
    if cannot_open:
        raise CheckFailed(cannot_open)
    x11 = system_libraries.x11_words()
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QImageReader
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "cnaps-desktop"])
    readable = {bytes(f.data()).decode().lower() for f in QImageReader.supportedImageFormats()}
    missing = [f for f in QT_IMAGE_FORMATS if f not in readable]
    if missing:
        raise CheckFailed(f"Qt cannot read {', '.join(missing)} (imageformats plugins missing)")
    # Fresh settings in the scratch folder: the person's own stay untouched.
    settings = QSettings(str(run.work_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = _open_main_window(settings)
    try:
        window.show()
        app.processEvents()
        if not window.isVisible():
            raise CheckFailed("the main window did not become visible")
        title = window.windowTitle()
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    opened = f"'{title}' opened and closed on the {app.platformName()} platform"
    return f"{opened}; {x11}" if x11 else opened


def _open_main_window(settings: QSettings) -> MainWindow:
    """The window as the app builds it: with the real engine services."""
    from cnaps_desktop.app.engine_services import real_services
    from cnaps_desktop.gui.main_window import MainWindow

    return MainWindow(real_services(), settings)


# ------------------------------------------------------------------------------ test inputs
def generated_photo(height: int = 58, width: int = 75) -> np.ndarray:
    """A small RGB uint8 scene with edges, smeared by horizontal motion blur.

    The size is deliberately not a multiple of 16, so the engine's padding is exercised.
    """
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    scene = np.stack([60 + 120 * x / width, 80 + 100 * y / height, 140 - 60 * x / width], axis=-1)
    scene[10:30, 8:30] = (30, 40, 50)  # a dark box
    scene[(y - 38) ** 2 + (x - 52) ** 2 < 12**2] = (235, 220, 90)  # a bright disc
    scene[44:52, 6:40][:, ::4] = (250, 250, 250)  # thin stripes
    blurred = _box_blur_rows(scene, length=7)
    return np.clip(np.rint(blurred), 0, 255).astype(np.uint8)


def write_test_clip(path: Path) -> tuple[Path, str]:
    """Write :data:`VIDEO_FRAMES` frames of the generated photo, drifting, as an mp4."""
    import av

    frame_pixels = generated_photo()
    height, width = frame_pixels.shape[0] // 2 * 2, frame_pixels.shape[1] // 2 * 2
    codec = next(c for c in ("libx264", "h264", "mpeg4") if c in av.codecs_available)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(VIDEO_FRAMES):
            pixels = np.ascontiguousarray(np.roll(frame_pixels, index, axis=1)[:height, :width])
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path, codec


def _box_blur_rows(image: np.ndarray, length: int) -> np.ndarray:
    """Average ``length`` neighbouring pixels along each row (edge pixels repeated)."""
    half = length // 2
    padded = np.pad(image, ((0, 0), (half + 1, half), (0, 0)), mode="edge")
    sums = np.cumsum(padded, axis=1)
    return (sums[:, length:] - sums[:, :-length]) / length


def _shrink(image: np.ndarray, scale: int) -> np.ndarray:
    """Average ``scale`` x ``scale`` blocks, so an upscaler's output compares with its input."""
    height, width, channels = image.shape
    blocks = image.astype(np.float64).reshape(height // scale, scale, width // scale, scale, -1)
    return blocks.mean(axis=(1, 3)).reshape(height // scale, width // scale, channels)


# ----------------------------------------------------------------------------- environment
def environment_lines() -> list[str]:
    frozen = getattr(sys, "frozen", False)
    where = "frozen bundle" if frozen else "source"
    lines = [
        f"app: {where} at {resources.bundle_root()}",
        f"python: {platform.python_version()} on {platform.system()} {platform.machine()}",
    ]
    try:
        import torch

        build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU build"
        lines.append(f"torch: {torch.__version__} ({build})")
    except Exception as error:  # reported here; the model check fails with the details
        lines.append(f"torch: cannot be imported ({type(error).__name__}: {_first_line(error)})")
    return lines


@contextlib.contextmanager
def _isolated_user_folder() -> Iterator[Path]:
    """Point the user folders at a temporary one for the duration of the self-test."""
    previous = os.environ.get(paths.HOME_ENV)
    with tempfile.TemporaryDirectory(prefix="cnaps-self-test-") as folder:
        os.environ[paths.HOME_ENV] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop(paths.HOME_ENV, None)
            else:
                os.environ[paths.HOME_ENV] = previous


def _needs_offscreen() -> bool:
    """True on a Linux machine without a display, unless a Qt platform was chosen already."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _register_heif() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:300] if lines else "no message"
