"""Failures shown to people: one plain sentence, with details to copy; and the last-resort hook.

Errors the engine raises on purpose (CnapsError) already are one plain sentence. Anything else is
a bug: its traceback is written to the log folder and the person sees a short message saying so.
Uncaught exceptions from any thread end up here through :func:`install_exception_hooks`.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from cnaps_desktop import paths
from cnaps_desktop.engine.errors import Cancelled, CnapsError

log = logging.getLogger(__name__)


def plain_message(error: BaseException) -> str:
    """The one sentence to show for ``error``."""
    if isinstance(error, CnapsError):
        return str(error)
    if isinstance(error, MemoryError):
        return "The computer ran out of memory; try a smaller tile size or close other programs."
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"The file system refused the operation{where}: {error.strerror}."
    return f"Something went wrong inside CNAPS Desktop ({type(error).__name__}); details are below."


def details_of(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def log_error(error: BaseException, context: str = "") -> Path:
    """Append the traceback to today's log file; returns the file."""
    log_file = paths.logs_dir() / f"cnaps-desktop-{datetime.now():%Y-%m-%d}.log"
    with log_file.open("a", encoding="utf-8") as handle:
        handle.write(f"\n[{datetime.now():%H:%M:%S}] {context}\n{details_of(error)}")
    return log_file


def show_error(parent: QWidget | None, title: str, error: BaseException) -> QMessageBox | None:
    """A non-blocking dialog with the sentence and a "Copy details" button; silent for Cancelled."""
    if isinstance(error, Cancelled):
        return None
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(plain_message(error))
    box.setDetailedText(details_of(error))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    # QMessageBox closes on any button; take this one out of that so copying keeps it open.
    copy.clicked.disconnect()
    copy.clicked.connect(
        lambda: QApplication.clipboard().setText(f"{box.text()}\n\n{details_of(error)}")
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class UncaughtErrorNotifier(QObject):
    """Receives uncaught exceptions from any thread and shows them on the GUI thread."""

    raised = Signal(object, str)

    def __init__(self, show: Callable[[BaseException, str], None]) -> None:
        super().__init__()
        self._show = show
        self.raised.connect(self._on_raised, Qt.ConnectionType.QueuedConnection)

    @Slot(object, str)
    def _on_raised(self, error: BaseException, log_file: str) -> None:
        self._show(error, log_file)

    def report(self, error: BaseException, context: str) -> None:
        try:
            log_file = str(log_error(error, context))
        except OSError:
            log.exception("could not write the error log")
            log_file = ""
        self.raised.emit(error, log_file)


def install_exception_hooks(notifier: UncaughtErrorNotifier) -> Callable[[], None]:
    """Route sys.excepthook and threading.excepthook to ``notifier``; returns an undo function."""
    previous_sys, previous_thread = sys.excepthook, threading.excepthook

    def on_main(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        notifier.report(error.with_traceback(trace), "uncaught on the GUI thread")

    def on_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            name = args.thread.name if args.thread else "?"
            notifier.report(args.exc_value, f"uncaught in thread {name}")

    sys.excepthook, threading.excepthook = on_main, on_thread

    def undo() -> None:
        sys.excepthook, threading.excepthook = previous_sys, previous_thread

    return undo
