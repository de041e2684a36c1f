"""File > "Find blurry photos in a folder..." and File > "Export comparison...": what the window
hands the two dialogs (the engine's work through its services, the pictures on screen).

Both dialogs are window-modal and delete themselves when closed; their work runs on worker
threads through the window's :class:`~cnaps_desktop.gui.job_bridge.JobBridge`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.pixels import Box
from cnaps_desktop.gui.diagnosis_facts import ScanProgressFacts, ScanResultFacts
from cnaps_desktop.gui.export_choice import export_area
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.screen_model import OnScreen
from cnaps_desktop.gui.services import EngineServices
from cnaps_desktop.gui.widgets.export_dialog import ExportDialog
from cnaps_desktop.gui.widgets.scan_dialog import ScanDialog

SCAN_WORKER = "scan"
"""Its own worker, so the photo opened meanwhile is still diagnosed at once."""


def ask_folder_to_scan(parent: QWidget) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "Find blurry photos in a folder")
    return Path(folder) if folder else None


def open_scan(
    parent: QWidget,
    folder: Path,
    services: EngineServices,
    bridge: JobBridge,
    checkpoint: str,
    add_paths: Callable[[list[Path]], None],
) -> ScanDialog:
    """The scan dialog for ``folder``, judging against ``checkpoint``; it adds what is chosen."""

    def scan(
        root: Path, token: CancelToken, progress: Callable[[ScanProgressFacts], None]
    ) -> ScanResultFacts:
        return services.scan_folder(root, token, progress, checkpoint)

    dialog = ScanDialog(folder, scan, bridge, parent, worker=SCAN_WORKER)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.add_requested.connect(add_paths)
    dialog.open()
    return dialog


def open_export(
    parent: QWidget,
    screen: OnScreen,
    visible: Box | None,
    services: EngineServices,
    bridge: JobBridge,
    on_exported: Callable[[Path], None],
) -> ExportDialog | None:
    """The export dialog over the before and after on screen: the part in view, or all of it.

    None when the whole picture on screen has no result yet.
    """
    if screen.image is None or screen.result is None:
        return None
    before, after, inputs = screen.image.pixels, screen.result, [screen.path]
    height, width = before.shape[:2]
    area = export_area(visible, (width, height))

    def write(path: Path) -> Path:
        return services.export_comparison(path, before, after, area.box, inputs)

    dialog = ExportDialog(screen.path, inputs, write, bridge, parent, area=area.words)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.exported.connect(on_exported)
    dialog.open()
    return dialog
