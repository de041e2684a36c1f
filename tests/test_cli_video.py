"""The video options of `cnaps-desktop restore` and the per-video CLI work."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from cnaps_desktop.cli.video_command import (
    add_video_arguments,
    describe_video_facts,
    parse_seconds,
    restore_video_input,
    split_range,
    video_options_from_args,
)
from cnaps_desktop.engine.cancel import Progress
from cnaps_desktop.engine.errors import VideoError
from cnaps_desktop.engine.video.progress import FrameRateMeter
from tests.engine.video_clips import make_clip


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_video_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_give_h264_mp4_without_range() -> None:
    options = video_options_from_args(parse())
    assert (options.codec, options.effective_crf, options.has_range) == ("h264", 18, False)
    assert options.resume is False and options.segment_frames == 120


def test_every_video_option_reaches_the_video_options() -> None:
    args = parse(
        "--codec", "lossless", "--frames", "10:50", "--resume", "--batch-size", "3",
        "--segment-frames", "30",
    )  # fmt: skip
    options = video_options_from_args(args)
    assert options.output.name == "ffv1"
    assert (options.start_frame, options.end_frame) == (10, 50)
    assert (options.resume, options.batch_size, options.segment_frames) == (True, 3, 30)
    timed = video_options_from_args(
        parse("--time", "0:10:0:15.5", "--codec", "h265", "--crf", "24")
    )
    assert (timed.start_time, timed.end_time) == (10.0, 15.5)
    assert (timed.output.name, timed.effective_crf) == ("h265", 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:50", ("10", "50")),
        (":50", ("", "50")),
        ("10:", ("10", "")),
        ("1:00:2:00", ("1:00", "2:00")),
    ],
)
def test_ranges_split_at_the_middle_colon(text: str, expected: tuple[str, str]) -> None:
    assert split_range(text, "--frames") == expected


@pytest.mark.parametrize("text", ["10", "1:2:3", "a:b"])
def test_malformed_ranges_are_explained(text: str) -> None:
    with pytest.raises(VideoError, match="--frames expects"):
        split_range(text, "--frames")


def test_times_read_as_seconds_minutes_or_hours() -> None:
    assert parse_seconds("90") == 90.0
    assert parse_seconds("1:30") == 90.0
    assert parse_seconds("1:00:01.5") == 3601.5


def test_rate_meter_gives_frames_per_second_and_time_left() -> None:
    now = [100.0]
    meter = FrameRateMeter(clock=lambda: now[0])
    assert meter.update(Progress(20, 120, "frame")).frames_per_second is None  # resumed part
    now[0] = 110.0
    rate = meter.update(Progress(40, 120, "frame"))
    assert rate.frames_per_second == pytest.approx(2.0)
    assert rate.seconds_left == pytest.approx(40.0)
    assert rate.describe() == "40/120 frames, 2 frames/s, about 0:40 left"


def test_restore_video_input_writes_the_video_and_prints_a_summary(tmp_path: Path) -> None:
    from cnaps_desktop import load_model
    from cnaps_desktop.engine.arch.mssnet import MSSNet

    torch.manual_seed(0)
    network = MSSNet(wf=4, scale=3, vscale=5)
    checkpoint = tmp_path / "tiny.safetensors"
    save_file({k: v.detach().clone() for k, v in network.state_dict().items()}, str(checkpoint))
    loaded = load_model(checkpoint, device="cpu")
    source = make_clip(tmp_path / "holiday.mov", frames=4, size=(32, 16), rotation=90)
    output = io.StringIO()
    args = parse("--batch-size", "2", "--preset", "ultrafast")
    facts = restore_video_input(loaded, source, args, output_dir=tmp_path, stream=output)
    assert facts.output_path == tmp_path / "holiday_restored.mp4"
    assert facts.output_path.is_file() and facts.frames == 4
    line = output.getvalue().strip().splitlines()[-1]
    assert line == describe_video_facts(facts)
    assert (
        "4 frames" in line and "rotation 90 degrees kept" in line and "audio (aac): copied" in line
    )


def test_restore_command_dispatches_videos_and_creates_the_output_folder(tmp_path: Path) -> None:
    """`cnaps-desktop restore clip.mp4 -o NEW_DIR` restores the video with the image options."""
    import av
    import numpy as np
    import torch

    from cnaps_desktop.cli import main
    from cnaps_desktop.engine.arch.mssnet import MSSNet

    clip = tmp_path / "clip.mp4"
    with av.open(str(clip), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(4):
            pixels = np.full((48, 64, 3), 40 * index, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    torch.manual_seed(0)
    checkpoint = tmp_path / "tiny.pth"
    torch.save(MSSNet(wf=4, scale=3, vscale=5).state_dict(), checkpoint)

    output_dir = tmp_path / "new" / "folder"
    code = main(["restore", str(clip), "--checkpoint", str(checkpoint), "-o", str(output_dir)])

    assert code == 0
    written = output_dir / "clip_restored.mp4"
    with av.open(str(written)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 4
