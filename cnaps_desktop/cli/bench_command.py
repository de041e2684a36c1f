"""`cnaps-desktop bench`: the reference way against the engine's way, on one model and input."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from cnaps_desktop.cli import EXIT_OK
from cnaps_desktop.cli.options import (
    PRECISIONS,
    add_checkpoint_argument,
    add_device_argument,
    add_precision_argument,
    add_tile_arguments,
)


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
    add_checkpoint_argument(
        which,
        default=None,
        help="catalog name or checkpoint file (default: random weights of --variant)",
    )
    which.add_argument(
        "--variant", choices=("S", "base", "L"), default="S", help="random-weight MSSNet variant"
    )
    parser.add_argument("--size", default="1280x720", type=_size_argument, metavar="WxH")
    add_device_argument(parser)
    add_precision_argument(parser, help=f"the engine's precision: {PRECISIONS}")
    add_tile_arguments(parser)
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="runs per path")
    parser.add_argument(
        "--no-reference", action="store_true", help="time the engine path only (slow models)"
    )
    parser.add_argument(
        "--tiled-vs-whole",
        nargs="+",
        type=Path,
        metavar="IMAGE",
        help="instead of timing, compare tiled with whole-frame output on these images "
        "(tiles of --tile px, default 256, with --tile-overlap px of context)",
    )
    parser.add_argument(
        "--video",
        nargs="?",
        const="generated",
        metavar="FILE",
        help="instead, measure the video pipeline: end-to-end frames/s next to model-only "
        "frames/s, on FILE or on a generated clip of --size",
    )
    parser.add_argument(
        "--frames", type=int, default=8, metavar="N", help="frames for --video (default 8)"
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

    if args.tiled_vs_whole:
        return run_seams(args)
    if args.video:
        return run_video(args)
    result = run_bench(
        checkpoint=args.checkpoint,
        variant=args.variant,
        size=args.size,
        device=args.device,
        precision=args.precision,
        tile=args.tile,
        repeat=args.repeat,
        reference=not args.no_reference,
        tile_overlap=args.tile_overlap,
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


def run_video(args: argparse.Namespace) -> int:
    """The video pipeline's cost next to the model's on the same device."""
    from cnaps_desktop.engine.bench import bench_video, load_bench_model

    loaded = load_bench_model(args.checkpoint, args.variant, args.device, args.precision)
    source = args.size if args.video == "generated" else Path(args.video)
    result = bench_video(loaded, source, frames=args.frames)
    if args.json:
        print(json.dumps(result, indent=2))
        return EXIT_OK
    print(
        f"{result['model']} on {result['device']}, {result['frames']} frames of "
        f"{result['size']} ({result['codec']}, batch {result['batch_size']})"
    )
    print(
        f"  model only {result['model_fps']:.3f} frames/s; end to end "
        f"{result['end_to_end_fps']:.3f} frames/s; pipeline alone "
        f"{result['pipeline_only_fps']:.2f} frames/s"
    )
    print(
        f"  pipeline overhead {result['overhead_percent']:.1f}% of model time "
        f"(decode, convert and encode run serially: {result['serial_pipeline_percent']:.1f}%)"
    )
    return EXIT_OK


def run_seams(args: argparse.Namespace) -> int:
    """Tiled against whole-frame output on the given images: PSNR and max abs difference."""
    import tempfile
    from dataclasses import asdict

    from cnaps_desktop.engine.bench import random_checkpoint, tiled_vs_whole
    from cnaps_desktop.engine.models import load_model

    with tempfile.TemporaryDirectory() as folder:
        checkpoint = args.checkpoint or random_checkpoint(args.variant, Path(folder))
        loaded = load_model(checkpoint, args.device, args.precision)
    tile = args.tile or 256
    results = []
    for path in args.tiled_vs_whole:
        result = tiled_vs_whole(loaded, path, tile, args.tile_overlap)
        results.append(result)
        if not args.json:
            print(
                f"{result.name} ({result.width}x{result.height}): {result.tiles} tiles of "
                f"{result.tile_size} px, overlap {result.overlap}: PSNR tiled vs whole "
                f"{result.psnr_db:.1f} dB, max abs difference {result.max_abs_difference:.2e}",
                flush=True,
            )
    if args.json:
        print(json.dumps({"model": loaded.info.variant, "results": [asdict(r) for r in results]}))
    else:
        print(f"{loaded.info.variant}: lowest PSNR {min(r.psnr_db for r in results):.1f} dB")
    return EXIT_OK
