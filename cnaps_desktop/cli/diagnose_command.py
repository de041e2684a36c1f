"""`cnaps-desktop diagnose FILE_OR_FOLDER...`: what each photo needs, before any model runs.

Folders are walked recursively for photos. Each photo gets its verdict (or, with ``--json``, one
JSON object per line); a broken file gets one sentence and the rest go on, and the command then
exits with 1. ``--sort blur`` lists the most blurred first.
"""

from __future__ import annotations

import argparse
import json
import sys
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
    from cnaps_desktop.engine.cancel import CancelToken
    from cnaps_desktop.engine.diagnosis.checkpoint_task import task_for
    from cnaps_desktop.engine.diagnosis.scan import blur_rank, diagnose_photos, expand_photos

    files, missing = expand_photos(args.inputs)
    for message in missing:
        print(f"failed  {message}", file=sys.stderr)
    if not files and not missing:
        print("error: no photos found in the given inputs.", file=sys.stderr)
        return EXIT_USAGE
    result = diagnose_photos(files, CancelToken(), checkpoint=task_for(args.checkpoint))
    for failure in result.failures:
        print(f"failed  {failure.message}", file=sys.stderr)
    found = list(result.diagnoses)
    if args.sort == "blur":
        found.sort(key=blur_rank, reverse=True)
    for diagnosis in found:
        print(json.dumps(diagnosis.as_dict()) if args.json else describe(diagnosis))
    return EXIT_FAILURES if missing or result.failures else EXIT_OK


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
