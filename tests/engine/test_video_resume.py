"""Cancel leaves nothing; an interrupted job resumes to the same file as an uninterrupted one."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.errors import Cancelled
from cnaps_desktop.engine.video import VideoOptions, restore_video
from cnaps_desktop.engine.video.resume import work_folder_for
from tests.conftest import shared_path
from tests.engine.video_clips import make_clip

OPTIONS = VideoOptions(preset="ultrafast", segment_frames=6, batch_size=2)


def invert(frames: np.ndarray) -> np.ndarray:
    return 255 - frames


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cancelling_after(calls: int, token: CancelToken):
    seen = [0]

    def function(frames: np.ndarray) -> np.ndarray:
        seen[0] += 1
        if seen[0] == calls:
            token.cancel()
        return invert(frames)

    return function


def visible_and_hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_cancel_stops_promptly_and_leaves_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    source = make_clip(folder / "c.mp4", frames=30)
    token = CancelToken()
    function = cancelling_after(3, token)
    calls_before = []

    def counting(frames: np.ndarray) -> np.ndarray:
        calls_before.append(len(frames))
        return function(frames)

    with pytest.raises(Cancelled):
        restore_video(None, source, folder / "out.mp4", OPTIONS, token, frame_function=counting)
    assert len(calls_before) == 3  # stopped before the next model call
    assert visible_and_hidden(folder) == ["c.mp4"]


def test_cancel_with_resume_keeps_only_the_finished_segments(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=30)
    token = CancelToken()
    options = VideoOptions(preset="ultrafast", segment_frames=6, batch_size=2, resume=True)
    with pytest.raises(Cancelled):
        restore_video(
            None,
            source,
            tmp_path / "out.mp4",
            options,
            token,
            frame_function=cancelling_after(8, token),
            job_id="invert",
        )
    work = work_folder_for(tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()
    assert not list(tmp_path.glob(".out.mp4.partial*"))
    segments = sorted(p.name for p in work.glob("segment-*"))
    assert segments and all(not name.endswith(".part") for name in segments)


@pytest.mark.parametrize("interruption", ["cancel", "crash"])
def test_resumed_job_gives_the_same_file_as_an_uninterrupted_one(
    interruption: str, tmp_path: Path
) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=30)
    whole = tmp_path / "whole.mp4"
    options = VideoOptions(preset="ultrafast", segment_frames=6, batch_size=2, resume=True)
    restore_video(None, source, whole, options, frame_function=invert, job_id="invert")

    output = tmp_path / "resumed.mp4"
    token = CancelToken()
    if interruption == "cancel":
        first_run = cancelling_after(9, token)
        expected_error: type[BaseException] = Cancelled
    else:
        calls = [0]

        def first_run(frames: np.ndarray) -> np.ndarray:
            calls[0] += 1
            if calls[0] == 9:
                raise RuntimeError("power cut")
            return invert(frames)

        expected_error = RuntimeError
    with pytest.raises(expected_error):
        restore_video(
            None, source, output, options, token, frame_function=first_run, job_id="invert"
        )
    assert not output.exists()

    facts = restore_video(None, source, output, options, frame_function=invert, job_id="invert")
    assert facts.resumed_frames >= 12 and facts.resumed_frames % 6 == 0
    assert facts.resumed_frames + facts.restored_frames == facts.frames == 30
    assert digest(output) == digest(whole)
    assert not work_folder_for(output).exists()


def test_a_changed_job_starts_over_instead_of_mixing(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=18)
    options = VideoOptions(preset="ultrafast", segment_frames=6, batch_size=2, resume=True)
    token = CancelToken()
    with pytest.raises(Cancelled):
        restore_video(
            None,
            source,
            tmp_path / "o.mp4",
            options,
            token,
            frame_function=cancelling_after(7, token),
            job_id="invert",
        )
    changed = VideoOptions(preset="ultrafast", segment_frames=6, batch_size=2, resume=True, crf=30)
    facts = restore_video(
        None, source, tmp_path / "o.mp4", changed, frame_function=invert, job_id="invert"
    )
    assert (facts.resumed_frames, facts.restored_frames) == (0, 18)


def test_without_resume_an_old_work_folder_is_discarded(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=12)
    resumable = VideoOptions(preset="ultrafast", segment_frames=6, resume=True)
    token = CancelToken()
    with pytest.raises(Cancelled):
        restore_video(
            None,
            source,
            tmp_path / "o.mp4",
            resumable,
            token,
            frame_function=cancelling_after(8, token),
            job_id="invert",
        )
    fresh = VideoOptions(preset="ultrafast", segment_frames=6)
    facts = restore_video(
        None, source, tmp_path / "o.mp4", fresh, frame_function=invert, job_id="invert"
    )
    assert facts.resumed_frames == 0
    assert visible_and_hidden(tmp_path) == ["c.mp4", "o.mp4"]


_LOGGING_JOB = """
import sys
from pathlib import Path
import av
av.logging.set_level(av.logging.ERROR)
from cnaps_desktop.engine.video import VideoOptions, restore_video
source, output = Path(sys.argv[1]), Path(sys.argv[2])
for _ in range(8):  # hung within 8 runs every time before the fix
    restore_video(None, source, output, VideoOptions(preset="ultrafast", end_frame=5),
                  frame_function=lambda frames: 255 - frames)
assert av.logging.get_level() == av.logging.ERROR
print("finished")
"""


@pytest.mark.shared
def test_python_log_callback_cannot_hang_the_threads(tmp_path: Path) -> None:
    # With PyAV's log callback on, FFmpeg threads logging into Python deadlocked the stages;
    # the pipeline switches it off while it runs and restores it afterwards. A separate
    # process, so a hang shows up as a failure instead of stopping the test run.
    import subprocess
    import sys

    source = shared_path("data", "videos", "rotated90_640x360_h264.mov")
    command = [sys.executable, "-c", _LOGGING_JOB, str(source), str(tmp_path / "o.mov")]
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=120, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the video job hung with PyAV's log callback on")
    assert done.stdout.strip() == "finished", done.stderr[-2000:]


KILLED_RUN = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from cnaps_desktop.engine.video import VideoOptions, restore_video

def slow_invert(frames):
    time.sleep(0.1)
    return 255 - frames

options = VideoOptions(codec=sys.argv[4], preset=sys.argv[5], segment_frames=6, batch_size=2,
                       resume=True)
restore_video(None, Path(sys.argv[2]), Path(sys.argv[3]), options, frame_function=slow_invert,
              job_id="invert")
"""


def killed_then_resumed(
    folder: Path, codec: str, suffix: str, preset: str = "medium"
) -> tuple[Path, Path, int]:
    """(uninterrupted output, output of a run killed with SIGKILL mid-segment and then resumed,
    frames the resumed run reused). A real kill -9: no cleanup code runs in the killed run."""
    import signal
    import subprocess
    import sys
    import time

    source = make_clip(folder / "c.mkv", frames=36, metadata={"title": "Holiday"})
    options = VideoOptions(codec=codec, preset=preset, segment_frames=6, batch_size=2, resume=True)
    whole = folder / f"whole{suffix}"
    restore_video(None, source, whole, options, frame_function=invert, job_id="invert")
    output = folder / f"resumed{suffix}"
    script = folder / "killed_run.py"
    script.write_text(KILLED_RUN)
    root = str(Path(__file__).resolve().parents[2])
    # The killed run's heap holds other leftovers than this process's; glibc's MALLOC_PERTURB_
    # makes that so every time, so output that depends on leftover memory always shows.
    child = subprocess.Popen(
        [sys.executable, str(script), root, str(source), str(output), codec, preset],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MALLOC_PERTURB_": "165"},
    )
    state = work_folder_for(output) / "state.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and child.poll() is None:
        if state.is_file() and state.read_text().count('"number"') >= 2:
            break
        time.sleep(0.02)
    time.sleep(0.15)  # into the next segment, whose frames are lost
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not output.exists()
    facts = restore_video(None, source, output, options, frame_function=invert, job_id="invert")
    return whole, output, facts.resumed_frames


def test_a_run_killed_with_sigkill_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    """The README's promise, after a real kill -9 mid-segment. The default preset and .mkv are
    in tests/test_issue16_gaps.py (x264's AVX-512 code and Matroska's random ids broke them)."""
    whole, resumed, reused = killed_then_resumed(tmp_path, "h264", ".mp4", preset="ultrafast")
    assert reused >= 12
    assert digest(resumed) == digest(whole)
