"""The engine's package facades: every exported name resolves, and importing one stays light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

FACADES = (
    "cnaps_desktop.engine.models",
    "cnaps_desktop.engine.image",
    "cnaps_desktop.engine.video",
    "cnaps_desktop.engine.bench",
    "cnaps_desktop.engine.arch.mssnet",
)


@pytest.mark.parametrize("package", FACADES)
def test_every_exported_name_resolves(package: str) -> None:
    facade = importlib.import_module(package)
    for name in facade.__all__:
        assert getattr(facade, name) is not None, f"{package}.{name}"


def test_an_unknown_name_is_an_attribute_error() -> None:
    facade = importlib.import_module("cnaps_desktop.engine.video")
    with pytest.raises(AttributeError, match="no attribute 'restore_videos'"):
        _ = facade.restore_videos


def test_importing_the_facades_loads_nothing_heavy() -> None:
    light = [f for f in FACADES if not f.endswith("mssnet")]  # a network module is torch
    code = (
        f"import sys; import {', '.join(light)}; "
        "from cnaps_desktop.engine.models import load_catalog; "
        "print(','.join(m for m in ('torch', 'av', 'cv2', 'PIL') if m in sys.modules))"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
