"""The real engine, bundled as the GUI's :class:`~cnaps_desktop.gui.services.EngineServices`.

``gui/`` may not import the engine modules that pull in torch or OpenCV, so ``app/main.py`` builds
this bundle and hands it to the window. Every function here runs on a worker thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.facts import RunFacts
from cnaps_desktop.engine.image import Image, ImageMetadata
from cnaps_desktop.engine.pixels import Box
from cnaps_desktop.gui.diagnosis_facts import ScanProgressFacts
from cnaps_desktop.gui.services import (
    ChangeView,
    CheckpointChoice,
    DeviceChoice,
    EngineServices,
    LoadedFacts,
    ModelHandle,
    RunSettings,
)

if TYPE_CHECKING:
    from cnaps_desktop.engine.diagnosis import CheckpointTask, Diagnosis, ScanResult
    from cnaps_desktop.engine.models import LoadedModel
    from cnaps_desktop.engine.options import RestoreOptions
    from cnaps_desktop.engine.video import VideoFacts, VideoInfo


def real_services() -> EngineServices:
    from cnaps_desktop.engine.image import IMAGE_SUFFIXES, display_levels, paste_region
    from cnaps_desktop.engine.video import VIDEO_SUFFIXES

    return EngineServices(
        load_model=load_model,
        describe_loaded=describe_loaded,
        read_image=read_image,
        restore_region=restore_region,
        restore_array=restore_array,
        restore_file=restore_file,
        save_result=save_result,
        output_path_for=output_path_for,
        display_levels=display_levels,
        paste_region=paste_region,
        image_suffixes=frozenset(IMAGE_SUFFIXES),
        video_suffixes=frozenset(VIDEO_SUFFIXES),
        list_models=list_models,
        import_model=import_model,
        download_model=download_model,
        probe_video=probe_video,
        read_frame=read_frame,
        restore_video=restore_video,
        video_output_path_for=video_output_path_for,
        warm_up=warm_up,
        devices=devices,
        checkpoint_task=checkpoint_task,
        diagnose=diagnose,
        scan_folder=scan_folder,
        change_view=change_view,
        export_comparison=export_comparison,
    )


def warm_up() -> None:
    """Import torch, spandrel and the engine now, then exempt them from garbage collection.

    Runs on a worker right after the window opens. Importing torch takes seconds; doing it here
    keeps that out of the first restore. ``gc.freeze`` moves the million-odd objects these
    imports create out of the collector's reach: otherwise a full collection, triggered on any
    thread, walks them all while holding the GIL and the window stalls for a third of a second.
    """
    import gc

    from cnaps_desktop.engine import restore  # noqa: F401
    from cnaps_desktop.engine.image import display_levels, read_image  # noqa: F401
    from cnaps_desktop.engine.models import architecture_registry

    architecture_registry()
    gc.collect()
    gc.freeze()


def _engine_model(loaded: ModelHandle) -> LoadedModel:
    """The engine's model behind a handle: the window hands back only what load_model made."""
    return cast("LoadedModel", loaded)


def restore_options(settings: RunSettings) -> RestoreOptions:
    from cnaps_desktop.engine.options import RestoreOptions

    return RestoreOptions(
        device=settings.device,
        precision=settings.precision,
        tile=settings.tile,
        output_dir=settings.output_dir,
        output_format=settings.output_format,
    )


def load_model(settings: RunSettings) -> LoadedModel:
    from cnaps_desktop.engine.models import load_model as load

    return load(settings.checkpoint, device=settings.device, precision=settings.precision)


def describe_loaded(handle: ModelHandle) -> LoadedFacts:
    from cnaps_desktop.engine.device import describe_device, precision_name

    loaded = _engine_model(handle)
    return LoadedFacts(describe_device(loaded.device), precision_name(loaded.dtype))


def read_image(path: Path) -> Image:
    from cnaps_desktop.engine.image import read_image as read

    return read(path)


def restore_region(
    loaded: ModelHandle,
    pixels: np.ndarray,
    box: Box,
    settings: RunSettings,
    token: CancelToken,
    progress: ProgressCallback,
) -> np.ndarray:
    from cnaps_desktop.engine.restore import restore_region as restore

    return restore(_engine_model(loaded), pixels, box, restore_options(settings), token, progress)


def restore_array(
    loaded: ModelHandle,
    pixels: np.ndarray,
    settings: RunSettings,
    token: CancelToken,
    progress: ProgressCallback,
) -> np.ndarray:
    from cnaps_desktop.engine.restore import restore_array as restore

    return restore(_engine_model(loaded), pixels, restore_options(settings), token, progress)


def restore_file(
    loaded: ModelHandle,
    path: Path,
    settings: RunSettings,
    token: CancelToken,
    progress: ProgressCallback,
) -> RunFacts:
    from cnaps_desktop.engine.photo import restore_file as restore

    return restore(_engine_model(loaded), path, restore_options(settings), token, progress)


def save_result(image: Image, pixels: np.ndarray, path: Path, output_format: str | None) -> Path:
    """Write ``pixels`` with the original's metadata (EXIF, ICC) to ``path``."""
    from cnaps_desktop.engine.image import write_image

    return write_image(dataclasses.replace(image, pixels=pixels), path, output_format)


def output_path_for(path: Path, settings: RunSettings) -> Path:
    from cnaps_desktop.engine.photo import output_path_for as output_path

    return output_path(path, settings.output_dir, format=settings.output_format)


def list_models() -> list[CheckpointChoice]:
    from cnaps_desktop.engine.models import list_models as listed

    return [
        CheckpointChoice(name=str(status.name), installed=bool(status.installed))
        for status in listed()
    ]


def import_model(path: Path, as_name: str | None) -> Path:
    from cnaps_desktop.engine.models import import_model as adopt

    return adopt(path, as_name=as_name)


def download_model(name: str, progress: ProgressCallback, token: CancelToken) -> Path:
    from cnaps_desktop.engine.models import download_model as download

    return download(name, progress=progress, token=token)


def probe_video(path: Path) -> VideoInfo:
    from cnaps_desktop.engine.video import probe_video as probe

    return probe(path)


def read_frame(path: Path, index: int) -> Image:
    """Frame ``index`` as an Image: decoded 8-bit RGB, with no EXIF or colour profile to keep.

    Its metadata says what it is (a note naming the frame and ``path`` as the source) instead of
    the field being optional, so every Image has metadata and no caller checks for None. The
    format is the one a frame would be written in, PNG, which keeps it exactly; the window itself
    never saves a frame (a video is restored as a whole).
    """
    from cnaps_desktop.engine.video import read_frame as read

    notes = (f"frame {index + 1:,} of {path.name}",)
    return Image(read(path, index), ImageMetadata(format="PNG", source=path, notes=notes))


def restore_video(
    loaded: ModelHandle,
    path: Path,
    output: Path,
    settings: RunSettings,
    token: CancelToken,
    progress: ProgressCallback,
) -> VideoFacts:
    from cnaps_desktop.engine.video import VideoOptions
    from cnaps_desktop.engine.video import restore_video as restore

    start, end = settings.frame_range(path) or (None, None)
    options = VideoOptions(restore=restore_options(settings), start_frame=start, end_frame=end)
    return restore(_engine_model(loaded), path, output, options, token, progress)


def video_output_path_for(path: Path, settings: RunSettings) -> Path:
    from cnaps_desktop.engine.video import video_output_path

    return video_output_path(path, settings.output_dir)


def devices() -> list[DeviceChoice]:
    import torch

    choices = [DeviceChoice("auto", "Automatic (best available)"), DeviceChoice("cpu", "CPU")]
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            name = torch.cuda.get_device_name(index)
            choices.append(DeviceChoice(f"cuda:{index}", f"GPU {index}: {name}"))
    backend = getattr(torch.backends, "mps", None)
    if backend is not None and backend.is_available():
        choices.append(DeviceChoice("mps", "Apple GPU (MPS)"))
    return choices


# ---------------------------------------------------------------------- diagnosis and comparison
def checkpoint_task(checkpoint: str) -> CheckpointTask:
    """What ``checkpoint`` does, from the catalog or the model manifest ("" is the default)."""
    from cnaps_desktop.engine.diagnosis import task_for

    return task_for(checkpoint or "default")


def diagnose(pixels: np.ndarray, checkpoint: str, file: Path | None) -> Diagnosis:
    from cnaps_desktop.engine.diagnosis import diagnose_pixels

    return diagnose_pixels(pixels, checkpoint_task(checkpoint), file=file)


def scan_folder(
    folder: Path,
    token: CancelToken,
    progress: Callable[[ScanProgressFacts], None],
    checkpoint: str,
) -> ScanResult:
    from cnaps_desktop.engine.diagnosis import scan_folder as scan

    return scan(folder, token, progress, checkpoint=checkpoint_task(checkpoint))


def change_view(before: np.ndarray, after: np.ndarray) -> ChangeView:
    """The engine's change map, its heat map premultiplied and halved into display levels."""
    from cnaps_desktop.engine.compare import change_map
    from cnaps_desktop.engine.image import pyramid_from_rgb8

    changes = change_map(before, after)
    overlay = changes.overlay.copy()
    # Premultiplied alpha: the halved levels then average colours only where there is colour,
    # so a thin changed edge keeps its own colour at fit zoom instead of darkening.
    alpha = overlay[:, :, 3:4].astype(np.uint16)
    overlay[:, :, :3] = (overlay[:, :, :3] * alpha // 255).astype(np.uint8)
    return ChangeView(
        overlay_levels=pyramid_from_rgb8(overlay),
        legend=tuple((stop.level, stop.colour) for stop in changes.legend),
        sentence=changes.sentence,
        almost_nothing=bool(changes.almost_nothing_changed),  # numpy's bool is no Qt bool
    )


def export_comparison(
    path: Path,
    before: np.ndarray,
    after: np.ndarray,
    box: Box | None,
    inputs: Sequence[Path],
) -> Path:
    """Write the comparison of ``box`` of the before picture (None: all of it) to ``path``."""
    from cnaps_desktop.engine.compare import export_comparison as export

    if box is not None:
        left, top, right, bottom = box
        # An upscaler's after is larger: the same part of it, in its own pixels.
        ratio = after.shape[1] / before.shape[1]
        before = before[top:bottom, left:right]
        after = after[
            round(top * ratio) : round(bottom * ratio), round(left * ratio) : round(right * ratio)
        ]
    return export(path, before, after, inputs=inputs)
