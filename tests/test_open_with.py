""" "Open with CNAPS Desktop": file paths on the command line and macOS FileOpen events."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QFileOpenEvent

from cnaps_desktop import __main__ as entry
from cnaps_desktop.app import main as app
from cnaps_desktop.gui.file_open_filter import FileOpenFilter


def test_existing_files_open_the_app_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"not read here")
    opened: list[list[str]] = []
    monkeypatch.setattr(app, "main", lambda paths=None: opened.append(paths) or 0)

    assert entry.main([str(photo)]) == 0
    assert opened == [[str(photo)]]


def test_subcommands_and_missing_files_go_to_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(app, "main", lambda paths=None: pytest.fail("the app must not open"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()  # a folder named like a subcommand is still the subcommand

    assert entry.main(["models", "list"]) == 0
    assert entry.main([str(tmp_path / "missing.jpg")]) == 2
    assert "missing.jpg does not exist" in capsys.readouterr().err


def test_file_open_events_reach_the_window(qapp) -> None:
    opened: list[list[Path]] = []
    target = QObject()
    file_filter = FileOpenFilter(opened.append)
    target.installEventFilter(file_filter)

    QCoreApplication.sendEvent(target, QFileOpenEvent("/photos/holiday.heic"))

    assert opened == [[Path("/photos/holiday.heic")]]
