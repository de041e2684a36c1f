"""Errors carry the file they are about; failed writes become one OutputError and leave nothing."""

from __future__ import annotations

import errno
import pickle
from pathlib import Path

import numpy as np
import pytest

from cnaps_desktop.engine.errors import CnapsError, OutputError, UnsupportedImageError
from cnaps_desktop.engine.files import atomic_writer
from cnaps_desktop.engine.pixels import describe_pixels, to_unit_float


def test_errors_carry_their_path_and_keep_it_through_pickling(tmp_path: Path) -> None:
    error = OutputError("x cannot be written.", path=tmp_path / "x.png")
    assert error.path == tmp_path / "x.png" and str(error) == "x cannot be written."
    assert pickle.loads(pickle.dumps(error)).path == tmp_path / "x.png"
    assert CnapsError("no file here").path is None


def test_os_errors_become_one_sentence_naming_the_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "photo.png"
    full = OutputError.from_os_error(OSError(errno.ENOSPC, "No space left on device"), target)
    assert str(full) == f"the disk holding {target.parent} is full; photo.png was not written."
    denied = OutputError.from_os_error(PermissionError(errno.EACCES, "Permission denied"), target)
    assert str(denied).startswith(f"cannot write to the folder {target.parent} (it is read-only)")
    other = OutputError.from_os_error(OSError(errno.EIO, "Input/output error"), target)
    assert str(other) == f"{target} cannot be written (input/output error)."
    assert full.path == denied.path == other.path == target


def test_a_failed_write_leaves_nothing_and_raises_output_error(tmp_path: Path) -> None:
    target = tmp_path / "model.pt"
    full = r"model\.pt was not written"
    with pytest.raises(OutputError, match=full) as caught, atomic_writer(target) as file:
        file.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert caught.value.path == target
    assert list(tmp_path.iterdir()) == []


def test_a_finished_write_replaces_the_target_with_the_mode_asked(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_text("old")
    with atomic_writer(target, mode=0o644) as file:
        file.write(b"new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o644
    assert list(tmp_path.iterdir()) == [target]


def test_pixels_are_described_by_their_layout_and_depth() -> None:
    assert describe_pixels(np.zeros((2, 2, 3), np.uint8)) == "RGB, 8-bit"
    assert describe_pixels(np.zeros((2, 2), np.uint16)) == "grey, 16-bit"
    assert describe_pixels(np.zeros((2, 2, 2), np.uint8)) == "grey + alpha, 8-bit"
    assert describe_pixels(np.zeros((2, 2, 4), np.float32)) == "RGBA, float"


def test_pixels_of_no_image_type_are_refused() -> None:
    with pytest.raises(UnsupportedImageError, match="int32"):
        to_unit_float(np.zeros((2, 2), np.int32))
