"""Frames per second and time left, computed from the ``Progress`` reports of a video job.

The engine reports plain ``Progress(done, total, "frame")``; the CLI's bar and the GUI both turn
that into a rate and an ETA with :class:`FrameRateMeter`. Frames taken over from an earlier,
resumed run are not counted as speed: the rate starts from the first report.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from cnaps_desktop.engine.cancel import Progress


@dataclass(frozen=True)
class FrameRate:
    done: int
    total: int
    frames_per_second: float | None
    """None until two reports have arrived."""
    seconds_left: float | None

    def describe(self) -> str:
        """E.g. "42/150 frames, 3.1 frames/s, about 0:35 left"."""
        speed = self.speed()
        return f"{self.done}/{self.total} frames" + (f", {speed}" if speed else "")

    def speed(self) -> str:
        """E.g. "3.1 frames/s, about 0:35 left"; empty before the rate is known."""
        if not self.frames_per_second:
            return ""
        text = f"{self.frames_per_second:.2g} frames/s"
        if self.seconds_left is not None:
            minutes, seconds = divmod(round(self.seconds_left), 60)
            hours, minutes = divmod(minutes, 60)
            left = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
            text += f", about {left} left"
        return text


class FrameRateMeter:
    """Rate over a sliding window of recent reports (so it follows speed changes)."""

    def __init__(self, window: int = 30, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque(maxlen=window)

    def update(self, progress: Progress) -> FrameRate:
        now = self._clock()
        self._samples.append((now, progress.done))
        rate = None
        left = None
        (first_time, first_done), (last_time, last_done) = self._samples[0], self._samples[-1]
        if last_time > first_time and last_done > first_done:
            rate = (last_done - first_done) / (last_time - first_time)
            left = max(0, progress.total - progress.done) / rate
        return FrameRate(progress.done, progress.total, rate, left)
