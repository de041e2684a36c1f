"""`cnaps-desktop bench`: the reference way against the engine's way, on one model and input."""

from __future__ import annotations

import argparse
import json
import re

from cnaps_desktop.cli import EXIT_OK
from cnaps_desktop.cli.restore_command import _tile_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure restoration speed, memory and accuracy (reference vs engine)",
        description="Run a model the reference way (eager fp32, whole frame, NCHW) and the "
        "engine's way on the same synthetic image; report megapixels/s, peak memory and the "
        "engine output's difference from the reference. Without --checkpoint, an MSSNet of "
        "--variant with random weights is used (speed does not depend on the weights).",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--checkpoint", metavar="NAME|PATH", help="catalog name or file")
    which.add_argument(
        "--variant", choices=("S", "base", "L"), default="S", help="random-weight MSSNet variant"
    )
    parser.add_argument("--size", default="1280x720", type=_size_argument, metavar="WxH")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--precision", default="auto", help="engine precision: auto, fp32, ...")
    parser.add_argument("--tile", default="auto", type=_tile_argument, metavar="auto|N")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per path")
    parser.add_argument(
        "--no-reference", action="store_true", help="time the engine path only (slow models)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _size_argument(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match or int(match[1]) == 0 or int(match[2]) == 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size; expected WxH, e.g. 1280x720")
    return int(match[1]), int(match[2])


def run(args: argparse.Namespace) -> int:
    from cnaps_desktop.engine.bench import run_bench

    result = run_bench(
        checkpoint=args.checkpoint,
        variant=args.variant,
        size=args.size,
        device=args.device,
        precision=args.precision,
        tile=args.tile,
        repeat=args.repeat,
        reference=not args.no_reference,
    )
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return EXIT_OK
    print(
        f"{result.model} at {result.width}x{result.height} on {result.device}, "
        f"torch {result.torch_version}, median of {result.repeat}"
    )
    if result.reference is not None:
        ref = result.reference
        print(
            f"  reference (fp32, whole frame, NCHW): {ref.seconds:.2f} s, "
            f"{ref.megapixels_per_second:.3f} MP/s, peak {ref.peak_memory_mb:.0f} MB "
            f"({ref.memory_kind})"
        )
    eng = result.engine
    tiles = (
        f"{result.engine_tiles} tiles of {result.engine_tile_size} px"
        if result.engine_tile_size
        else "whole frame"
    )
    print(
        f"  engine ({result.engine_precision}, {tiles}): {eng.seconds:.2f} s, "
        f"{eng.megapixels_per_second:.3f} MP/s, peak {eng.peak_memory_mb:.0f} MB "
        f"({eng.memory_kind})"
    )
    if result.speedup is not None:
        print(
            f"  speed-up {result.speedup:.2f}x; engine vs reference: max abs difference "
            f"{result.max_abs_difference:.2e}, PSNR {result.psnr_db:.1f} dB"
        )
    return EXIT_OK
