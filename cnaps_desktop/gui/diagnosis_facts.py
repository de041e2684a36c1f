"""The shapes of the engine's diagnosis results, as the GUI reads them.

The measuring code (engine/diagnosis) uses OpenCV, which the GUI may not import, not even for a
type (see the "No image maths in the GUI" contract in pyproject.toml). So the GUI describes what
it reads as protocols: the engine's ``Diagnosis``, ``CheckpointTask`` and scan results fit them,
and so do the plain objects tests make. The window receives them from the engine through its
services, never by importing the engine's diagnosis package.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

#: The engine's thresholds (engine/diagnosis/verdict.py): noise a screen shows as grain, in 8-bit
#: levels, and visible JPEG blocking (0-1). Repeated here for the reason above;
#: tests/gui/test_diagnosis_widgets.py keeps the two equal.
NOISY_SIGMA = 6.0
BLOCKY = 0.35


class DiagnosisFacts(Protocol):
    """What the window reads of ``cnaps_desktop.engine.diagnosis.Diagnosis``."""

    file: str | None
    blur: str
    """"sharp", "motion" or "defocus"."""
    blur_confidence: float
    """0.5-1 for a judged picture; 0.0 when it is too small or blank to judge."""
    blur_direction_deg: float | None
    blur_length_px: float | None
    noise_sigma: float
    jpeg_blocking: float
    scratches: bool
    dust: bool
    faded: bool
    colour_cast: str | None
    greyscale: bool
    width: int
    height: int
    megapixels: float
    size_note: str | None
    verdict: str
    suits_checkpoint: bool
    checkpoint: str


class CheckpointFacts(Protocol):
    """What the window reads of ``cnaps_desktop.engine.diagnosis.CheckpointTask``."""

    name: str
    task: str
    """"deblur", "super-resolution", ..., or "unknown" for a file not loaded yet."""
    first_version: bool

    @property
    def deblurs(self) -> bool: ...


class ScanFailureFacts(Protocol):
    path: Path
    message: str


class ScanResultFacts(Protocol):
    """What the window reads of ``cnaps_desktop.engine.diagnosis.scan.ScanResult``."""

    diagnoses: Sequence[DiagnosisFacts]
    failures: Sequence[ScanFailureFacts]
    cancelled: bool


class ScanProgressFacts(Protocol):
    """What the window reads of ``cnaps_desktop.engine.diagnosis.scan.ScanProgress``."""

    done: int
    total: int
    current: Path | None
