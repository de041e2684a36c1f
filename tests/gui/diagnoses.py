"""Diagnoses and checkpoint tasks for GUI tests, made field by field (no picture needed)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cnaps_desktop.engine.diagnosis import CheckpointTask, Diagnosis

MSSNET = CheckpointTask("Deblur-MSSNet-GoPro", "MSSNet", "deblur")
FIRST_VERSION = CheckpointTask("Deblur-MSSNet-CNAPS", "MSSNet", "deblur", first_version=True)
UPSCALER = CheckpointTask("4x-Upscaler", "ESRGAN", "super-resolution")
UNKNOWN = CheckpointTask("mystery.pth", "", "unknown")

_SHARP = Diagnosis(
    file="/photos/sharp.jpg",
    blur="sharp",
    blur_confidence=0.9,
    blur_direction_deg=None,
    blur_length_px=None,
    noise_sigma=1.5,
    jpeg_blocking=0.05,
    scratches=False,
    dust=False,
    faded=False,
    colour_cast=None,
    greyscale=False,
    width=4000,
    height=3000,
    megapixels=12.0,
    size_note=None,
    verdict="What this photo needs: no deblurring; it looks sharp, and no noise, JPEG damage or "
    "clear marks of age were found, so X has little to do.",
    suits_checkpoint=False,
    checkpoint="Deblur-MSSNet-GoPro",
)


def sharp(**changes: Any) -> Diagnosis:
    return replace(_SHARP, **changes)


def motion(length: float = 14.0, direction: float = 30.0, **changes: Any) -> Diagnosis:
    fields: dict[str, Any] = {
        "file": "/photos/motion.jpg",
        "blur": "motion",
        "blur_confidence": 0.8,
        "blur_length_px": length,
        "blur_direction_deg": direction,
        "verdict": "What this photo needs: motion deblurring (about 14 px at 30 degrees); "
        "removing motion blur is Deblur-MSSNet-GoPro's task.",
        "suits_checkpoint": True,
    }
    return replace(_SHARP, **{**fields, **changes})


def defocus(**changes: Any) -> Diagnosis:
    fields: dict[str, Any] = {
        "file": "/photos/defocus.jpg",
        "blur": "defocus",
        "blur_confidence": 0.7,
        "verdict": "What this photo needs: sharpening of an out-of-focus picture; "
        "Deblur-MSSNet-GoPro removes motion blur and helps only a little with defocus.",
    }
    return replace(_SHARP, **{**fields, **changes})
