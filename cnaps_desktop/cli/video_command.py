"""Per-video work for ``cnaps-desktop restore``.

For every input that :func:`is_video_input` accepts, the restore command calls
:func:`restore_video_input`, which shows a progress bar with frames per second and time left,
prints one summary line and returns the facts. The video options themselves (``--codec``,
``--frames``, ...) and their conversion to :class:`VideoOptions` are in ``cli/options.py``; their
names are importable from here too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cnaps_desktop.cli.options import (
    add_video_arguments,
    parse_seconds,
    split_range,
    video_options_from_args,
)
from cnaps_desktop.engine.options import RESTORED_SUFFIX

if TYPE_CHECKING:
    from cnaps_desktop.engine.cancel import CancelToken, Progress, ProgressCallback
    from cnaps_desktop.engine.models import LoadedModel
    from cnaps_desktop.engine.options import RestoreOptions
    from cnaps_desktop.engine.video import VideoFacts

__all__ = [
    "add_video_arguments",
    "describe_video_facts",
    "is_video_input",
    "parse_seconds",
    "restore_video_input",
    "split_range",
    "video_options_from_args",
]


def is_video_input(path: Path) -> bool:
    from cnaps_desktop.engine.video import is_video_path

    return is_video_path(path)


def restore_video_input(
    loaded: LoadedModel,
    input_path: Path,
    args: argparse.Namespace,
    output_dir: Path | None = None,
    suffix: str = RESTORED_SUFFIX,
    token: CancelToken | None = None,
    restore_options: RestoreOptions | None = None,
    stream: TextIO | None = None,
    progress: ProgressCallback | None = None,
) -> VideoFacts:
    """Restore one video as the arguments ask; prints one summary line.

    Shows its own progress bar (frames per second, time left) unless ``progress`` is given, for
    a caller that draws its own. ``output_dir`` and ``suffix`` default to those in
    ``restore_options``.
    """
    from tqdm import tqdm

    from cnaps_desktop.engine.video import FrameRateMeter, restore_video, video_output_path

    stream = stream or sys.stderr
    options = video_options_from_args(args, restore_options)
    if restore_options is not None:
        output_dir = output_dir or restore_options.output_dir
        suffix = restore_options.suffix
    output = video_output_path(input_path, output_dir, suffix, options.codec)
    meter = FrameRateMeter()
    bars: list[tqdm] = []  # made at the first report, when the frame count is known

    def show(progress: Progress) -> None:
        if not bars:
            bars.append(
                tqdm(
                    desc=input_path.name,
                    total=progress.total,
                    initial=progress.done,
                    file=stream,
                    leave=False,
                    bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} frames"
                    "{postfix}",
                )
            )
        bar = bars[0]
        bar.total = progress.total
        bar.n = progress.done
        speed = meter.update(progress).speed()
        bar.set_postfix_str(speed, refresh=False)
        bar.refresh()

    try:
        facts = restore_video(loaded, input_path, output, options, token, progress or show)
    finally:
        for bar in bars:
            bar.close()
    print(describe_video_facts(facts), file=stream)
    return facts


def describe_video_facts(facts: VideoFacts) -> str:
    """One line: what was written and what was kept."""
    kept = "; ".join(note.describe() for note in facts.streams) or "no audio or subtitles"
    resumed = f" ({facts.resumed_frames} from the earlier run)" if facts.resumed_frames else ""
    padded = " (padded by one pixel to an even size)" if facts.padded else ""
    if facts.full_chroma:
        padded = " (odd size kept exactly with 4:4:4 chroma; some phones cannot play it)"
    rotation = f", rotation {facts.rotation} degrees kept" if facts.rotation else ""
    return (
        f"{facts.input_path.name} -> {facts.output_path}: {facts.frames} frames{resumed}, "
        f"{facts.output_codec} {facts.output_size[0]}x{facts.output_size[1]}{padded}, "
        f"{facts.frame_rate:.3g} fps{' (variable)' if facts.variable_frame_rate else ''}"
        f"{rotation}, {facts.frames_per_second:.2f} frames/s; {kept}."
    )
