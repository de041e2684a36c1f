"""Shared fixtures: the ../shared folder and an isolated user home for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CNAPS_SHARED", REPO_ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the test is skipped with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared beside the checkout), which is absent")
    return path


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own empty user folder for models, cache and logs."""
    home = tmp_path_factory.mktemp("cnaps-home")
    monkeypatch.setenv("CNAPS_DESKTOP_HOME", str(home))
    return home
