"""One locator for bundled files (resources/, weights/), from source or frozen by PyInstaller.

The PyInstaller spec in installer/ copies the same two folders into the bundle, so code and
bundle agree on one layout: ``<root>/resources`` and ``<root>/weights``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def bundle_root() -> Path:
    """The folder that holds resources/ and weights/."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file under resources/, e.g. ``resource_path("explain", "task.md")``."""
    return bundle_root().joinpath("resources", *parts)


def weights_path(*parts: str) -> Path:
    """A file under weights/, e.g. ``weights_path("catalog.toml")``."""
    return bundle_root().joinpath("weights", *parts)
