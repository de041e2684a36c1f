"""The diagnosis in words for the window: the one-line badge, the side pane's facts, scan rows.

Plain functions without Qt. The engine measures and writes the verdict sentence
(engine/diagnosis); this module only chooses which finding a short line names and how the
measured numbers read to a person.

The badge names the finding that matters most for the checkpoint on screen: blur first (the
checkpoint's job when it deblurs), then old-print marks, noise, JPEG blocks and faded colours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cnaps_desktop.gui.diagnosis_facts import BLOCKY, NOISY_SIGMA, CheckpointFacts
from cnaps_desktop.gui.diagnosis_facts import DiagnosisFacts as Diagnosis

Tone = Literal["suits", "partly", "not", "nothing", "unknown"]
"""How the photo's need matches the checkpoint: its task, a little help, not its task, nothing
to do, or not known (no checkpoint given, or a file that has not been loaded yet)."""

#: The engine's confidence is 0.5 on its threshold and 1.0 one margin away; below this a
#: finding is borderline and its words say "probably".
SURE_CONFIDENCE = 0.65
#: Blurred photos at least this sure are checked in advance in the folder scan's list.
PRECHECK_CONFIDENCE = 0.6
VERDICT_LEAD = "What this photo needs: "


@dataclass(frozen=True)
class Badge:
    text: str
    tone: Tone
    short: str = ""
    """The text without its second clause, for a narrow space; "" when there is none."""

    def fitting(self, fits: Callable[[str], bool]) -> str:
        """The full text if ``fits`` says so, else the short one (the caller elides it)."""
        return self.text if fits(self.text) or not self.short else self.short


def badge(diagnosis: Diagnosis, task: CheckpointFacts | None) -> Badge:
    """The one-line badge for the "before" side, e.g. "Out of focus: this model helps only a
    little".

    ``task`` is what the selected checkpoint does (the engine's ``CheckpointTask`` for it); with
    None the badge names the finding only, e.g. "Motion blur, about 14 px at 30 degrees".
    """
    if not judged(diagnosis):
        return _unjudged_badge(diagnosis, task)
    finding = _blur_words(diagnosis, capital=True)
    if task is None:
        other = _other_need(diagnosis) if diagnosis.blur == "sharp" else None
        return Badge(other or finding, "unknown")
    if diagnosis.blur == "motion":
        return _with_marks(diagnosis, _motion_match(task, finding))
    if diagnosis.blur == "defocus":
        return _with_marks(diagnosis, _defocus_match(task, finding))
    return _sharp_badge(diagnosis, task)


def badge_text(diagnosis: Diagnosis, task: CheckpointFacts | None) -> str:
    return badge(diagnosis, task).text


def judged(diagnosis: Diagnosis) -> bool:
    """False for a picture too small or too blank to judge (the engine gives confidence 0)."""
    return diagnosis.blur_confidence > 0.0


def needs_text(diagnosis: Diagnosis) -> str:
    """The verdict without its "What this photo needs: " lead, starting with a capital."""
    text = diagnosis.verdict.removeprefix(VERDICT_LEAD)
    return text[:1].upper() + text[1:]


def blur_fact(diagnosis: Diagnosis) -> str:
    """E.g. "motion blur, about 14 px at 30 degrees (fairly sure: 78%)"."""
    if not judged(diagnosis):
        return "not judged: " + ("a blank picture" if _blank(diagnosis) else "too small")
    sure = diagnosis.blur_confidence
    certainty = "sure" if sure >= 0.85 else "fairly sure" if sure >= SURE_CONFIDENCE else "unsure"
    words = _blur_words(diagnosis, capital=False, hedge=False)
    return f"{words} ({certainty}: {sure:.0%})"


def noise_fact(diagnosis: Diagnosis) -> str:
    sigma = diagnosis.noise_sigma
    if sigma < 2.0:
        amount = "very low"
    elif sigma < NOISY_SIGMA:
        amount = "low"
    elif sigma < 2 * NOISY_SIGMA:
        amount = "visible grain"
    else:
        amount = "heavy grain"
    return f"{amount} (about {sigma:.1f} levels of 255)"


def jpeg_fact(diagnosis: Diagnosis) -> str:
    level = diagnosis.jpeg_blocking
    if level < BLOCKY / 2:
        amount = "none visible"
    elif level < BLOCKY:
        amount = "slight"
    else:
        amount = "visible blocks"
    return f"{amount} ({level:.2f} on a 0-1 scale)"


def old_print_fact(diagnosis: Diagnosis) -> str:
    """Scratches, dust, fading, a colour cast, greyscale: "none" when there is nothing."""
    signs = []
    if diagnosis.scratches:
        signs.append("scratches")
    if diagnosis.dust:
        signs.append("dust specks")
    if diagnosis.faded:
        signs.append("faded contrast")
    if diagnosis.colour_cast:
        signs.append(f"{_article(diagnosis.colour_cast)} {diagnosis.colour_cast} cast")
    if diagnosis.greyscale:
        signs.append("black and white (or toned)")
    return ", ".join(signs) if signs else "none found"


def size_fact(diagnosis: Diagnosis) -> str:
    return (
        f"{diagnosis.width:,} x {diagnosis.height:,} px ({diagnosis.megapixels:.1f} MP)"
        if diagnosis.megapixels >= 0.1
        else f"{diagnosis.width:,} x {diagnosis.height:,} px"
    )


def fact_rows(diagnosis: Diagnosis) -> list[tuple[str, str]]:
    """(label, value) rows of what was measured, for the side pane."""
    rows = [("Blur", blur_fact(diagnosis))]
    if judged(diagnosis):
        rows += [
            ("Noise", noise_fact(diagnosis)),
            ("JPEG blocking", jpeg_fact(diagnosis)),
            ("Old-print signs", old_print_fact(diagnosis)),
        ]
    rows.append(("Size", size_fact(diagnosis)))
    return rows


def precheck(diagnosis: Diagnosis | None) -> bool:
    """Whether the folder scan checks this photo in advance: clearly blurred ones."""
    return (
        diagnosis is not None
        and diagnosis.blur in ("motion", "defocus")
        and diagnosis.blur_confidence >= PRECHECK_CONFIDENCE
    )


def blur_kind_words(diagnosis: Diagnosis) -> str:
    """A short column value: "motion, 14 px", "out of focus", "sharp", "too small"."""
    if not judged(diagnosis):
        return "blank" if _blank(diagnosis) else "too small"
    if diagnosis.blur == "motion":
        length = diagnosis.blur_length_px
        return "motion" if length is None else f"motion, {length:.0f} px"
    return "out of focus" if diagnosis.blur == "defocus" else "sharp"


# ----------------------------------------------------------------------------- helpers
def _blur_words(diagnosis: Diagnosis, capital: bool, hedge: bool = True) -> str:
    unsure = hedge and diagnosis.blur_confidence < SURE_CONFIDENCE
    if diagnosis.blur == "motion":
        words = "motion blur"
        if diagnosis.blur_length_px is not None and diagnosis.blur_direction_deg is not None:
            degrees = round(diagnosis.blur_direction_deg)
            unit = "degree" if degrees == 1 else "degrees"
            words += f", about {diagnosis.blur_length_px:.0f} px at {degrees} {unit}"
    elif diagnosis.blur == "defocus":
        words = "out of focus"
    else:
        words = "nearly sharp" if unsure else "sharp"
        unsure = False
    words = f"probably {words}" if unsure else words
    return words[:1].upper() + words[1:] if capital else words


def _motion_match(task: CheckpointFacts, finding: str) -> Badge:
    if task.task == "unknown" and not task.deblurs:
        return Badge(f"{finding}: this model's task is known once it loads", "unknown")
    if not task.deblurs:
        return Badge(f"{finding}: not this model's task ({task.task})", "not")
    if task.first_version:
        return Badge(f"{finding}: this model's task, but its first version barely helps", "partly")
    return Badge(f"{finding}: this model's task", "suits")


def _defocus_match(task: CheckpointFacts, finding: str) -> Badge:
    if task.task == "unknown" and not task.deblurs:
        return Badge(f"{finding}: this model's task is known once it loads", "unknown")
    if not task.deblurs:
        return Badge(f"{finding}: not this model's task ({task.task})", "not")
    return Badge(f"{finding}: this model helps only a little", "partly")


def _with_marks(diagnosis: Diagnosis, blur_badge: Badge) -> Badge:
    """Blur comes first; scratches on the same photo get a short second clause."""
    if diagnosis.scratches:
        text = f"{blur_badge.text}; scratches are not"
        return Badge(text, blur_badge.tone, short=blur_badge.text)
    return blur_badge


def _sharp_badge(diagnosis: Diagnosis, task: CheckpointFacts) -> Badge:
    sharp = _blur_words(diagnosis, capital=True)
    other = _other_need(diagnosis)
    if other is not None:
        return Badge(f"{other}: not this model's task", "not")
    if task.task == "unknown" and not task.deblurs:
        return Badge(f"{sharp}: no blur found", "nothing")
    if not task.deblurs:
        return Badge(f"{sharp}: no blur to remove; this model does {task.task}", "nothing")
    return Badge(f"{sharp}: nothing for this model to do", "nothing")


def _other_need(diagnosis: Diagnosis) -> str | None:
    """The most visible non-blur need of a sharp photo, as a capitalised noun phrase."""
    if diagnosis.scratches:
        return "Scratches"
    if diagnosis.dust:
        return "Dust specks"
    if diagnosis.noise_sigma >= NOISY_SIGMA:
        return f"Noise, about {diagnosis.noise_sigma:.0f} levels"
    if diagnosis.jpeg_blocking >= BLOCKY:
        return "JPEG blocks"
    if diagnosis.faded:
        return "Faded colours"
    if diagnosis.colour_cast:
        cast = f"{_article(diagnosis.colour_cast)} {diagnosis.colour_cast} cast"
        return cast[:1].upper() + cast[1:]
    return None


def _unjudged_badge(diagnosis: Diagnosis, task: CheckpointFacts | None) -> Badge:
    if _blank(diagnosis):
        return Badge("Blank picture: nothing to restore", "nothing")
    # The engine judges every picture but blank and tiny ones.
    tiny = f"Too small to judge ({diagnosis.width} x {diagnosis.height} px)"
    if task is None:
        return Badge(tiny, "unknown")
    if task.task == "super-resolution":
        return Badge(f"{tiny}; enlarging it is this model's task", "suits")
    return Badge(f"{tiny}; enlarging is another model's task", "not")


def _blank(diagnosis: Diagnosis) -> bool:
    """A picture of one level everywhere. The engine says so only in its verdict (a test runs the
    real engine on a blank picture, so a change of its words shows)."""
    return not judged(diagnosis) and "blank" in diagnosis.verdict


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
