"""Nothing lost, nothing claimed: every image mode Pillow opens restores faithfully or says why.

Each case is a small file made here with Pillow alone, restored through `restore_file` with a
small real model, and read back with Pillow alone.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageCms

from cnaps_desktop.engine.errors import ImageError, OutputError
from cnaps_desktop.engine.image import read_image
from cnaps_desktop.engine.options import RestoreOptions
from cnaps_desktop.engine.photo import restore_file
from tests.engine.engine_models import SmallReceptiveField, wrap_module

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
RNG = np.random.default_rng(11)


class CountingModel(SmallReceptiveField):
    calls = 0

    def forward(self, x):
        CountingModel.calls += 1
        return super().forward(x)


def _loaded():
    return wrap_module(SmallReceptiveField(), size_multiple=16)


def _smooth_rgb(height: int = 20, width: int = 28) -> PILImage.Image:
    yy, xx = np.mgrid[0:height, 0:width]
    pixels = np.stack([xx * 255 // width, yy * 255 // height, (xx * 3 + yy) % 200 + 30], 2)
    return PILImage.fromarray(pixels.astype(np.uint8), "RGB")


def _in_mode(mode: str) -> PILImage.Image:
    """A small picture in ``mode`` (tRNS variants: a transparent level or palette index)."""
    base = _smooth_rgb()
    if mode == "LAB":
        to_lab = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB"
        )
        return ImageCms.applyTransform(base, to_lab)
    if mode in ("P+tRNS", "L+tRNS"):
        picture = base.convert(mode[0])
        picture.info["transparency"] = int(np.asarray(picture)[0, 0])
        return picture
    if mode == "PA":
        return base.convert("RGBA").convert("PA")
    if mode in ("I", "I;16", "I;16B", "F"):
        grey = np.asarray(base.convert("L")).astype(np.float32) * 200
        dtype = {"I": np.int32, "F": np.float32}.get(mode, np.uint16)
        picture = PILImage.fromarray(grey.astype(dtype))
        return picture if mode in ("I", "F", "I;16") else picture.convert("I;16B")
    if mode == "RGBA":
        picture = base.convert("RGBA")
        picture.putalpha(PILImage.fromarray((RNG.random((20, 28)) * 255).astype(np.uint8)))
        return picture
    return base.convert(mode)


MODES = ["1", "L", "LA", "P", "P+tRNS", "L+tRNS", "PA", "RGB", "RGBA", "CMYK", "YCbCr", "LAB"]
MODES += ["HSV", "I", "I;16", "I;16B", "F"]
FORMATS = {"PNG": ".png", "TIFF": ".tif", "JPEG": ".jpg", "WEBP": ".webp", "BMP": ".bmp"}


def _write_case(folder: Path, mode: str, fmt: str, icc: bool, orientation: int) -> Path | None:
    """The file, or None when Pillow cannot write this mode in this format (no such file)."""
    picture = _in_mode(mode)
    options: dict[str, object] = {}
    if "transparency" in picture.info:
        options["transparency"] = picture.info["transparency"]
    if icc:
        options["icc_profile"] = SRGB
    if orientation != 1:
        exif = PILImage.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif
    name = f"{mode.replace(';', '_').replace('+', '_')}_{int(icc)}_{orientation}{FORMATS[fmt]}"
    path = folder / name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            picture.save(path, format=fmt, **options)
        with PILImage.open(path) as check:
            check.load()
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return None
    return path


def _family(mode: str) -> str:
    """I;16, I;16B and I;16L hold the same values in another byte order."""
    return "I;16" if mode.startswith("I;16") else mode


def _has_alpha(picture: PILImage.Image) -> bool:
    return "A" in picture.mode or "transparency" in picture.info


def _pillow_writes(mode: str, fmt: str) -> bool:
    """Whether such a file can exist at all (Pillow writes this mode in this format)."""
    import io

    picture = _in_mode(mode)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            picture.save(io.BytesIO(), format=fmt)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return True


CASES = [
    (mode, fmt, icc, orientation)
    for mode in MODES
    for fmt in FORMATS
    if _pillow_writes(mode, fmt)
    for icc in (False, True)
    for orientation in (1, 6)
]


@pytest.mark.parametrize(("mode", "fmt", "icc", "orientation"), CASES)
def test_every_mode_restores_with_its_mode_alpha_icc_and_orientation_or_says_why(
    tmp_path: Path, mode: str, fmt: str, icc: bool, orientation: int
) -> None:
    path = _write_case(tmp_path, mode, fmt, icc, orientation)
    if path is None:
        pytest.skip(f"Pillow writes no {mode} {fmt} file")
    with PILImage.open(path) as opened:
        in_mode, in_alpha = _family(opened.mode), _has_alpha(opened)
        in_icc = opened.info.get("icc_profile")
        orientation = opened.getexif().get(0x0112, 1)  # BMP, for one, holds no EXIF
    stored_size = _in_mode(mode).size  # as written; Pillow reports TIFFs already turned
    try:
        facts = restore_file(_loaded(), path, RestoreOptions(output_dir=tmp_path / "out"))
    except ImageError as error:  # refused: one sentence naming the file, ours not Pillow's
        message = str(error)
        assert path.name in message and "\n" not in message, message
        return
    notes = " ".join(facts.notes)
    with PILImage.open(facts.output_path) as out:
        out.load()
        out_mode, out_alpha, out_size = _family(out.mode), _has_alpha(out), out.size
        out_icc = out.info.get("icc_profile")
        out_orientation = out.getexif().get(0x0112, 1)
    if out_mode != in_mode:
        assert notes, f"{in_mode} became {out_mode} without a word"
    if in_alpha and not out_alpha:
        assert "alpha" in notes or "transparen" in notes, notes
    if in_icc and out_mode == in_mode:
        assert out_icc == in_icc
    turned = orientation in (5, 6, 7, 8)
    assert out_size == (stored_size[::-1] if turned else stored_size)
    assert out_orientation == 1
    assert (stat.S_IMODE(facts.output_path.stat().st_mode) & 0o044) == 0o044  # not private


def test_a_cielab_tiff_comes_back_in_cielab_with_its_colours(tmp_path: Path) -> None:
    path = tmp_path / "hopper.Lab.tif"
    _in_mode("LAB").save(path)
    facts = restore_file(_loaded(), path, RestoreOptions())
    with PILImage.open(path) as before, PILImage.open(facts.output_path) as after:
        assert after.mode == "LAB"
        a = np.asarray(before).astype(int)
        b = np.asarray(after).astype(int)
    assert np.abs(a - b).mean() < 12  # a small model's change, not a colour-space mix-up


def test_a_cielab_tiff_saved_as_png_says_it_became_rgb(tmp_path: Path) -> None:
    path = tmp_path / "lab.tif"
    _in_mode("LAB").save(path)
    facts = restore_file(_loaded(), path, RestoreOptions(output_format="png"))
    assert any("CIELab" in note and "RGB" in note for note in facts.notes)
    with PILImage.open(facts.output_path) as out:
        assert out.mode == "RGB"


def test_a_cmyk_jpeg_stays_cmyk_with_its_profile(tmp_path: Path) -> None:
    path = tmp_path / "print.jpg"
    _smooth_rgb().convert("CMYK").save(path)
    facts = restore_file(_loaded(), path, RestoreOptions())
    with PILImage.open(facts.output_path) as out:
        assert out.mode == "CMYK"
    as_webp = restore_file(_loaded(), path, RestoreOptions(output_format="webp"))
    assert any("CMYK" in note for note in as_webp.notes)


def test_a_grey_png_with_a_transparent_level_keeps_its_transparency(tmp_path: Path) -> None:
    path = tmp_path / "grey.png"
    picture = _in_mode("L+tRNS")
    picture.save(path, transparency=picture.info["transparency"])
    facts = restore_file(_loaded(), path, RestoreOptions())
    with PILImage.open(facts.output_path) as out:
        alpha = np.asarray(out.convert("LA"))[:, :, 1]
    assert alpha[0, 0] == 0 and alpha.max() == 255


def test_corrupt_exif_is_a_note_not_a_warning_in_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "bad_exif.jpg"
    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00\x0f\x01\x02\x00\x20\x00\x00\x00\x99\x00"
    _smooth_rgb().save(path, exif=exif)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        image = read_image(path)
    assert any("EXIF" in note for note in image.metadata.notes)


def test_a_writer_refusal_is_our_sentence_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "in.tif"
    _smooth_rgb().save(path)

    def refuse(self, fp, format=None, **params):
        raise OSError("Error setting from dictionary")

    monkeypatch.setattr(PILImage.Image, "save", refuse)
    with pytest.raises(OutputError) as caught:
        restore_file(_loaded(), path, RestoreOptions())
    message = str(caught.value)
    assert "in_restored.tif" in message and "dictionary" not in message and "\n" not in message


def test_saved_photos_get_a_normal_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "in.png"
    _smooth_rgb().save(path)
    old = os.umask(0o027)
    try:
        facts = restore_file(_loaded(), path, RestoreOptions())
    finally:
        os.umask(old)
    assert stat.S_IMODE(facts.output_path.stat().st_mode) == 0o640


def test_an_unwritable_output_folder_fails_before_the_model_runs(tmp_path: Path) -> None:
    path = tmp_path / "in.png"
    _smooth_rgb().save(path)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    CountingModel.calls = 0
    loaded = wrap_module(CountingModel(), size_multiple=16)
    with pytest.raises(OutputError) as caught:
        restore_file(loaded, path, RestoreOptions(output_dir=blocker / "out"))
    assert CountingModel.calls == 0
    assert "a_file" in str(caught.value) and "\n" not in str(caught.value)
