"""Evaluate a model on (blurry, sharp) pairs: PSNR/SSIM of the input and the output, and the gain.

A pairs folder holds ``blur/NAME`` and ``sharp/NAME`` with matching names (the GoPro layout).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.errors import ImageError
from cnaps_desktop.engine.models import LoadedModel
from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.restore import restore_array
from cnaps_desktop.engine.training.data import list_pairs, read_rgb
from cnaps_desktop.engine.training.metrics import mean_gain, psnr, psnr_gain, ssim


class PairSizeError(ImageError):
    """The blurry and sharp images of a pair differ in size."""


@dataclass(frozen=True)
class PairFigures:
    name: str
    width: int
    height: int
    psnr_input: float
    psnr_output: float
    ssim_input: float
    ssim_output: float

    @property
    def gain_db(self) -> float:
        return psnr_gain(self.psnr_output, self.psnr_input)


@dataclass(frozen=True)
class EvalReport:
    checkpoint: str
    pairs: tuple[PairFigures, ...]
    failures: tuple[str, ...]  # one sentence per pair that could not be evaluated

    def _mean(self, values: Sequence[float]) -> float:
        return float(np.mean(values)) if values else math.nan

    @property
    def psnr_input(self) -> float:
        return self._mean([p.psnr_input for p in self.pairs])

    @property
    def psnr_output(self) -> float:
        return self._mean([p.psnr_output for p in self.pairs])

    @property
    def ssim_input(self) -> float:
        return self._mean([p.ssim_input for p in self.pairs])

    @property
    def ssim_output(self) -> float:
        return self._mean([p.ssim_output for p in self.pairs])

    @property
    def gain_db(self) -> float:
        """The mean of the per-pair gains (0 dB for pairs that are identical before and after)."""
        return mean_gain((p.psnr_output, p.psnr_input) for p in self.pairs)

    @property
    def worst_gain_db(self) -> float:
        return min((p.gain_db for p in self.pairs), default=math.nan)


def evaluate_pair(
    loaded: LoadedModel,
    blur_path: Path,
    sharp_path: Path,
    token: CancelToken | None = None,
) -> tuple[PairFigures, np.ndarray]:
    """Figures for one pair, and the restored image (uint8 RGB, scored as it would be saved)."""
    blurred, sharp = read_rgb(blur_path), read_rgb(sharp_path)
    if blurred.shape != sharp.shape:
        raise PairSizeError(
            f"{blur_path.name}: the blurry image is {blurred.shape[1]}x{blurred.shape[0]} but the "
            f"sharp one is {sharp.shape[1]}x{sharp.shape[0]}; expected the same size."
        )
    restored = restore_array(loaded, blurred, RestoreOptions(), token)
    b, s, r = (a.astype(np.float32) / 255.0 for a in (blurred, sharp, restored))
    figures = PairFigures(
        name=blur_path.name,
        width=sharp.shape[1],
        height=sharp.shape[0],
        psnr_input=psnr(b, s),
        psnr_output=psnr(r, s),
        ssim_input=ssim(b, s),
        ssim_output=ssim(r, s),
    )
    return figures, restored


def evaluate_folder(
    loaded: LoadedModel,
    folder: Path,
    save_dir: Path | None = None,
    token: CancelToken | None = None,
    on_pair: Callable[[PairFigures], None] | None = None,
) -> EvalReport:
    """Evaluate every pair in ``folder``; a broken pair is reported and the rest go on."""
    import cv2

    results: list[PairFigures] = []
    failures: list[str] = []
    for blur_path, sharp_path in list_pairs(folder):
        if token is not None:
            token.check()
        try:
            figures, restored = evaluate_pair(loaded, blur_path, sharp_path, token)
        except ImageError as error:
            failures.append(str(error))
            continue
        results.append(figures)
        if on_pair is not None:
            on_pair(figures)
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)
            target = save_dir / (Path(blur_path.name).stem + ".png")
            cv2.imwrite(str(target), restored[:, :, ::-1])
    return EvalReport(checkpoint=loaded.info.name, pairs=tuple(results), failures=tuple(failures))


@dataclass(frozen=True)
class PhotoFigures:
    """A real blurry photo (no sharp reference) before and after: how sharp, what colour."""

    name: str
    width: int
    height: int
    edge_input: float
    edge_output: float
    colour_shift: float
    """The largest change of a channel's mean, in 8-bit levels (a colour cast or darkening)."""

    @property
    def edge_ratio(self) -> float:
        return self.edge_output / self.edge_input if self.edge_input > 0 else math.nan


def evaluate_photo(
    loaded: LoadedModel, path: Path, token: CancelToken | None = None
) -> tuple[PhotoFigures, np.ndarray]:
    """Edge contrast and mean colour of one photo before and after (see engine.compare)."""
    from cnaps_desktop.engine.compare import edge_contrast, mean_colour

    before = read_rgb(path)
    after = restore_array(loaded, before, RestoreOptions(), token)
    shift = float(np.max(np.abs(mean_colour(after) - mean_colour(before))))
    figures = PhotoFigures(
        name=path.name,
        width=before.shape[1],
        height=before.shape[0],
        edge_input=edge_contrast(before),
        edge_output=edge_contrast(after),
        colour_shift=shift,
    )
    return figures, after


@dataclass(frozen=True)
class PhotoReport:
    checkpoint: str
    photos: tuple[PhotoFigures, ...]
    failures: tuple[str, ...]

    @property
    def edge_ratio(self) -> float:
        """The mean of the photos' edge-contrast ratios (after over before)."""
        ratios = [p.edge_ratio for p in self.photos]
        return float(np.mean(ratios)) if ratios else math.nan

    @property
    def worst_colour_shift(self) -> float:
        return max((p.colour_shift for p in self.photos), default=math.nan)


def evaluate_photos(
    loaded: LoadedModel,
    paths: Sequence[Path],
    save_dir: Path | None = None,
    token: CancelToken | None = None,
    on_photo: Callable[[PhotoFigures], None] | None = None,
) -> PhotoReport:
    """Evaluate every photo; a broken file is reported and the rest go on."""
    import cv2

    results: list[PhotoFigures] = []
    failures: list[str] = []
    for path in paths:
        if token is not None:
            token.check()
        try:
            figures, restored = evaluate_photo(loaded, path, token)
        except ImageError as error:
            failures.append(str(error))
            continue
        results.append(figures)
        if on_photo is not None:
            on_photo(figures)
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(save_dir / (path.stem + ".png")), restored[:, :, ::-1])
    return PhotoReport(loaded.info.name, tuple(results), tuple(failures))
