"""Blur synthesis: kernels, shake paths, the GoPro frame-averaging protocol."""

from __future__ import annotations

import numpy as np
import pytest

from cnaps_desktop.engine.training.synthesis import (
    SynthesisOptions,
    average_frames,
    defocus_kernel,
    linear_to_srgb,
    random_walk_kernel,
    shake_blur,
    shake_matrices,
    srgb_to_linear,
    synthesize_blur,
)


def _centre_of_mass(kernel: np.ndarray) -> tuple[float, float]:
    yy, xx = np.mgrid[: kernel.shape[0], : kernel.shape[1]]
    return float((kernel * yy).sum()), float((kernel * xx).sum())


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("travel", [3.0, 12.0, 40.0])
def test_random_walk_kernels_sum_to_one_and_stay_centred(seed: int, travel: float) -> None:
    kernel = random_walk_kernel(np.random.default_rng(seed), travel)
    assert kernel.shape[0] == kernel.shape[1] and kernel.shape[0] % 2 == 1
    assert kernel.min() >= 0
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    centre = kernel.shape[0] // 2
    cy, cx = _centre_of_mass(kernel)
    assert abs(cy - centre) < 0.05 and abs(cx - centre) < 0.05
    assert (kernel > 0).sum() > travel  # a path, not a dot


def test_defocus_kernel_sums_to_one_and_is_symmetric() -> None:
    kernel = defocus_kernel(1.7)
    assert kernel.sum() == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(kernel, kernel[::-1, ::-1], atol=1e-7)


def test_srgb_round_trip() -> None:
    values = np.linspace(0, 1, 101, dtype=np.float32)
    np.testing.assert_allclose(linear_to_srgb(srgb_to_linear(values)), values, atol=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_shake_path_has_identity_in_the_middle_and_the_drawn_travel(seed: int) -> None:
    matrices = shake_matrices(np.random.default_rng(seed), 64, 96, travel_px=20.0, count=9)
    np.testing.assert_allclose(matrices[4], [[1, 0, 0], [0, 1, 0]], atol=1e-9)
    corners = np.array([[0, 0, 1], [96, 0, 1], [0, 64, 1], [96, 64, 1]], np.float64)
    points = np.stack([corners @ m.T for m in matrices])
    longest = np.linalg.norm(np.diff(points, axis=0), axis=2).sum(axis=0).max()
    assert longest == pytest.approx(20.0, rel=0.02)


def test_shake_blur_keeps_flat_colour_and_blurs_edges() -> None:
    rng = np.random.default_rng(0)
    flat = np.full((48, 48, 3), 0.4, np.float32)
    np.testing.assert_allclose(shake_blur(flat, rng, 10.0, 9), flat, atol=1e-4)
    edge = np.zeros((48, 48, 3), np.float32)
    edge[:, 24:] = 1.0
    blurred = shake_blur(edge, np.random.default_rng(1), 15.0, 11)
    assert blurred.shape == edge.shape
    assert 0.02 < blurred[24, 24, 0] < 0.98 or 0.02 < blurred[24, 23, 0] < 0.98


def test_synthesize_blur_gives_an_aligned_degraded_image_in_range() -> None:
    rng = np.random.default_rng(3)
    sharp = np.random.default_rng(9).random((80, 80, 3)).astype(np.float32)
    for _ in range(4):
        blurred = synthesize_blur(sharp, rng, SynthesisOptions())
        assert blurred.shape == sharp.shape and blurred.dtype == np.float32
        assert blurred.min() >= 0.0 and blurred.max() <= 1.0
        assert np.abs(blurred - sharp).mean() > 0.01


def _moving_square(position: int) -> np.ndarray:
    frame = np.zeros((32, 64, 3), np.float32)
    frame[12:20, position : position + 8] = 1.0
    return frame


def test_frame_averaging_picks_the_middle_frame_as_target() -> None:
    frames = [_moving_square(10 + 3 * i) for i in range(9)]
    blurred, sharp = average_frames(frames)
    np.testing.assert_array_equal(sharp, frames[4])
    # the average is a streak centred on the middle frame's square, in linear light
    linear = srgb_to_linear(blurred)[:, :, 0]
    centre_x = (linear.sum(axis=0) * np.arange(64)).sum() / linear.sum()
    assert centre_x == pytest.approx(10 + 3 * 4 + 3.5, abs=0.01)
    assert linear[16, 10] == pytest.approx(1 / 9, abs=1e-5)  # only the first frame covers x=10
