"""Whole video jobs with a simple frame function: frames, timing, sound, rotation, metadata."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from cnaps_desktop.engine.cancel import Progress
from cnaps_desktop.engine.errors import VideoError
from cnaps_desktop.engine.video import (
    VideoOptions,
    colour_facts,
    frame_to_rgb,
    probe_video,
    restore_video,
    video_output_path,
)
from cnaps_desktop.engine.video.probe import frame_timestamps
from tests.conftest import shared_path
from tests.engine.video_clips import frame_pixels, make_clip

FAST = {"preset": "ultrafast", "segment_frames": 40}
VARIABLE_TIMES = [Fraction(i, 24) for i in range(6)] + [
    Fraction(6, 24) + Fraction(i, 60) for i in range(1, 8)
]


def invert(frames: np.ndarray) -> np.ndarray:
    return 255 - frames


def seconds(path: Path) -> list[Fraction]:
    time_base = probe_video(path).time_base
    return [stamp * time_base for stamp in frame_timestamps(path)]


def audio_seconds(path: Path) -> list[float]:
    return [a.duration or 0.0 for a in probe_video(path).audio]


def decoded(path: Path) -> list[np.ndarray]:
    """Frames as RGB, converted as the engine converts them (the file's matrix and range)."""
    with av.open(str(path)) as container:
        return [frame_to_rgb(f, colour_facts(f)) for f in container.decode(video=0)]


@pytest.mark.shared
@pytest.mark.parametrize(
    "name",
    [
        "shake_speech_960x540_30fps_h264_aac.mp4",
        "rotated90_640x360_h264.mov",
        "vfr_odd_321x241_vp9.mkv",
    ],
)
def test_shared_clips_keep_frames_timing_sound_and_rotation(name: str, tmp_path: Path) -> None:
    source = shared_path("data", "videos", name)
    output = tmp_path / "out.mp4"
    facts = restore_video(None, source, output, VideoOptions(**FAST), frame_function=invert)
    before, after = probe_video(source), probe_video(output)
    assert after.frames == before.frames == facts.frames
    assert seconds(output) == seconds(source)  # every frame at its exact time, VFR included
    assert after.frame_rate == pytest.approx(before.frame_rate)
    assert after.rotation == before.rotation
    one_frame = 1 / before.frame_rate
    assert len(after.audio) == len(before.audio)
    for kept, original in zip(audio_seconds(output), audio_seconds(source), strict=True):
        assert kept == pytest.approx(original, abs=one_frame)
    assert facts.audio_kept == bool(before.audio)
    assert not list(tmp_path.glob(".*"))  # no work folder or temporary file left


@pytest.mark.shared
def test_restored_pixels_are_the_frame_function_output(tmp_path: Path) -> None:
    source = shared_path("data", "videos", "rotated90_640x360_h264.mov")
    output = tmp_path / "out.mp4"
    options = VideoOptions(crf=10, end_frame=6, **FAST)
    restore_video(None, source, output, options, frame_function=invert)
    original = decoded(source)[:6]
    for got, before in zip(decoded(output), original, strict=True):
        difference = np.abs(got.astype(int) - (255 - before.astype(int)))
        assert difference.mean() < 1.5  # H.264 at CRF 10: close to the inverted input


def test_lossless_output_holds_the_exact_restored_pixels(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", size=(33, 25), codec="ffv1", pixel_format="bgr0")
    output = tmp_path / "out.mkv"
    facts = restore_video(
        None,
        source,
        output,
        VideoOptions(codec="lossless", segment_frames=5),
        frame_function=invert,
    )
    assert (facts.output_size, facts.padded, facts.output_codec) == ((33, 25), False, "ffv1")
    frames = decoded(output)
    assert len(frames) == 12
    for index, frame in enumerate(frames):
        assert np.array_equal(frame, 255 - frame_pixels(index, 33, 25))


@pytest.mark.parametrize(("codec", "suffix"), [("h264", ".mp4"), ("prores", ".mov")])
def test_odd_size_is_kept_exactly_with_full_chroma(codec: str, suffix: str, tmp_path: Path) -> None:
    """A player must show 33x25: 4:4:4 chroma codes odd sizes that 4:2:0 and 4:2:2 cannot."""
    source = make_clip(tmp_path / "c.mkv", size=(33, 25), codec="ffv1", pixel_format="bgr0")
    output = tmp_path / f"out{suffix}"
    options = VideoOptions(codec=codec, **FAST)
    facts = restore_video(None, source, output, options, frame_function=invert)
    assert (facts.input_size, facts.output_size, facts.padded) == ((33, 25), (33, 25), False)
    assert facts.full_chroma
    with av.open(str(output)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (33, 25)
    frames = decoded(output)
    assert frames[0].shape == (25, 33, 3)
    expected = 255 - frame_pixels(0, 33, 25).astype(int)
    assert np.abs(frames[0].astype(int) - expected).mean() < 4


def test_even_sizes_keep_the_usual_chroma(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", size=(32, 24), codec="ffv1", pixel_format="bgr0")
    facts = restore_video(
        None, source, tmp_path / "out.mp4", VideoOptions(**FAST), frame_function=lambda f: f
    )
    assert not facts.full_chroma
    with av.open(str(tmp_path / "out.mp4")) as container:
        assert container.streams.video[0].codec_context.format.name == "yuv420p"


def test_variable_frame_rate_subtitles_and_metadata_survive_mkv(tmp_path: Path) -> None:
    stamp = "2019-06-01T10:00:00.000000Z"
    source = make_clip(
        tmp_path / "c.mkv",
        frame_times=VARIABLE_TIMES,
        audio="pcm_s16le",
        subtitles=[(0.1, 0.3, "hello")],
        metadata={"creation_time": stamp, "title": "Holiday"},
    )
    output = tmp_path / "out.mkv"
    facts = restore_video(None, source, output, VideoOptions(**FAST), frame_function=invert)
    assert seconds(output) == seconds(source)
    assert facts.variable_frame_rate
    with av.open(str(output)) as container:
        assert container.metadata["creation_time"] == stamp
        assert container.metadata["title"] == "Holiday"
        kinds = [(s.type, s.codec_context.name) for s in container.streams]
    assert kinds == [("video", "h264"), ("audio", "pcm_s16le"), ("subtitle", "srt")]
    assert [n.action for n in facts.streams] == ["copied", "copied"]


def test_audio_the_container_cannot_hold_is_reencoded(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", frames=24, audio="pcm_s16le")
    output = tmp_path / "out.mp4"
    facts = restore_video(None, source, output, VideoOptions(**FAST), frame_function=invert)
    assert [n.describe() for n in facts.streams] == ["audio (pcm_s16le): re-encoded to aac"]
    with av.open(str(output)) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
    (kept,) = audio_seconds(output)
    assert kept == pytest.approx(1.0, abs=1 / 24)  # 24 frames at 24 fps, sound as long


@pytest.mark.parametrize(("codec", "suffix"), [("h265", ".mp4"), ("prores", ".mov")])
def test_other_codecs_keep_frames_and_timing(codec: str, suffix: str, tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", size=(64, 64), frames=8)
    output = tmp_path / f"out{suffix}"
    options = VideoOptions(codec=codec, preset="ultrafast", segment_frames=3)
    restore_video(None, source, output, options, frame_function=invert)
    assert seconds(output) == seconds(source)
    info = probe_video(output)
    assert info.codec == {"h265": "hevc", "prores": "prores"}[codec]
    assert len(info.audio) == 1


def test_frame_range_restores_those_frames_from_time_zero(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=24)
    output = tmp_path / "out.mp4"
    options = VideoOptions(start_frame=6, end_frame=18, **FAST)
    facts = restore_video(None, source, output, options, frame_function=invert)
    assert facts.frames == 12
    assert seconds(output) == [Fraction(i, 24) for i in range(12)]
    (kept,) = audio_seconds(output)
    assert kept == pytest.approx(0.5, abs=1 / 24)


def test_time_range_selects_frames_by_time(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mkv", frame_times=VARIABLE_TIMES, audio=None)
    options = VideoOptions(start_time=0.2, end_time=0.3, **FAST)
    facts = restore_video(None, source, tmp_path / "o.mp4", options, frame_function=invert)
    wanted = [t for t in seconds(source) if 0.2 <= t < 0.3]
    assert facts.frames == len(wanted) == 3
    assert seconds(tmp_path / "o.mp4") == [t - wanted[0] for t in wanted]


def test_range_outside_the_video_is_refused(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", audio=None)
    with pytest.raises(VideoError, match=r"has 12 frames .* selects none"):
        restore_video(
            None, source, tmp_path / "o.mp4", VideoOptions(start_frame=50), frame_function=invert
        )


def test_progress_counts_frames_and_batches_reach_the_function(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=10, audio=None)
    reports: list[Progress] = []
    sizes: list[int] = []

    def batched(frames: np.ndarray) -> np.ndarray:
        sizes.append(len(frames))
        return invert(frames)

    options = VideoOptions(batch_size=4, **FAST)
    facts = restore_video(
        None, source, tmp_path / "o.mp4", options, progress=reports.append, frame_function=batched
    )
    assert sizes == [4, 4, 2]
    assert [r.done for r in reports] == [0, 4, 8, 10]
    assert {r.total for r in reports} == {10} and {r.stage for r in reports} == {"frame"}
    assert facts.batch_size == 4


def test_default_output_name_and_codec_suffix_rules(tmp_path: Path) -> None:
    assert video_output_path(tmp_path / "a.mov") == tmp_path / "a_restored.mp4"
    assert video_output_path(tmp_path / "a.mp4", codec="lossless").suffix == ".mkv"
    source = make_clip(tmp_path / "c.mp4", audio=None)
    with pytest.raises(VideoError, match=r"FFV1 lossless.*\.mkv"):
        restore_video(
            None,
            source,
            tmp_path / "o.mp4",
            VideoOptions(codec="ffv1"),
            frame_function=invert,
        )


def test_colour_round_trip_is_faithful_and_tags_are_kept(tmp_path: Path) -> None:
    # Identity frames through RGB and back at CRF 0 (lossless YUV): what remains is rounding.
    source = make_clip(tmp_path / "c.mp4", frames=6, size=(64, 48), audio=None)
    output = tmp_path / "o.mp4"
    options = VideoOptions(crf=0, preset="ultrafast")
    restore_video(None, source, output, options, frame_function=lambda frames: frames)

    def pictures(path: Path) -> np.ndarray:
        with av.open(str(path)) as container:
            frames = container.decode(video=0)
            return np.stack([frame_to_rgb(f, colour_facts(f)).astype(int) for f in frames])

    def luma(path: Path) -> np.ndarray:
        with av.open(str(path)) as container:
            return np.stack([f.to_ndarray()[:48].astype(int) for f in container.decode(video=0)])

    assert abs((pictures(output) - pictures(source)).mean()) < 0.1  # no drift of the levels
    assert np.abs(luma(output) - luma(source)).mean() < 0.6  # same matrix and range both ways
    assert probe_video(output).colour == probe_video(source).colour


def _two_titled_tracks(path: Path) -> Path:
    """A clip with two titled AAC tracks ("Commentary", "Music"), made by remuxing make_clip's."""
    plain = make_clip(path.with_name("plain.mkv"), frames=12)
    with av.open(str(plain)) as source, av.open(str(path), "w") as out:
        video = out.add_stream_from_template(source.streams.video[0])
        tracks = []
        for title in ("Commentary", "Music"):
            track = out.add_stream_from_template(source.streams.audio[0])
            track.metadata["title"] = title
            tracks.append(track)
        for packet in source.demux():
            if packet.size == 0:
                continue
            if packet.stream.type == "video":
                packet.stream = video
                out.mux(packet)
                continue
            for track in tracks:
                copy = av.Packet(bytes(packet))
                copy.pts, copy.dts, copy.time_base = packet.pts, packet.dts, packet.time_base
                copy.stream = track
                out.mux(copy)
    return path


@pytest.mark.parametrize("suffix", [".mp4", ".mov", ".mkv"])
def test_audio_track_titles_are_kept_and_checked(suffix: str, tmp_path: Path) -> None:
    from cnaps_desktop.engine.video.probe import stream_title

    source = _two_titled_tracks(tmp_path / "two.mkv")
    assert [a.title for a in probe_video(source).audio] == ["Commentary", "Music"]
    output = tmp_path / f"out{suffix}"
    facts = restore_video(None, source, output, VideoOptions(**FAST), frame_function=invert)
    with av.open(str(output)) as container:
        titles = [stream_title(dict(s.metadata)) for s in container.streams.audio]
    assert titles == ["Commentary", "Music"]
    assert [n.describe() for n in facts.streams] == [
        'audio "Commentary" (aac): copied',
        'audio "Music" (aac): copied',
    ]
    assert [a.title for a in probe_video(output).audio] == ["Commentary", "Music"]


def test_a_title_the_output_lost_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary claims only what reading the written file back showed."""
    from cnaps_desktop.engine.video import assemble as video_assemble

    source = _two_titled_tracks(tmp_path / "two.mkv")
    monkeypatch.setattr(video_assemble, "_copy_stream_tags", lambda source, target: None)
    facts = restore_video(
        None, source, tmp_path / "out.mp4", VideoOptions(**FAST), frame_function=invert
    )
    assert all("title could not be kept" in n.describe() for n in facts.streams)
