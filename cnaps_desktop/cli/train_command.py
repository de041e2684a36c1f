"""`cnaps-desktop train`: train, resume or fine-tune an MSSNet deblurring model."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cnaps_desktop.engine.training.synthesis import SynthesisOptions

HELP = "Train, resume or fine-tune an MSSNet deblurring model on your photos."
DESCRIPTION = """\
Train MSSNet with its published loss (L1 + 0.1 x L1 of the 2-D FFTs over its six outputs), Adam with
warm-up and cosine decay, random crops, flips and 90-degree rotations.

Data sources (repeat --data to mix them):
  photos:DIR   sharp photos; camera-shake blur, noise and JPEG are synthesised on the fly
  frames:DIR   consecutive sharp video frames; 7 to 13 are averaged in linear light (GoPro protocol)
  pairs:DIR    your own pairs: DIR/blur/NAME and DIR/sharp/NAME with matching names
Every 10th item of each source (sorted by name) is held out for validation. --heldout PAIRS_DIR
(repeatable; e.g. the sets tools/make_heldout_pairs.py writes) adds frozen sets scored on their
centre crops at each validation. Every validation appends to OUTPUT/training_log.csv (step,
CPU-hours, the gains per set), so the learning curve survives restarts.

A fresh network starts as the identity (its output convolutions are zeroed) and the seed is set
before it is built, so the same command gives the same run. On a busy machine (load average of one
core or more) torch gets one thread unless --threads says otherwise: threads that wait on each
other made steps up to six times slower.

The run writes OUTPUT/last.pt (the released checkpoint format, readable by `restore --checkpoint`)
and resumes from it when started again with the same OUTPUT. --minutes and Ctrl+C stop cleanly
and save.
Fine-tune a model with --init CHECKPOINT (its model size is read from the file).
--export FILE writes the run's weights alone (float16) for sharing or shipping.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        action="append",
        metavar="KIND:DIR",
        help="a data source (photos:DIR, frames:DIR or pairs:DIR); repeatable",
    )
    parser.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="DIR",
        help="run folder for last.pt (resumed when it exists)",
    )
    parser.add_argument(
        "--config",
        metavar="SIZE",
        help="model size: S, base, L or WF,SCALE,VSCALE (default: the size of --init or of "
        "the run being resumed, else S)",
    )
    parser.add_argument(
        "--init",
        type=Path,
        metavar="CHECKPOINT",
        help="start from these weights (fine-tuning) instead of random ones",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=100_000,
        help="length of the whole schedule in steps (default 100000)",
    )
    parser.add_argument("--minutes", type=float, help="stop cleanly and save after N minutes")
    parser.add_argument(
        "--cpu-minutes",
        type=float,
        metavar="N",
        help="stop cleanly after N minutes of this process's CPU time (fair on a loaded machine)",
    )
    parser.add_argument("--batch", type=int, default=8, help="crops per step (default 8)")
    parser.add_argument("--crop", type=int, default=256, help="crop side in pixels (default 256)")
    parser.add_argument("--lr", type=float, default=2e-4, help="peak learning rate (default 2e-4)")
    parser.add_argument("--warmup", type=int, default=1000, help="warm-up steps (default 1000)")
    parser.add_argument(
        "--clip-grad",
        type=float,
        default=0.0,
        metavar="NORM",
        help="clip the gradient norm to NORM (default 0: no clipping)",
    )
    synthesis = parser.add_argument_group("blur synthesis (photos: sources)")
    synthesis.add_argument(
        "--travel",
        metavar="LOW,HIGH",
        help="camera-shake travel in pixels, drawn log-uniform (default 3,40)",
    )
    for name, share in (("noise", 0.7), ("jpeg", 0.6), ("defocus", 0.15)):
        synthesis.add_argument(
            f"--{name}-share",
            type=float,
            metavar="P",
            help=f"share of samples that get {name} (0 to 1; default {share:g})",
        )
    parser.add_argument(
        "--heldout",
        action="append",
        type=Path,
        default=[],
        metavar="PAIRS_DIR",
        help="a frozen pairs folder scored at each validation (repeatable)",
    )
    parser.add_argument(
        "--validate-every",
        type=int,
        default=1000,
        metavar="N",
        help="validate every N steps and at the end (0: only at the end)",
    )
    parser.add_argument("--seed", type=int, default=1234, help="random seed (default 1234)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument(
        "--threads",
        type=int,
        help="CPU threads for torch (default: 1 on a busy machine, else all cores)",
    )
    parser.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16"),
        default="auto",
        help="mixed precision: auto (bf16/fp16 on a GPU, bf16 on CPUs that compute it in "
        "hardware, else fp32), fp32 (none) or bf16",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="ignore OUTPUT/last.pt and start again (it is overwritten)",
    )
    parser.add_argument(
        "--export",
        type=Path,
        metavar="FILE",
        help="do not train: write OUTPUT/last.pt's weights to FILE as float16",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import signal

    from cnaps_desktop.cli import EXIT_CANCELLED, EXIT_OK, EXIT_USAGE
    from cnaps_desktop.engine.cancel import CancelToken
    from cnaps_desktop.engine.training.data import SourceSpec
    from cnaps_desktop.engine.training.loop import TrainOptions, parse_config, train

    if args.export is not None:
        return _export(args)
    if not args.data:
        print("error: give at least one --data KIND:DIR (photos:, frames: or pairs:).")
        return EXIT_USAGE
    try:
        config = parse_config(args.config) if args.config else None
    except ValueError as error:
        print(f"error: {error}")
        return EXIT_USAGE
    for name in ("steps", "batch", "crop"):
        if getattr(args, name) <= 0:
            print(f"error: --{name} must be a positive number.")
            return EXIT_USAGE
    if args.crop % 16:
        print("error: --crop must be a multiple of 16 (MSSNet works at 1/16 of the input).")
        return EXIT_USAGE
    if args.init is not None and not args.init.is_file():
        print(f"error: {args.init} does not exist; expected a checkpoint file for --init.")
        return EXIT_USAGE
    try:
        synthesis = _synthesis_options(args)
    except ValueError as error:
        print(f"error: {error}")
        return EXIT_USAGE
    for folder in args.heldout:
        if not (folder / "blur").is_dir() or not (folder / "sharp").is_dir():
            print(f"error: {folder} is not a pairs folder; expected blur/ and sharp/ inside it.")
            return EXIT_USAGE
    options = TrainOptions(
        data=tuple(SourceSpec.parse(text) for text in args.data),
        output_dir=args.output.expanduser(),
        config=config,
        steps=args.steps,
        batch=args.batch,
        crop=args.crop,
        lr=args.lr,
        warmup_steps=min(args.warmup, args.steps),
        seed=args.seed,
        device=args.device,
        minutes=args.minutes,
        cpu_minutes=args.cpu_minutes,
        clip_grad=args.clip_grad,
        synthesis=synthesis,
        heldout=tuple(args.heldout),
        init=args.init,
        resume=not args.fresh,
        validate_every=args.validate_every,
        threads=args.threads,
        precision=args.precision,
    )
    token = CancelToken()

    def stop_cleanly(signum: int, frame: object) -> None:
        print("Stopping after this step and saving (press Ctrl+C again to abort)...", flush=True)
        token.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, stop_cleanly)
    previous_term = signal.signal(signal.SIGTERM, stop_cleanly)
    try:
        result = train(options, token=token, log=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        print("Aborted; the last periodic checkpoint is kept.")
        return EXIT_CANCELLED
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
    if token.cancelled:
        print(f"Stopped at step {result.steps_done}; run the same command again to resume.")
        return EXIT_CANCELLED
    state = "finished" if result.finished else "stopped (run again to resume)"
    print(
        f"{state}: step {result.steps_done} of {options.steps}, {result.steps_this_run} steps in "
        f"{result.seconds / 60:.1f} min; checkpoint {result.checkpoint}"
    )
    return EXIT_OK


def _synthesis_options(args: argparse.Namespace) -> SynthesisOptions:
    """The synthesis defaults with the command line's changes; ValueError names a bad one."""
    from dataclasses import replace

    from cnaps_desktop.engine.training.synthesis import SynthesisOptions

    options = SynthesisOptions()
    if args.travel:
        parts = args.travel.split(",")
        try:
            low, high = (float(p) for p in parts)
        except ValueError:
            low = high = -1.0
        if len(parts) != 2 or not 0 < low <= high:
            raise ValueError(
                f"--travel {args.travel}: expected LOW,HIGH pixels with 0 < LOW <= HIGH."
            )
        options = replace(options, travel_px=(low, high))
    for name in ("noise", "jpeg", "defocus"):
        share = getattr(args, f"{name}_share")
        if share is None:
            continue
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"--{name}-share {share:g}: expected a share from 0 to 1.")
        options = replace(options, **{f"{name}_share": share})
    return options


def _export(args: argparse.Namespace) -> int:
    from cnaps_desktop.cli import EXIT_OK, EXIT_USAGE
    from cnaps_desktop.engine.training.export import export_weights

    source = args.output.expanduser() / "last.pt"
    if not source.is_file():
        print(f"error: {source} does not exist; expected a training run folder for --output.")
        return EXIT_USAGE
    digest = export_weights(source, args.export.expanduser())
    size_mb = args.export.stat().st_size / 1e6
    print(f"Wrote {args.export} ({size_mb:.1f} MB, float16), sha256 {digest}")
    return EXIT_OK
