"""What "Export comparison" may write, and where: the formats, default names, and refusals.

Plain functions without Qt, for gui/widgets/export_dialog.py. The engine writes the file
(engine/compare, chosen by the suffix) and refuses an input too; saying so here first lets the
dialog answer before any work starts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cnaps_desktop.engine.pixels import Box

ExportKind = Literal["side_by_side", "wipe"]
NAME_TAG = "_comparison"


@dataclass(frozen=True)
class ExportFormat:
    kind: ExportKind
    name: str
    """E.g. "PNG"."""
    suffixes: tuple[str, ...]
    """The first is the one given to new names."""


FORMATS: dict[ExportKind, tuple[ExportFormat, ...]] = {
    "side_by_side": (
        ExportFormat("side_by_side", "PNG", (".png",)),
        ExportFormat("side_by_side", "JPEG", (".jpg", ".jpeg")),
    ),
    "wipe": (
        ExportFormat("wipe", "GIF", (".gif",)),
        ExportFormat("wipe", "MP4", (".mp4",)),
    ),
}
KIND_WORDS: dict[ExportKind, str] = {
    "side_by_side": "a side-by-side picture",
    "wipe": "an animated wipe",
}


@dataclass(frozen=True)
class ExportArea:
    """The part of the pictures an export shows: the part in view, or all of it."""

    box: Box | None
    """(left, top, right, bottom) in the "before" picture's pixels; None for the whole picture."""
    words: str
    """What the export dialog says about it."""


def export_area(visible: Box | None, size: tuple[int, int]) -> ExportArea:
    """The view's part of a picture of ``size`` (width, height) when zoomed in, else all of it."""
    width, height = size
    whole = f"{width:,} x {height:,} px"
    if visible is None or visible == (0, 0, width, height):
        return ExportArea(None, f"Exports the whole picture ({whole}).")
    left, top, right, bottom = visible
    return ExportArea(
        visible,
        f"Exports the part in view ({right - left:,} x {bottom - top:,} px of {whole}); to "
        "export all of it, cancel, press 0 (Fit) and export again.",
    )


def default_path(source: Path, export_format: ExportFormat) -> Path:
    """``<stem>_comparison.<ext>`` beside ``source``; ``_comparison_2`` and up if that exists."""
    suffix = export_format.suffixes[0]
    candidate = source.with_name(f"{source.stem}{NAME_TAG}{suffix}")
    number = 2
    while candidate.exists():
        candidate = source.with_name(f"{source.stem}{NAME_TAG}_{number}{suffix}")
        number += 1
    return candidate


def format_of(path: Path, kind: ExportKind) -> ExportFormat | None:
    """The format of ``kind`` that ``path``'s suffix names, or None."""
    suffix = path.suffix.lower()
    return next((f for f in FORMATS[kind] if suffix in f.suffixes), None)


def with_format(path: Path, export_format: ExportFormat) -> Path:
    """``path`` with ``export_format``'s suffix, unless it already has one of them."""
    if path.suffix.lower() in export_format.suffixes:
        return path
    return path.with_suffix(export_format.suffixes[0])


def refusal(target: Path, kind: ExportKind, inputs: Sequence[Path]) -> str | None:
    """One sentence saying why ``target`` cannot be written, or None when it can."""
    if not target.name:
        return "Choose a file name for the comparison."
    if format_of(target, kind) is None:
        expected = " or ".join(s for f in FORMATS[kind] for s in f.suffixes[:1])
        return f"{target.name}: {KIND_WORDS[kind]} is saved as a {expected} file."
    if any(_same_file(target, given) for given in inputs):
        return (
            f"{target.name} is one of the pictures being compared; choose another name so it "
            "is kept."
        )
    if not target.parent.is_dir():
        return f"{target.parent} is not a folder; choose an existing folder."
    return None


def _same_file(target: Path, given: Path) -> bool:
    target, given = target.expanduser(), given.expanduser()
    if target.resolve() == given.resolve():
        return True
    with contextlib.suppress(OSError):  # a hard link to an input is the input too
        return target.exists() and given.exists() and target.samefile(given)
    return False
