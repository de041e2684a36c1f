"""`cnaps-desktop eval`: PSNR/SSIM of a model on (blurry, sharp) pairs, before and after; or, on
real blurry photos that have no sharp reference, how much sharper (edge contrast) they come out
and how far their colours move."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.cli.options import (
    add_checkpoint_argument,
    add_device_argument,
    add_precision_argument,
)

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel

HELP = "Measure how much a model improves blurry/sharp pairs (PSNR and SSIM) or real photos."
DESCRIPTION = """\
--pairs DIR: DIR holds blur/NAME and sharp/NAME with matching names. For each pair, prints the PSNR
and SSIM of the blurry input and of the restored output against the sharp image, and the gain in
dB; then the means. PSNR of identical images is +inf; a gain between two +inf values is 0 dB. In
--json, an infinite PSNR is written as the string "inf".

--photos FILE_OR_DIR (repeatable): real blurry photos with no sharp reference. For each, prints the
edge contrast before and after (luma at half size, 99th percentile of the gradient magnitude; the
ratio is how much sharper the output looks, and a sharpening filter raises it too) and the largest
move of a colour channel's mean, in 8-bit levels.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_checkpoint_argument(parser)
    inputs = parser.add_mutually_exclusive_group(required=True)
    inputs.add_argument(
        "--pairs",
        type=Path,
        metavar="DIR",
        help="folder with blur/ and sharp/ sub-folders of matching names",
    )
    inputs.add_argument(
        "--photos",
        action="append",
        metavar="FILE_OR_DIR",
        help="real blurry photos, or folders of them (repeatable)",
    )
    add_device_argument(parser)
    add_precision_argument(parser)
    parser.add_argument("--save", type=Path, metavar="DIR", help="also write the restored images")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(handler=run)


def _number(value: float) -> float | str:
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return round(value, 4)


def _db(value: float) -> str:
    return f"{value:+.2f}" if not math.isinf(value) else ("+inf" if value > 0 else "-inf")


def _psnr(value: float) -> str:
    return f"{value:6.2f}" if not math.isinf(value) else "  +inf"


def run(args: argparse.Namespace) -> int:
    from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK
    from cnaps_desktop.engine.models import load_model
    from cnaps_desktop.engine.training.evaluate import PairFigures, evaluate_folder

    loaded = load_model(args.checkpoint, device=args.device, precision=args.precision)
    if args.photos:
        return _run_photos(args, loaded)

    def show(p: PairFigures) -> None:
        if not args.json:
            print(
                f"{p.name}: PSNR {_psnr(p.psnr_input)} -> {_psnr(p.psnr_output)} dB "
                f"({_db(p.gain_db)} dB), SSIM {p.ssim_input:.4f} -> {p.ssim_output:.4f}",
                flush=True,
            )

    report = evaluate_folder(loaded, args.pairs.expanduser(), save_dir=args.save, on_pair=show)
    if args.json:
        document = {
            "checkpoint": loaded.info.name,
            "pairs": [
                {
                    "name": p.name,
                    "width": p.width,
                    "height": p.height,
                    "psnr_input": _number(p.psnr_input),
                    "psnr_output": _number(p.psnr_output),
                    "gain_db": _number(p.gain_db),
                    "ssim_input": _number(p.ssim_input),
                    "ssim_output": _number(p.ssim_output),
                }
                for p in report.pairs
            ],
            "mean": {
                "psnr_input": _number(report.psnr_input),
                "psnr_output": _number(report.psnr_output),
                "gain_db": _number(report.gain_db),
                "ssim_input": _number(report.ssim_input),
                "ssim_output": _number(report.ssim_output),
            }
            if report.pairs
            else None,
            "failures": list(report.failures),
        }
        print(json.dumps(document, indent=2))
    elif report.pairs:
        print(
            f"mean of {len(report.pairs)} pairs ({loaded.info.name}): PSNR "
            f"{_psnr(report.psnr_input)} -> {_psnr(report.psnr_output)} dB "
            f"({_db(report.gain_db)} dB; worst pair {_db(report.worst_gain_db)} dB), SSIM "
            f"{report.ssim_input:.4f} -> {report.ssim_output:.4f}"
        )
    for failure in report.failures:
        print(f"failed: {failure}", file=sys.stderr)
    if report.failures:
        return EXIT_FAILURES
    return EXIT_OK


def _run_photos(args: argparse.Namespace, loaded: LoadedModel) -> int:
    from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK
    from cnaps_desktop.engine.diagnosis.scan import expand_photos
    from cnaps_desktop.engine.training.evaluate import PhotoFigures, evaluate_photos

    paths, missing = expand_photos(args.photos)
    for sentence in missing:
        print(f"failed: {sentence}", file=sys.stderr)

    def show(p: PhotoFigures) -> None:
        if not args.json:
            print(
                f"{p.name}: edge contrast {p.edge_input:.1f} -> {p.edge_output:.1f} "
                f"(x{p.edge_ratio:.2f}), mean colour moved by {p.colour_shift:.2f} levels",
                flush=True,
            )

    report = evaluate_photos(loaded, paths, save_dir=args.save, on_photo=show)
    if args.json:
        document = {
            "checkpoint": report.checkpoint,
            "photos": [
                {
                    "name": p.name,
                    "width": p.width,
                    "height": p.height,
                    "edge_input": _number(p.edge_input),
                    "edge_output": _number(p.edge_output),
                    "edge_ratio": _number(p.edge_ratio),
                    "colour_shift": _number(p.colour_shift),
                }
                for p in report.photos
            ],
            "failures": list(report.failures),
        }
        print(json.dumps(document, indent=2))
    elif report.photos:
        print(
            f"mean of {len(report.photos)} photos ({report.checkpoint}): edge contrast "
            f"x{report.edge_ratio:.2f}; largest colour move {report.worst_colour_shift:.2f} levels"
        )
    for failure in report.failures:
        print(f"failed: {failure}", file=sys.stderr)
    return EXIT_FAILURES if report.failures or missing else EXIT_OK
