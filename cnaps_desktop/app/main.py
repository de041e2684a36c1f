"""The GUI entry point: QApplication, the qasync event loop, the main window.

The only importer of ``gui/``; it also builds the real engine bundle for the window.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys


def prepare_process() -> None:
    """Settings that must be in place before torch starts its CPU threads.

    OpenMP threads normally spin for a while after each parallel step, waiting for more work.
    The window's thread then finds every core busy and repaints late (measured: stalls of
    150-350 ms while a photo restores on a 2-core CPU, 37 ms with passive waiting). Passive
    waiting also wastes less CPU when other programs are running. A value the person set wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main(open_paths: list[str] | None = None) -> int:
    """Open the window (with ``open_paths`` listed, as "Open with" asks) and run until closed."""
    prepare_process()
    from cnaps_desktop.app.system_libraries import check_window_libraries

    missing = check_window_libraries()
    if missing:  # before Qt loads: Qt itself would abort with a screen of plugin errors
        print(missing, file=sys.stderr)
        return 2
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from cnaps_desktop import paths
    from cnaps_desktop.app.engine_services import real_services
    from cnaps_desktop.gui.file_open_filter import FileOpenFilter
    from cnaps_desktop.gui.main_window import MainWindow
    from cnaps_desktop.gui.widgets.error_dialog import (
        UncaughtErrorNotifier,
        install_exception_hooks,
        show_error,
    )
    from cnaps_desktop.resources import resource_path

    logging.basicConfig(
        filename=paths.logs_dir() / "cnaps-desktop.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    QApplication.setApplicationName("CNAPS Desktop")
    QApplication.setOrganizationName("CNAPS")
    app = QApplication.instance() or QApplication(sys.argv)
    app.setWindowIcon(QIcon(str(resource_path("icons", "cnaps-desktop-256.png"))))

    window = MainWindow(real_services())
    notifier = UncaughtErrorNotifier(
        lambda error, log_file: show_error(window, "Unexpected error", error)
    )
    undo_hooks = install_exception_hooks(notifier)
    # Colours come from the system palette; repaint when the system switches light/dark.
    app.styleHints().colorSchemeChanged.connect(lambda _: window.update())
    window.show()
    file_open_filter = FileOpenFilter(window.add_paths, app)
    app.installEventFilter(file_open_filter)
    if open_paths:
        from pathlib import Path

        window.add_paths([Path(p) for p in open_paths])

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    try:
        with loop:
            loop.run_until_complete(closed.wait())
    finally:
        undo_hooks()
    if window.bridge.runner.threads_alive():
        # A worker is still inside one long tile after the close waited for it. Python cannot
        # stop a thread that is inside torch, and letting the interpreter tear down around it
        # aborts the process; nothing is half-written (outputs go to a temp file first), so
        # leave at once.
        logging.getLogger(__name__).info("leaving while a worker finishes its tile")
        logging.shutdown()
        os._exit(0)
    return 0
