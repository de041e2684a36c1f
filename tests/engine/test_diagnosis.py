"""Photo diagnosis on synthetic pictures with known blur, noise and marks, and on shared files."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from cnaps_desktop.engine.diagnosis import Diagnosis, diagnose_file, diagnose_pixels
from cnaps_desktop.engine.diagnosis.checkpoint_task import CheckpointTask, task_for
from cnaps_desktop.engine.errors import ImageError
from tests.conftest import shared_path

MSSNET = CheckpointTask("Deblur-MSSNet-GoPro", "MSSNet", "deblur")


# ----------------------------------------------------------------------------- synthetic pictures
def dead_leaves(size: int = 512, seed: int = 0) -> np.ndarray:
    """Occluding random discs: a standard stand-in for natural image statistics (Cao et al. 2010,
    "Dead leaves model for measuring texture quality on a digital camera"), RGB uint8."""
    rng = np.random.default_rng(seed)
    picture = np.full((size, size, 3), 128, np.float32)
    for _ in range(int(3000 * (size / 512) ** 2)):
        radius = int(rng.uniform(2, 40) + rng.uniform(2, 60) * rng.random() ** 2)
        centre = (int(rng.integers(0, size)), int(rng.integers(0, size)))
        colour = rng.uniform(0, 255, 3).tolist()
        cv2.circle(picture, centre, radius, colour, -1, lineType=cv2.LINE_AA)
    return picture


def motion_kernel(length: float, degrees: float) -> np.ndarray:
    """A straight streak ``length`` px long at ``degrees`` counter-clockwise (bilinear)."""
    side = int(length) + 5 | 1
    kernel = np.zeros((side, side), np.float32)
    centre = side // 2
    angle = np.radians(degrees)
    for s in np.linspace(-(length - 1) / 2, (length - 1) / 2, int(length * 8)):
        x, y = centre + s * np.cos(angle), centre - s * np.sin(angle)
        x0, y0 = int(np.floor(x)), int(np.floor(y))
        fx, fy = x - x0, y - y0
        kernel[y0, x0] += (1 - fx) * (1 - fy)
        kernel[y0, x0 + 1] += fx * (1 - fy)
        kernel[y0 + 1, x0] += (1 - fx) * fy
        kernel[y0 + 1, x0 + 1] += fx * fy
    return kernel / kernel.sum()


def disc_kernel(radius: float) -> np.ndarray:
    side = int(2 * radius + 3) | 1
    kernel = np.zeros((side, side), np.float32)
    cv2.circle(kernel, (side // 2, side // 2), int(radius), 1.0, -1, lineType=cv2.LINE_AA)
    return kernel / kernel.sum()


def degrade(picture: np.ndarray, kernel: np.ndarray | None, sigma: float, seed: int) -> np.ndarray:
    out = picture if kernel is None else cv2.filter2D(picture, -1, kernel, borderType=4)
    noise = np.random.default_rng(seed + 100).normal(0, sigma, out.shape).astype(np.float32)
    return np.clip(out + noise, 0, 255).round().astype(np.uint8)


def angle_error(a: float, b: float) -> float:
    difference = abs(a - b) % 180
    return min(difference, 180 - difference)


# ----------------------------------------------------------------------------- blur
@pytest.mark.parametrize(
    ("length", "degrees", "seed"),
    [(15, 30, 0), (25, 120, 1), (12, 75, 2), (20, 0, 3), (30, 160, 4), (18, 90, 5)],
)
def test_motion_blur_direction_and_length(length: float, degrees: float, seed: int) -> None:
    blurred = degrade(dead_leaves(seed=seed), motion_kernel(length, degrees), 2.0, seed)
    found = diagnose_pixels(blurred, MSSNET)
    assert found.blur == "motion", found
    assert found.blur_direction_deg is not None and found.blur_length_px is not None
    assert angle_error(found.blur_direction_deg, degrees) <= 15, found.blur_direction_deg
    assert abs(found.blur_length_px - length) <= 0.3 * length, found.blur_length_px
    assert found.suits_checkpoint
    assert "motion deblurring" in found.verdict


def test_motion_length_is_in_full_size_pixels_after_reduction() -> None:
    """A 3072 px picture is judged at half size; the length must still be in its own pixels."""
    big = cv2.resize(dead_leaves(1024, seed=7), (3072, 3072), interpolation=cv2.INTER_CUBIC)
    found = diagnose_pixels(degrade(big, motion_kernel(40, 45), 1.0, 7), MSSNET)
    assert found.blur == "motion", found
    assert angle_error(found.blur_direction_deg or 0, 45) <= 15
    assert abs((found.blur_length_px or 0) - 40) <= 12, found.blur_length_px


@pytest.mark.parametrize(("radius", "seed"), [(4, 0), (6, 1), (8, 2)])
def test_defocus_disc(radius: float, seed: int) -> None:
    found = diagnose_pixels(degrade(dead_leaves(seed=seed), disc_kernel(radius), 2.0, seed), MSSNET)
    assert found.blur == "defocus", found
    assert found.blur_direction_deg is None and found.blur_length_px is None
    assert not found.suits_checkpoint
    assert "helps only a little" in found.verdict


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_sharp_textures(seed: int) -> None:
    found = diagnose_pixels(degrade(dead_leaves(seed=seed), None, 2.0, seed), MSSNET)
    assert found.blur == "sharp", found
    assert found.blur_confidence > 0.5
    assert not found.suits_checkpoint


# ----------------------------------------------------------------------------- noise and JPEG
@pytest.mark.parametrize(("sigma", "seed"), [(3.0, 0), (8.0, 1), (15.0, 2)])
def test_noise_sigma_within_a_quarter(sigma: float, seed: int) -> None:
    found = diagnose_pixels(degrade(dead_leaves(seed=seed), None, sigma, seed), MSSNET)
    assert abs(found.noise_sigma - sigma) <= 0.25 * sigma, found.noise_sigma


def test_jpeg_blocking_rises_with_compression() -> None:
    clean = degrade(cv2.GaussianBlur(dead_leaves(seed=3), (0, 0), 1.0), None, 1.0, 3)
    levels = []
    for quality in (95, 40, 10):
        _, data = cv2.imencode(".jpg", clean, [cv2.IMWRITE_JPEG_QUALITY, quality])
        levels.append(diagnose_pixels(cv2.imdecode(data, cv2.IMREAD_COLOR), MSSNET).jpeg_blocking)
    assert diagnose_pixels(clean, MSSNET).jpeg_blocking < 0.05
    assert levels[0] < 0.1 < levels[1] < 0.8 < levels[2], levels


# ----------------------------------------------------------------------------- old-print signs
def test_drawn_scratch_is_found() -> None:
    picture = cv2.GaussianBlur(dead_leaves(seed=4), (0, 0), 2.0)
    clean = diagnose_pixels(degrade(picture, None, 1.0, 4), MSSNET)
    cv2.line(picture, (40, 60), (470, 400), (250, 250, 250), 2, lineType=cv2.LINE_AA)
    scratched = diagnose_pixels(degrade(picture, None, 1.0, 4), MSSNET)
    assert not clean.scratches
    assert scratched.scratches
    assert "scratch" in scratched.verdict and "does not remove scratches" in scratched.verdict


def test_greyscale_and_faded() -> None:
    grey = cv2.cvtColor(degrade(dead_leaves(seed=5), None, 1.0, 5), cv2.COLOR_RGB2GRAY)
    assert diagnose_pixels(grey, MSSNET).greyscale
    colour = degrade(dead_leaves(seed=5), None, 1.0, 5)
    assert not diagnose_pixels(colour, MSSNET).greyscale
    assert not diagnose_pixels(colour, MSSNET).faded
    faded = (70 + 0.45 * colour.astype(np.float32)) * np.array([1.0, 0.95, 0.75])
    found = diagnose_pixels(faded.astype(np.uint8), MSSNET)
    assert found.faded
    assert found.colour_cast in {"yellow", "orange"}
    assert "colour and contrast" in found.verdict


# ----------------------------------------------------------------------------- awkward pixels
def test_sixteen_bit_and_alpha_read_like_eight_bit() -> None:
    picture = degrade(dead_leaves(seed=6), motion_kernel(20, 60), 2.0, 6)
    eight = diagnose_pixels(picture, MSSNET)
    sixteen = diagnose_pixels(picture.astype(np.uint16) * 257, MSSNET)
    alpha = np.dstack([picture, np.full(picture.shape[:2], 255, np.uint8)])
    with_alpha = diagnose_pixels(alpha, MSSNET)
    grey_alpha = diagnose_pixels(np.dstack([picture[:, :, 0], picture[:, :, 0]]), MSSNET)
    for found in (sixteen, with_alpha):
        assert found.blur == eight.blur == "motion"
        assert found.blur_length_px == pytest.approx(eight.blur_length_px, rel=0.05)
        assert found.noise_sigma == pytest.approx(eight.noise_sigma, rel=0.05)
    assert grey_alpha.greyscale and grey_alpha.blur == "motion"


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((1, 1, 3), np.uint8), np.zeros((1, 1), np.uint16), np.zeros((10, 600), np.uint8)],
    ids=["1x1", "1x1-grey16", "10x600"],
)
def test_tiny_pictures_get_a_sentence(pixels: np.ndarray) -> None:
    found = diagnose_pixels(pixels, MSSNET)
    assert found.blur_confidence == 0.0
    assert found.verdict.startswith("What this photo needs:")
    assert "too small" in found.verdict or "blank" in found.verdict
    assert found.size_note is not None and "models import FILE" in found.size_note


def test_all_black_is_blank() -> None:
    found = diagnose_pixels(np.zeros((600, 800, 3), np.uint8), MSSNET)
    assert "blank" in found.verdict
    assert found.blur_confidence == 0.0 and not found.suits_checkpoint


def test_float_pixels_with_nan() -> None:
    picture = degrade(dead_leaves(seed=1), None, 2.0, 1).astype(np.float32) / 255
    picture[0, 0] = np.nan
    assert diagnose_pixels(picture, MSSNET).blur == "sharp"


def test_small_picture_says_upscaling_is_another_model() -> None:
    found = diagnose_pixels(degrade(dead_leaves(seed=2), None, 2.0, 2), MSSNET)
    assert found.megapixels == pytest.approx(0.262, abs=0.001)
    assert found.size_note is not None and "upscaling" in found.size_note


# ----------------------------------------------------------------------------- checkpoints
def test_default_checkpoint_is_a_first_version_deblurrer() -> None:
    task = task_for("default")
    assert task.deblurs and task.first_version
    found = diagnose_pixels(degrade(dead_leaves(seed=3), motion_kernel(20, 10), 2.0, 3))
    assert found.suits_checkpoint and "first version" in found.verdict


def test_unknown_checkpoint_file_is_said_to_be_unknown(tmp_path: Path) -> None:
    file = tmp_path / "mystery.pth"
    file.write_bytes(b"not read")
    found = diagnose_pixels(degrade(dead_leaves(seed=3), motion_kernel(20, 10), 2.0, 3), file)
    assert not found.suits_checkpoint
    assert "not known until it is loaded" in found.verdict


# ----------------------------------------------------------------------------- files
def test_files_sixteen_bit_png_alpha_and_orientation(tmp_path: Path) -> None:
    picture = degrade(dead_leaves(seed=8), motion_kernel(20, 0), 2.0, 8)
    sixteen = tmp_path / "sixteen.png"
    cv2.imwrite(str(sixteen), cv2.cvtColor(picture, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257)
    rgba = tmp_path / "alpha.png"
    PILImage.fromarray(np.dstack([picture, np.full(picture.shape[:2], 200, np.uint8)])).save(rgba)
    turned = tmp_path / "turned.jpg"
    exif = PILImage.Exif()
    exif[0x0112] = 6  # stored on its side; upright it is turned 90 degrees clockwise
    PILImage.fromarray(picture).save(turned, quality=97, exif=exif)
    for path in (sixteen, rgba):
        found = diagnose_file(path, MSSNET)
        assert found.blur == "motion" and found.file == str(path)
        assert angle_error(found.blur_direction_deg or 0, 0) <= 15
    upright = diagnose_file(turned, MSSNET)
    assert upright.blur == "motion"
    assert angle_error(upright.blur_direction_deg or 0, 90) <= 15  # read upright, so vertical


def test_unreadable_file_is_one_image_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    with pytest.raises(ImageError, match=r"broken\.jpg"):
        diagnose_file(broken)


def test_as_dict_is_json_ready() -> None:
    found = diagnose_pixels(degrade(dead_leaves(seed=0), None, 2.0, 0), MSSNET)
    data = json.loads(json.dumps(found.as_dict()))
    for key in (
        "file",
        "blur",
        "blur_confidence",
        "blur_direction_deg",
        "blur_length_px",
        "noise_sigma",
        "jpeg_blocking",
        "scratches",
        "faded",
        "megapixels",
        "verdict",
        "suits_checkpoint",
    ):
        assert key in data
    assert isinstance(found, Diagnosis)


# ----------------------------------------------------------------------------- shared files
@pytest.mark.shared
def test_shared_files_all_get_a_verdict() -> None:
    """Every labelled shared photo gets a verdict (the accuracy is reported in BENCHMARKS.md,
    not asserted: nothing was tuned on these files)."""
    folders = [shared_path("data", name) for name in ("real_blurry", "photos", "old_photos")]
    for folder in folders:
        for path in sorted(folder.iterdir()):
            found = diagnose_file(path)
            assert found.verdict.startswith("What this photo needs:"), path
            assert 0.0 <= found.blur_confidence <= 1.0


@pytest.mark.shared
def test_shared_clock_is_motion_blurred() -> None:
    """The clearest real case: the skimage clock, shot while moving the camera sideways."""
    found = diagnose_file(shared_path("data", "real_blurry", "skimage_clock_motion.png"))
    assert found.blur != "sharp"
