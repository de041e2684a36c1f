"""Image files: formats, orientation, 16-bit, alpha, EXIF/ICC/DPI, HEIC, bad files, restore_file."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

from cnaps_desktop.engine.cancel import CancelToken, Progress
from cnaps_desktop.engine.errors import (
    Cancelled,
    CorruptImageError,
    ImageTooLargeError,
    OutputError,
    UnreadableImageError,
    UnsupportedImageError,
)
from cnaps_desktop.engine.image import (
    IMAGE_SUFFIXES,
    Image,
    ImageMetadata,
    is_lossless_webp,
    read_image,
    write_image,
)
from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.photo import output_path_for, restore_file
from tests.engine.engine_models import SmallReceptiveField, wrap_module

RNG = np.random.default_rng(5)


def _rgb(height=24, width=32, channels=3, dtype=np.uint8):
    maximum = np.iinfo(dtype).max
    return RNG.integers(0, maximum + 1, (height, width, channels), dtype=dtype)


SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _srgb_profile() -> bytes:
    return SRGB_PROFILE


def _smooth(height=24, width=32) -> np.ndarray:
    yy, xx = np.mgrid[0:height, 0:width]
    return np.stack([xx * 255 // width, yy * 255 // height, (xx + yy) % 256], 2).astype(np.uint8)


def _reopen(path) -> tuple[np.ndarray, dict, PILImage.Exif]:
    """Pixels, info and EXIF of a written file, read with Pillow alone."""
    with PILImage.open(path) as opened:
        return np.asarray(opened), dict(opened.info), opened.getexif()


def _exif(orientation: int | None = None) -> PILImage.Exif:
    exif = PILImage.Exif()
    exif[0x010F] = "TestMaker"  # Make
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


def test_suffixes_are_lower_case_with_dots() -> None:
    assert {".jpg", ".png", ".tif", ".heic", ".webp", ".bmp"} <= IMAGE_SUFFIXES
    assert all(s.startswith(".") and s == s.lower() for s in IMAGE_SUFFIXES)


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".webp", ".tif"])
def test_lossless_formats_round_trip_exactly(tmp_path, suffix) -> None:
    pixels = _smooth()
    path = tmp_path / f"in{suffix}"
    options = {"lossless": True} if suffix == ".webp" else {}
    PILImage.fromarray(pixels).save(path, **options)
    image = read_image(path)
    assert np.array_equal(image.pixels, pixels)
    written = _reopen(write_image(image, tmp_path / f"out{suffix}"))[0]
    assert np.array_equal(written, pixels)  # a lossless WebP is written losslessly too


def test_a_lossy_webp_stays_lossy_and_a_lossless_one_lossless(tmp_path) -> None:
    pixels = _smooth()
    for lossless in (False, True):
        path = tmp_path / f"in_{lossless}.webp"
        PILImage.fromarray(pixels).save(path, lossless=lossless, quality=80)
        image = read_image(path)
        assert image.metadata.lossless is lossless
        out = write_image(image, tmp_path / f"out_{lossless}.webp")
        assert is_lossless_webp(out) is lossless
    for alpha_path in (tmp_path / "alpha_lossy.webp", tmp_path / "alpha_lossless.webp"):
        lossless = "lossless" in alpha_path.name  # extended files: VP8X, ALPH, then the image
        rgba = np.dstack([pixels, np.full(pixels.shape[:2], 200, np.uint8)])
        PILImage.fromarray(rgba).save(alpha_path, lossless=lossless, exif=_exif().tobytes())
        assert is_lossless_webp(alpha_path) is lossless
    broken = tmp_path / "short.webp"
    broken.write_bytes(b"RIFF\x10\x00\x00\x00WEBPVP8")
    assert is_lossless_webp(broken) is False


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_and_reset(tmp_path, orientation) -> None:
    pixels = _rgb(20, 30)
    path = tmp_path / "turned.png"
    PILImage.fromarray(pixels).save(path, exif=_exif(orientation).tobytes())
    image = read_image(path)
    with PILImage.open(path) as opened:
        expected = np.asarray(ImageOps.exif_transpose(opened))
    assert np.array_equal(image.pixels, expected)
    assert image.metadata.orientation == orientation
    out = write_image(image, tmp_path / "out.png")
    exif = _reopen(out)[2]
    assert exif[0x0112] == 1 and exif[0x010F] == "TestMaker"
    assert np.array_equal(read_image(out).pixels, expected)


def test_jpeg_keeps_exif_icc_and_dpi(tmp_path) -> None:
    path = tmp_path / "photo.jpg"
    icc = _srgb_profile()
    PILImage.fromarray(_rgb(64, 48)).save(
        path, exif=_exif(6).tobytes(), icc_profile=icc, dpi=(300, 300), quality=95
    )
    image = read_image(path)
    assert image.pixels.shape == (48, 64, 3)  # orientation 6 turned it upright
    assert image.metadata.format == "JPEG" and image.metadata.icc_profile == icc
    out = write_image(image, tmp_path / "photo_restored.jpg")
    _, info, exif = _reopen(out)
    assert info["icc_profile"] == icc
    assert tuple(round(v) for v in info["dpi"]) == (300, 300)
    assert exif[0x010F] == "TestMaker" and exif[0x0112] == 1


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_sixteen_bit_grey_round_trips(tmp_path, suffix) -> None:
    pixels = _rgb(20, 30, 1, np.uint16)[:, :, 0]
    path = tmp_path / f"scan{suffix}"
    PILImage.fromarray(pixels).save(path)
    image = read_image(path)
    assert image.pixels.dtype == np.uint16 and image.metadata.bit_depth == 16
    assert np.array_equal(image.pixels, pixels)
    out = write_image(image, tmp_path / f"out{suffix}")
    assert np.array_equal(read_image(out).pixels, pixels)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
@pytest.mark.parametrize("channels", [3, 4])
def test_sixteen_bit_colour_round_trips_with_icc(tmp_path, suffix, channels) -> None:
    import cv2

    pixels = _rgb(20, 30, channels, np.uint16)
    path = tmp_path / f"scan{suffix}"
    code = cv2.COLOR_RGBA2BGRA if channels == 4 else cv2.COLOR_RGB2BGR
    cv2.imwrite(str(path), cv2.cvtColor(pixels, code))
    image = read_image(path)
    assert image.pixels.dtype == np.uint16 and np.array_equal(image.pixels, pixels)
    icc = _srgb_profile()
    metadata = ImageMetadata(format="PNG", bit_depth=16, icc_profile=icc, dpi=(600.0, 600.0))
    out = write_image(Image(image.pixels, metadata), tmp_path / f"out{suffix}")
    reread = read_image(out)
    assert np.array_equal(reread.pixels, pixels)
    assert reread.metadata.icc_profile == icc
    assert reread.metadata.dpi is not None and round(reread.metadata.dpi[0]) == 600


def test_sixteen_bit_to_jpeg_rounds_to_eight_bits(tmp_path) -> None:
    pixels = np.full((8, 8, 3), 257 * 100 + 128, dtype=np.uint16)
    out = write_image(Image(pixels, ImageMetadata(format="PNG")), tmp_path / "o.png", "jpeg")
    assert np.abs(_reopen(out)[0].astype(int) - 100).max() <= 1


def test_alpha_and_grey_round_trip(tmp_path) -> None:
    for mode, channels in (("RGBA", 4), ("LA", 2), ("L", 1)):
        pixels = _rgb(16, 16, channels)
        if channels == 1:
            pixels = pixels[:, :, 0]
        path = tmp_path / f"{mode}.png"
        PILImage.fromarray(pixels, mode).save(path)
        image = read_image(path)
        assert np.array_equal(image.pixels, pixels), mode
        assert np.array_equal(
            read_image(write_image(image, tmp_path / f"o{mode}.png")).pixels, pixels
        )


def test_heic_reads_and_writes(tmp_path) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    path = tmp_path / "phone.heic"
    yy, xx = np.mgrid[0:64, 0:96]
    smooth = np.stack([xx * 2, yy * 3, (xx + yy)], axis=2).astype(np.uint8)
    PILImage.fromarray(smooth).save(path, exif=_exif().tobytes(), quality=95)
    image = read_image(path)
    assert image.metadata.format == "HEIF" and image.pixels.shape == (64, 96, 3)
    assert np.abs(image.pixels.astype(int) - smooth).mean() < 4
    out = write_image(image, output_path_for(path))
    assert out.name == "phone_restored.heic" and read_image(out).pixels.shape == (64, 96, 3)


def test_output_paths() -> None:
    from pathlib import Path

    assert output_path_for(Path("/a/b.jpg")) == Path("/a/b_restored.jpg")
    assert output_path_for("/a/b.HEIC", "/out", format="png") == Path("/out/b_restored.png")
    with pytest.raises(OutputError, match="gif"):
        output_path_for("/a/b.jpg", format="gif")


def test_writing_leaves_no_temporary_files(tmp_path) -> None:
    write_image(Image(_rgb(), ImageMetadata(format="PNG")), tmp_path / "a.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png"]


# ----------------------------------------------------------------------------- bad files
def test_decompression_bomb_is_refused(tmp_path, monkeypatch) -> None:
    path = tmp_path / "bomb.png"
    PILImage.new("L", (200, 200)).save(path)
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageTooLargeError, match=r"bomb\.png"):
        read_image(path)


def test_bad_files_each_get_one_clear_line(tmp_path) -> None:
    buffer = io.BytesIO()
    PILImage.fromarray(_rgb(64, 64)).save(buffer, "JPEG")
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(buffer.getvalue()[:600])
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(os.urandom(500))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    gif = tmp_path / "anim.gif"
    PILImage.new("P", (4, 4)).save(gif)
    cases = [
        (truncated, CorruptImageError),
        (corrupt, CorruptImageError),
        (garbage, CorruptImageError),
        (text, UnsupportedImageError),
        (gif, UnsupportedImageError),
        (tmp_path / "missing.png", UnreadableImageError),
        (tmp_path, UnreadableImageError),
    ]
    for path, error_type in cases:
        with pytest.raises(error_type) as caught:
            read_image(path)
        message = str(caught.value)
        assert path.name in message and "\n" not in message and "expected" in message, message


# ----------------------------------------------------------------------------- restore_file
def test_restore_file_writes_beside_the_input(tmp_path) -> None:
    loaded = wrap_module(SmallReceptiveField(), size_multiple=16)
    path = tmp_path / "in.png"
    PILImage.fromarray(_rgb(40, 50)).save(path, icc_profile=_srgb_profile())
    facts = restore_file(loaded, path, RestoreOptions())
    assert facts.output_path == tmp_path / "in_restored.png"
    assert facts.input_size == (50, 40) and facts.input_kind == "RGB, 8-bit"
    assert _reopen(facts.output_path)[1]["icc_profile"] == _srgb_profile()
    with pytest.raises(OutputError, match="overwritten"):
        restore_file(loaded, path, RestoreOptions(suffix=""))


def test_cancel_mid_image_writes_nothing(tmp_path) -> None:
    loaded = wrap_module(SmallReceptiveField(), size_multiple=16)
    path = tmp_path / "big.png"
    PILImage.fromarray(_rgb(300, 300)).save(path)
    token = CancelToken()

    def cancel_after_first_tile(progress: Progress) -> None:
        if progress.done == 1:
            token.cancel()

    with pytest.raises(Cancelled):
        restore_file(
            loaded, path, RestoreOptions(tile=128, tile_overlap=16), token, cancel_after_first_tile
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.png"]


def test_cmyk_jpeg_becomes_rgb_without_its_cmyk_profile(tmp_path) -> None:
    path = tmp_path / "print.jpg"
    PILImage.new("CMYK", (16, 12), (0, 255, 255, 0)).save(path, icc_profile=b"not-a-real-cmyk")
    image = read_image(path)
    assert image.pixels.shape == (12, 16, 3) and image.metadata.icc_profile is None
    assert image.pixels[0, 0, 0] > 200 and image.pixels[0, 0, 1] < 50  # red
