"""Shared fixtures: the ../shared folder and an isolated user home for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@pytest.fixture(autouse=True, scope="session")
def cpu_without_amx() -> Iterator[None]:
    """The CPU runs fp32 in every test, whatever this machine's CPU: `auto` would pick bf16 on
    CPUs with AMX. Session-wide, so models loaded by module fixtures are fp32 too; tests of the
    bf16 choice patch this back to True."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("cnaps_desktop.engine.device.cpu_has_fast_bfloat16", lambda: False)
        yield
