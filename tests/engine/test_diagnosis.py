"""Photo diagnosis on synthetic pictures with known blur, noise and marks, and on shared files."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from cnaps_desktop.engine.diagnosis import Diagnosis, diagnose_file, diagnose_pixels
from cnaps_desktop.engine.diagnosis.blur import BlurFinding
from cnaps_desktop.engine.diagnosis.checkpoint_task import CheckpointTask, task_for
from cnaps_desktop.engine.diagnosis.old_print import OldPrintSigns
from cnaps_desktop.engine.diagnosis.verdict import verdict_for
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
def phone_like(picture: np.ndarray, seed: int, amplitude: float = 2.5) -> np.ndarray:
    """A fine, slightly correlated texture of a few levels, then JPEG quality 90: what a phone's
    processing leaves in the high frequencies, enough to flatten a blurred picture's spectrum."""
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.normal(0, 1, picture.shape[:2]).astype(np.float32), (0, 0), 0.5)
    out = picture.astype(np.float32) + (texture / texture.std() * amplitude)[..., None]
    _, data = cv2.imencode(
        ".jpg", np.clip(out, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 90]
    )
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)


@pytest.mark.parametrize(("radius", "seed"), [(8, 3), (8, 4), (10, 3), (10, 4)])
def test_defocus_under_a_phone_like_texture_is_not_called_sharp(radius: float, seed: int) -> None:
    """The edge widths overrule a spectrum flattened by fine texture (a real phone photo, heavily
    out of focus, was called sharp with confidence 1.0 before)."""
    from cnaps_desktop.engine.diagnosis.blur import SHARP_SLOPE, measure_blur
    from cnaps_desktop.engine.diagnosis.levels import planes_of
    from cnaps_desktop.engine.diagnosis.noise import noise_sigma

    picture = phone_like(degrade(dead_leaves(seed=seed), disc_kernel(radius), 0, seed), seed)
    planes = planes_of(picture)
    finding = measure_blur(planes.working, planes.scale, noise_sigma(planes.working))
    assert finding.kind == "defocus", finding
    if radius == 10:
        assert finding.spectral_slope > SHARP_SLOPE  # the spectrum alone said sharp


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_sharp_pictures_under_the_same_texture_stay_sharp(seed: int) -> None:
    picture = phone_like(degrade(dead_leaves(seed=seed), None, 0, seed), seed, amplitude=3.5)
    assert diagnose_pixels(picture, MSSNET).blur == "sharp"


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
def smooth_scene(seed: int) -> np.ndarray:
    """Dead leaves softened: large smooth areas, where marks on a print show."""
    return cv2.GaussianBlur(dead_leaves(seed=seed), (0, 0), 2.0)


def grainy_jpeg(picture: np.ndarray, sigma: float, quality: int, seed: int) -> np.ndarray:
    """Film grain (Gaussian noise) and JPEG compression, as a scanned print has."""
    noisy = degrade(picture, None, sigma, seed)
    _, data = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED)


def draw_specks(picture: np.ndarray, count: int, seed: int) -> np.ndarray:
    """Round dust specks 2-6 px across, half bright and half dark, anti-aliased."""
    rng = np.random.default_rng(seed)
    out = picture.copy()
    height, width = out.shape[:2]
    for _ in range(count):
        centre = (int(rng.integers(0, width * 4)), int(rng.integers(0, height * 4)))
        level = float(rng.uniform(235, 250) if rng.random() < 0.5 else rng.uniform(10, 30))
        radius = int(rng.uniform(1.0, 3.0) * 4)  # drawn at 1/4 px (shift=2)
        cv2.circle(out, centre, radius, (level,) * 3, -1, lineType=cv2.LINE_AA, shift=2)
    return out


def draw_ridge(
    picture: np.ndarray, start: tuple[int, int], end: tuple[int, int], width: int, level: float
) -> np.ndarray:
    out = picture.copy()
    cv2.line(out, start, end, (level,) * 3, width, lineType=cv2.LINE_AA)
    return out


def printed_page(seed: int) -> np.ndarray:
    """Lines of dark text on light paper, with grain: dots, strokes and rules, no dust."""
    rng = np.random.default_rng(seed)
    page = np.full((512, 512, 3), 214, np.uint8)
    words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "i.", "j,"]
    for row in range(24, 500, 22):
        line = " ".join(rng.choice(words, 8))
        cv2.putText(page, line, (12, row), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (40, 40, 40), 1)
    return grainy_jpeg(page, 3.0, 85, seed)


def fur(seed: int) -> np.ndarray:
    """Dense short strands, bright and dark, in roughly one direction: a fur-like texture."""
    rng = np.random.default_rng(seed)
    out = np.full((512, 512, 3), 120, np.float32)
    for _ in range(6000):
        x, y = rng.uniform(0, 512, 2)
        angle = np.radians(rng.normal(60, 15))
        length = rng.uniform(8, 30)
        end = (int(x + length * np.cos(angle)), int(y - length * np.sin(angle)))
        level = float(rng.uniform(60, 200))
        cv2.line(out, (int(x), int(y)), end, (level, level * 0.8, level * 0.6), 1, cv2.LINE_AA)
    return grainy_jpeg(out, 3.0, 85, seed)


def starfield(seed: int) -> np.ndarray:
    """Bright points on a black sky: specks that are the picture, not dust."""
    rng = np.random.default_rng(seed)
    sky = np.full((512, 512, 3), 6, np.float32)
    for _ in range(400):
        centre = (int(rng.integers(0, 512)), int(rng.integers(0, 512)))
        cv2.circle(sky, centre, int(rng.integers(1, 3)), (float(rng.uniform(120, 255)),) * 3, -1)
    return grainy_jpeg(cv2.GaussianBlur(sky, (0, 0), 0.7), 2.0, 90, seed)


@pytest.mark.parametrize(("sigma", "quality", "seed"), [(3.0, 90, 0), (5.0, 80, 1), (6.0, 75, 2)])
def test_dust_specks_on_grainy_photos_are_found(sigma: float, quality: int, seed: int) -> None:
    scene = smooth_scene(seed)
    clean = diagnose_pixels(grainy_jpeg(scene, sigma, quality, seed), MSSNET)
    dusty = diagnose_pixels(
        grainy_jpeg(draw_specks(scene, 250, seed), sigma, quality, seed), MSSNET
    )
    assert not clean.dust and not clean.scratches
    assert dusty.dust, dusty
    assert "dust removal" in dusty.verdict


@pytest.mark.parametrize(
    "picture",
    [
        pytest.param(lambda: printed_page(0), id="text"),
        pytest.param(lambda: fur(1), id="fur"),
        pytest.param(lambda: starfield(2), id="stars"),
        pytest.param(lambda: grainy_jpeg(smooth_scene(3), 8.0, 70, 3), id="heavy-grain"),
        pytest.param(lambda: grainy_jpeg(dead_leaves(seed=4), 4.0, 75, 4), id="sharp-texture"),
    ],
)
def test_texture_text_stars_and_grain_are_not_marks(picture) -> None:
    found = diagnose_pixels(picture(), MSSNET)
    assert not found.dust, found
    assert not found.scratches, found
    assert not found.faded, found


@pytest.mark.parametrize(
    ("start", "end", "width", "level", "seed"),
    [
        ((40, 60), (470, 400), 2, 250, 4),  # bright, corner to corner
        ((300, 20), (120, 480), 1, 245, 5),  # thin and steep
        ((20, 380), (420, 130), 2, 15, 6),  # dark
        ((100, 500), (330, 60), 2, 235, 7),
    ],
)
def test_drawn_scratch_is_found(
    start: tuple[int, int], end: tuple[int, int], width: int, level: float, seed: int
) -> None:
    scene = smooth_scene(seed)
    clean = diagnose_pixels(grainy_jpeg(scene, 2.0, 90, seed), MSSNET)
    scratched = grainy_jpeg(draw_ridge(scene, start, end, width, level), 2.0, 90, seed)
    found = diagnose_pixels(scratched, MSSNET)
    assert not clean.scratches
    assert found.scratches, found
    assert "scratch" in found.verdict and "does not remove scratches" in found.verdict


def test_ruled_lines_and_a_horizon_are_not_scratches() -> None:
    """Thin lines that belong to the picture: a family of parallel rules, and a level horizon."""
    ruled = smooth_scene(8)
    for row in range(40, 500, 30):
        ruled = draw_ridge(ruled, (10, row - 60), (500, row + 60), 1, 30)
    horizon = draw_ridge(smooth_scene(9), (0, 260), (511, 262), 2, 240)
    for picture in (ruled, horizon):
        assert not diagnose_pixels(grainy_jpeg(picture, 2.0, 90, 8), MSSNET).scratches


def aged_print(picture: np.ndarray) -> np.ndarray:
    """A print whose dyes have aged: colours at a quarter of their strength, blacks lifted to 70,
    the range compressed to under half, and yellowed."""
    levels = picture.astype(np.float32)
    grey = levels.mean(axis=2, keepdims=True)
    weak = grey + 0.25 * (levels - grey)
    return ((70 + 0.45 * weak) * np.array([1.0, 0.95, 0.75])).astype(np.uint8)


def test_greyscale_faded_and_cast() -> None:
    grey = cv2.cvtColor(degrade(dead_leaves(seed=5), None, 1.0, 5), cv2.COLOR_RGB2GRAY)
    assert diagnose_pixels(grey, MSSNET).greyscale
    colour = degrade(dead_leaves(seed=5), None, 1.0, 5)
    found = diagnose_pixels(colour, MSSNET)
    assert not found.greyscale and not found.faded and found.colour_cast is None
    found = diagnose_pixels(aged_print(colour), MSSNET)
    assert found.faded
    assert found.colour_cast in {"yellow", "orange"}
    assert "colour and contrast" in found.verdict


def test_toned_monochrome_print_has_a_cast() -> None:
    """A sepia-toned black-and-white print: every pixel near-neutral, all tinted one way."""
    grey = cv2.cvtColor(degrade(dead_leaves(seed=6), None, 1.0, 6), cv2.COLOR_RGB2GRAY)
    sepia = np.clip(grey[:, :, None] * np.array([1.0, 0.9, 0.75]) + [12, 6, 0], 0, 255)
    found = diagnose_pixels(sepia.astype(np.uint8), MSSNET)
    assert found.colour_cast in {"yellow", "orange"}, found
    assert "an orange cast" in found.verdict or "a yellow cast" in found.verdict


def darkened(picture: np.ndarray) -> np.ndarray:
    """Dark but clean: deep blacks, colours intact."""
    return (picture * 0.35).astype(np.uint8)


def narrow_grey(picture: np.ndarray) -> np.ndarray:
    """A narrow-range grey picture (a grey wall, mist): no colour to tell fading by."""
    return np.repeat(90 + 0.3 * picture.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8)


def warm_scene(picture: np.ndarray) -> np.ndarray:
    """A warm, colourful scene (sunlight, wood): the scene's colour, not a cast."""
    return np.clip(picture * np.array([1.0, 0.8, 0.55]) + [25, 10, 0], 0, 255).astype(np.uint8)


@pytest.mark.parametrize("change", [darkened, narrow_grey, warm_scene])
def test_dark_narrow_and_warm_photos_are_not_faded_or_cast(change) -> None:
    found = diagnose_pixels(change(degrade(dead_leaves(seed=7), None, 1.0, 7)), MSSNET)
    assert not found.faded, found
    assert found.colour_cast is None, found


def test_verdict_wording() -> None:
    """Singular degrees, "an" before a vowel, "probably" for an unsure blur finding."""
    signs = OldPrintSigns(False, 0, False, 0, True, "orange", False)
    one_degree = BlurFinding("motion", 0.9, 1.2, 36.0, -3.6, 0.5)
    sentence = verdict_for(one_degree, 1.0, 0.0, signs, MSSNET).sentence
    assert "at 1 degree)" in sentence and "an orange cast" in sentence
    assert "probably" not in sentence
    unsure = BlurFinding("defocus", 0.55, None, None, -3.3, 0.1)
    assert "probably sharpening" in verdict_for(unsure, 1.0, 0.0, signs, MSSNET).sentence
    yellow = OldPrintSigns(False, 0, False, 0, False, "yellow", False)
    sharp = BlurFinding("sharp", 0.9, None, None, -2.8, 0.1)
    assert "a yellow cast" in verdict_for(sharp, 1.0, 0.0, yellow, MSSNET).sentence


def test_a_photo_with_nothing_found_is_not_called_clean() -> None:
    """Old-print marks are claimed only when clear, so finding none is said as such."""
    nothing = OldPrintSigns(False, 0, False, 0, False, None, False)
    sharp = BlurFinding("sharp", 0.9, None, None, -2.8, 0.1)
    verdict = verdict_for(sharp, 1.0, 0.0, nothing, MSSNET)
    assert not verdict.suits_checkpoint
    assert "no deblurring" in verdict.sentence and "clear marks of age" in verdict.sentence
    assert "clean" not in verdict.sentence


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
