"""The library scan: every photo in a folder tree, worst first, cancel, progress, broken files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import pytest

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.diagnosis import ScanProgress, blur_rank, scan_folder
from cnaps_desktop.engine.diagnosis.scan import expand_photos, photos_under
from cnaps_desktop.engine.errors import UnreadableImageError
from tests.conftest import shared_path
from tests.engine.test_diagnosis import (
    aged_print,
    dead_leaves,
    degrade,
    disc_kernel,
    motion_kernel,
)


@pytest.fixture(scope="module")
def photo_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """a_sharp.png, b_broken.jpg, inner/c_motion.png, inner/deeper/d_defocus.png, notes.txt:
    file order is not blur order, so sorting is seen."""
    folder = tmp_path_factory.mktemp("library")
    (folder / "inner" / "deeper").mkdir(parents=True)
    cv2.imwrite(str(folder / "a_sharp.png"), degrade(dead_leaves(seed=0), None, 2.0, 0))
    (folder / "b_broken.jpg").write_bytes(b"\xff\xd8 not really a JPEG")
    motion = degrade(dead_leaves(seed=1), motion_kernel(20, 30), 2.0, 1)
    cv2.imwrite(str(folder / "inner" / "c_motion.png"), motion)
    defocus = degrade(dead_leaves(seed=2), disc_kernel(6), 2.0, 2)
    cv2.imwrite(str(folder / "inner" / "deeper" / "d_defocus.png"), defocus)
    (folder / "notes.txt").write_text("not a photo")
    return folder


def test_scan_lists_worst_first_and_keeps_going_past_a_broken_file(photo_tree: Path) -> None:
    seen: list[ScanProgress] = []
    result = scan_folder(photo_tree, CancelToken(), seen.append)
    names = [Path(str(found.file)).name for found in result.diagnoses]
    assert sorted(names) == ["a_sharp.png", "c_motion.png", "d_defocus.png"]
    assert names[-1] == "a_sharp.png"
    assert [found.blur for found in result.diagnoses[:2]] != ["sharp", "sharp"]
    ranks = [blur_rank(found) for found in result.diagnoses]
    assert ranks == sorted(ranks, reverse=True)
    assert not result.cancelled
    [failure] = result.failures
    assert failure.path.name == "b_broken.jpg"
    assert "b_broken.jpg" in failure.message and "\n" not in failure.message
    assert "Traceback" not in failure.message


def test_progress_counts_every_file_with_its_name(photo_tree: Path) -> None:
    seen: list[ScanProgress] = []
    scan_folder(photo_tree, CancelToken(), seen.append)
    assert [(step.done, step.total) for step in seen] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert [step.current.name for step in seen[:-1] if step.current] == [
        "a_sharp.png",
        "b_broken.jpg",
        "c_motion.png",
        "d_defocus.png",
    ]
    assert seen[-1].current is None and seen[-1].fraction == 1.0


def test_cancel_stops_between_files_and_keeps_what_was_found(photo_tree: Path) -> None:
    token = CancelToken()

    def cancel_after_the_first(step: ScanProgress) -> None:
        if step.done == 1:
            token.cancel()

    result = scan_folder(photo_tree, token, cancel_after_the_first)
    assert result.cancelled
    assert [Path(str(found.file)).name for found in result.diagnoses] == ["a_sharp.png"]
    assert result.failures == ()


def test_cancel_before_the_walk_ends_finds_nothing(photo_tree: Path) -> None:
    token = CancelToken()
    token.cancel()
    result = scan_folder(photo_tree, token)
    assert result.cancelled and result.diagnoses == () and result.failures == ()
    assert photos_under(photo_tree, token) == []


def test_a_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(UnreadableImageError, match="is not a folder") as raised:
        scan_folder(tmp_path / "absent", CancelToken())
    assert raised.value.path == tmp_path / "absent"


def test_expand_photos_takes_files_as_given_and_folders_recursively(photo_tree: Path) -> None:
    notes = photo_tree / "notes.txt"
    files, missing = expand_photos([str(photo_tree / "inner"), str(notes), "absent.png"])
    assert [path.name for path in files] == ["c_motion.png", "d_defocus.png", "notes.txt"]
    assert missing == ["absent.png does not exist; expected a photo or a folder."]


def test_a_faded_photo_diagnoses_to_plain_json(tmp_path: Path) -> None:
    """The faded sign once came back as numpy's bool, which `diagnose --json` could not write."""
    faded = aged_print(degrade(dead_leaves(seed=5), None, 1.0, 5))
    cv2.imwrite(str(tmp_path / "faded.png"), faded)
    [found] = scan_folder(tmp_path, CancelToken()).diagnoses
    assert found.faded is True
    assert json.loads(json.dumps(found.as_dict()))["faded"] is True


def test_shared_blurry_photos_come_before_sharp_ones(tmp_path: Path) -> None:
    """Photos the diagnosis judges confidently (see the confusion table in BENCHMARKS.md)."""
    for name in ("astronaut.png", "grass.png"):
        shutil.copy(shared_path("data", "photos", name), tmp_path / name)
    for name in ("skimage_clock_motion.png", "kwentar_176_HONOR-7X_motion.jpg"):
        shutil.copy(shared_path("data", "real_blurry", name), tmp_path / name)
    result = scan_folder(tmp_path, CancelToken())
    names = [Path(str(found.file)).name for found in result.diagnoses]
    assert set(names[:2]) == {"skimage_clock_motion.png", "kwentar_176_HONOR-7X_motion.jpg"}
    assert result.failures == ()
    json.dumps([found.as_dict() for found in result.diagnoses])
