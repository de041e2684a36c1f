"""The lazy public API: every name in ``__all__`` resolves, and importing the package is light."""

from __future__ import annotations

import subprocess
import sys

import cnaps_desktop


def test_every_public_name_resolves() -> None:
    for name in cnaps_desktop.__all__:
        assert getattr(cnaps_desktop, name) is not None, name


def test_import_loads_neither_torch_nor_qt() -> None:
    code = (
        "import sys, cnaps_desktop, cnaps_desktop.cli; cnaps_desktop.cli.build_parser(); "
        "print(','.join(m for m in ('torch', 'PySide6', 'av', 'cv2') if m in sys.modules))"
    )
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_diagnosis_is_public() -> None:
    from cnaps_desktop.engine.diagnosis import Diagnosis, diagnose_file

    assert cnaps_desktop.diagnose_file is diagnose_file
    assert cnaps_desktop.Diagnosis is Diagnosis
