"""Per-user folders (models, cache, logs), from platformdirs; never the program's own folder.

``CNAPS_DESKTOP_HOME`` overrides the base folder, so tests and portable installs can keep
everything in one place.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "CNAPS Desktop"
APP_AUTHOR = "CNAPS"
HOME_ENV = "CNAPS_DESKTOP_HOME"


def _base(kind: str) -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / kind
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR)
    return {
        "models": Path(dirs.user_data_dir) / "models",
        "cache": Path(dirs.user_cache_dir),
        "logs": Path(dirs.user_log_dir),
    }[kind]


def models_dir(create: bool = True) -> Path:
    """Where imported and downloaded checkpoints live."""
    return _ensure(_base("models"), create)


def cache_dir(create: bool = True) -> Path:
    """Downloads in progress and other things that can be thrown away."""
    return _ensure(_base("cache"), create)


def logs_dir(create: bool = True) -> Path:
    """Log files, including uncaught errors from any thread."""
    return _ensure(_base("logs"), create)


def _ensure(path: Path, create: bool) -> Path:
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
