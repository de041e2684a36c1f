"""`cnaps-desktop diagnose FILE_OR_FOLDER...`: what each photo needs, before any model runs.

Folders are walked recursively for photos. Each photo gets its verdict (or, with ``--json``, one
JSON object per line); a broken file gets one sentence and the rest go on, and the command then
exits with 1. ``--sort blur`` lists the most blurred first.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from cnaps_desktop.engine.diagnosis import Diagnosis


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diagnose",
        help="say what each photo needs (blur kind, noise, JPEG, old-print signs); no model runs",
        description="Measure blur (sharp, motion with direction and length, or out of focus), "
        "noise, JPEG blocking, size and old-print signs of each photo, and say in one sentence "
        "what it needs and whether the checkpoint does that. Folders are searched recursively.",
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER", help="photos or folders")
    parser.add_argument(
        "--checkpoint",
        default="default",
        metavar="NAME|PATH",
        help="the checkpoint to judge against (default: the default checkpoint)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per photo and line")
    parser.add_argument("--sort", choices=("blur",), help="blur: the most blurred photos first")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cnaps_desktop.engine.diagnosis import diagnose_file
    from cnaps_desktop.engine.diagnosis.checkpoint_task import task_for
    from cnaps_desktop.engine.errors import CnapsError

    files, failures = expand_photos(args.inputs)
    if not files and not failures:
        print("error: no photos found in the given inputs.", file=sys.stderr)
        return EXIT_USAGE
    task = task_for(args.checkpoint)
    found: list[Diagnosis] = []
    for path in files:
        try:
            found.append(diagnose_file(path, task))
        except (CnapsError, OSError, MemoryError) as error:
            message = str(error) if isinstance(error, CnapsError) else f"{path.name}: {error}"
            failures.append(message)
            print(f"failed  {message}", file=sys.stderr)
    if args.sort == "blur":
        found.sort(key=blur_rank, reverse=True)
    for diagnosis in found:
        print(json.dumps(diagnosis.as_dict()) if args.json else describe(diagnosis))
    return EXIT_FAILURES if failures else EXIT_OK


def expand_photos(inputs: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Files as given, folders as their photos (recursive, sorted); missing inputs as sentences."""
    from cnaps_desktop.engine.image.io import IMAGE_SUFFIXES

    files: list[Path] = []
    missing: list[str] = []
    for text in inputs:
        path = Path(text).expanduser()
        if path.is_dir():
            files.extend(
                child
                for child in sorted(path.rglob("*"))
                if child.is_file() and child.suffix.lower() in IMAGE_SUFFIXES
            )
        elif path.exists():
            files.append(path)
        else:
            message = f"{path} does not exist; expected a photo or a folder."
            missing.append(message)
            print(f"failed  {message}", file=sys.stderr)
    return files, missing


def blur_rank(diagnosis: Diagnosis) -> float:
    """Larger is more blurred: blurred photos by confidence above sharp ones (least sure first)."""
    if diagnosis.blur == "sharp":
        return 1.0 - diagnosis.blur_confidence
    return 1.0 + diagnosis.blur_confidence


def describe(diagnosis: Diagnosis) -> str:
    """Two or three lines for a person."""
    if diagnosis.blur == "motion":
        blur = (
            f"motion blur, about {diagnosis.blur_length_px:.0f} px at "
            f"{diagnosis.blur_direction_deg:.0f} degrees"
        )
    else:
        blur = {"sharp": "sharp", "defocus": "out of focus"}[diagnosis.blur]
    facts = (
        f"  {blur} (confidence {diagnosis.blur_confidence:.2f}); noise {diagnosis.noise_sigma:.1f}"
        f" levels; JPEG blocking {diagnosis.jpeg_blocking:.2f}; {diagnosis.width}x"
        f"{diagnosis.height} ({diagnosis.megapixels:.1f} MP)"
    )
    signs = [
        name
        for name, shown in (
            ("scratches", diagnosis.scratches),
            ("dust", diagnosis.dust),
            ("faded", diagnosis.faded),
            (f"{diagnosis.colour_cast} cast", diagnosis.colour_cast is not None),
            ("greyscale", diagnosis.greyscale),
        )
        if shown
    ]
    if signs:
        facts += "; " + ", ".join(signs)
    lines = [str(diagnosis.file), facts, f"  {diagnosis.verdict}"]
    if diagnosis.size_note:
        lines.append(f"  {diagnosis.size_note}")
    return "\n".join(lines)
