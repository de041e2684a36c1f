"""The one sentence a person reads: what the photo needs, and whether the checkpoint does it."""

from __future__ import annotations

from dataclasses import dataclass

from cnaps_desktop.engine.diagnosis.blur import BlurFinding
from cnaps_desktop.engine.diagnosis.checkpoint_task import CheckpointTask
from cnaps_desktop.engine.diagnosis.old_print import OldPrintSigns

NOISY_SIGMA = 6.0  # 8-bit levels: visible grain on a screen
BLOCKY = 0.35
#: Blur findings less sure than this (0.5 sits on a threshold) are worded "probably".
SURE_CONFIDENCE = 0.65
SMALL_MEGAPIXELS = 1.0
HOW_TO_ADD_AN_UPSCALER = (
    "making it bigger is upscaling, a different model: add one with "
    '`cnaps-desktop models import FILE` or the window\'s "Add checkpoint file..."'
)


@dataclass(frozen=True)
class Verdict:
    sentence: str
    suits_checkpoint: bool


def size_note(megapixels: float) -> str | None:
    """A note for small pictures, None for photo-sized ones."""
    if megapixels >= SMALL_MEGAPIXELS:
        return None
    return f"A small picture ({megapixels:.2f} MP): {HOW_TO_ADD_AN_UPSCALER}."


def verdict_for(
    blur: BlurFinding,
    noise_sigma: float,
    jpeg_blocking: float,
    signs: OldPrintSigns,
    checkpoint: CheckpointTask,
) -> Verdict:
    needs = _needs(blur, noise_sigma, jpeg_blocking, signs)
    if not needs:
        # Only what was checked: old-print marks are claimed only when clear (precision over
        # recall, BENCHMARKS.md), so their absence is not called "clean".
        hedge = "probably " if _unsure(blur) else ""
        return Verdict(
            f"What this photo needs: {hedge}no deblurring; it looks sharp, and no noise, JPEG "
            f"damage or clear marks of age were found, so {checkpoint.name} has little to do.",
            False,
        )
    suits, model_words = _model_words(blur, signs, checkpoint)
    return Verdict(f"What this photo needs: {_join(needs)}; {model_words}.", suits)


def _needs(
    blur: BlurFinding, noise_sigma: float, jpeg_blocking: float, signs: OldPrintSigns
) -> list[str]:
    needs = []
    hedge = "probably " if _unsure(blur) else ""
    if blur.kind == "motion":
        needs.append(
            f"{hedge}motion deblurring (about {blur.length_px:.0f} px at "
            f"{_degrees(blur.direction_deg or 0.0)})"
        )
    elif blur.kind == "defocus":
        needs.append(f"{hedge}sharpening of an out-of-focus picture")
    if signs.scratches and signs.dust:
        needs.append("scratch and dust removal")
    elif signs.scratches or signs.dust:
        needs.append("scratch removal" if signs.scratches else "dust removal")
    if noise_sigma >= NOISY_SIGMA:
        needs.append(f"noise removal (noise about {noise_sigma:.0f} levels)")
    if jpeg_blocking >= BLOCKY:
        needs.append("JPEG artefact removal")
    if signs.faded or signs.colour_cast:
        found = (["faded"] if signs.faded else []) + (
            [f"{with_article(signs.colour_cast)} cast"] if signs.colour_cast else []
        )
        needs.append(f"colour and contrast restoration ({', '.join(found)})")
    return needs


def _model_words(
    blur: BlurFinding, signs: OldPrintSigns, checkpoint: CheckpointTask
) -> tuple[bool, str]:
    name = checkpoint.name
    if checkpoint.task == "unknown":
        return False, (
            f"what {name} does is not known until it is loaded, so whether it suits this "
            "photo is unknown"
        )
    if not checkpoint.deblurs:
        return False, f"{name} does {checkpoint.task}, not deblurring"
    others = " (it does not remove scratches)" if signs.scratches else ""
    early = " (this first version barely deblurs yet)" if checkpoint.first_version else ""
    if blur.kind == "motion":
        return True, f"removing motion blur is {name}'s task{early}{others}"
    if blur.kind == "defocus":
        return False, f"{name} removes motion blur and helps only a little with defocus{others}"
    lacks = "probably lacks" if _unsure(blur) else "lacks"
    return False, (
        f"that is not {name}'s task: it removes motion blur, which this photo {lacks}{others}"
    )


def with_article(word: str) -> str:
    """The word with the article its first sound takes: "an orange", "a yellow"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _degrees(angle: float) -> str:
    rounded = round(angle)
    return f"{rounded} degree" if rounded == 1 else f"{rounded} degrees"


def _unsure(blur: BlurFinding) -> bool:
    return blur.confidence < SURE_CONFIDENCE


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
