"""Words and small facts the session shows: the preview's box, progress lines, video lines.

Plain functions without Qt, so they are easy to test and to reuse in the status bar and pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.engine.pixels import Box
from cnaps_desktop.jobs import JobProgress

if TYPE_CHECKING:
    from cnaps_desktop.engine.video.probe import VideoInfo
    from cnaps_desktop.gui.batch import BatchOutcome

PREVIEW_REGION_SIDE = 768
"""The first preview restores at most this many pixels square, so feedback comes in seconds."""


def preview_box(visible: Box, limit: int = PREVIEW_REGION_SIDE) -> Box:
    """The visible box, shrunk around its centre to at most ``limit`` pixels a side."""
    left, top, right, bottom = visible
    width, height = min(limit, right - left), min(limit, bottom - top)
    centre_x, centre_y = (left + right) // 2, (top + bottom) // 2
    new_left = min(max(left, centre_x - width // 2), right - width)
    new_top = min(max(top, centre_y - height // 2), bottom - height)
    return (new_left, new_top, new_left + width, new_top + height)


def progress_words(verb: str, name: str, step: JobProgress) -> str:
    done, total, stage = step.progress.done, step.progress.total, step.progress.stage
    counted = f": {stage} {done:,} of {total:,}" if total > 1 else ""
    rate = ""
    if stage == "frame" and done > 0 and step.elapsed > 0:
        rate = f" at {done / step.elapsed:.1f} frames/s"
    left = step.seconds_left
    eta = "" if left is None else f" - about {_duration(left)} left"
    return f"{verb} {name}{counted}{rate}{eta}"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def video_lines(info: VideoInfo | None, frame: int) -> tuple[tuple[str, str], ...]:
    """(label, value) rows about the video on screen, for the side pane's facts table."""
    if info is None:
        return ()
    audio = info.audio
    # What the input holds; what became of each stream is said after the run (run facts).
    named = [f'{s.codec} "{s.title}"' if s.title else s.codec for s in audio]
    kept = f"{len(audio)} audio stream(s): {', '.join(named)}" if audio else "no audio"
    return (
        ("Frame", f"{frame + 1:,} of {info.frames:,}"),
        ("Video", f"{info.frame_rate:.3g} frames/s, codec {info.codec}"),
        ("Sound", kept),
    )


def short_reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def batch_words(outcome: BatchOutcome, folder: str) -> str:
    """The status line after a Restore all, from what became of each file; "Restored" only
    when every file was, e.g. "Cancelled: 0 of 1 file restored."."""
    files = "file" if outcome.count == 1 else "files"
    into = f" into {folder}" if outcome.restored else ""
    failed = f"; {outcome.failed} failed" if outcome.failed else ""
    if outcome.restored == outcome.count:
        return f"Restored {outcome.count} {files}{into}."
    counted = f"{outcome.restored} of {outcome.count} {files} restored{into}{failed}."
    return f"Cancelled: {counted}" if outcome.cancelled else counted
