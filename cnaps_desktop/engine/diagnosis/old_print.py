"""Signs of an old print: scratches, dust, faded or cast colours, greyscale.

Each sign is claimed only when it is clear: the window shows these findings to everyone, so a
false "scratches" is worse than a missed one. How each is found is in its own module:
:mod:`.scratches`, :mod:`.dust` and :mod:`.tone`; how often each is right on synthetic marks and
on the labelled shared photos is in BENCHMARKS.md, "Photo diagnosis".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnaps_desktop.engine.diagnosis.dust import count_specks, is_dusty
from cnaps_desktop.engine.diagnosis.scratches import find_scratches
from cnaps_desktop.engine.diagnosis.tone import tone_of


@dataclass(frozen=True)
class OldPrintSigns:
    scratches: bool
    scratch_count: int
    dust: bool
    dust_specks: int
    faded: bool
    colour_cast: str | None
    """"yellow", "red", ... when the picture leans that way; None when it is neutral or when a
    cast cannot be told from the scene's own colours."""
    greyscale: bool


def old_print_signs(colour: np.ndarray, grey: np.ndarray, noise_sigma: float) -> OldPrintSigns:
    """Look for old-print signs in the working copy (``colour`` RGB, ``grey``: 8-bit levels)."""
    scratches = len(find_scratches(grey, noise_sigma))
    specks = count_specks(grey, noise_sigma)
    tone = tone_of(colour, grey)
    return OldPrintSigns(
        scratches=scratches > 0,
        scratch_count=scratches,
        dust=is_dusty(specks, grey),
        dust_specks=specks,
        faded=tone.faded,
        colour_cast=tone.colour_cast,
        greyscale=tone.greyscale,
    )
