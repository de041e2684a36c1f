"""`cnaps-desktop restore INPUT...`: restore image and video files, and folders of them.

Each input is read, restored with one loaded model and written beside it (or into ``-o DIR``) as
``NAME_restored.EXT``. Videos are restored frame by frame with their sound, timing and metadata
kept (their options are in ``cli/options.py``). A broken file is reported and skipped; the
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
from cnaps_desktop.cli.options import (
    add_checkpoint_argument,
    add_device_argument,
    add_output_arguments,
    add_precision_argument,
    add_tile_arguments,
    add_video_arguments,
    restore_options_from_args,
    video_options_from_args,
)
from cnaps_desktop.cli.video_command import is_video_input, restore_video_input

if TYPE_CHECKING:
    from cnaps_desktop.engine.cancel import ProgressCallback
    from cnaps_desktop.engine.facts import RunFacts
    from cnaps_desktop.engine.models import LoadedModel
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
    add_checkpoint_argument(parser)
    parser.add_argument("-o", "--output-dir", type=Path, metavar="DIR", help="output folder")
    add_device_argument(parser)
    add_precision_argument(parser)
    add_tile_arguments(parser)
    add_output_arguments(parser)
    add_video_arguments(parser)
    parser.set_defaults(handler=run)


@dataclass
class BatchResult:
    done: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    from cnaps_desktop.engine.errors import ModelNotFoundError
    from cnaps_desktop.engine.models import load_model

    # Every option is checked, and the output folder tried, before the model loads or runs.
    options = restore_options_from_args(args)
    video_options_from_args(args, options)  # a malformed --frames or --time fails here once
    if args.output_dir is not None:
        from cnaps_desktop.engine.files import check_output_folder

        check_output_folder(args.output_dir)  # OutputError: "error: ...", exit 2
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
    started = time.perf_counter()
    result = restore_all(loaded, inputs, options, args)
    result.failed[:0] = missing
    print_summary(loaded, result, time.perf_counter() - started)
    return EXIT_FAILURES if result.failed else EXIT_OK


def expand_inputs(inputs: Iterable[str], suffix: str) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files as given, folders as their images and videos (sorted, not recursive, earlier
    outputs skipped)."""
    from cnaps_desktop.engine.image import IMAGE_SUFFIXES
    from cnaps_desktop.engine.video import VIDEO_SUFFIXES

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
    from cnaps_desktop.engine.photo import restore_file

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
