"""Nothing lost, nothing claimed: every image mode Pillow opens restores faithfully or says why.

Each case is a small file made here with Pillow alone, restored through `restore_file` with a
small real model, and read back with Pillow alone.
"""

from __future__ import annotations

import io
import os
import re
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
LAB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
RNG = np.random.default_rng(11)


class CountingModel(SmallReceptiveField):
    calls = 0

    def forward(self, x):
        CountingModel.calls += 1
        return super().forward(x)


def _loaded():
    return wrap_module(SmallReceptiveField(), size_multiple=16)


def _smooth_rgb(height: int = 20, width: int = 28) -> PILImage.Image:
    """Gradients with a light block near the top-left corner: no turn or mirror of it looks
    like another, so a wrong turn shows in the pixels, not only in the size."""
    yy, xx = np.mgrid[0:height, 0:width]
    pixels = np.stack([xx * 255 // width, yy * 255 // height, (xx * 3 + yy) % 200 + 30], 2)
    pixels[2 : height // 3, 2 : width // 2] = 235
    return PILImage.fromarray(pixels.astype(np.uint8), "RGB")


def _in_mode(mode: str) -> PILImage.Image:
    """A small picture in ``mode`` (tRNS variants: a transparent level or palette index)."""
    base = _smooth_rgb()
    if mode == "LAB":
        to_lab = ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB"
        )
        lab = ImageCms.applyTransform(base, to_lab)
        lab.info.pop("icc_profile", None)  # the case chooses its profile
        return lab
    if mode in ("P+tRNS", "L+tRNS"):
        picture = base.convert(mode[0])
        picture.info["transparency"] = int(np.asarray(picture)[0, 0])
        return picture
    if mode == "PA":
        return base.convert("RGBA").convert("PA")
    if mode in ("I", "I;16", "I;16B", "F"):
        grey = np.asarray(base.convert("L")).astype(np.float32) * 200
        dtype = {"I": np.int32, "F": np.float32}.get(mode, np.uint16)
        if mode == "I;16B":  # Pillow's convert() to I;16B would clip to 0-255
            return PILImage.frombytes(mode, base.size, grey.astype(">u2").tobytes())
        return PILImage.fromarray(grey.astype(dtype))
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


#: Each change of mode the writer may make, and the words of the note that must state it.
CONVERSION_NOTES = {
    ("1", "L"): "1-bit black and white is saved as 8-bit grey",
    ("L", "LA"): "its transparent colour is saved as an alpha channel",
    ("RGB", "RGBA"): "its transparent colour is saved as an alpha channel",
    ("P", "RGB"): "its palette colours are saved as RGB",
    ("P", "RGBA"): "its palette colours are saved as RGBA",
    ("PA", "RGBA"): "its palette colours are saved as RGBA",
    ("YCbCr", "RGB"): "its YCbCr colours are saved as RGB",
    ("HSV", "RGB"): "its HSV colours are saved as RGB",
    ("I", "I;16"): "its 32-bit integer grey is saved as 16-bit",
}
#: Formats whose files carry an ICC profile (Pillow writes none into BMP).
HOLDS_ICC = {"PNG", "TIFF", "JPEG", "WEBP"}
#: Words of the libraries (Pillow, LittleCMS, libtiff, Python) that a refusal must not carry.
LIBRARY_WORDS = re.compile(
    r"cannot build transform|Error setting|cannot write mode|cannot identify|image file is"
    r"|encoder error|decoder error|broken data stream|\b[A-Za-z]*(Error|Exception)\b"
)
#: Pillow's transposition that turns stored pixels upright, by EXIF orientation (as exif_transpose).
UPRIGHT_BY = {
    1: None,
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}


def _lightness(picture: PILImage.Image) -> np.ndarray:
    """One value a pixel that grows with lightness, for any mode (read with Pillow alone)."""
    if picture.mode in ("I", "F") or picture.mode.startswith("I;16"):
        return np.asarray(picture).astype(np.float64)
    if picture.mode == "LAB":
        return np.asarray(picture)[:, :, 0].astype(np.float64)
    return np.asarray(picture.convert("L")).astype(np.float64)


def _upright(values: np.ndarray, orientation: int) -> np.ndarray:
    method = UPRIGHT_BY[orientation]
    if method is None:
        return values
    return np.asarray(PILImage.fromarray(values.astype(np.float32), "F").transpose(method))


def _stored_lightness(folder: Path, mode: str, fmt: str, icc: bool) -> np.ndarray:
    """The lightness of the pixels the case's file holds, read from a twin without EXIF
    orientation (Pillow turns some TIFFs on reading; the twin needs no turn)."""
    folder.mkdir()
    twin = _write_case(folder, mode, fmt, icc, 1)
    assert twin is not None
    with PILImage.open(twin) as opened:
        return _lightness(opened)


def _likeness(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two equally sized pictures: 1 for the same picture, lower for a turned one."""
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (np.sqrt((a * a).sum() * (b * b).sum()) + 1e-12))


def assert_our_sentence(message: str, path: Path) -> None:
    """A refusal: one sentence of ours that names the file, with no library's words in it."""
    assert path.name in message and "\n" not in message, message
    assert not LIBRARY_WORDS.search(message), f"library text in: {message}"


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
    stored = _stored_lightness(tmp_path / "twin", mode, fmt, icc)
    try:
        facts = restore_file(_loaded(), path, RestoreOptions(output_dir=tmp_path / "out"))
    except ImageError as error:  # refused: one sentence naming the file, ours not a library's
        assert_our_sentence(str(error), path)
        return
    notes = " ".join(facts.notes)
    with PILImage.open(facts.output_path) as out:
        out.load()
        out_mode, out_alpha = _family(out.mode), _has_alpha(out)
        out_icc = out.info.get("icc_profile")
        out_orientation = out.getexif().get(0x0112, 1)
        restored = _lightness(out)
    if out_mode != in_mode:
        assert (in_mode, out_mode) in CONVERSION_NOTES, f"{in_mode} became {out_mode}: {notes}"
        assert CONVERSION_NOTES[in_mode, out_mode] in notes, f"{in_mode} -> {out_mode}: {notes}"
    if in_alpha and not out_alpha:
        assert "alpha" in notes or "transparen" in notes, notes
    if fmt in HOLDS_ICC:
        assert out_icc == in_icc, "the ICC profile was lost, changed or invented"
    if in_icc and in_mode in ("CMYK", "LAB"):  # the case's profile is sRGB: it cannot be used
        assert "colour profile is for RGB, not" in notes, notes
    expected = _upright(stored, orientation)
    assert restored.shape == expected.shape
    if stored.std() == 0:
        return  # the format flattened this picture (e.g. 16-bit grey in WebP): no turn to see
    turns = {o: _upright(stored, o) for o in UPRIGHT_BY}
    likeness = {o: _likeness(restored, t) for o, t in turns.items() if t.shape == restored.shape}
    assert max(likeness, key=likeness.__getitem__) == orientation, likeness
    assert likeness[orientation] > 0.9, likeness
    assert out_orientation == 1
    assert (stat.S_IMODE(facts.output_path.stat().st_mode) & 0o044) == 0o044  # not private


@pytest.mark.parametrize("profile", [None, LAB_PROFILE], ids=["no-profile", "lab-profile"])
def test_a_cielab_tiff_comes_back_in_cielab_with_its_colours(
    tmp_path: Path, profile: bytes | None
) -> None:
    path = tmp_path / "hopper.Lab.tif"
    _in_mode("LAB").save(path, icc_profile=profile)
    facts = restore_file(_loaded(), path, RestoreOptions())
    with PILImage.open(path) as before, PILImage.open(facts.output_path) as after:
        assert after.mode == "LAB"
        assert after.info.get("icc_profile") == profile
        a = np.asarray(before).astype(int)
        b = np.asarray(after).astype(int)
    assert np.abs(a - b).mean() < 12  # a small model's change, not a colour-space mix-up
    assert not facts.notes


#: A freely licensed CMYK (SWOP) profile: Debian's libgs-common (Ghostscript's ICC profiles,
#: AGPL). icc-profiles-free holds no CMYK profile (its FOGRA sets are measurements, not .icc).
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@pytest.mark.skipif(
    not CMYK_PROFILE.is_file(), reason=f"no CMYK ICC profile here ({CMYK_PROFILE}: libgs-common)"
)
def test_a_cmyk_jpeg_with_a_cmyk_profile_is_converted_through_it_both_ways(tmp_path: Path) -> None:
    """The profile is used into sRGB and back: the inks come back near the file's, black ink
    included, which Pillow's plain formula (C = 255 - R, no black ink) would not give."""
    profile = CMYK_PROFILE.read_bytes()
    swop = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    printed = ImageCms.profileToProfile(
        _smooth_rgb(), ImageCms.createProfile("sRGB"), swop, outputMode="CMYK"
    )
    path = tmp_path / "print.jpg"
    printed.save(path, icc_profile=profile, quality=95)
    facts = restore_file(_loaded(), path, RestoreOptions())
    assert not facts.notes
    with PILImage.open(path) as before, PILImage.open(facts.output_path) as after:
        assert after.mode == "CMYK"
        assert after.info.get("icc_profile") == profile
        inks_before = np.asarray(before).astype(int)
        inks_after = np.asarray(after).astype(int)
    black_before, black_after = inks_before[:, :, 3], inks_after[:, :, 3]
    assert black_before.mean() > 20  # the file prints with black ink; the plain formula has none
    assert np.abs(black_before - black_after).mean() < 6
    assert np.abs(inks_before - inks_after).mean() < 8  # a small model's change


def test_a_cmyk_jpeg_with_a_damaged_profile_is_converted_plainly_and_says_so(
    tmp_path: Path,
) -> None:
    path = tmp_path / "print.jpg"
    _smooth_rgb().convert("CMYK").save(path, icc_profile=b"not a profile at all")
    facts = restore_file(_loaded(), path, RestoreOptions())
    assert facts.notes == ("its colour profile is damaged, so its CMYK was converted plainly",)
    with PILImage.open(facts.output_path) as out:
        assert out.mode == "CMYK"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_cut_file_is_refused_in_our_words_not_the_decoders(tmp_path: Path, fmt: str) -> None:
    """Half a file: refused with one sentence of ours; the decoder's words stay in the cause."""
    buffer = io.BytesIO()
    _smooth_rgb(200, 280).save(buffer, fmt)
    path = tmp_path / f"cut{FORMATS[fmt]}"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImageError) as caught:
        restore_file(_loaded(), path, RestoreOptions())
    assert_our_sentence(str(caught.value), path)
    assert caught.value.__cause__ is not None  # the library's reason, for the log


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
