"""Training data: where (blurry, sharp) crops come from, and the batches fed to the model.

Three kinds of source, chosen on the command line as ``KIND:FOLDER``:

* ``photos:DIR`` sharp photos; blur is synthesised on the fly (see synthesis.py).
* ``frames:DIR`` consecutive sharp video frames; the GoPro protocol averages 7 to 13 of them.
* ``pairs:DIR`` person-made pairs: ``DIR/blur/NAME`` and ``DIR/sharp/NAME`` with matching names.

Every source holds out a fixed share of its items for validation: with the items sorted by file
name, every ``holdout_every``-th item (indices 0, 10, 20, ... for 10) is never trained on.
Photos are decoded once and kept in memory (uint8) so the CPU time goes to the model.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from cnaps_desktop.engine.errors import ImageError
from cnaps_desktop.engine.training.synthesis import (
    SynthesisOptions,
    average_frames,
    synthesize_blur,
)

PHOTO_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
SOURCE_KINDS = ("photos", "frames", "pairs")
SHAKE_MARGIN = 24  # extra pixels around a crop so warped sub-frames rarely reach the border


class DataSourceError(ImageError):
    """A training data folder is missing, empty or inconsistent."""


@dataclass(frozen=True)
class SourceSpec:
    kind: str
    folder: Path

    @classmethod
    def parse(cls, text: str) -> SourceSpec:
        kind, sep, folder = text.partition(":")
        if not sep or kind not in SOURCE_KINDS:
            raise DataSourceError(
                f"'{text}' is not a data source; expected KIND:FOLDER with KIND one of "
                f"{', '.join(SOURCE_KINDS)} (for example photos:~/sharp_photos)."
            )
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise DataSourceError(f"{path} is not a folder; expected a folder of {kind}.")
        return cls(kind, path)


def read_rgb(path: Path) -> np.ndarray:
    """A photo as uint8 RGB (grey is repeated to three channels; alpha is dropped)."""
    data = np.fromfile(str(path), dtype=np.uint8)
    pixels = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if pixels is None:
        raise DataSourceError(f"{path} could not be decoded; expected a photo (PNG, JPEG, ...).")
    return np.ascontiguousarray(pixels[:, :, ::-1])


def list_photos(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)


def split_holdout(items: Sequence[Path], every: int) -> tuple[list[Path], list[Path]]:
    """(train, held out): sorted by name, items 0, every, 2*every, ... are held out."""
    ordered = sorted(items, key=lambda p: p.name)
    if every <= 0:
        return ordered, []
    held = [p for i, p in enumerate(ordered) if i % every == 0]
    return [p for i, p in enumerate(ordered) if i % every != 0], held


def _random_window(rng: np.random.Generator, shape: tuple[int, ...], size: int) -> tuple[int, int]:
    height, width = shape[:2]
    return int(rng.integers(0, height - size + 1)), int(rng.integers(0, width - size + 1))


def _pad_to(image: np.ndarray, size: int) -> np.ndarray:
    """Reflect-pad so both sides are at least ``size`` (small photos still give full crops)."""
    height, width = image.shape[:2]
    bottom, right = max(0, size - height), max(0, size - width)
    if bottom or right:
        image = cv2.copyMakeBorder(image, 0, bottom, 0, right, cv2.BORDER_REFLECT)
    return image


def dihedral(image: np.ndarray, index: int) -> np.ndarray:
    """One of the 8 flips/rotations of the square (0 = identity)."""
    if index >= 4:
        image = image[:, ::-1]
    return np.rot90(image, index % 4)


class PhotoSource:
    """Sharp photos in memory; each sample is a fresh synthetic blur of a random crop."""

    def __init__(
        self, paths: Sequence[Path], options: SynthesisOptions, half_size_share: float = 0.3
    ):
        if not paths:
            raise DataSourceError("no photos to train on; expected PNG or JPEG files.")
        self.paths = list(paths)
        self.photos = [read_rgb(p) for p in self.paths]
        self.options = options
        self.half_size_share = half_size_share
        # Half-size copies: sharper per pixel (less of the source's own softness and JPEG).
        self.halves = [
            cv2.resize(p, (p.shape[1] // 2, p.shape[0] // 2), interpolation=cv2.INTER_AREA)
            for p in self.photos
        ]

    def __len__(self) -> int:
        return len(self.photos)

    def sample(self, rng: np.random.Generator, crop: int) -> tuple[np.ndarray, np.ndarray]:
        index = int(rng.integers(len(self.photos)))
        photo = self.photos[index]
        half = self.halves[index]
        if rng.random() < self.half_size_share and min(half.shape[:2]) >= crop + 2 * SHAKE_MARGIN:
            photo = half
        return self.pair_from(photo, rng, crop)

    def pair_from(
        self, photo: np.ndarray, rng: np.random.Generator, crop: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Synthesise blur on a crop with a margin, then cut the margin off both."""
        size = crop + 2 * SHAKE_MARGIN
        photo = _pad_to(photo, size)
        top, left = _random_window(rng, photo.shape, size)
        patch = photo[top : top + size, left : left + size].astype(np.float32) / 255.0
        blurred = synthesize_blur(patch, rng, self.options)
        inner = slice(SHAKE_MARGIN, SHAKE_MARGIN + crop)
        return blurred[inner, inner], patch[inner, inner]


class FramesSource:
    """Consecutive sharp frames (sorted names); each sample averages 7 to 13 of them."""

    def __init__(self, folder: Path, window: tuple[int, int] = (7, 13)):
        self.paths = list_photos(folder)
        self.window = window
        if len(self.paths) < window[0]:
            raise DataSourceError(
                f"{folder} holds {len(self.paths)} frames; expected at least {window[0]} "
                f"consecutive frames."
            )
        self.frames = [read_rgb(p) for p in self.paths]

    def __len__(self) -> int:
        return len(self.frames)

    def sample(self, rng: np.random.Generator, crop: int) -> tuple[np.ndarray, np.ndarray]:
        count = int(rng.integers(self.window[0], min(self.window[1], len(self.frames)) + 1))
        start = int(rng.integers(0, len(self.frames) - count + 1))
        frames = [_pad_to(f, crop) for f in self.frames[start : start + count]]
        top, left = _random_window(rng, frames[0].shape, crop)
        crops = [f[top : top + crop, left : left + crop].astype(np.float32) / 255.0 for f in frames]
        return average_frames(crops)


def list_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """Matching (blur, sharp) files of a pairs folder, sorted by name."""
    blur_dir, sharp_dir = folder / "blur", folder / "sharp"
    if not blur_dir.is_dir() or not sharp_dir.is_dir():
        raise DataSourceError(
            f"{folder} needs two sub-folders, blur/ and sharp/, with matching names."
        )
    pairs = [
        (b, sharp_dir / b.name) for b in list_photos(blur_dir) if (sharp_dir / b.name).is_file()
    ]
    if not pairs:
        raise DataSourceError(f"{folder} has no file in blur/ with the same name in sharp/.")
    return pairs


class PairSource:
    """Person-made pairs, kept in memory; each sample is the same random crop of both."""

    def __init__(self, pairs: Sequence[tuple[Path, Path]]):
        if not pairs:
            raise DataSourceError("no pairs to train on.")
        self.pairs = []
        for blur_path, sharp_path in pairs:
            blur, sharp = read_rgb(blur_path), read_rgb(sharp_path)
            if blur.shape != sharp.shape:
                raise DataSourceError(
                    f"{blur_path.name}: blur is {blur.shape[1]}x{blur.shape[0]} but sharp is "
                    f"{sharp.shape[1]}x{sharp.shape[0]}; expected the same size."
                )
            self.pairs.append((blur, sharp))

    def __len__(self) -> int:
        return len(self.pairs)

    def sample(self, rng: np.random.Generator, crop: int) -> tuple[np.ndarray, np.ndarray]:
        blur, sharp = self.pairs[int(rng.integers(len(self.pairs)))]
        blur, sharp = _pad_to(blur, crop), _pad_to(sharp, crop)
        top, left = _random_window(rng, blur.shape, crop)
        window = (slice(top, top + crop), slice(left, left + crop))
        return blur[window].astype(np.float32) / 255.0, sharp[window].astype(np.float32) / 255.0


Source = PhotoSource | FramesSource | PairSource


@dataclass(frozen=True)
class ValidationPair:
    name: str
    blurred: np.ndarray  # float32 HxWx3 in [0, 1]
    sharp: np.ndarray


def build_sources(
    specs: Sequence[SourceSpec], holdout_every: int, options: SynthesisOptions
) -> tuple[list[Source], list[Source]]:
    """(training sources, validation sources) with each folder's held-out items set aside."""
    train: list[Source] = []
    validation: list[Source] = []
    for spec in specs:
        if spec.kind == "photos":
            kept, held = split_holdout(list_photos(spec.folder), holdout_every)
            train.append(PhotoSource(kept, options))
            if held:
                validation.append(PhotoSource(held, options))
        elif spec.kind == "frames":
            train.append(FramesSource(spec.folder))
        else:
            pairs = list_pairs(spec.folder)
            by_name = {b.name: (b, s) for b, s in pairs}
            kept, held = split_holdout([b for b, _ in pairs], holdout_every)
            if not kept:  # a single pair: train on it, nothing to hold out
                kept, held = held, []
            train.append(PairSource([by_name[p.name] for p in kept]))
            if held:
                validation.append(PairSource([by_name[p.name] for p in held]))
    return train, validation


def validation_pairs(sources: Sequence[Source], crop: int, seed: int) -> list[ValidationPair]:
    """A fixed validation set: for each held-out item, one pair cut from its centre (the blur of
    photos is drawn from a seed of its own, so the set is the same in every run)."""
    result = []
    for source_index, source in enumerate(sources):
        if isinstance(source, PhotoSource):
            for i, (path, photo) in enumerate(zip(source.paths, source.photos, strict=True)):
                rng = np.random.default_rng([seed, source_index, i])
                size = crop + 2 * SHAKE_MARGIN
                photo = _pad_to(photo, size)
                top, left = (photo.shape[0] - size) // 2, (photo.shape[1] - size) // 2
                centre = photo[top : top + size, left : left + size]
                blurred, sharp = source.pair_from(centre, rng, crop)
                result.append(ValidationPair(path.name, blurred, sharp))
        elif isinstance(source, PairSource):
            for i, (blur, sharp) in enumerate(source.pairs):
                result.append(_centre_pair(f"pair{i}", blur, sharp, crop))
    return result


def _centre_pair(name: str, blur: np.ndarray, sharp: np.ndarray, crop: int) -> ValidationPair:
    """The centre ``crop`` x ``crop`` of a uint8 pair (or the largest multiple of 16 that fits),
    as floats in [0, 1]."""
    height, width = blur.shape[:2]
    side = min(crop, height, width) // 16 * 16
    top, left = (height - side) // 2, (width - side) // 2
    window = (slice(top, top + side), slice(left, left + side))
    return ValidationPair(
        name, blur[window].astype(np.float32) / 255.0, sharp[window].astype(np.float32) / 255.0
    )


def draw_batch(
    sources: Sequence[Source], rng: np.random.Generator, batch: int, crop: int
) -> tuple[np.ndarray, np.ndarray]:
    """A batch (N x 3 x crop x crop, float32) from sources chosen in proportion to their size,
    each sample flipped/rotated by one of the 8 dihedral transforms."""
    sizes = np.array([len(s) for s in sources], dtype=np.float64)
    blurs, sharps = [], []
    for _ in range(batch):
        source = sources[int(rng.choice(len(sources), p=sizes / sizes.sum()))]
        blurred, sharp = source.sample(rng, crop)
        turn = int(rng.integers(8))
        blurs.append(dihedral(blurred, turn).transpose(2, 0, 1))
        sharps.append(dihedral(sharp, turn).transpose(2, 0, 1))
    return np.ascontiguousarray(np.stack(blurs)), np.ascontiguousarray(np.stack(sharps))


class BatchStream:
    """Batches drawn in a background thread (OpenCV and NumPy release the GIL while they work),
    so the synthesis of the next batch overlaps the model's step. Repeatable: the batches depend
    only on the seed and the step they start from."""

    def __init__(
        self,
        sources: Sequence[Source],
        batch: int,
        crop: int,
        seed: int,
        start_step: int,
        prefetch: int = 3,
    ):
        self._sources = list(sources)
        self._batch, self._crop = batch, crop
        self._rng = np.random.default_rng([seed, start_step])
        self._queue: queue.Queue[tuple[np.ndarray, np.ndarray] | BaseException] = queue.Queue(
            prefetch
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="batch-synthesis", daemon=True)
        self._thread.start()

    def _produce(self) -> None:
        try:
            while not self._stop.is_set():
                item = draw_batch(self._sources, self._rng, self._batch, self._crop)
                while not self._stop.is_set():
                    try:
                        self._queue.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        continue
        except BaseException as error:  # handed to the consumer, which re-raises it
            self._queue.put(error)

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        while True:
            item = self._queue.get()
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def training_sources(
    specs: Sequence[SourceSpec], holdout_every: int, options: SynthesisOptions
) -> list[Source]:
    """The training half of :func:`build_sources`, for a synthesis process to build its own."""
    return build_sources(specs, holdout_every, options)[0]


class _SynthesisedBatches(torch.utils.data.IterableDataset):
    """Endless batches for one of several synthesis processes; each has its own random stream
    and reads the photos itself (a process is started afresh, never forked: a fork of a process
    whose other threads hold locks, as torch's and OpenCV's pools may, can hang for good)."""

    def __init__(
        self,
        make_sources: Callable[[], Sequence[Source]],
        batch: int,
        crop: int,
        seed: int,
        start_step: int,
    ) -> None:
        self._make_sources = make_sources
        self._batch, self._crop = batch, crop
        self._seed, self._start_step = seed, start_step

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        worker = torch.utils.data.get_worker_info()
        cv2.setNumThreads(1)  # the workers themselves are the parallelism
        torch.set_num_threads(1)
        sources = list(self._make_sources())
        rng = np.random.default_rng([self._seed, self._start_step, worker.id if worker else 0])
        while True:
            yield draw_batch(sources, rng, self._batch, self._crop)


class WorkerBatchStream:
    """Batches from ``workers`` synthesis processes, for a GPU that trains faster than one thread
    can synthesise (a 256 px crop takes about 36 ms on one core). ``make_sources`` (picklable,
    e.g. a ``functools.partial`` of :func:`training_sources`) builds each process's sources.
    Repeatable for a given number of workers: torch's DataLoader takes their batches in turn."""

    def __init__(
        self,
        make_sources: Callable[[], Sequence[Source]],
        batch: int,
        crop: int,
        seed: int,
        start_step: int,
        workers: int,
        pin_memory: bool = False,
    ):
        self._loader = torch.utils.data.DataLoader(
            _SynthesisedBatches(make_sources, batch, crop, seed, start_step),
            batch_size=None,
            num_workers=workers,
            prefetch_factor=4,
            persistent_workers=True,
            pin_memory=pin_memory,
            multiprocessing_context="spawn",
        )
        self._iterator: Iterator | None = None

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        self._iterator = iter(self._loader)
        for blurred, sharp in self._iterator:
            yield blurred.numpy(), sharp.numpy()

    def close(self) -> None:
        shutdown = getattr(self._iterator, "_shutdown_workers", None)
        if shutdown is not None:
            shutdown()


def centre_crop_pairs(folder: Path, crop: int) -> list[ValidationPair]:
    """The centre ``crop`` x ``crop`` (or the largest multiple of 16 that fits) of every pair in a
    pairs folder: the frozen held-out sets the training log scores against."""
    result = []
    for blur_path, sharp_path in list_pairs(folder):
        blur, sharp = read_rgb(blur_path), read_rgb(sharp_path)
        if blur.shape != sharp.shape:
            raise DataSourceError(
                f"{blur_path.name}: blur and sharp differ in size; expected the same size."
            )
        result.append(_centre_pair(blur_path.stem, blur, sharp, crop))
    return result
