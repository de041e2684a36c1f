"""The frozen app's entry point: the same as ``python -m cnaps_desktop``.

PyInstaller runs this file as ``__main__`` inside the bundle (see cnaps_desktop.spec).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path


def _give_windowed_builds_somewhere_to_write() -> None:
    """A windowed Windows build has no console: sys.stdout and sys.stderr are None there, and
    libraries that print progress (tqdm, gdown) would fail on them."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start the app again
    _give_windowed_builds_somewhere_to_write()
    from cnaps_desktop.__main__ import main

    sys.exit(main())
