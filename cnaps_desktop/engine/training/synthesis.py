"""Blur synthesis: turn a sharp photo into a realistic (blurry, sharp) training pair.

Everything works on float32 RGB arrays in [0, 1] (sRGB-encoded, H x W x 3). Blur is averaged in
linear light, as a camera sensor integrates it: decode sRGB, average, encode again.

Two kinds of camera shake:

* ``shake_blur``: a smooth random trajectory of small rotations, zooms and translations applied as
  warped sub-frames (``cv2.warpAffine``) and averaged. Rotation about a point and zoom make the blur
  vary across the frame, as real shake does. The middle sub-frame is the identity, so the sharp
  input is the target.
* ``kernel_blur``: one uniform random-walk kernel (cheaper; the same blur everywhere).

Then the faults real photos have (``degrade``): mild defocus in a share of samples,
Poisson-Gaussian noise and JPEG re-compression at a random quality.

``average_frames`` is the GoPro protocol: the average of consecutive sharp frames in linear light
with the middle frame as the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class SynthesisOptions:
    """How blur is drawn. The defaults are the ones the shipped checkpoint was trained with."""

    travel_px: tuple[float, float] = (3.0, 40.0)  # the longest distance a pixel moves
    subframes: tuple[int, int] = (7, 15)  # warped sub-frames per shake (more for long paths)
    max_gap_px: float = 2.5  # most movement between sub-frames, so long paths stay continuous
    kernel_share: float = 0.3  # share of samples blurred by a random-walk kernel instead
    highlight_share: float = 0.5  # share of samples whose saturated highlights smear
    defocus_share: float = 0.15
    defocus_radius_px: tuple[float, float] = (0.5, 2.0)
    noise_share: float = 0.7
    jpeg_share: float = 0.6
    jpeg_quality: tuple[int, int] = (55, 95)


# --- colour ---------------------------------------------------------------------------------


def srgb_to_linear(x: np.ndarray) -> np.ndarray:
    """The sRGB transfer function, decoded (IEC 61966-2-1)."""
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_to_srgb(x: np.ndarray) -> np.ndarray:
    """The sRGB transfer function, encoded; clips to [0, 1] first."""
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * x ** (1 / 2.4) - 0.055).astype(np.float32)


def boost_highlights(linear: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Make near-white pixels brighter than white, so that they smear into long bright streaks
    when averaged and clipped afterwards, as lamps and sky highlights do in real shaken photos."""
    brightness = linear.max(axis=2, keepdims=True)
    weight = np.clip((brightness - 0.85) / 0.15, 0.0, 1.0)  # 0 below ~0.93 sRGB, 1 at white
    gain = rng.uniform(1.5, 6.0)
    return linear * (1.0 + (gain - 1.0) * weight)


# --- camera shake by warped sub-frames ------------------------------------------------------


def _smooth_path(rng: np.random.Generator, times: np.ndarray) -> np.ndarray:
    """A smooth random 1-D path through 0 at t = 0: a straight part, a curve and a wobble."""
    a, b, c = rng.normal(size=3)
    curve = rng.uniform(0.0, 1.5)
    wobble = rng.uniform(0.0, 0.4)
    freq, phase = rng.uniform(1.0, 3.0), rng.uniform(0, 2 * math.pi)
    path = (
        a * times + curve * b * times**2 + wobble * c * np.sin(2 * math.pi * freq * times + phase)
    )
    return path - wobble * c * math.sin(phase)  # pass through 0 at t = 0


def shake_matrices(
    rng: np.random.Generator, height: int, width: int, travel_px: float, count: int
) -> list[np.ndarray]:
    """``count`` affine 2x3 matrices along a random camera-shake path; the middle one is the
    identity and no corner of the frame travels further than ``travel_px`` along the path."""
    middle = count // 2
    times = (np.arange(count) - middle) / max(count - 1, 1)
    dx, dy = _smooth_path(rng, times), _smooth_path(rng, times)
    # Rotation and zoom, relative to the translation: weight drawn so some shakes are almost pure
    # translation and some are mostly rotation about a point in or out of the frame.
    spin = rng.uniform(0.0, 1.0) ** 2 * _smooth_path(rng, times)
    zoom = rng.uniform(0.0, 0.5) ** 2 * _smooth_path(rng, times)
    centre = (rng.uniform(-0.5, 1.5) * width, rng.uniform(-0.5, 1.5) * height)
    size = max(height, width)

    def matrices(scale: float) -> list[np.ndarray]:
        result = []
        for i in range(count):
            angle = math.degrees(scale * spin[i] / size)  # small: spin is in pixels at 1 frame size
            factor = 1.0 + scale * zoom[i] / size
            m = cv2.getRotationMatrix2D(centre, angle, factor)
            m[0, 2] += scale * dx[i]
            m[1, 2] += scale * dy[i]
            result.append(m)
        return result

    # Measure the path length of the corners at unit scale, then scale to the drawn travel.
    corners = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], np.float64)
    unit = matrices(1.0)
    points = np.stack([corners @ m.T for m in unit])  # count x 4 x 2
    length = np.linalg.norm(np.diff(points, axis=0), axis=2).sum(axis=0).max()
    return matrices(travel_px / max(length, 1e-6))


def shake_blur(
    sharp: np.ndarray,
    rng: np.random.Generator,
    travel_px: float,
    count: int,
    highlights: bool = False,
) -> np.ndarray:
    """Average ``count`` warped copies of ``sharp`` along a random shake path, in linear light.
    The middle copy is unwarped, so ``sharp`` is the matching target."""
    height, width = sharp.shape[:2]
    linear = srgb_to_linear(sharp)
    if highlights:
        linear = boost_highlights(linear, rng)
    total = np.zeros_like(linear)
    for matrix in shake_matrices(rng, height, width, travel_px, count):
        total += cv2.warpAffine(
            linear, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
    return linear_to_srgb(total / count)


# --- random-walk kernels --------------------------------------------------------------------


def random_walk_kernel(
    rng: np.random.Generator, travel_px: float, size: int | None = None
) -> np.ndarray:
    """A motion-blur kernel drawn by a random walk with momentum, ``travel_px`` long.

    It sums to one and its centre of mass sits on the centre pixel (within a fraction of a pixel),
    so blurring with it does not shift the image.
    """
    size = size or 2 * math.ceil(travel_px) + 5
    size += 1 - size % 2  # odd
    steps = max(int(travel_px * 4), 8)
    velocity = rng.normal(size=2)
    velocity /= np.linalg.norm(velocity) + 1e-9
    points = [np.zeros(2)]
    curl = rng.uniform(0.0, 0.6)
    for _ in range(steps):
        velocity = velocity + curl * rng.normal(size=2) * 0.5
        velocity /= np.linalg.norm(velocity) + 1e-9
        points.append(points[-1] + velocity * (travel_px / steps))
    path = np.array(points)
    path -= path.mean(axis=0)  # centred on the centre of mass
    kernel = np.zeros((size, size), np.float64)
    centre = size // 2
    for x, y in path + centre:  # bilinear splat keeps the sub-pixel centre of mass exact
        x0, y0 = math.floor(x), math.floor(y)
        fx, fy = x - x0, y - y0
        for xx, yy, w in (
            (x0, y0, (1 - fx) * (1 - fy)),
            (x0 + 1, y0, fx * (1 - fy)),
            (x0, y0 + 1, (1 - fx) * fy),
            (x0 + 1, y0 + 1, fx * fy),
        ):
            if 0 <= xx < size and 0 <= yy < size:
                kernel[yy, xx] += w
    return (kernel / kernel.sum()).astype(np.float32)


def kernel_blur(
    sharp: np.ndarray,
    kernel: np.ndarray,
    highlights: bool = False,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Blur ``sharp`` with ``kernel`` in linear light (the same blur everywhere)."""
    linear = srgb_to_linear(sharp)
    if highlights and rng is not None:
        linear = boost_highlights(linear, rng)
    blurred = cv2.filter2D(linear, -1, kernel, borderType=cv2.BORDER_REFLECT)
    return linear_to_srgb(blurred)


def defocus_kernel(radius_px: float) -> np.ndarray:
    """A soft disc (anti-aliased), summing to one."""
    size = 2 * math.ceil(radius_px) + 3
    centre = size // 2
    yy, xx = np.mgrid[:size, :size] - centre
    distance = np.sqrt(xx**2 + yy**2)
    disc = np.clip(radius_px + 0.5 - distance, 0.0, 1.0)
    return (disc / disc.sum()).astype(np.float32)


# --- the faults real photos have ------------------------------------------------------------


def add_poisson_gaussian_noise(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Shot noise (signal-dependent, in linear light) plus read noise, like a small sensor."""
    linear = srgb_to_linear(image)
    photons = 10 ** rng.uniform(2.3, 4.0)  # full-well-like scale: low = noisy
    read_sigma = rng.uniform(0.0, 0.004)
    noisy = rng.poisson(linear * photons).astype(np.float32) / photons
    noisy += rng.normal(0.0, read_sigma, size=linear.shape).astype(np.float32)
    return linear_to_srgb(noisy)


def jpeg_recompress(image: np.ndarray, quality: int) -> np.ndarray:
    """Encode and decode as JPEG at ``quality`` (the blocking and ringing phones add)."""
    pixels = (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", pixels[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        return image
    decoded = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return decoded[:, :, ::-1].astype(np.float32) / 255.0


def degrade(blurred: np.ndarray, rng: np.random.Generator, options: SynthesisOptions) -> np.ndarray:
    """Mild defocus (a share), then noise, then JPEG, each with its own chance."""
    if rng.random() < options.defocus_share:
        radius = rng.uniform(*options.defocus_radius_px)
        linear = cv2.filter2D(
            srgb_to_linear(blurred), -1, defocus_kernel(radius), borderType=cv2.BORDER_REFLECT
        )
        blurred = linear_to_srgb(linear)
    if rng.random() < options.noise_share:
        blurred = add_poisson_gaussian_noise(blurred, rng)
    if rng.random() < options.jpeg_share:
        blurred = jpeg_recompress(blurred, int(rng.integers(*options.jpeg_quality, endpoint=True)))
    return np.clip(blurred, 0.0, 1.0).astype(np.float32)


def draw_travel(rng: np.random.Generator, options: SynthesisOptions) -> float:
    """Travel in pixels, log-uniform: short shakes are as common as long ones per octave."""
    low, high = options.travel_px
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def synthesize_blur(
    sharp: np.ndarray, rng: np.random.Generator, options: SynthesisOptions | None = None
) -> np.ndarray:
    """A blurry, degraded version of ``sharp`` (same size, aligned; ``sharp`` is its target)."""
    options = options or SynthesisOptions()
    travel = draw_travel(rng, options)
    highlights = rng.random() < options.highlight_share
    if rng.random() < options.kernel_share:
        blurred = kernel_blur(sharp, random_walk_kernel(rng, travel), highlights, rng)
    else:
        low, high = options.subframes
        count = int(rng.integers(low, high, endpoint=True))
        count = max(count, math.ceil(travel / options.max_gap_px) + 1)
        blurred = shake_blur(sharp, rng, travel, count, highlights)
    return degrade(blurred, rng, options)


# --- GoPro protocol -------------------------------------------------------------------------


def average_frames(frames: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The GoPro protocol: the average of consecutive sharp frames in linear light, and the
    middle frame as its sharp target. Returns (blurry, sharp)."""
    if not frames:
        raise ValueError("average_frames needs at least one frame")
    total = np.zeros_like(frames[0], dtype=np.float32)
    for frame in frames:
        total += srgb_to_linear(frame)
    return linear_to_srgb(total / len(frames)), frames[len(frames) // 2].astype(np.float32)
