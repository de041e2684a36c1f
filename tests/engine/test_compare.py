"""What changed (heat map, share, sharpness) and comparison exports, on known pictures."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

from cnaps_desktop.engine.compare import (
    CHANGE_THRESHOLD,
    ChangeMap,
    change_map,
    describe_change,
    export_comparison,
)
from cnaps_desktop.engine.compare.changes import OVERLAY_ALPHA
from cnaps_desktop.engine.compare.export import (
    GIF_FRAME_RATE,
    GIF_LONG_SIDE,
    MP4_FRAME_RATE,
    WIPE_SECONDS,
)
from cnaps_desktop.engine.compare.frames import divider_width, wipe_positions
from cnaps_desktop.engine.errors import ImageError, OutputError
from cnaps_desktop.engine.files import current_umask
from tests.conftest import shared_path
from tests.engine.test_diagnosis import dead_leaves


@pytest.fixture(scope="module")
def sharp() -> np.ndarray:
    return dead_leaves(256, seed=3).round().astype(np.uint8)


def with_known_changes(picture: np.ndarray) -> tuple[np.ndarray, float]:
    """``picture`` with its top quarter's green moved 10 levels and every other pixel's red
    moved exactly 2 levels (not more than the threshold); returns it and the share that counts
    (0.25)."""
    changed = picture.astype(np.int16)
    quarter = picture.shape[0] // 4
    changed[:quarter, :, 1] += np.where(changed[:quarter, :, 1] < 128, 10, -10).astype(np.int16)
    changed[quarter:, :, 0] += np.where(changed[quarter:, :, 0] < 128, 2, -2).astype(np.int16)
    return changed.astype(np.uint8), 0.25


def read_rgb(path: Path) -> np.ndarray:
    with PILImage.open(path) as picture:
        return np.asarray(picture.convert("RGB"))


# ----------------------------------------------------------------------------- what changed
def test_sharper_after_gives_a_ratio_above_one_and_the_reverse_below(sharp: np.ndarray) -> None:
    blurred = cv2.GaussianBlur(sharp, (0, 0), 2.0)
    deblurred = change_map(blurred, sharp)
    assert deblurred.sharpness_ratio is not None and deblurred.sharpness_ratio > 2
    assert deblurred.sharpness_after > deblurred.sharpness_before
    assert "sharpness x" in deblurred.sentence and "(Laplacian variance)" in deblurred.sentence
    smoothed = change_map(sharp, blurred)
    assert smoothed.sharpness_ratio is not None and smoothed.sharpness_ratio < 0.5
    assert smoothed.sentence.startswith("Changed: ")


def test_identical_pair_says_almost_nothing_changed(sharp: np.ndarray) -> None:
    found = change_map(sharp, sharp.copy())
    assert found.changed_share == 0.0 and found.almost_nothing_changed
    assert found.sentence == "Almost nothing changed: 0% of pixels moved by more than 2 levels."
    assert found.overlay.shape == (*sharp.shape[:2], 4) and found.overlay.dtype == np.uint8
    assert not found.overlay[:, :, 3].any()
    assert found.sharpness_ratio == pytest.approx(1.0)


def test_known_share_and_a_transparent_overlay_where_unchanged(sharp: np.ndarray) -> None:
    after, share = with_known_changes(sharp)
    found = change_map(sharp, after)
    assert found.changed_share == pytest.approx(share)
    assert found.sentence.startswith("Changed: 25% of pixels by more than 2 levels; sharpness x")
    quarter = sharp.shape[0] // 4
    alpha = found.overlay[:, :, 3]
    assert (alpha[:quarter] == OVERLAY_ALPHA).all()
    assert not alpha[quarter:].any()


def test_same_answer_for_8_bit_16_bit_and_float(sharp: np.ndarray) -> None:
    after, share = with_known_changes(sharp)
    as_8_bit = change_map(sharp, after)
    as_16_bit = change_map(sharp.astype(np.uint16) * 257, after.astype(np.uint16) * 257)
    as_float = change_map(sharp / np.float32(255), after / np.float32(255))
    for found in (as_16_bit, as_float):
        assert found.changed_share == pytest.approx(share)
        assert found.sharpness_before == pytest.approx(as_8_bit.sharpness_before, rel=1e-3)
        assert found.sharpness_after == pytest.approx(as_8_bit.sharpness_after, rel=1e-3)
        assert [stop.level for stop in found.legend] == [s.level for s in as_8_bit.legend]
    # A blur moves many pixels by exactly 2 levels; in float a few land a hair above 2 / 255.
    blurred = cv2.GaussianBlur(sharp, (0, 0), 1.0)
    in_float = change_map(blurred / np.float32(255), sharp / np.float32(255))
    assert in_float.changed_share == change_map(blurred, sharp).changed_share


def test_alpha_is_left_out_and_grey_meets_colour(sharp: np.ndarray) -> None:
    opaque = np.dstack([sharp, np.full(sharp.shape[:2], 255, np.uint8)])
    see_through = opaque.copy()
    see_through[:, :, 3] = 0
    assert change_map(opaque, see_through).changed_share == 0.0
    grey = cv2.cvtColor(sharp, cv2.COLOR_RGB2GRAY)
    assert change_map(grey, np.dstack([grey] * 3)).changed_share == 0.0
    darker = grey // 2
    for before, after in ((grey, darker), (grey[:, :, None], darker[:, :, None])):
        found = change_map(before, after)
        assert found.overlay.shape == (256, 256, 4)
        assert found.changed_share == np.count_nonzero(grey - darker > 2) / grey.size


def test_an_upscalers_smaller_before_is_resized_first(sharp: np.ndarray) -> None:
    small = cv2.resize(sharp, (128, 128), interpolation=cv2.INTER_AREA)
    enlarged = cv2.resize(small, (256, 256), interpolation=cv2.INTER_CUBIC)
    found = change_map(small, enlarged)
    assert found.overlay.shape[:2] == (256, 256)
    assert found.changed_share == 0.0
    with pytest.raises(ImageError, match=r"128x64 px .* 256x256 px"):
        change_map(small[:64], enlarged)


def test_legend_runs_from_the_threshold_to_a_round_top(sharp: np.ndarray) -> None:
    after = sharp.astype(np.int16)
    after[:64, :, 2] += np.where(after[:64, :, 2] < 128, 32, -32).astype(np.int16)
    found = change_map(sharp, after.astype(np.uint8))
    levels = [stop.level for stop in found.legend]
    assert levels == [CHANGE_THRESHOLD, 8.0, 16.0, 24.0, 32.0]
    colours = [stop.colour for stop in found.legend]
    assert len(set(colours)) == len(colours)
    # Every changed pixel moved by exactly the top level, so each shows the top colour.
    assert (found.overlay[:64, :, :3] == colours[-1]).all()


def test_the_run_facts_sentences() -> None:
    assert describe_change(0.18, 1.6) == (
        "Changed: 18% of pixels by more than 2 levels; sharpness x1.6 (Laplacian variance)"
    )
    assert describe_change(0.034, 0.19) == (
        "Changed: 3.4% of pixels by more than 2 levels; sharpness x0.19 (Laplacian variance)"
    )
    assert describe_change(0.003, 1.0) == (
        "Almost nothing changed: 0.3% of pixels moved by more than 2 levels."
    )
    assert "not measured" in describe_change(0.5, None)


def test_a_flat_before_has_no_ratio() -> None:
    flat = np.full((64, 64, 3), 90, np.uint8)
    found = change_map(flat, np.full((64, 64, 3), 120, np.uint8))
    assert isinstance(found, ChangeMap) and found.sharpness_ratio is None
    assert found.changed_share == 1.0 and "not measured" in found.sentence


def test_a_real_photo_against_its_blurred_copy() -> None:
    photo = read_rgb(shared_path("data", "photos", "astronaut.png"))
    found = change_map(cv2.GaussianBlur(photo, (0, 0), 1.5), photo)
    assert found.sharpness_ratio is not None and found.sharpness_ratio > 1.5
    assert 0.05 < found.changed_share < 1.0


# ----------------------------------------------------------------------------- export
@pytest.fixture
def pair(sharp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A before and after of an odd size (101 x 75), so even-size rules are exercised."""
    after = np.ascontiguousarray(sharp[:75, :101])
    return cv2.GaussianBlur(after, (0, 0), 2.0), after


def test_side_by_side_png_holds_both_pictures(
    pair: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    before, after = pair
    written = export_comparison(tmp_path / "both.png", before, after, labels=False)
    picture = read_rgb(written)
    across = divider_width(101)
    assert picture.shape == (75, 2 * 101 + across, 3)
    np.testing.assert_array_equal(picture[:, :101], before)
    np.testing.assert_array_equal(picture[:, 101 + across :], after)
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~current_umask()
    assert [p.name for p in tmp_path.iterdir()] == ["both.png"]  # no temporary file left


def test_labels_mark_only_the_top_corners(sharp: np.ndarray, tmp_path: Path) -> None:
    before = cv2.GaussianBlur(sharp, (0, 0), 2.0)
    plain = read_rgb(export_comparison(tmp_path / "a.png", before, sharp, labels=False))
    labelled = read_rgb(export_comparison(tmp_path / "b.png", before, sharp))
    differs = (plain != labelled).any(axis=2)
    assert differs[:40, :100].any() and differs[:40, 256 + divider_width(256) :][:, :100].any()
    assert not differs[64:].any()


def test_jpeg_side_by_side(pair: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    written = export_comparison(tmp_path / "both.JPEG", *pair)
    with PILImage.open(written) as picture:
        assert picture.format == "JPEG" and picture.size == (2 * 101 + divider_width(101), 75)


def test_gif_wipe_frames_and_size(pair: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    before, after = pair
    written = export_comparison(tmp_path / "wipe.gif", before, after, labels=False)
    with PILImage.open(written) as gif:
        assert gif.size == (101, 75) and gif.info["loop"] == 0
        # Pillow merges repeated frames (the divider lingers at the edges) into longer ones.
        assert round(WIPE_SECONDS * GIF_FRAME_RATE) * 0.8 < gif.n_frames
        frames, durations = [], []
        for number in range(gif.n_frames):
            gif.seek(number)
            frames.append(np.asarray(gif.convert("RGB"), dtype=np.int16))
            durations.append(gif.info["duration"])
    assert sum(durations) == WIPE_SECONDS * 1000
    first = frames[0]
    middle = frames[len(frames) // 2]  # the divider at the left edge: all after
    # 256 colours with dithering: close to the pictures on average, not equal.
    assert np.abs(first[:, :90] - before[:, :90]).mean() < 6
    assert (
        np.abs(middle[:, 10:] - before[:, 10:]).mean() > 2 * np.abs(middle - after)[:, 10:].mean()
    )


def test_large_gif_frames_are_reduced(sharp: np.ndarray, tmp_path: Path) -> None:
    large = cv2.resize(sharp, (1000, 500))
    with PILImage.open(export_comparison(tmp_path / "w.gif", large, large)) as gif:
        assert gif.size == (GIF_LONG_SIDE, GIF_LONG_SIDE // 2)


def test_mp4_wipe_is_h264_of_even_size(pair: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    written = export_comparison(tmp_path / "wipe.mp4", *pair)
    with av.open(str(written)) as container:
        stream = container.streams.video[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(stream)]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.average_rate == MP4_FRAME_RATE
    assert len(frames) == round(WIPE_SECONDS * MP4_FRAME_RATE)
    assert frames[0].shape == (74, 100, 3)


def test_wipe_sweeps_right_to_left_and_back() -> None:
    positions = wipe_positions(100, 60)
    assert positions[0] == 100 and positions[30] == 0
    assert positions[:31] == sorted(positions[:31], reverse=True)
    assert positions[30:] == sorted(positions[30:])


# ----------------------------------------------------------------------------- refusals
def test_refuses_to_write_over_an_input(
    pair: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"the original")
    hard_link = tmp_path / "same.png"
    os.link(photo, hard_link)
    for target in (photo, hard_link, tmp_path / "." / "photo.png"):
        with pytest.raises(OutputError, match=rf"{target.name} is an input"):
            export_comparison(target, *pair, inputs=[photo])
    assert photo.read_bytes() == b"the original"


def test_refuses_an_unknown_suffix(pair: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"wipe\.webm has no comparison format"):
        export_comparison(tmp_path / "wipe.webm", *pair)
    assert not any(tmp_path.iterdir())


def test_a_read_only_folder_gives_one_output_error(
    pair: tuple[np.ndarray, np.ndarray], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated (root may write anywhere): the temporary file cannot be made in the folder."""

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "both.png"
    with pytest.raises(OutputError) as raised:
        export_comparison(target, *pair)
    assert raised.value.path == target
    assert str(tmp_path) in str(raised.value) and "Permission denied" not in str(raised.value)
    assert not target.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_really_read_only_folder(pair: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError) as raised:
            export_comparison(folder / "wipe.gif", *pair)
    finally:
        folder.chmod(0o755)
    assert raised.value.path == folder / "wipe.gif"
    assert not any(folder.iterdir())


def test_a_file_where_the_folder_should_be(
    pair: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot be written") as raised:
        export_comparison(blocker / "both.jpg", *pair)
    assert raised.value.path == blocker / "both.jpg"
