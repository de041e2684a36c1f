"""Render the main window in its main states to PNGs in docs/screenshots/ (offscreen).

    python tools/render_screenshots.py --checkpoint FILE [--out docs/screenshots]

Runs the real window on the real engine: drops real photos from ../shared/data, restores them
with the given checkpoint (default: the catalog's default entry when installed) and grabs the
window at each state: empty (with the first-version notice), a photo's diagnosis before any model
runs, processing, a photo restored with the divider in the middle, what the model changed (D),
the side pane scrolled to the papers, Export comparison, an error, side by side in the dark
theme, Find blurry photos in a folder, and a video frame with the scrubber.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHARED_DATA = (
    Path(os.environ.get("CNAPS_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))
    / "data"
)
WINDOW_SIZE = (1440, 880)


def dark_palette() -> object:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f2023",
        QPalette.ColorRole.AlternateBase: "#27292c",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#35373b",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb2ff",
        QPalette.ColorRole.ToolTipBase: "#35373b",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8c90",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#808080"))
    return palette


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cnaps_desktop.app.main import prepare_process

    prepare_process()
    work = Path(tempfile.mkdtemp(prefix="cnaps-shots-"))
    os.environ["CNAPS_DESKTOP_HOME"] = str(work / "home")

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

    from cnaps_desktop.app.engine_services import real_services
    from cnaps_desktop.engine.models import find_entry
    from cnaps_desktop.gui.main_window import MainWindow
    from cnaps_desktop.gui.scan_and_export import open_scan
    from cnaps_desktop.gui.widgets.export_dialog import ExportDialog

    entry = find_entry("default")
    if args.checkpoint is None and (entry is None or entry.installed_path() is None):
        parser.error("no default checkpoint is installed; pass --checkpoint FILE")
    app = QApplication.instance() or QApplication(sys.argv)
    app.setStyle("Fusion")  # the same look on every machine that renders these
    args.out.mkdir(parents=True, exist_ok=True)
    photos = work / "photos"
    photos.mkdir()
    blurry = SHARED_DATA / "real_blurry"
    # The engine diagnoses this one as motion blur (about 96 px), which it is.
    shake = photos / "camera_shake.jpg"
    shutil.copy(blurry / "kwentar_176_HONOR-7X_motion.jpg", shake)
    soft = photos / "garden_out_of_focus.jpg"
    shutil.copy(blurry / "kwentar_106_NIKON-D3400_defocus.jpg", soft)
    broken = photos / "holiday_2019.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 cut off in the middle of a copy")

    def wait_for(condition: Callable[[], bool], seconds: float = 900.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the window did not reach the expected state")
            app.processEvents()
            time.sleep(0.02)

    def settle() -> None:
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)

    def save(window: MainWindow, name: str, dialog: QWidget | None = None) -> None:
        settle()
        shot = window.grab()
        if dialog is not None:
            if isinstance(dialog, QMessageBox):
                dialog.adjustSize()
            settle()
            over = dialog.grab()
            painter = QPainter(shot)
            painter.fillRect(shot.rect(), Qt.GlobalColor.transparent)
            x = (shot.width() - over.width()) // 2
            y = (shot.height() - over.height()) // 3
            painter.drawPixmap(x, y, over)
            painter.end()
        path = args.out / f"{name}.png"
        shot.save(str(path))
        print(f"wrote {path} ({QPixmap(str(path)).width()} x {QPixmap(str(path)).height()})")

    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("run/device", "cpu")
    window = MainWindow(real_services(), settings)
    window.resize(*WINDOW_SIZE)
    window.show()
    wait_for(window.bridge.idle)
    if args.checkpoint is not None:
        window.picker.use_file(args.checkpoint)  # else the default, chosen on a first start
    wait_for(lambda: window.bridge.idle() and window.notice.isVisible())
    save(window, "1-empty")

    # What the photo needs, before any model runs: open it and stop the restore at once (Esc).
    window.add_paths([shake, soft])
    wait_for(lambda: window.session.on_screen is not None and window.compare.has_image())
    wait_for(lambda: window.findings.diagnosis is not None)
    window.session.cancel()
    wait_for(lambda: window.bridge.idle() and window.findings.diagnosis is not None)
    window.compare.set_split(0.8)  # room for the whole badge
    save(window, "8-diagnosis")

    window.restore()
    wait_for(lambda: window.compare._after is not None)  # the visible-area preview
    wait_for(lambda: "tile" in window.status_text.text() and "left" in window.status_text.text())
    window.compare.set_split(0.5)
    save(window, "2-processing")

    wait_for(lambda: window.session.on_screen.result is not None)
    wait_for(lambda: window.findings.change is not None)
    save(window, "3-photo-split")

    window.changes.button.click()  # D: what the model changed, over the "after" side
    window.compare.set_split(0.3)
    window.explain.show_section("What happened")
    window.explain.find("Before vs after")  # scrolls the run facts to their "Before vs after" row
    cursor = window.explain.textCursor()
    cursor.clearSelection()
    window.explain.setTextCursor(cursor)
    save(window, "9-what-changed")
    window.changes.button.click()

    window.compare.actual_size()
    window.compare.set_split(0.45)
    window.explain.show_section("Papers and code")
    save(window, "4-side-pane-papers-100-percent")

    window.export_comparison()  # of the part in view, at 100%
    export = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    save(window, "11-export-comparison", export)
    export.reject()
    window.compare.fit()

    window.add_paths([broken])
    wait_for(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    dialog = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    save(window, "5-error", dialog)
    dialog.close()

    # What a person with a dark system theme sees. The offscreen platform has no system theme to
    # follow, so this applies the palette a dark desktop theme hands to Qt.
    app.setPalette(dark_palette())
    window.files.select(soft)
    wait_for(
        lambda: (
            window.session.on_screen.path == soft
            and window.session.on_screen.result is not None
            and window.findings.diagnosis is not None
            and window.findings.change is not None
        )
    )
    window.side_by_side_button.setChecked(True)
    window.explain.show_section("What happened")
    save(window, "6-dark-side-by-side")

    app.setPalette(app.style().standardPalette())
    window.side_by_side_button.setChecked(False)
    scan = open_scan(
        window, blurry, window.services, window.bridge, window.picker.current(), window.add_paths
    )
    wait_for(scan.results.isVisible)
    save(window, "10-find-blurry-photos", scan)
    scan.reject()

    clip = SHARED_DATA / "videos" / "shake_speech_960x540_30fps_h264_aac.mp4"
    window.add_paths([clip])
    wait_for(window.video_bar.isVisible)
    window.video_bar.slider.setValue(45)
    wait_for(lambda: window.session.on_screen.frame == 45)
    wait_for(lambda: window.session.on_screen.result is not None)
    window.explain.show_section("What happened")
    save(window, "7-video-frame")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
