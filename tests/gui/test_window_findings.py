"""Issue 17 in the window: what a photo needs (as soon as it opens), what the model changed (D),
the honest first screen, Find blurry photos, and Export comparison, driven as a person would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from cnaps_desktop.gui.widgets.export_dialog import ExportDialog
from cnaps_desktop.gui.widgets.scan_dialog import ScanDialog
from tests.gui.conftest import EngineDouble
from tests.gui.diagnoses import defocus, sharp
from tests.gui.test_main_window import choose_checkpoint, drop, open_messages, wait_idle

MOTION_BADGE = "Motion blur, about 14 px at 30 degrees: this model's task"


def menu_action(menu: Any, text: str) -> Any:
    [action] = [a for a in menu.actions() if a.text() == text]
    return action


# ---------------------------------------------------------------------- what the photo needs
def test_a_photo_is_diagnosed_as_soon_as_it_opens_before_any_model_runs(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.gate.clear()  # the model is held: no result can arrive
    drop(window, [photos[0]])
    qtbot.waitUntil(lambda: window.compare.badge.text() != "", timeout=5000)
    assert window.session.on_screen.result is None
    panel = window.diagnosis_panel
    assert panel.needs_line().startswith("Motion deblurring (about 14 px at 30 degrees)")
    assert "Tiny-GoPro" in panel.needs_line()
    assert dict(panel.fact_texts())["Blur"].startswith("motion blur, about 14 px")
    badge = window.compare.badge
    assert badge.text() == f"{MOTION_BADGE}, but its first version barely helps"
    assert badge.isVisible() and window.compare.before_area().contains(badge.geometry())
    assert engine.diagnosed == [("a.png", "Tiny-GoPro")]
    engine.gate.set()
    wait_idle(qtbot, window)


def test_the_badge_stays_on_the_before_side_as_the_view_changes(
    qtbot: Any, window: Any, photos: list[Path]
) -> None:
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    compare, badge = window.compare, window.compare.badge
    compare.set_split(0.7)
    assert badge.isVisible() and badge.geometry().right() < compare.before_area().right()
    compare.set_side_by_side(True)
    assert badge.geometry().right() < compare.width() // 2
    compare.set_side_by_side(False)
    compare.toggle_before_after()  # the whole "before"
    assert badge.isVisible()
    compare.toggle_before_after()  # the whole "after": no "before" side to label
    assert not badge.isVisible()


def test_a_late_diagnosis_of_the_previous_photo_is_dropped(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.diagnoses = {"a.png": defocus(), "b.jpg": sharp(scratches=True)}
    engine.diagnosis_gate.clear()
    drop(window, photos[:2])
    qtbot.waitUntil(lambda: window.session.on_screen.image is not None, timeout=5000)
    window.files.select(photos[1])  # while the first is still being diagnosed
    engine.diagnosis_gate.set()
    wait_idle(qtbot, window)
    assert window.compare.badge.text() == "Scratches: not this model's task"
    assert "Scratches" in dict(window.diagnosis_panel.fact_texts())["Old-print signs"].title()


def test_another_checkpoint_relabels_the_photo_and_hides_the_first_version_notice(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.installed.add("Tiny-RealBlur")
    window.picker.refresh()
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    assert window.notice.isVisible() and "Tiny-GoPro is a first version" in window.notice.text()
    choose_checkpoint(window, "Tiny-RealBlur")
    wait_idle(qtbot, window)
    assert engine.diagnosed[-1] == ("a.png", "Tiny-RealBlur")
    assert window.compare.badge.text() == MOTION_BADGE
    assert "Tiny-RealBlur's task" in window.diagnosis_panel.needs_line()
    assert not window.notice.isVisible()


def test_the_video_frame_on_screen_is_diagnosed(
    qtbot: Any, window: Any, engine: EngineDouble, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video")
    drop(window, [clip])
    wait_idle(qtbot, window)
    assert engine.diagnosed == [("clip.mp4", "Tiny-GoPro")]
    window.video_bar.slider.setValue(3)
    qtbot.waitUntil(lambda: window.session.on_screen.frame == 3, timeout=3000)
    wait_idle(qtbot, window)
    assert len(engine.diagnosed) == 2 and window.compare.badge.text().startswith("Motion blur")


def test_a_photo_that_fails_to_open_leaves_nothing_of_the_previous_one(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    good, broken = tmp_path / "good.png", tmp_path / "broken.png"
    good.write_bytes(b"fine")
    broken.write_bytes(b"broken bytes")
    drop(window, [good])
    wait_idle(qtbot, window)
    assert window.compare.badge.text() and window.window_actions.changes.isEnabled()
    drop(window, [broken])
    wait_idle(qtbot, window)
    assert window.compare.badge.text() == "" and not window.compare.badge.isVisible()
    assert window.diagnosis_panel.needs_line() == (
        "broken.png could not be opened, so there is nothing to see."
    )
    assert not window.window_actions.changes.isEnabled()
    assert not window.window_actions.export.isEnabled()


# ---------------------------------------------------------------------- what changed
def after_side_colour(window: Any) -> tuple[int, int, int]:
    """The colour shown at pixel (56, 24) of the 64 x 48 test photo: right of the divider."""
    image = window.compare.grab().toImage()
    x, y = window.compare.transform.to_view(56, 24)
    colour = image.pixelColor(int(x), int(y))
    return colour.red(), colour.green(), colour.blue()


def test_key_d_overlays_what_changed_with_its_legend_and_run_fact(
    qtbot: Any, window: Any, photos: list[Path]
) -> None:
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    facts = window.session.on_screen.facts
    assert facts.change.startswith("Changed: 100% of pixels by more than 2 levels")
    assert "Before vs after" in window.explain.toPlainText()
    assert "Changed: 100% of pixels" in window.explain.toPlainText()
    action = window.window_actions.changes
    assert action.isEnabled() and action in window.menus.view.actions()
    plain = after_side_colour(window)
    width = window.width()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window only
    qtbot.keyClick(window.compare, Qt.Key.Key_D)
    assert window.changes.is_on() and window.compare.overlay_shown()
    assert window.changes.legend.isVisible() and window.changes.legend.labels()
    assert after_side_colour(window) != plain
    bar = window.changes.parentWidget().layout()
    bar.invalidate()  # its minimum with the legend shown, measured now
    assert bar.minimumSize().width() < window.compare.width()  # the legend fits: no growing
    assert window.width() == width  # the buttons, taking room from the hint, not the window
    qtbot.keyClick(window.compare, Qt.Key.Key_D)
    assert not window.compare.overlay_shown() and after_side_colour(window) == plain


def test_a_result_that_changed_almost_nothing_says_so(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    engine.invert = False
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    assert window.session.on_screen.facts.change.startswith("Almost nothing changed")
    window.changes.button.click()
    assert window.changes.note.isVisible()
    assert window.changes.note.text() == "Almost nothing changed"


def test_the_change_is_forgotten_when_another_photo_comes_on_screen(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    drop(window, photos[:2])
    wait_idle(qtbot, window)
    window.changes.button.click()
    assert window.compare.overlay_shown()
    engine.gate.clear()
    window.files.select(photos[1])
    qtbot.waitUntil(lambda: window.session.on_screen.image is not None, timeout=5000)
    assert not window.window_actions.changes.isEnabled() and not window.compare.overlay_shown()
    assert not window.window_actions.export.isEnabled()
    engine.gate.set()
    wait_idle(qtbot, window)


# ---------------------------------------------------------------------- honest first screen
def test_the_first_version_notice_is_a_calm_line_not_a_dialog(qtbot: Any, window: Any) -> None:
    wait_idle(qtbot, window)
    assert window.notice.isVisible()
    assert window.notice.text().startswith("Tiny-GoPro is a first version")
    assert not [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert not open_messages(window)


def test_the_notice_s_download_fetches_an_official_checkpoint_through_the_picker(
    qtbot: Any, window: Any, engine: EngineDouble
) -> None:
    wait_idle(qtbot, window)
    window.notice.download.click()
    menu = window.official_menu
    names = [a.text() for a in menu.actions()]
    assert "Deblur-MSSNet-GoPro..." in names and not any("CNAPS" in n for n in names)
    menu_action(menu, "Deblur-MSSNet-GoPro...").trigger()
    menu.close()
    wait_idle(qtbot, window)
    assert "Deblur-MSSNet-GoPro" in engine.installed
    assert window.picker.current() == "Deblur-MSSNet-GoPro"
    assert not window.notice.isVisible()  # an official checkpoint is no first version


def test_the_notice_s_add_button_takes_a_checkpoint_file(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    mine = tmp_path / "my-model.pth"
    mine.write_bytes(b"weights")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(mine), ""))
    window.notice.add_file.click()
    wait_idle(qtbot, window)
    assert window.picker.current() == str(mine)
    assert window.store.checkpoint == str(mine) and not window.notice.isVisible()


# ---------------------------------------------------------------------- find blurry photos
def test_find_blurry_photos_scans_a_folder_and_adds_the_chosen_ones(
    qtbot: Any, window: Any, photos: list[Path], monkeypatch: Any
) -> None:
    folder = photos[0].parent
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    menu_action(window.menus.file, "Find blurry photos in a folder...").trigger()
    [dialog] = window.findChildren(ScanDialog)
    qtbot.waitUntil(dialog.results.isVisible, timeout=5000)
    assert [row.name for row in dialog.rows()] == ["a.png", "c.png"]  # the double finds .png
    assert dialog.chosen_paths() == [photos[0], photos[2]]  # clearly blurred: checked
    dialog.add_button.click()
    wait_idle(qtbot, window)
    assert [e.path for e in window.files.entries()] == [photos[0], photos[2]]


# ---------------------------------------------------------------------- export comparison
def open_export(window: Any) -> ExportDialog:
    window.window_actions.export.trigger()
    [dialog] = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    return dialog


def test_export_comparison_writes_the_whole_picture_beside_it(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    assert not window.window_actions.export.isEnabled()  # nothing on screen yet
    assert window.window_actions.export in window.menus.file.actions()
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    assert window.window_actions.export.isEnabled()
    dialog = open_export(window)
    assert dialog.area.text() == "Exports the whole picture (64 x 48 px)."
    target = photos[0].with_name("a_comparison.png")
    assert dialog.target() == target
    dialog.export()
    wait_idle(qtbot, window)
    assert engine.exports[-1] == (target, (48, 64, 3), None)
    with PILImage.open(target) as written:
        assert written.height == 48 and written.width > 2 * 64  # before | divider | after
    assert window.status_text.text() == f"Exported {target}"


def test_export_comparison_of_a_zoomed_view_exports_the_part_in_view(
    qtbot: Any, window: Any, engine: EngineDouble, photos: list[Path]
) -> None:
    drop(window, [photos[0]])
    wait_idle(qtbot, window)
    for _ in range(12):
        window.compare.zoom_in()
    box = window.compare.visible_box()
    assert box != (0, 0, 64, 48)
    dialog = open_export(window)
    width, height = box[2] - box[0], box[3] - box[1]
    assert dialog.area.text().startswith(f"Exports the part in view ({width} x {height} px")
    dialog.path_edit.setText(str(photos[0]))  # never over an input
    dialog.export()
    assert "one of the pictures being compared" in dialog.status.text()
    assert not engine.exports
    dialog.set_kind("side_by_side", "PNG")
    dialog.path_edit.setText(str(photos[0].with_name("crop.png")))
    dialog.export()
    wait_idle(qtbot, window)
    path, _, exported_box = engine.exports[-1]
    assert exported_box == box
    with PILImage.open(path) as written:
        assert written.height == height and 2 * width < written.width < 2 * 64
