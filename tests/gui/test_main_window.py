"""The window as a person uses it: drop files, choose a checkpoint, run, cancel, save, batch."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from cnaps_desktop.gui.file_entries import FileState
from tests.gui.conftest import EngineDouble


def drop(window: Any, paths: list[Path]) -> None:
    """A real drop event on the window, as the desktop sends it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)  # Qt only dispatches drops during a real drag; call the handler


def open_messages(window: Any) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def choose_checkpoint(window: Any, name: str) -> None:
    """Pick ``name`` in the checkpoint list, as a click on it does."""
    index = window.picker._index_of(name)
    window.picker.combo.setCurrentIndex(index)
    window.picker._on_activated(index)


def wait_idle(qtbot: Any, window: Any) -> None:
    """Until no job runs and every report has reached the GUI (a report may start a job)."""
    qtbot.waitUntil(window.bridge.idle, timeout=5000)


def test_starts_empty_with_the_drop_zone_and_the_welcome_pane(window: Any) -> None:
    assert window.centre.currentWidget() is window.drop_zone
    assert (
        "Drop photos, videos or folders here"
        in window.drop_zone.findChildren(type(window.status_text))[0].text()
    )
    assert (
        "does **not** upscale" in window.explain.toMarkdown()
        or "not" in window.explain.toPlainText()
    )
    assert window.picker.current() == "Tiny-GoPro"  # the installed entry


def test_dropping_photos_lists_them_and_restores_the_first(
    qtbot: Any, window: Any, photos: list[Path]
) -> None:
    drop(window, photos[:2])
    assert [e.path for e in window.files.entries()] == photos[:2]
    assert window.files.selected_path() == photos[0]
    wait_idle(qtbot, window)
    assert window.centre.currentIndex() == 1
    assert window.compare.has_image()
    entry = window.files.entry(photos[0])
    assert entry.state is FileState.DONE
    facts = window.session.on_screen.facts
    assert facts.input_size == (64, 48) and facts.tiles == 4
    assert window.session.can_save()


def test_dropping_a_folder_adds_its_photos_and_videos_only(window: Any, photos: list[Path]) -> None:
    folder = photos[0].parent
    (folder / "notes.txt").write_text("not a photo")
    (folder / "clip.mp4").write_bytes(b"video")
    drop(window, [folder])
    names = sorted(e.path.name for e in window.files.entries())
    assert names == ["a.png", "b.jpg", "c.png", "clip.mp4"]
    assert not open_messages(window)  # unsupported files inside a folder are skipped quietly


def test_dropping_an_unsupported_file_says_so_in_one_sentence(window: Any, tmp_path: Path) -> None:
    text = tmp_path / "letter.docx"
    text.write_text("hello")
    drop(window, [text])
    assert window.files.count() == 0
    [message] = open_messages(window)
    assert "letter.docx" in message.text() and "expected one of" in message.text()


def test_a_broken_photo_is_marked_failed_with_its_reason(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(b"fine")
    drop(window, [good])
    wait_idle(qtbot, window)
    assert window.compare.has_image()
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"broken bytes")
    drop(window, [broken])
    wait_idle(qtbot, window)
    assert not window.compare.has_image()  # never the previous photo under the broken one's name
    entry = window.files.entry(broken)
    assert entry.state is FileState.FAILED and "damaged" in entry.reason
    assert any("damaged" in box.text() for box in open_messages(window))


def test_choosing_another_checkpoint_restarts_the_preview_with_it(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.installed.add("Tiny-RealBlur")
    window.picker.refresh()
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    choose_checkpoint(window, "Tiny-RealBlur")
    wait_idle(qtbot, window)
    assert engine.loads[-1].checkpoint == "Tiny-RealBlur"
    assert window.session.on_screen.facts.model.name == "Tiny-RealBlur"
    assert window.store.checkpoint == "Tiny-RealBlur"


def test_a_missing_checkpoint_downloads_with_progress_then_is_chosen(
    qtbot: Any, window: Any, engine: EngineDouble
) -> None:
    window.picker.download("Tiny-RealBlur")
    wait_idle(qtbot, window)
    assert "Tiny-RealBlur" in engine.installed
    assert window.picker.current() == "Tiny-RealBlur"


def test_cancel_stops_the_run_silently(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.gate.clear()
    drop(window, [photos[0]])
    qtbot.waitUntil(engine.entered.is_set, timeout=5000)
    qtbot.waitUntil(window.cancel_button.isVisible, timeout=5000)
    window.window_actions.cancel.trigger()
    engine.gate.set()
    wait_idle(qtbot, window)
    assert window.files.entry(photos[0]).state is FileState.CANCELLED
    assert not open_messages(window)
    assert not window.cancel_button.isVisible()
    assert window.status_text.text() == "Ready."


def test_switching_image_drops_the_late_result_of_the_previous_one(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.gate.clear()
    drop(window, photos[:2])
    qtbot.waitUntil(engine.entered.is_set, timeout=5000)
    window.files.select(photos[1])  # while the first is still restoring
    engine.gate.set()
    wait_idle(qtbot, window)
    screen = window.session.on_screen
    assert screen.path == photos[1]
    expected = 255 - window.session._services.read_image(photos[1]).pixels
    assert np.array_equal(screen.result, expected)
    assert window.files.entry(photos[0]).state is not FileState.DONE


def test_save_writes_beside_the_original_and_never_over_it(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path], monkeypatch: Any
) -> None:
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    original = photos[0].read_bytes()
    suggested = window.session.default_output_path()
    assert suggested == photos[0].with_name("a_restored.png")
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(suggested), "PNG (*.png)")
    )
    window.window_actions.save.trigger()
    wait_idle(qtbot, window)
    assert engine.saved == [suggested]
    assert photos[0].read_bytes() == original
    assert window.session.on_screen.facts.output_path == suggested
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(photos[0]), ""))
    window.window_actions.save.trigger()
    wait_idle(qtbot, window)
    assert photos[0].read_bytes() == original
    assert any("original" in box.text() for box in open_messages(window))


def test_restore_all_writes_into_the_output_folder_and_goes_on_past_failures(
    qtbot: Any, window: Any, photos: list[Path], tmp_path: Path
) -> None:
    broken = photos[0].parent / "broken.png"
    broken.write_bytes(b"broken bytes")
    out = tmp_path / "out"
    out.mkdir()
    window.store.output_dir = out
    drop(window, [*photos, broken])
    wait_idle(qtbot, window)
    for box in open_messages(window):
        box.close()
    window.window_actions.restore_all.trigger()
    wait_idle(qtbot, window)
    states = {e.path.name: e.state for e in window.files.entries()}
    assert states == {
        "a.png": FileState.DONE,
        "b.jpg": FileState.DONE,
        "c.png": FileState.DONE,
        "broken.png": FileState.FAILED,
    }
    assert sorted(p.name for p in out.iterdir()) == [
        "a_restored.npy",
        "b_restored.npy",
        "c_restored.npy",
    ]
    assert any("1 failed" in box.text() for box in open_messages(window))


def test_settings_are_remembered_across_windows(
    qtbot: Any, engine: EngineDouble, fresh_settings: Any, tmp_path: Path
) -> None:
    from cnaps_desktop.gui.main_window import MainWindow

    first = MainWindow(engine.services(), fresh_settings)
    qtbot.addWidget(first)
    first.store.output_dir = tmp_path
    first.store.device = "cpu"
    first.store.tile = 512
    first.resize(700, 500)  # inside the offscreen screen (800 x 600)
    first.close()
    second = MainWindow(engine.services(), fresh_settings)
    qtbot.addWidget(second)
    settings = second.run_settings()
    assert (settings.output_dir, settings.device, settings.tile) == (tmp_path, "cpu", 512)
    assert (second.width(), second.height()) == (700, 500)
    second.close()


def test_a_video_shows_the_scrubber_and_previews_the_chosen_frame(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video")
    drop(window, [clip])
    wait_idle(qtbot, window)
    assert window.video_bar.isVisible()
    assert window.video_bar.slider.maximum() == 9
    window.video_bar.slider.setValue(3)
    qtbot.waitUntil(lambda: window.session.on_screen.frame == 3, timeout=3000)
    wait_idle(qtbot, window)
    assert window.session.on_screen.image.pixels[0, 0, 0] == 60
    assert "Frame\n4 of 10" in window.explain.toPlainText()
    pane = window.explain.toPlainText()
    assert "1 audio stream(s): aac" in pane and "kept" not in pane  # no claim before a run


def test_a_part_of_a_video_can_be_chosen_and_is_what_gets_restored(
    qtbot: Any, window: Any, engine: EngineDouble, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video")
    drop(window, [clip])
    wait_idle(qtbot, window)
    bar = window.video_bar
    assert "whole video (10 frames)" in bar.range_label.text()
    assert not bar.whole_button.isVisible()
    bar.slider.setValue(3)
    bar.start_at_current()
    bar.slider.setValue(7)
    bar.end_at_current()
    assert bar.frame_range() == (3, 8)
    assert "frames 4 to 8 of 10" in bar.range_label.text() and bar.whole_button.isVisible()
    bar.slider.setValue(1)
    bar.end_at_current()  # an end before the start: the part starts at the beginning again
    assert bar.frame_range() == (0, 2)
    bar.slider.setValue(5)
    bar.start_at_current()  # a start after the end: the part runs to the end again
    assert bar.frame_range() == (5, 10)
    bar.button.click()
    wait_idle(qtbot, window)
    path, settings = engine.videos[-1]
    assert path == clip and settings.frame_range(clip) == (5, 10)
    bar.whole_button.click()
    assert bar.frame_range() == (0, 10) and window.run_settings().video_ranges == ()
    bar.button.click()
    wait_idle(qtbot, window)
    assert engine.videos[-1][1].frame_range(clip) is None


def test_the_visible_area_is_restored_first_then_the_whole_picture(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    window.session.model.preview_side = (
        16  # the test photo is 64 x 48: restore a 16 x 16 part first
    )
    shown: list[tuple[object, str, object]] = []
    window.session.after_changed.connect(lambda after, note, box: shown.append((after, note, box)))
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    regions = [(note, box) for after, note, box in shown if after is not None]
    assert len(regions) == 2
    first_note, first_box = regions[0]
    assert "Preview" in first_note and first_box == (24, 16, 40, 32)
    assert regions[1] == ("", None)  # then the whole picture, without the badge
    window.compare.grab()  # paints the outlined preview without error


def test_open_dialog_adds_files_and_remembers_them_as_recent(
    qtbot: Any, window: Any, photos: list[Path], monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in photos[1:]], "")
    )
    window.window_actions.open.trigger()
    wait_idle(qtbot, window)
    assert [e.path for e in window.files.entries()] == photos[1:]
    assert window.store.recent_files[:2] == photos[1:]
    window.menus.recent.aboutToShow.emit()
    assert [a.text() for a in window.menus.recent.actions()][:2] == [str(p) for p in photos[1:]]
    window.files.remove(photos[1])
    window.menus.recent.actions()[0].trigger()
    assert photos[1] in [e.path for e in window.files.entries()]


def test_a_precision_chosen_in_the_run_menu_is_stored_and_restarts_the_preview(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    [precision] = [a.menu() for a in window.menus.run.actions() if a.text() == "Precision"]
    [fp32] = [a for a in precision.actions() if a.text() == "fp32"]
    fp32.trigger()
    wait_idle(qtbot, window)
    assert window.store.precision == "fp32" and fp32.isChecked()
    assert engine.loads[-1].precision == "fp32"  # the model loaded again with it
    assert window.session.on_screen.facts.state == "restored (not saved yet)"


def test_going_back_to_a_restored_photo_shows_it_without_restoring_again(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    drop(window, photos[:2])
    wait_idle(qtbot, window)
    window.files.select(photos[1])
    wait_idle(qtbot, window)
    runs = len(engine.loads)
    entered = engine.entered
    entered.clear()
    window.files.select(photos[0])
    wait_idle(qtbot, window)
    assert not entered.is_set()  # no restore ran
    assert window.session.on_screen.result is not None
    assert window.session.on_screen.facts.state == "restored earlier in this session"
    assert len(engine.loads) == runs


def test_a_drop_on_the_drop_zone_is_the_windows(window: Any, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    window.show()
    qtbot.waitExposed(window)
    photo = tmp_path / "p.png"
    photo.write_bytes(b"")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    over_zone = window.drop_zone.mapTo(window, window.drop_zone.rect().center())
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Sent to the native window as the desktop does, at a point over the empty-state zone: Qt
    # looks for the widget under the pointer that takes drops, and the window takes both.
    with warnings.catch_warnings():  # PySide6 marks the only constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(over_zone, Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window.windowHandle(), enter)
    assert enter.isAccepted()
    dropped = QDropEvent(QPointF(over_zone), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window.windowHandle(), dropped)
    qtbot.waitUntil(lambda: window.centre.currentWidget() is not window.drop_zone, timeout=5000)
