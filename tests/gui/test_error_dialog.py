"""Errors: one sentence with details to copy; cancelling is silent; uncaught ones are logged."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from cnaps_desktop import paths
from cnaps_desktop.engine.errors import Cancelled, CorruptImageError
from cnaps_desktop.gui.widgets.error_dialog import (
    UncaughtErrorNotifier,
    install_exception_hooks,
    plain_message,
    show_error,
)


def test_engine_errors_are_shown_as_their_sentence_with_copyable_details(qtbot: Any) -> None:
    error = CorruptImageError("a.png is damaged; expected a complete image file.")
    box = show_error(None, "Could not open a.png", error)
    assert box is not None
    qtbot.addWidget(box)
    assert box.text() == "a.png is damaged; expected a complete image file."
    assert "CorruptImageError" in box.detailedText()
    [copy] = [b for b in box.findChildren(QPushButton) if b.text() == "Copy details"]
    copy.click()
    assert "a.png is damaged" in QApplication.clipboard().text()
    assert box.isVisible()  # copying does not close the dialog
    box.close()


def test_cancelling_shows_nothing() -> None:
    assert show_error(None, "Cancelled", Cancelled()) is None


def test_a_bug_is_described_plainly() -> None:
    assert "went wrong inside CNAPS Desktop (KeyError)" in plain_message(KeyError("x"))


def test_uncaught_errors_from_a_thread_are_logged_and_shown(qtbot: Any) -> None:
    shown: list[tuple[BaseException, str]] = []
    notifier = UncaughtErrorNotifier(lambda error, log_file: shown.append((error, log_file)))
    undo = install_exception_hooks(notifier)
    try:
        thread = threading.Thread(target=lambda: 1 / 0, name="test-thread")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    finally:
        undo()
    error, log_file = shown[0]
    assert isinstance(error, ZeroDivisionError)
    assert Path(log_file).parent == paths.logs_dir()
    assert "ZeroDivisionError" in Path(log_file).read_text()
    assert "test-thread" in Path(log_file).read_text()
    assert not [
        b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()
    ]
