"""`cnaps-desktop train`: train, resume or fine-tune an MSSNet deblurring model."""

from __future__ import annotations

import argparse
from pathlib import Path

from cnaps_desktop.cli.options import (
    ArgumentProblem,
    add_device_argument,
    add_synthesis_arguments,
    train_options_from_args,
)

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
    parser.add_argument(
        "--ema",
        type=float,
        default=0.999,
        metavar="DECAY",
        help="validate, keep and export a moving average of the weights with this decay per "
        "step (default 0.999: about the last 1,000 steps; 0: the raw weights)",
    )
    add_synthesis_arguments(parser)
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
    add_device_argument(parser)
    parser.add_argument(
        "--threads",
        type=int,
        help="CPU threads for torch (default: 1 on a busy machine, else all cores)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="blur-synthesis processes (default 0: one background thread, enough for the CPU; "
        "a GPU needs about one per CPU core to be kept busy)",
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
    from cnaps_desktop.engine.training.loop import train

    if args.export is not None:
        return _export(args)
    try:
        options = train_options_from_args(args)
    except ArgumentProblem as problem:
        print(f"error: {problem}")  # train's usage errors go to stdout, with its log
        return EXIT_USAGE
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
