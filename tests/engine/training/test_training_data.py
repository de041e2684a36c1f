"""Training data sources: hold-out rule, pairs folders, batches."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import cv2
import numpy as np
import pytest

from cnaps_desktop.engine.errors import ImageError
from cnaps_desktop.engine.training.data import (
    BatchStream,
    FramesSource,
    SourceSpec,
    WorkerBatchStream,
    build_sources,
    split_holdout,
    training_sources,
    validation_pairs,
)
from cnaps_desktop.engine.training.synthesis import SynthesisOptions


def _write(path: Path, pixels: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), pixels)


def _noise(height: int, width: int, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).random((height, width, 3)) * 255).astype(np.uint8)


def test_holdout_keeps_every_tenth_by_sorted_name() -> None:
    names = [Path(f"img{i:03d}.jpg") for i in range(25)][::-1]
    train, held = split_holdout(names, 10)
    assert [p.name for p in held] == ["img000.jpg", "img010.jpg", "img020.jpg"]
    assert len(train) == 22 and not set(train) & set(held)


def test_source_spec_rejects_unknown_kinds(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="KIND:FOLDER"):
        SourceSpec.parse(f"videos:{tmp_path}")
    with pytest.raises(ImageError, match="not a folder"):
        SourceSpec.parse(f"photos:{tmp_path / 'missing'}")


def test_pairs_of_different_sizes_are_refused_clearly(tmp_path: Path) -> None:
    _write(tmp_path / "blur" / "a.png", _noise(32, 32))
    _write(tmp_path / "sharp" / "a.png", _noise(32, 48))
    with pytest.raises(ImageError, match=r"a\.png: blur is 32x32 but sharp is 48x32"):
        build_sources([SourceSpec("pairs", tmp_path)], 10, SynthesisOptions())


def test_photo_batches_have_the_crop_size_and_validation_is_repeatable(tmp_path: Path) -> None:
    for i in range(12):
        _write(tmp_path / f"p{i:02d}.png", _noise(70, 90, i))
    train, held = build_sources([SourceSpec("photos", tmp_path)], 10, SynthesisOptions())
    assert len(train[0]) == 10 and len(held[0]) == 2
    first = validation_pairs(held, 32, seed=5)
    second = validation_pairs(held, 32, seed=5)
    np.testing.assert_array_equal(first[0].blurred, second[0].blurred)
    stream = BatchStream(train, batch=3, crop=32, seed=1, start_step=0)
    try:
        blurred, sharp = next(iter(stream))
    finally:
        stream.close()
    assert blurred.shape == sharp.shape == (3, 3, 32, 32)


def test_frames_source_averages_consecutive_frames(tmp_path: Path) -> None:
    for i in range(9):
        _write(tmp_path / f"{i:06d}.png", _noise(40, 40, i))
    source = FramesSource(tmp_path)
    blurred, sharp = source.sample(np.random.default_rng(0), 32)
    assert blurred.shape == sharp.shape == (32, 32, 3)
    assert np.abs(blurred - sharp).mean() > 0.05


@pytest.mark.shared
def test_frames_source_on_the_shared_frame_sequence() -> None:
    from tests.conftest import shared_path

    folder = shared_path("data", "gopro_240fps_substitute_synthetic", "frames")
    source = FramesSource(folder)
    assert len(source) == 15
    blurred, sharp = source.sample(np.random.default_rng(0), 96)
    assert blurred.shape == sharp.shape == (96, 96, 3)
    assert 0.002 < np.abs(blurred - sharp).mean() < 0.2  # a small, real blur of the same view


def test_worker_processes_give_repeatable_batches_of_the_crop_size(tmp_path: Path) -> None:
    """--workers: synthesis in processes (for a GPU); the same workers and seed, the same run."""
    for i in range(6):
        _write(tmp_path / f"p{i:02d}.png", _noise(70, 90, i))
    make_sources = partial(
        training_sources, (SourceSpec("photos", tmp_path),), 10, SynthesisOptions()
    )

    def first_batches(count: int) -> list[tuple[np.ndarray, np.ndarray]]:
        stream = WorkerBatchStream(make_sources, batch=2, crop=32, seed=3, start_step=0, workers=2)
        try:
            return [batch for batch, _ in zip(stream, range(count), strict=False)]
        finally:
            stream.close()

    one, two = first_batches(3), first_batches(3)
    for (blurred, sharp), (blurred_again, _) in zip(one, two, strict=True):
        assert blurred.shape == sharp.shape == (2, 3, 32, 32) and blurred.dtype == np.float32
        np.testing.assert_array_equal(blurred, blurred_again)
    assert not np.array_equal(one[0][0], one[1][0])  # the two workers draw different crops
