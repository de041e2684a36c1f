"""Command-line arguments -> option dataclasses, written once.

The arguments several commands take (``--checkpoint``, ``--device``, ``--precision``, ``--tile``
and ``--tile-overlap``) are defined here, and so is every conversion of parsed arguments into the
engine's option dataclasses: :class:`RestoreOptions`, :class:`VideoOptions`,
:class:`SynthesisOptions` and :class:`TrainOptions`. Where a group of arguments exists only to
fill one dataclass (the video group, the blur-synthesis group), the group is defined next to its
conversion. A ``<verb>_command.py`` registers the arguments it takes and calls the conversion.

A conversion refuses a bad value with one sentence naming the option: an :class:`ArgumentProblem`
(the command prints it as ``error: ...`` and exits with 2), or the engine's own error where the
engine already words it. The engine loads inside the conversions (torch and PyAV are heavy), so
building the parser for ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cnaps_desktop.engine.options import RESTORED_SUFFIX
from cnaps_desktop.engine.video import CODEC_ALIASES, OUTPUT_CODECS

if TYPE_CHECKING:
    from cnaps_desktop.engine.options import RestoreOptions
    from cnaps_desktop.engine.training.loop import TrainOptions
    from cnaps_desktop.engine.training.synthesis import SynthesisOptions
    from cnaps_desktop.engine.video import VideoOptions

# argparse's add_argument is on parsers and on argument groups alike.
Arguments = argparse.ArgumentParser | argparse._ArgumentGroup

CHECKPOINT_HELP = "catalog name or checkpoint file (default: the default checkpoint)"
PRECISIONS = "auto, fp32, fp16 or bf16"


class ArgumentProblem(Exception):
    """A command-line value the command cannot use; the message is one sentence naming it."""


# ------------------------------------------------------------------ shared by several commands
def add_checkpoint_argument(
    parser: Arguments, default: str | None = "default", help: str = CHECKPOINT_HELP
) -> None:
    parser.add_argument("--checkpoint", default=default, metavar="NAME|PATH", help=help)


def add_device_argument(parser: Arguments) -> None:
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")


def add_precision_argument(parser: Arguments, help: str = PRECISIONS) -> None:
    """The engine's precision (training's mixed precision is another option: see train)."""
    parser.add_argument("--precision", default="auto", help=help)


def add_tile_arguments(parser: Arguments) -> None:
    parser.add_argument(
        "--tile",
        default="auto",
        type=tile_size,
        metavar="auto|N",
        help="tile edge in pixels (auto: from free memory; 0: whole image at once)",
    )
    parser.add_argument(
        "--tile-overlap",
        type=int,
        default=64,
        metavar="N",
        help="context in pixels each tile sees beyond what it keeps (default 64)",
    )


def tile_size(text: str) -> int | None:
    """``--tile``: "auto" (None: from free memory) or a size in pixels (0: no tiling)."""
    if text.strip().lower() == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a tile size; expected auto or N"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError("the tile size cannot be negative")
    return value


# ------------------------------------------------------------------ RestoreOptions
def add_output_arguments(parser: Arguments) -> None:
    """``--format`` and ``--suffix``: what the outputs are called (``-o`` is the command's)."""
    parser.add_argument(
        "--format", help="output format: jpeg, png, tiff, webp, bmp or heic (default: as input)"
    )
    parser.add_argument("--suffix", default=RESTORED_SUFFIX, help="added to output names")


def restore_options_from_args(args: argparse.Namespace) -> RestoreOptions:
    """``--device --precision --tile --tile-overlap -o --format --suffix``; an unknown
    ``--format`` is refused in the engine's words."""
    from cnaps_desktop.engine.image import extension_for
    from cnaps_desktop.engine.options import RestoreOptions

    if args.format:
        extension_for(args.format)  # OutputError for a format we do not write
    return RestoreOptions(
        device=args.device,
        precision=args.precision,
        tile=args.tile,
        tile_overlap=args.tile_overlap,
        output_dir=args.output_dir,
        output_format=args.format,
        suffix=args.suffix,
    )


# ------------------------------------------------------------------ VideoOptions
def add_video_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options that apply to video inputs."""
    group = parser.add_argument_group(
        "video", "options for video inputs (sound, timing, rotation and metadata are kept)"
    )
    group.add_argument(
        "--codec",
        default="h264",
        choices=[*OUTPUT_CODECS, *CODEC_ALIASES],
        help="output codec: h264 (.mp4, default), h265, lossless/ffv1 (.mkv, the exact "
        "restored pixels) or prores (.mov)",
    )
    group.add_argument(
        "--crf", type=int, help="H.264/H.265 quality, 0-51, lower is better (default 18/20)"
    )
    group.add_argument(
        "--preset", default="medium", help="x264/x265 speed preset (default: medium)"
    )
    group.add_argument(
        "--frames",
        metavar="START:END",
        help="restore only frames START to END-1 (0-based; either side may be left out)",
    )
    group.add_argument(
        "--time",
        metavar="START:END",
        help="restore only this time range, in seconds or [H:]MM:SS(.s), e.g. 0:10:0:15",
    )
    group.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run of the same job, and keep finished work if cancelled",
    )
    group.add_argument(
        "--batch-size", type=int, help="frames per model call (default: 1 on CPU, 4 on a GPU)"
    )
    group.add_argument(
        "--segment-frames",
        type=int,
        default=120,
        help="frames per resumable segment (default: 120)",
    )


def video_options_from_args(
    args: argparse.Namespace, restore_options: RestoreOptions | None = None
) -> VideoOptions:
    """The VideoOptions the parsed arguments ask for; VideoError for a malformed range."""
    from cnaps_desktop.engine.video import VideoOptions

    start_frame = end_frame = None
    start_time = end_time = None
    if args.frames:
        start, end = split_range(args.frames, "--frames")
        start_frame = _frame_number(start, args.frames)
        end_frame = _frame_number(end, args.frames)
    if args.time:
        start, end = split_range(args.time, "--time")
        start_time = parse_seconds(start) if start else None
        end_time = parse_seconds(end) if end else None
    return VideoOptions(
        codec=args.codec,
        crf=args.crf,
        preset=args.preset,
        start_frame=start_frame,
        end_frame=end_frame,
        start_time=start_time,
        end_time=end_time,
        resume=args.resume,
        batch_size=args.batch_size,
        segment_frames=args.segment_frames,
        restore=restore_options,
    )


def split_range(text: str, option: str) -> tuple[str, str]:
    """ "A:B" -> ("A", "B"); the split is at the middle colon when times contain colons."""
    from cnaps_desktop.engine.errors import VideoError

    parts = text.split(":")
    if len(parts) % 2 != 0:
        raise VideoError(f"{option} expects START:END, got '{text}'.")
    half = len(parts) // 2
    start, end = ":".join(parts[:half]), ":".join(parts[half:])
    for part in (start, end):
        if part and not part.replace(":", "").replace(".", "").isdigit():
            raise VideoError(f"{option} expects numbers in START:END, got '{text}'.")
    return start, end


def _frame_number(part: str, text: str) -> int | None:
    """One side of ``--frames``: empty (open) or a whole number ("1.5" is no frame)."""
    from cnaps_desktop.engine.errors import VideoError

    if not part:
        return None
    if not part.isdigit():
        raise VideoError(f"--frames expects whole frame numbers in START:END, got '{text}'.")
    return int(part)


def parse_seconds(text: str) -> float:
    """ "90", "1:30", "0:01:30.5" -> seconds."""
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


# ------------------------------------------------------------------ SynthesisOptions
def add_synthesis_arguments(parser: argparse.ArgumentParser) -> None:
    synthesis = parser.add_argument_group("blur synthesis (photos: sources)")
    synthesis.add_argument(
        "--travel",
        metavar="LOW,HIGH",
        help="camera-shake travel in pixels, drawn log-uniform (default 3,40)",
    )
    for name, share, effect in _SHARES:
        synthesis.add_argument(
            f"--{name}-share",
            type=float,
            metavar="P",
            help=f"share of samples that get {effect} (0 to 1; default {share:g})",
        )


# The synthesis effects given as a share of samples, with SynthesisOptions' defaults.
# A lower highlight share keeps bright, unblurred edges (sunset cloud rims) from being dimmed:
# the model learns to shrink bright areas from the samples whose highlights smear.
_SHARES = (
    ("noise", 0.7, "noise"),
    ("jpeg", 0.6, "JPEG re-compression"),
    ("defocus", 0.15, "defocus"),
    ("highlight", 0.5, "near-white highlights boosted so that they smear"),
)


def synthesis_options_from_args(args: argparse.Namespace) -> SynthesisOptions:
    """The synthesis defaults with the command line's changes."""
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
            raise ArgumentProblem(
                f"--travel {args.travel}: expected LOW,HIGH pixels with 0 < LOW <= HIGH."
            )
        options = replace(options, travel_px=(low, high))
    for name, _default, _effect in _SHARES:
        share = getattr(args, f"{name}_share")
        if share is None:
            continue
        if not 0.0 <= share <= 1.0:
            raise ArgumentProblem(f"--{name}-share {share:g}: expected a share from 0 to 1.")
        options = replace(options, **{f"{name}_share": share})
    return options


# ------------------------------------------------------------------ TrainOptions
def train_options_from_args(args: argparse.Namespace) -> TrainOptions:
    """The TrainOptions of ``cnaps-desktop train``; each bad value is refused in the order a
    person reads the options (a data source that does not parse is the engine's error)."""
    from cnaps_desktop.engine.training.data import SourceSpec
    from cnaps_desktop.engine.training.loop import TrainOptions, parse_config

    if not args.data:
        raise ArgumentProblem("give at least one --data KIND:DIR (photos:, frames: or pairs:).")
    try:
        config = parse_config(args.config) if args.config else None
    except ValueError as error:
        raise ArgumentProblem(str(error)) from error
    for name in ("steps", "batch", "crop"):
        if getattr(args, name) <= 0:
            raise ArgumentProblem(f"--{name} must be a positive number.")
    if args.crop % 16:
        raise ArgumentProblem(
            "--crop must be a multiple of 16 (MSSNet works at 1/16 of the input)."
        )
    if args.init is not None and not args.init.is_file():
        raise ArgumentProblem(f"{args.init} does not exist; expected a checkpoint file for --init.")
    if not 0 <= args.ema < 1:
        raise ArgumentProblem("--ema must be at least 0 and below 1 (e.g. 0.999).")
    synthesis = synthesis_options_from_args(args)
    for folder in args.heldout:
        if not (folder / "blur").is_dir() or not (folder / "sharp").is_dir():
            raise ArgumentProblem(
                f"{folder} is not a pairs folder; expected blur/ and sharp/ inside it."
            )
    return TrainOptions(
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
        ema_decay=args.ema,
        synthesis=synthesis,
        heldout=tuple(args.heldout),
        init=args.init,
        resume=not args.fresh,
        validate_every=args.validate_every,
        threads=args.threads,
        workers=args.workers,
        precision=args.precision,
    )
