"""Video options and per-video work for ``cnaps-desktop restore``.

The restore command calls :func:`add_video_arguments` on its parser, and for every input that
:func:`is_video_input` accepts it calls :func:`restore_video_input`, which shows a progress bar
with frames per second and time left, and returns the facts for the summary.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cnaps_desktop.engine.video.options import CODEC_ALIASES, OUTPUT_CODECS, VideoOptions

if TYPE_CHECKING:
    from cnaps_desktop.engine.cancel import CancelToken, Progress, ProgressCallback
    from cnaps_desktop.engine.models.loader import LoadedModel
    from cnaps_desktop.engine.options import RestoreOptions
    from cnaps_desktop.engine.video.options import VideoFacts


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
    start_frame = end_frame = None
    start_time = end_time = None
    if args.frames:
        start, end = split_range(args.frames, "--frames")
        start_frame = int(start) if start else None
        end_frame = int(end) if end else None
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


def parse_seconds(text: str) -> float:
    """ "90", "1:30", "0:01:30.5" -> seconds."""
    seconds = 0.0
    for part in text.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def is_video_input(path: Path) -> bool:
    from cnaps_desktop.engine.video.probe import is_video_path

    return is_video_path(path)


def restore_video_input(
    loaded: LoadedModel,
    input_path: Path,
    args: argparse.Namespace,
    output_dir: Path | None = None,
    suffix: str = "_restored",
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

    from cnaps_desktop.engine.video.progress import FrameRateMeter
    from cnaps_desktop.engine.video.restore import restore_video, video_output_path

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
