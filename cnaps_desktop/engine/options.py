"""How one restoration should run: device, precision, tiling and where the output goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

RESTORED_SUFFIX = "_restored"
"""Added to the input's name for the output's, e.g. photo.jpg -> photo_restored.jpg."""


@dataclass(frozen=True)
class RestoreOptions:
    """Options shared by the CLI, the GUI and the batch jobs.

    ``tile`` is the tile edge in input pixels: ``None`` picks it from the free memory (and runs
    the whole image in one piece when it fits), 0 always runs the whole image in one piece.
    ``tile_overlap`` is the context, in input pixels, that each tile sees beyond the part of it
    that is kept; MSSNet needs at least 64.
    """

    device: str = "auto"
    precision: str = "auto"
    tile: int | None = None
    tile_overlap: int = 64
    output_dir: Path | None = None
    output_format: str | None = None
    suffix: str = RESTORED_SUFFIX
