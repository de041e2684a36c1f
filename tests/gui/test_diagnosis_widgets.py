"""What a photo needs, in the window: the one-line badge's words for every kind of diagnosis, the
badge laid over the "before" picture, and the side pane's "What this photo needs" section."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QWidget

from cnaps_desktop.engine.diagnosis import diagnose_pixels
from cnaps_desktop.engine.diagnosis.checkpoint_task import task_for
from cnaps_desktop.gui.diagnosis_facts import BLOCKY, NOISY_SIGMA
from cnaps_desktop.gui.diagnosis_words import (
    Badge,
    badge,
    badge_text,
    blur_fact,
    fact_rows,
    jpeg_fact,
    needs_text,
    noise_fact,
    old_print_fact,
    precheck,
)
from cnaps_desktop.gui.widgets.diagnosis_badge import MARGIN, DiagnosisBadge
from cnaps_desktop.gui.widgets.diagnosis_panel import EMPTY_TEXT, DiagnosisPanel
from tests.gui.diagnoses import FIRST_VERSION, MSSNET, UNKNOWN, UPSCALER, defocus, motion, sharp

# ----------------------------------------------------------------------------- words


def test_the_issue_s_lines_are_said_for_a_finished_deblurring_model() -> None:
    assert badge_text(motion(14, 30), MSSNET) == (
        "Motion blur, about 14 px at 30 degrees: this model's task"
    )
    assert badge_text(defocus(), MSSNET) == "Out of focus: this model helps only a little"
    assert badge_text(sharp(scratches=True), MSSNET) == "Scratches: not this model's task"
    assert badge_text(sharp(), MSSNET) == "Sharp: nothing for this model to do"
    assert badge(motion(), MSSNET).tone == "suits"
    assert badge(defocus(), MSSNET).tone == "partly"
    assert badge(sharp(scratches=True), MSSNET).tone == "not"
    assert badge(sharp(), MSSNET).tone == "nothing"


def test_a_first_version_is_named_honestly_on_motion_blur() -> None:
    found = badge(motion(), FIRST_VERSION)
    assert found.text.endswith("this model's task, but its first version barely helps")
    assert found.tone == "partly"


@pytest.mark.parametrize(
    ("diagnosis", "expected"),
    [
        (motion(), "Motion blur, about 14 px at 30 degrees: not this model's task"),
        (defocus(), "Out of focus: not this model's task (super-resolution)"),
        (sharp(), "Sharp: no blur to remove; this model does super-resolution"),
    ],
)
def test_a_model_that_does_not_deblur_says_so(diagnosis: Any, expected: str) -> None:
    assert badge_text(diagnosis, UPSCALER).startswith(expected)


def test_an_unknown_checkpoint_is_not_guessed() -> None:
    assert badge_text(motion(), UNKNOWN).endswith("this model's task is known once it loads")
    assert badge(motion(), UNKNOWN).tone == "unknown"
    assert badge_text(sharp(), UNKNOWN) == "Sharp: no blur found"


def test_blur_comes_first_and_scratches_get_a_second_clause() -> None:
    text = badge_text(motion(scratches=True), MSSNET)
    assert text == "Motion blur, about 14 px at 30 degrees: this model's task; scratches are not"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"dust": True}, "Dust specks: not this model's task"),
        ({"noise_sigma": 9.4}, "Noise, about 9 levels: not this model's task"),
        ({"jpeg_blocking": 0.6}, "JPEG blocks: not this model's task"),
        ({"faded": True}, "Faded colours: not this model's task"),
        ({"colour_cast": "orange"}, "An orange cast: not this model's task"),
    ],
)
def test_a_sharp_photo_names_its_most_visible_other_need(
    changes: dict[str, Any], expected: str
) -> None:
    assert badge_text(sharp(**changes), MSSNET) == expected


def test_borderline_findings_are_hedged_and_one_degree_is_singular() -> None:
    assert badge_text(motion(direction=1.2, blur_confidence=0.55), MSSNET).startswith(
        "Probably motion blur, about 14 px at 1 degree:"
    )
    assert badge_text(sharp(blur_confidence=0.55), MSSNET).startswith("Nearly sharp:")


def test_tiny_and_blank_pictures_from_the_real_engine() -> None:
    tiny = diagnose_pixels(np.arange(300, dtype=np.uint8).reshape(10, 10, 3), "default")
    assert badge_text(tiny, MSSNET) == (
        "Too small to judge (10 x 10 px); enlarging is another model's task"
    )
    assert blur_fact(tiny) == "not judged: too small"
    assert badge(tiny, UPSCALER) == Badge(
        "Too small to judge (10 x 10 px); enlarging it is this model's task", "suits"
    )
    assert badge_text(tiny, None) == "Too small to judge (10 x 10 px)"
    blank = diagnose_pixels(np.zeros((200, 300, 3), np.uint8), "default")
    assert badge_text(blank, MSSNET) == "Blank picture: nothing to restore"
    assert badge(blank, None).tone == "nothing"
    assert [label for label, _ in fact_rows(blank)] == ["Blur", "Size"]
    tiny_blank = diagnose_pixels(np.zeros((10, 10), np.uint8), "default")
    assert badge_text(tiny_blank, None) == "Blank picture: nothing to restore"


def test_without_a_checkpoint_the_badge_names_the_finding_only() -> None:
    assert badge(motion(), None) == Badge("Motion blur, about 14 px at 30 degrees", "unknown")
    assert badge_text(sharp(dust=True), None) == "Dust specks"
    assert badge_text(sharp(), None) == "Sharp"


def test_the_engine_s_own_objects_fit_and_its_thresholds_are_the_same() -> None:
    from cnaps_desktop.engine.diagnosis import verdict

    assert (NOISY_SIGMA, BLOCKY) == (verdict.NOISY_SIGMA, verdict.BLOCKY)
    bundled = task_for("default")  # the catalog's default: the bundled first version
    assert badge_text(motion(), bundled).endswith("but its first version barely helps")
    assert badge_text(motion(), task_for("someone-else.pth")).endswith("known once it loads")


def test_measured_facts_in_plain_words() -> None:
    assert blur_fact(motion()) == "motion blur, about 14 px at 30 degrees (fairly sure: 80%)"
    assert blur_fact(defocus(blur_confidence=0.9)) == "out of focus (sure: 90%)"
    assert blur_fact(sharp(blur_confidence=0.55)) == "sharp (unsure: 55%)"
    assert noise_fact(sharp(noise_sigma=1.5)) == "very low (about 1.5 levels of 255)"
    assert noise_fact(sharp(noise_sigma=14)) == "heavy grain (about 14.0 levels of 255)"
    assert jpeg_fact(sharp(jpeg_blocking=0.5)) == "visible blocks (0.50 on a 0-1 scale)"
    assert old_print_fact(sharp()) == "none found"
    assert old_print_fact(sharp(scratches=True, colour_cast="yellow", greyscale=True)) == (
        "scratches, a yellow cast, black and white (or toned)"
    )
    assert needs_text(defocus()).startswith("Sharpening of an out-of-focus picture;")
    assert dict(fact_rows(sharp()))["Size"] == "4,000 x 3,000 px (12.0 MP)"


def test_clearly_blurred_photos_are_prechecked() -> None:
    assert precheck(motion())
    assert precheck(defocus())
    assert not precheck(motion(blur_confidence=0.55))
    assert not precheck(sharp())
    assert not precheck(None)


# ----------------------------------------------------------------------------- the badge


def host_with_badge(qtbot: Any) -> tuple[QWidget, DiagnosisBadge]:
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(640, 400)
    found = DiagnosisBadge(host)
    host.show()
    return host, found


def test_the_badge_sits_at_the_bottom_left_of_the_before_picture(qtbot: Any) -> None:
    host, found = host_with_badge(qtbot)
    assert not found.isVisible()  # nothing to say yet
    found.show_diagnosis(defocus(), MSSNET)
    assert found.isVisible()
    assert found.text() == "Out of focus: this model helps only a little"
    assert found.tone() == "partly"
    assert found.accessibleDescription() == found.text()
    assert found.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    geometry = found.geometry()
    assert geometry.left() == MARGIN
    assert geometry.bottom() == host.height() - 1 - MARGIN
    host.resize(500, 300)  # follows its parent
    assert found.geometry().bottom() == 300 - 1 - MARGIN
    found.set_area(QRect(0, 0, 250, 300))  # the before side left of the divider
    assert found.geometry().right() <= 250 - MARGIN
    found.clear()
    assert not found.isVisible()


def test_a_narrow_before_side_hides_the_badge_rather_than_squash_it(qtbot: Any) -> None:
    _host, found = host_with_badge(qtbot)
    found.show_diagnosis(motion(), MSSNET)
    found.set_area(QRect(0, 0, 30, 400))
    assert not found.isVisible()
    found.set_area(None)
    assert found.isVisible()


def test_the_badge_paints(qtbot: Any) -> None:
    _host, found = host_with_badge(qtbot)
    found.show_diagnosis(motion(), MSSNET)
    picture = found.grab().toImage()
    assert picture.width() == found.width() and picture.height() == found.height()
    centre = picture.pixelColor(picture.width() // 2, picture.height() // 2)
    assert centre.alpha() > 0  # its box is painted, not left empty


# ----------------------------------------------------------------------------- the panel


def test_the_panel_shows_what_the_photo_needs_and_the_measured_facts(qtbot: Any) -> None:
    panel = DiagnosisPanel()
    qtbot.addWidget(panel)
    assert panel.needs_line() == EMPTY_TEXT
    assert panel.fact_texts() == []
    panel.show_pending("IMG_0412.jpg")
    assert panel.needs_line() == "Looking at IMG_0412.jpg..."
    panel.show_diagnosis(motion(noise_sigma=3.0))
    assert panel.title.text() == "What this photo needs"
    assert panel.needs_line().startswith("Motion deblurring (about 14 px at 30 degrees)")
    facts = dict(panel.fact_texts())
    assert facts["Blur"] == "motion blur, about 14 px at 30 degrees (fairly sure: 80%)"
    assert facts["Noise"] == "low (about 3.0 levels of 255)"
    assert list(facts) == ["Blur", "Noise", "JPEG blocking", "Old-print signs", "Size"]
    assert panel.note_text() == ""


def test_the_panel_shows_the_size_note_and_a_failure(qtbot: Any) -> None:
    panel = DiagnosisPanel()
    qtbot.addWidget(panel)
    panel.show()
    small = diagnose_pixels(np.random.default_rng(0).integers(0, 255, (300, 400, 3), np.uint8))
    panel.show_diagnosis(small)
    assert panel.note_text().startswith("A small picture (0.12 MP)")
    assert panel.note.isVisible()
    assert "<code>cnaps-desktop models import FILE</code>" in panel.note.text()
    panel.show_failed("a.png is damaged; expected a complete image file.")
    assert panel.needs_line() == "a.png is damaged; expected a complete image file."
    assert panel.fact_texts() == [] and not panel.note.isVisible()


def test_a_narrow_badge_drops_its_second_clause_before_eliding(qtbot: Any) -> None:
    host, found = host_with_badge(qtbot)
    found.show_diagnosis(motion(scratches=True), FIRST_VERSION)
    full = found.text()
    assert full.endswith("barely helps; scratches are not")
    host.resize(2000, 400)
    assert found.shown_text() == full
    host.resize(560, 400)
    assert found.shown_text() == full.removesuffix("; scratches are not")
    host.resize(300, 400)
    assert found.shown_text().endswith("…") and found.width() <= 300 - 2 * MARGIN
