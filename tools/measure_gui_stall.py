"""Measure how long the window's event loop stalls while a photo restores on the CPU.

    python tools/measure_gui_stall.py [--megapixels 12] [--seconds 90] [--checkpoint FILE]

Opens the real main window (offscreen unless a display is set) on the real engine and waits for
its start-up warm-up (torch imports) to finish, then drops a photo of the given size and lets the
preview run (the visible part, then the whole picture) for at most ``--seconds``. A 5 ms QTimer
ticks on the qasync loop throughout; a stall is how much later than due a tick arrives. Prints
the longest stall during start-up and during the restore, with the 99th percentile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TICK_MS = 5


class StallProbe:
    """Ticks every TICK_MS on the event loop and records how late each tick is."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.late: list[tuple[float, float]] = []  # (seconds since start, stall ms) over 50 ms
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._start = self._last = time.perf_counter()

    def start(self) -> None:
        self.gaps, self.late = [], []
        self._start = self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000 - TICK_MS
        self.gaps.append(gap)
        if gap > 50:
            self.late.append((now - self._start, gap))
        self._last = now

    def summary(self) -> str:
        ordered = sorted(self.gaps) or [float("nan")]
        p99 = ordered[int(len(ordered) * 0.99)]
        longest = ordered[-1]
        return (
            f"{len(self.gaps)} ticks, longest stall {longest:.0f} ms, 99th percentile {p99:.0f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--checkpoint", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cnaps_desktop.app.main import prepare_process

    prepare_process()  # as the app does, before torch starts

    import psutil
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cnaps_desktop.app.engine_services import real_services
    from cnaps_desktop.gui.main_window import MainWindow
    from tools.gui_fixtures import make_photo, make_untrained_checkpoint

    work = Path(tempfile.mkdtemp(prefix="cnaps-stall-"))
    os.environ["CNAPS_DESKTOP_HOME"] = str(work / "home")
    width = round((args.megapixels * 1e6 * 4 / 3) ** 0.5)
    height = round(width * 3 / 4)
    photo = make_photo(work, width, height)
    checkpoint = args.checkpoint or make_untrained_checkpoint(work)

    app = QApplication.instance() or QApplication(sys.argv)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    probe = StallProbe()
    messages: list[str] = []
    report: dict[str, str] = {}

    async def run() -> None:
        probe.start()
        settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("run/device", "cpu")
        window = MainWindow(real_services(), settings)
        window.resize(1380, 860)
        window.show()
        window.session.busy.connect(lambda text, _: text and messages.append(text))
        while not window.bridge.idle():  # the warm-up job
            await asyncio.sleep(0.05)
        probe.stop()
        report["start-up (window, warm-up imports)"] = probe.summary()

        window.picker.use_file(checkpoint)
        probe.start()
        started = time.perf_counter()
        window.add_paths([photo])
        while time.perf_counter() - started < args.seconds:
            await asyncio.sleep(0.25)
            screen = window.session.on_screen
            if screen is not None and screen.result is not None:
                break
        probe.stop()
        screen = window.session.on_screen
        report["restore"] = probe.summary()
        report["whole picture finished"] = str(screen is not None and screen.result is not None)
        report["stalls over 50 ms (s: ms)"] = ", ".join(f"{s:.1f}: {g:.0f}" for s, g in probe.late)
        window.session.cancel()
        while not window.bridge.idle():  # let the worker finish its tile and stop
            await asyncio.sleep(0.1)
        window.close()

    with loop:
        loop.run_until_complete(run())
    print(
        f"machine: {platform.machine()}, {psutil.cpu_count()} logical CPUs, "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine)"
    )
    print(f"photo {width} x {height} ({width * height / 1e6:.1f} MP), checkpoint {checkpoint.name}")
    print(f"last progress: {messages[-1] if messages else '-'}")
    for name, value in report.items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
