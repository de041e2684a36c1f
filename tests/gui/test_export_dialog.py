"""File > "Export comparison": side by side (PNG, JPEG) or an animated wipe (GIF, MP4), named
``<stem>_comparison.<ext>`` beside the input, never over an input, written on a worker thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cnaps_desktop.engine.compare import export_comparison
from cnaps_desktop.engine.errors import OutputError
from cnaps_desktop.gui.export_choice import FORMATS, ExportFormat, default_path, refusal
from cnaps_desktop.gui.job_bridge import JobBridge
from cnaps_desktop.gui.widgets.export_dialog import ExportDialog
from tests.gui.conftest import worker_threads


@pytest.fixture
def bridge() -> Iterator[JobBridge]:
    jobs = JobBridge()
    yield jobs
    assert jobs.shutdown(5)
    assert not worker_threads(), "a worker thread was left running"


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "IMG_0412.jpg"
    path.write_bytes(b"a photo")
    return path


def dialog_for(
    qtbot: Any, photo: Path, bridge: JobBridge, write: Any, **kwargs: Any
) -> ExportDialog:
    dialog = ExportDialog(photo, [photo], write, bridge, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_default_name_follows_the_choice(qtbot: Any, photo: Path, bridge: JobBridge) -> None:
    dialog = dialog_for(qtbot, photo, bridge, lambda path: path)
    assert dialog.kind() == "side_by_side" and dialog.export_format().name == "PNG"
    assert dialog.target() == photo.parent / "IMG_0412_comparison.png"
    dialog.set_kind("side_by_side", "JPEG")
    assert dialog.target().name == "IMG_0412_comparison.jpg"
    dialog.set_kind("wipe")
    assert dialog.target().name == "IMG_0412_comparison.gif"
    assert not dialog.format_boxes["side_by_side"].isEnabled()
    dialog.set_kind("wipe", "MP4")
    assert dialog.target().name == "IMG_0412_comparison.mp4"
    dialog.path_edit.setText(str(photo.parent / "holiday.mp4"))  # a name of one's own
    dialog.set_kind("side_by_side", "PNG")
    assert dialog.target().name == "holiday.png"  # keeps the name, takes the suffix


def test_an_existing_comparison_is_not_the_default(photo: Path) -> None:
    png = FORMATS["side_by_side"][0]
    (photo.parent / "IMG_0412_comparison.png").write_bytes(b"earlier")
    assert default_path(photo, png).name == "IMG_0412_comparison_2.png"


def test_an_input_or_a_wrong_suffix_is_refused_in_one_sentence(
    qtbot: Any, photo: Path, bridge: JobBridge
) -> None:
    written: list[Path] = []
    dialog = dialog_for(qtbot, photo, bridge, written.append)
    dialog.set_kind("side_by_side", "JPEG")
    dialog.path_edit.setText(str(photo))
    dialog.export()
    assert dialog.status.text() == (
        "IMG_0412.jpg is one of the pictures being compared; choose another name so it is kept."
    )
    dialog.set_kind("wipe", "GIF")
    dialog.path_edit.setText(str(photo.parent / "wipe.png"))
    dialog.export()
    assert dialog.status.text() == "wipe.png: an animated wipe is saved as a .gif or .mp4 file."
    assert written == [] and dialog.isVisible()
    assert photo.read_bytes() == b"a photo"


def test_a_hard_link_to_an_input_is_the_input(photo: Path) -> None:
    link = photo.parent / "alias.jpg"
    link.hardlink_to(photo)
    assert refusal(link, "side_by_side", [photo]) is not None
    assert refusal(photo.parent / "nowhere" / "x.png", "side_by_side", [photo]) == (
        f"{photo.parent / 'nowhere'} is not a folder; choose an existing folder."
    )


def test_export_writes_on_a_worker_and_closes(qtbot: Any, photo: Path, bridge: JobBridge) -> None:
    threads: list[str] = []

    def write(path: Path) -> Path:
        threads.append(threading.current_thread().name)
        path.write_bytes(b"comparison")
        return path

    dialog = dialog_for(qtbot, photo, bridge, write)
    with qtbot.waitSignal(dialog.exported, timeout=5000) as sent:
        dialog.export_button.click()
    target = photo.parent / "IMG_0412_comparison.png"
    assert sent.args == [target] and target.read_bytes() == b"comparison"
    assert threads == ["cnaps-worker-io"]
    assert not dialog.isVisible()


def test_a_failed_write_is_one_sentence_and_the_dialog_stays(
    qtbot: Any, photo: Path, bridge: JobBridge
) -> None:
    def write(path: Path) -> Path:
        raise OutputError(f"{path.name} cannot be written: the disk is full.", path=path)

    dialog = dialog_for(qtbot, photo, bridge, write)
    dialog.export()
    assert dialog.is_writing() and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.is_writing(), timeout=5000)
    assert dialog.status.text() == "IMG_0412_comparison.png cannot be written: the disk is full."
    assert dialog.isVisible() and dialog.export_button.isEnabled()


def test_choose_uses_the_save_dialog_and_fixes_a_missing_suffix(
    qtbot: Any, photo: Path, bridge: JobBridge
) -> None:
    asked: list[tuple[Path, ExportFormat]] = []

    def ask(parent: Any, suggested: Path, export_format: ExportFormat) -> Path | None:
        asked.append((suggested, export_format))
        return photo.parent / "for-my-aunt"

    dialog = dialog_for(qtbot, photo, bridge, lambda path: path, ask_path=ask)
    dialog.set_kind("wipe", "MP4")
    dialog.choose_button.click()
    assert asked == [(photo.parent / "IMG_0412_comparison.mp4", FORMATS["wipe"][1])]
    assert dialog.target() == photo.parent / "for-my-aunt.mp4"


def test_the_engine_export_through_the_dialog(qtbot: Any, photo: Path, bridge: JobBridge) -> None:
    before = np.zeros((40, 60, 3), np.uint8)
    after = np.full((40, 60, 3), 200, np.uint8)

    def write(path: Path) -> Path:
        return export_comparison(path, before, after, inputs=[photo])

    dialog = dialog_for(qtbot, photo, bridge, write)
    with qtbot.waitSignal(dialog.exported, timeout=10000) as sent:
        dialog.export()
    written: Path = sent.args[0]
    assert written.name == "IMG_0412_comparison.png"
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_export_says_whether_it_is_the_part_in_view_or_the_whole_picture() -> None:
    from cnaps_desktop.gui.export_choice import export_area

    whole = export_area((0, 0, 4000, 3000), (4000, 3000))
    assert whole.box is None and whole.words == "Exports the whole picture (4,000 x 3,000 px)."
    assert export_area(None, (4000, 3000)).box is None
    part = export_area((1000, 500, 2024, 1268), (4000, 3000))
    assert part.box == (1000, 500, 2024, 1268)
    assert part.words.startswith("Exports the part in view (1,024 x 768 px of 4,000 x 3,000 px)")
