"""Probing videos and reading single frames; one clear message for each kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cnaps_desktop.engine.errors import CorruptVideoError, UnsupportedVideoError, VideoError
from cnaps_desktop.engine.video import is_video_path, probe_video, read_frame
from tests.conftest import shared_path
from tests.engine.video_clips import frame_pixels, make_clip

VIDEOS = ("data", "videos")


def test_video_suffixes_are_recognised_by_name() -> None:
    assert is_video_path("holiday.MP4")
    assert is_video_path(Path("clip.mkv"))
    assert not is_video_path("photo.jpg")


@pytest.mark.shared
def test_probe_reads_the_facts_of_the_shared_clips() -> None:
    speech = probe_video(shared_path(*VIDEOS, "shake_speech_960x540_30fps_h264_aac.mp4"))
    assert (speech.size, speech.frames, speech.codec) == ((960, 540), 150, "h264")
    assert speech.frame_rate == pytest.approx(30.0)
    assert speech.duration == pytest.approx(5.0)
    assert [a.codec for a in speech.audio] == ["aac"]
    assert speech.audio[0].sample_rate == 44100

    rotated = probe_video(shared_path(*VIDEOS, "rotated90_640x360_h264.mov"))
    assert (rotated.frames, rotated.rotation) == (90, 90)
    assert rotated.display_size == (360, 640)

    vfr = probe_video(shared_path(*VIDEOS, "vfr_odd_321x241_vp9.mkv"))
    assert (vfr.size, vfr.frames, vfr.codec) == ((321, 241), 94, "vp9")
    assert vfr.variable_frame_rate
    assert vfr.audio == ()


def test_read_frame_returns_the_frame_asked_for(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "c.mkv", frames=10, codec="ffv1", pixel_format="bgr0", audio=None)
    for index in (0, 7, 3):
        frame = read_frame(clip, index)
        assert frame.dtype == np.uint8 and frame.shape == (48, 64, 3)
        assert np.array_equal(frame, frame_pixels(index, 64, 48))
    with pytest.raises(VideoError, match=r"has 10 frames; frame 10 does not exist"):
        read_frame(clip, 10)


def test_probe_reports_creation_time_and_rotation_of_generated_clip(tmp_path: Path) -> None:
    stamp = "2019-06-01T10:00:00.000000Z"
    clip = make_clip(tmp_path / "c.mp4", rotation=-90, metadata={"creation_time": stamp})
    info = probe_video(clip)
    assert (info.rotation, info.creation_time, info.frames) == (-90, stamp, 12)


# ------------------------------------------------------------------ bad input
def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match=r"nothing\.mp4 does not exist"):
        probe_video(tmp_path / "nothing.mp4")


def test_not_a_video_is_refused_as_damaged(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(b"this is not a video at all" * 50)
    with pytest.raises(CorruptVideoError, match=r"fake.mp4 could not be read as a video"):
        probe_video(fake)


def test_mp4_without_its_index_is_refused(tmp_path: Path) -> None:
    whole = make_clip(tmp_path / "whole.mp4", frames=24).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) // 2])  # the index (moov) is at the end: gone
    with pytest.raises(CorruptVideoError, match=r"cut.mp4 could not be read as a video"):
        probe_video(cut)


@pytest.mark.shared
def test_truncated_mp4_names_the_missing_frames(tmp_path: Path) -> None:
    source = shared_path(*VIDEOS, "shake_speech_960x540_30fps_h264_aac.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(source[:900_000])  # index at the front (faststart), data cut off
    with pytest.raises(CorruptVideoError, match=r"cut.mp4 is truncated: .*150 frames"):
        probe_video(cut)


def test_audio_only_file_is_refused(tmp_path: Path) -> None:
    import av

    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48000, layout="mono")
        for start in range(0, 4800, 1024):
            samples = np.zeros((1, 1024), dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 48000, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(UnsupportedVideoError, match=r"voice.m4a holds only audio"):
        probe_video(path)


def test_unknown_video_codec_is_refused(tmp_path: Path) -> None:
    data = make_clip(tmp_path / "c.mp4", audio=None).read_bytes()
    assert data.count(b"avc1") >= 1
    odd = tmp_path / "odd.mp4"
    odd.write_bytes(data.replace(b"avc1", b"zzz9"))  # a sample entry no decoder knows
    with pytest.raises(UnsupportedVideoError, match=r"odd.mp4 uses a video codec"):
        probe_video(odd)
