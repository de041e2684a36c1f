"""File > "Find blurry photos in a folder...": the scan runs on a worker thread with progress and
Cancel, lists the photos most blurred first, and adds the checked ones to the file list."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.diagnosis import Diagnosis
from cnaps_desktop.engine.diagnosis.scan import ScanFailure, ScanProgress, ScanResult, scan_folder
from cnaps_desktop.engine.errors import UnreadableImageError
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.scan_rows import progress_line, summary
from cnaps_desktop.gui.widgets.scan_dialog import EMPTY_TEXT, ScanDialog
from tests.gui.conftest import worker_threads
from tests.gui.diagnoses import defocus, motion, sharp

FOLDER = Path("/photos")


@pytest.fixture
def bridge() -> Iterator[JobBridge]:
    jobs = JobBridge()
    yield jobs
    assert jobs.shutdown(5)
    assert not worker_threads(), "a worker thread was left running"


def found() -> list[Diagnosis]:
    """Most blurred first, as the engine sorts them."""
    return [
        motion(file="/photos/2019/shake.jpg"),
        defocus(file="/photos/soft.jpg"),
        motion(file="/photos/maybe.jpg", blur_confidence=0.55),
        sharp(file="/photos/sharp.jpg"),
    ]


class GatedScan:
    """Reports each file, waits at a gate before diagnosing it, and honours the token."""

    def __init__(self, diagnoses: list[Diagnosis], failures: tuple[ScanFailure, ...] = ()):
        self.diagnoses = diagnoses
        self.failures = failures
        self.gate = threading.Event()
        self.gate.set()
        self.reached = threading.Event()

    def __call__(
        self, folder: Path, token: CancelToken, progress: Callable[[ScanProgress], None]
    ) -> ScanResult:
        done: list[Diagnosis] = []
        total = len(self.diagnoses)
        for index, diagnosis in enumerate(self.diagnoses):
            if token.cancelled:
                return ScanResult(tuple(done), (), cancelled=True)
            progress(ScanProgress(index, total, Path(diagnosis.file or "")))
            self.reached.set()
            self.gate.wait(10)
            done.append(diagnosis)
        progress(ScanProgress(total, total, None))
        return ScanResult(tuple(done), self.failures, cancelled=False)


def open_dialog(qtbot: Any, scan: Any, bridge: JobBridge) -> ScanDialog:
    dialog = ScanDialog(FOLDER, scan, bridge)
    qtbot.addWidget(dialog)
    dialog.show()  # starts the scan
    return dialog


def test_results_are_listed_worst_first_with_the_clear_ones_checked(
    qtbot: Any, bridge: JobBridge
) -> None:
    broken = ScanFailure(Path("/photos/broken.jpg"), "broken.jpg is damaged; expected a photo.")
    dialog = open_dialog(qtbot, GatedScan(found(), (broken,)), bridge)
    qtbot.waitUntil(lambda: dialog.results.isVisible(), timeout=5000)
    rows = dialog.rows()
    assert [row.name for row in rows] == [
        "2019/shake.jpg",
        "soft.jpg",
        "maybe.jpg",
        "sharp.jpg",
        "broken.jpg",
    ]
    assert [row.blur for row in rows] == [
        "motion, 14 px",
        "out of focus",
        "motion, 14 px",
        "sharp",
        "could not be read",
    ]
    assert rows[0].needs.startswith("Motion deblurring (about 14 px at 30 degrees)")
    assert [row.checked for row in rows] == [True, True, False, False, False]
    assert rows[-1].failed and rows[-1].needs == "broken.jpg is damaged; expected a photo."
    broken_item = dialog.results.topLevelItem(4)
    assert not broken_item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert dialog.status.text() == ("4 photos: 3 look blurred, 2 checked; 1 could not be read.")
    assert not dialog.progress.isVisible() and not dialog.cancel_button.isVisible()


def test_add_to_file_list_sends_the_checked_photos(qtbot: Any, bridge: JobBridge) -> None:
    dialog = open_dialog(qtbot, GatedScan(found()), bridge)
    qtbot.waitUntil(lambda: dialog.results.isVisible(), timeout=5000)
    dialog.results.topLevelItem(1).setCheckState(0, Qt.CheckState.Unchecked)
    dialog.results.topLevelItem(2).setCheckState(0, Qt.CheckState.Checked)
    assert "2 checked" in dialog.status.text()
    with qtbot.waitSignal(dialog.add_requested, timeout=1000) as sent:
        dialog.add_button.click()
    assert sent.args == [[Path("/photos/2019/shake.jpg"), Path("/photos/maybe.jpg")]]
    assert not dialog.isVisible()


def test_nothing_checked_means_nothing_to_add(qtbot: Any, bridge: JobBridge) -> None:
    dialog = open_dialog(qtbot, GatedScan([sharp()]), bridge)
    qtbot.waitUntil(lambda: dialog.results.isVisible(), timeout=5000)
    assert not dialog.add_button.isEnabled()
    dialog.results.topLevelItem(0).setCheckState(0, Qt.CheckState.Checked)
    assert dialog.add_button.isEnabled()


def test_progress_names_the_current_file_and_cancel_keeps_what_was_found(
    qtbot: Any, bridge: JobBridge
) -> None:
    scan = GatedScan(found())
    scan.gate.clear()
    dialog = open_dialog(qtbot, scan, bridge)
    qtbot.waitUntil(lambda: "2019/shake.jpg" in dialog.status.text(), timeout=5000)
    assert dialog.status.text() == "Photo 1 of 4: 2019/shake.jpg"
    assert dialog.progress.maximum() == 4 and dialog.progress.value() == 0
    assert dialog.is_running()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelling after the current photo..."
    scan.gate.set()
    qtbot.waitUntil(lambda: dialog.results.isVisible(), timeout=5000)
    assert [row.name for row in dialog.rows()] == ["2019/shake.jpg"]
    assert dialog.status.text().startswith("Cancelled after 1 of 4 files. 1 photo:")


def test_an_empty_folder_says_so(qtbot: Any, bridge: JobBridge, tmp_path: Path) -> None:
    dialog = ScanDialog(tmp_path, scan_folder, bridge)  # the real engine scan
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.status.text() == EMPTY_TEXT, timeout=5000)
    assert not dialog.results.isVisible() and not dialog.add_button.isEnabled()


def test_a_folder_that_is_not_there_is_one_sentence(qtbot: Any, bridge: JobBridge) -> None:
    def missing(folder: Path, token: CancelToken, progress: Any) -> ScanResult:
        raise UnreadableImageError(f"{folder} is not a folder; expected a folder of photos.")

    dialog = open_dialog(qtbot, missing, bridge)
    qtbot.waitUntil(lambda: "not a folder" in dialog.status.text(), timeout=5000)
    assert dialog.status.text() == "/photos is not a folder; expected a folder of photos."


def test_closing_during_a_scan_stops_it_and_nothing_arrives(qtbot: Any, bridge: JobBridge) -> None:
    scan = GatedScan(found())
    scan.gate.clear()
    dialog = open_dialog(qtbot, scan, bridge)
    assert scan.reached.wait(5)
    dialog.reject()
    scan.gate.set()
    qtbot.waitUntil(bridge.idle, timeout=5000)
    assert dialog.rows() == [] and not dialog.results.isVisible()


def test_a_real_scan_of_a_folder_with_a_broken_file(
    qtbot: Any, bridge: JobBridge, tmp_path: Path
) -> None:
    from PIL import Image

    Image.new("RGB", (64, 48), (120, 80, 40)).save(tmp_path / "flat.png")
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    dialog = ScanDialog(tmp_path, scan_folder, bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.results.isVisible(), timeout=10000)
    rows = dialog.rows()
    assert [(row.name, row.failed, row.checked) for row in rows] == [
        ("flat.png", False, False),
        ("broken.jpg", True, False),
    ]
    assert rows[1].needs.startswith("broken.jpg")


def test_the_words_of_progress_and_summary() -> None:
    assert progress_line(0, 0, "", None) == "Looking for photos..."
    assert progress_line(11, 40, "a/b.jpg", 8.2) == "Photo 12 of 40: a/b.jpg - about 8 s left"
    assert progress_line(40, 40, "", 0.0) == "All 40 looked at."
    assert progress_line(1, 400, "x.jpg", 600) == "Photo 2 of 400: x.jpg - about 10 min left"
    assert summary([], cancelled=False) == "0 photos: 0 look blurred, 0 checked."
