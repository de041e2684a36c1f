"""`cnaps-desktop restore INPUT...`: restore image and video files, and folders of them.

Each input is read, restored with one loaded model and written beside it (or into ``-o DIR``) as
``NAME_restored.EXT``. Videos are restored frame by frame with their sound, timing and metadata
kept (see ``cli/video_cli.py`` for their options). A broken file is reported and skipped; the
others are still done, and the command exits with 1 listing the failures at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE
from cnaps_desktop.cli.video_command import add_video_arguments, is_video_input, restore_video_input

if TYPE_CHECKING:
    from cnaps_desktop.engine.cancel import ProgressCallback
    from cnaps_desktop.engine.facts import RunFacts
    from cnaps_desktop.engine.models.loader import LoadedModel
    from cnaps_desktop.engine.options import RestoreOptions

HOW_TO_GET_A_CHECKPOINT = (
    "No default checkpoint is installed. List the known ones with `cnaps-desktop models list`, "
    "get one with `cnaps-desktop models download NAME`, or pass your own file with "
    "--checkpoint PATH."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="restore image and video files (folders are expanded to their images and videos)",
        description="Restore photos and videos with a restoration model. Outputs are written as "
        "NAME_restored.EXT beside each input, or into -o DIR; inputs are never overwritten.",
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="image or video files, or folders"
    )
    parser.add_argument(
        "--checkpoint",
        default="default",
        metavar="NAME|PATH",
        help="catalog name or checkpoint file (default: the default checkpoint)",
    )
    parser.add_argument("-o", "--output-dir", type=Path, metavar="DIR", help="output folder")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--precision", default="auto", help="auto, fp32, fp16 or bf16")
    parser.add_argument(
        "--tile",
        default="auto",
        type=_tile_argument,
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
    parser.add_argument(
        "--format", help="output format: jpeg, png, tiff, webp, bmp or heic (default: as input)"
    )
    parser.add_argument("--suffix", default="_restored", help="added to output names")
    add_video_arguments(parser)
    parser.set_defaults(handler=run)


def _tile_argument(text: str) -> int | None:
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


@dataclass
class BatchResult:
    done: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    from cnaps_desktop.engine.errors import ModelNotFoundError
    from cnaps_desktop.engine.image.io import FORMATS
    from cnaps_desktop.engine.models.loader import load_model
    from cnaps_desktop.engine.options import RestoreOptions

    if args.format and args.format.strip().lower().lstrip(".") not in FORMATS:
        print(
            f"error: '{args.format}' is not an output format; expected one of "
            f"{', '.join(sorted(set(FORMATS)))}.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.output_dir is not None:
        from cnaps_desktop.engine.errors import OutputError
        from cnaps_desktop.engine.image.encoding import check_output_folder

        try:  # before the model loads or runs: a read-only folder fails at once
            check_output_folder(args.output_dir)
        except OutputError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_USAGE
    inputs, missing = expand_inputs(args.inputs, args.suffix)
    if not inputs and not missing:
        print("error: no images or videos found in the given inputs.", file=sys.stderr)
        return EXIT_USAGE
    try:
        loaded = load_model(args.checkpoint, args.device, args.precision)
    except ModelNotFoundError:
        if args.checkpoint == "default":
            print(f"error: {HOW_TO_GET_A_CHECKPOINT}", file=sys.stderr)
            return EXIT_USAGE
        raise
    options = RestoreOptions(
        device=args.device,
        precision=args.precision,
        tile=args.tile,
        tile_overlap=args.tile_overlap,
        output_dir=args.output_dir,
        output_format=args.format,
        suffix=args.suffix,
    )
    started = time.perf_counter()
    result = restore_all(loaded, inputs, options, args)
    result.failed[:0] = missing
    print_summary(loaded, result, time.perf_counter() - started)
    return EXIT_FAILURES if result.failed else EXIT_OK


def expand_inputs(inputs: Iterable[str], suffix: str) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files as given, folders as their images and videos (sorted, not recursive, earlier
    outputs skipped)."""
    from cnaps_desktop.engine.image.io import IMAGE_SUFFIXES
    from cnaps_desktop.engine.video.probe import VIDEO_SUFFIXES

    wanted = set(IMAGE_SUFFIXES) | set(VIDEO_SUFFIXES)

    files: list[Path] = []
    missing: list[tuple[Path, str]] = []
    for text in inputs:
        path = Path(text).expanduser()
        if path.is_dir():
            files.extend(
                child
                for child in sorted(path.iterdir())
                if child.is_file()
                and child.suffix.lower() in wanted
                and not (suffix and child.stem.endswith(suffix))
            )
        elif path.exists():
            files.append(path)
        else:
            missing.append(
                (path, f"{path} does not exist; expected an image or video file, or a folder.")
            )
    return files, missing


def restore_all(
    loaded: LoadedModel, inputs: list[Path], options: RestoreOptions, args: argparse.Namespace
) -> BatchResult:
    """Restore each input in turn; a failing file is recorded and the batch goes on."""
    from tqdm import tqdm

    from cnaps_desktop.engine.cancel import Progress
    from cnaps_desktop.engine.errors import CnapsError

    result = BatchResult()
    for index, path in enumerate(inputs, start=1):
        if is_video_input(path):
            # Videos draw their own bar (frames per second, time left) and summary line.
            try:
                restore_video_input(loaded, path, args, restore_options=options)
            except (CnapsError, OSError, MemoryError, RuntimeError) as error:
                message = str(error) if isinstance(error, CnapsError) else f"{path.name}: {error}"
                result.failed.append((path, message))
                print(f"failed  {message}", file=sys.stderr)
                continue
            result.done.append(path)
            continue
        label = f"[{index}/{len(inputs)}] {path.name}"
        with tqdm(total=None, desc=label, unit="tile", leave=False, file=sys.stderr) as bar:

            def on_progress(progress: Progress, bar: tqdm = bar) -> None:
                if bar.total != progress.total:
                    bar.reset(total=progress.total)
                bar.n = progress.done
                bar.refresh()

            try:
                facts = restore_image_input(loaded, path, options, on_progress)
            except (CnapsError, OSError, MemoryError, RuntimeError) as error:
                message = str(error) if isinstance(error, CnapsError) else f"{path.name}: {error}"
                result.failed.append((path, message))
                bar.write(f"failed  {message}", file=sys.stderr)
                continue
        result.done.append(path)
        tiles = f", {facts.tiles} tiles" if facts.tiles > 1 else ""
        print(f"restored {path} -> {facts.output_path} ({facts.seconds:.1f} s{tiles})")
        for note in facts.notes:
            print(f"  note: {note}.")
    return result


def restore_image_input(
    loaded: LoadedModel, path: Path, options: RestoreOptions, progress: ProgressCallback
) -> RunFacts:
    """Restore one image file with ``restore_file``."""
    from cnaps_desktop.engine.image.io import restore_file

    return restore_file(loaded, path, options, progress=progress)


def print_summary(loaded: LoadedModel, result: BatchResult, seconds: float) -> None:
    from cnaps_desktop.engine.device import describe_device, precision_name

    total = len(result.done) + len(result.failed)
    where = (
        f"{loaded.info.name} on {describe_device(loaded.device)}, {precision_name(loaded.dtype)}"
    )
    line = f"Restored {len(result.done)} of {total} files in {seconds:.1f} s with {where}"
    if not result.failed:
        print(line + ".")
        return
    print(line + f"; {len(result.failed)} failed:", file=sys.stderr)
    for _path, message in result.failed:
        print(f"  {message}", file=sys.stderr)
