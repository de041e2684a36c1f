"""What a photo needs, measured before any model runs: blur kind, noise, JPEG blocking, size and
old-print signs, and one sentence saying whether the selected checkpoint does that task.

Qt-free and torch-free; a 12 MP photo takes well under a second on a 2-core CPU because every
measure runs on a reduced copy or a full-size crop (see BENCHMARKS.md, "Photo diagnosis").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cnaps_desktop.engine.diagnosis.blur import BlurKind, measure_blur
from cnaps_desktop.engine.diagnosis.checkpoint_task import CheckpointTask, task_for, task_from_info
from cnaps_desktop.engine.diagnosis.jpeg import blocking
from cnaps_desktop.engine.diagnosis.levels import planes_of
from cnaps_desktop.engine.diagnosis.noise import colour_noise_sigma, noise_sigma
from cnaps_desktop.engine.diagnosis.old_print import old_print_signs
from cnaps_desktop.engine.diagnosis.scan import (
    ScanFailure,
    ScanProgress,
    ScanResult,
    blur_rank,
    diagnose_photos,
    scan_folder,
)
from cnaps_desktop.engine.diagnosis.verdict import size_note, verdict_for

#: Below this many pixels on the short side there is too little picture to judge blur.
MIN_SIDE = 32
#: A picture whose levels vary less than this (8-bit) is blank: all black, all white, one colour.
BLANK_SPREAD = 0.5


@dataclass(frozen=True)
class Diagnosis:
    """What one photo needs; ``as_dict`` gives the `cnaps-desktop diagnose --json` object."""

    file: str | None
    blur: BlurKind
    blur_confidence: float
    """0-1; 0.0 when the picture is too small or blank to judge."""
    blur_direction_deg: float | None
    """Counter-clockwise from the horizontal as seen, 0-180; None unless motion."""
    blur_length_px: float | None
    """In the photo's own pixels; None unless motion."""
    noise_sigma: float
    """Standard deviation of the noise, 8-bit levels."""
    jpeg_blocking: float
    scratches: bool
    """Old-print signs are claimed only when clear (a false claim is worse than a miss): see
    old_print.py and BENCHMARKS.md, "Photo diagnosis", for how often each is found."""
    dust: bool
    faded: bool
    colour_cast: str | None
    """Named only on faded or toned (monochrome) pictures, where the scene's own colours cannot
    explain it; None otherwise."""
    greyscale: bool
    width: int
    height: int
    megapixels: float
    size_note: str | None
    verdict: str
    suits_checkpoint: bool
    checkpoint: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def diagnose_pixels(
    pixels: np.ndarray,
    checkpoint: str | Path | CheckpointTask = "default",
    file: str | Path | None = None,
) -> Diagnosis:
    """Diagnose an image array (H x W or H x W x C; uint8, uint16 or float 0-1).

    ``checkpoint`` is a catalog name, an imported model's name, a file, or a
    :class:`CheckpointTask` (from :func:`task_from_info` for a model already loaded).
    """
    task = checkpoint if isinstance(checkpoint, CheckpointTask) else task_for(checkpoint)
    name = None if file is None else str(file)
    if pixels.ndim not in (2, 3) or min(pixels.shape[:2]) < 1:
        raise _layout_error(pixels, name)
    height, width = pixels.shape[:2]
    megapixels = round(width * height / 1e6, 3)
    planes = planes_of(pixels)
    spread = float(planes.working.max() - planes.working.min())
    if min(height, width) < MIN_SIDE or spread < BLANK_SPREAD:
        return _unjudgeable(name, width, height, megapixels, task, blank=spread < BLANK_SPREAD)
    sigma = colour_noise_sigma(planes.colour) if planes.was_colour else noise_sigma(planes.grey)
    # The blur and mark measures see the grey working copy, whose noise is lower (channels and,
    # when reduced, neighbouring pixels are averaged).
    working_sigma = noise_sigma(planes.working)
    blur = measure_blur(planes.working, planes.scale, working_sigma)
    signs = old_print_signs(planes.working_colour, planes.working, working_sigma)
    jpeg = blocking(planes.grey)
    verdict = verdict_for(blur, sigma, jpeg, signs, task)
    return Diagnosis(
        file=name,
        blur=blur.kind,
        blur_confidence=blur.confidence,
        blur_direction_deg=blur.direction_deg,
        blur_length_px=blur.length_px,
        noise_sigma=round(sigma, 2),
        jpeg_blocking=round(jpeg, 2),
        # Plain bools: the measures may give numpy's, which `--json` cannot write.
        scratches=bool(signs.scratches),
        dust=bool(signs.dust),
        faded=bool(signs.faded),
        colour_cast=signs.colour_cast,
        greyscale=bool(signs.greyscale or not planes.was_colour),
        width=width,
        height=height,
        megapixels=megapixels,
        size_note=size_note(megapixels),
        verdict=verdict.sentence,
        suits_checkpoint=verdict.suits_checkpoint,
        checkpoint=task.name,
    )


def diagnose_file(
    path: str | Path, checkpoint: str | Path | CheckpointTask = "default"
) -> Diagnosis:
    """Read ``path`` upright (EXIF orientation, 16-bit, alpha, HEIF) and diagnose it.

    A file that cannot be read raises one :class:`~cnaps_desktop.engine.errors.ImageError`.
    """
    from cnaps_desktop.engine.image import read_image

    image = read_image(path)
    return diagnose_pixels(image.pixels, checkpoint, file=path)


def _unjudgeable(
    name: str | None, width: int, height: int, megapixels: float, task: CheckpointTask, blank: bool
) -> Diagnosis:
    if blank:
        sentence = (
            "What this photo needs: nothing a model can give; it is blank (one level "
            "everywhere), so there is no detail to restore."
        )
    else:
        sentence = (
            f"What this photo needs: it is only {width}x{height} px, too small to judge blur; "
            "making it bigger is upscaling, a different model."
        )
    return Diagnosis(
        file=name,
        blur="sharp",
        blur_confidence=0.0,
        blur_direction_deg=None,
        blur_length_px=None,
        noise_sigma=0.0,
        jpeg_blocking=0.0,
        scratches=False,
        dust=False,
        faded=False,
        colour_cast=None,
        greyscale=False,
        width=width,
        height=height,
        megapixels=megapixels,
        size_note=size_note(megapixels),
        verdict=sentence,
        suits_checkpoint=False,
        checkpoint=task.name,
    )


def _layout_error(pixels: np.ndarray, name: str | None) -> Exception:
    from cnaps_desktop.engine.errors import UnsupportedImageError

    where = f"{Path(name).name} has" if name else "The pixels have"
    return UnsupportedImageError(
        f"{where} shape {pixels.shape}, which cannot be diagnosed; expected an H x W or "
        "H x W x C picture."
    )


__all__ = [
    "CheckpointTask",
    "Diagnosis",
    "ScanFailure",
    "ScanProgress",
    "ScanResult",
    "blur_rank",
    "diagnose_file",
    "diagnose_photos",
    "diagnose_pixels",
    "scan_folder",
    "task_from_info",
]
