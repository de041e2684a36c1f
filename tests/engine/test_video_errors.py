"""Output problems get one clear message and leave nothing half-written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest

from cnaps_desktop.engine.errors import OutputError, VideoError
from cnaps_desktop.engine.video import VideoOptions, restore_video
from cnaps_desktop.engine.video import encode as video_encode
from tests.engine.video_clips import make_clip

FAST = VideoOptions(preset="ultrafast", segment_frames=4)


def invert(frames: np.ndarray) -> np.ndarray:
    return 255 - frames


def test_output_over_the_input_is_refused(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", audio=None)
    before = source.read_bytes()
    with pytest.raises(OutputError, match=r"is the input video"):
        restore_video(None, source, source, FAST, frame_function=invert)
    assert source.read_bytes() == before


def test_missing_output_folder_is_named(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", audio=None)
    with pytest.raises(OutputError, match=r"output folder .*nowhere does not exist"):
        restore_video(None, source, tmp_path / "nowhere" / "o.mp4", FAST, frame_function=invert)


@pytest.mark.skipif(
    os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores modes"
)
def test_read_only_output_folder_is_refused(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", audio=None)
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"cannot write to the folder .*read-only"):
            restore_video(None, source, folder / "o.mp4", FAST, frame_function=invert)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_permission_denied_when_creating_files_is_reported_as_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same path as above for machines where tests run as root (modes do not stop root).
    source = make_clip(tmp_path / "c.mp4", audio=None)
    out = tmp_path / "out"
    out.mkdir()

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(OutputError, match=r"cannot write to the folder .*read-only"):
        restore_video(None, source, out / "o.mp4", FAST, frame_function=invert)
    assert list(out.iterdir()) == []


def test_full_disk_midway_gives_one_message_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=12)
    out = tmp_path / "out"
    out.mkdir()
    original = video_encode.SegmentEncoder.write
    written = [0]

    def write_until_full(self: video_encode.SegmentEncoder, *args: object) -> None:
        written[0] += 1
        if written[0] == 7:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, *args)

    monkeypatch.setattr(video_encode.SegmentEncoder, "write", write_until_full)
    with pytest.raises(OutputError, match=r"the disk holding .*out is full; o\.mp4 was not"):
        restore_video(None, source, out / "o.mp4", FAST, frame_function=invert)
    assert list(out.iterdir()) == []


def test_frame_function_failure_leaves_nothing(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=12)
    out = tmp_path / "out"
    out.mkdir()

    def broken(frames: np.ndarray) -> np.ndarray:
        return frames[:, :, :, :1]  # wrong shape

    with pytest.raises(VideoError, match=r"expected .*H, W, 3"):
        restore_video(None, source, out / "o.mp4", FAST, frame_function=broken)
    assert list(out.iterdir()) == []


def test_h265_refuses_frames_below_its_minimum(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", size=(48, 32), audio=None)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(VideoError, match=r"48x32 are too small for H.265"):
        restore_video(
            None, source, out / "o.mp4", VideoOptions(codec="h265"), frame_function=invert
        )
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"codec": "divx"}, "'divx' is not an output video codec we write"),
        ({"crf": 60}, "CRF must be between 0 and 51"),
        ({"start_frame": 5, "end_frame": 5}, "must come after the start frame"),
        ({"start_frame": 1, "end_time": 2.0}, "not both"),
    ],
)
def test_bad_options_are_explained(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(VideoError, match=message):
        VideoOptions(**arguments)  # type: ignore[arg-type]
