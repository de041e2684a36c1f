"""Video jobs with a real (tiny) MSSNet: batched model calls, and the benchmark's figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from cnaps_desktop import load_model
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.bench import bench_video
from cnaps_desktop.engine.pixels import to_unit_float
from cnaps_desktop.engine.video import VideoOptions, restore_video
from cnaps_desktop.engine.video.batch import BatchedModel, auto_batch_size
from tests.engine.engine_models import wrap_module
from tests.engine.video_clips import make_clip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    torch.manual_seed(0)
    network = MSSNet(wf=4, scale=3, vscale=5)
    path = tmp_path_factory.mktemp("model") / "tiny_mssnet.safetensors"
    save_file({k: v.detach().clone() for k, v in network.state_dict().items()}, str(path))
    return load_model(path, device="cpu")


def decoded_rgb(path: Path) -> list[np.ndarray]:
    """Frames as the video engine hands them to the model (RGB, the file's colour matrix)."""
    import av

    from cnaps_desktop.engine.video import colour_facts, frame_to_rgb

    with av.open(str(path)) as container:
        return [frame_to_rgb(f, colour_facts(f)) for f in container.decode(video=0)]


def frames(count: int, height: int = 24, width: int = 40) -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.integers(0, 256, size=(count, height, width, 3), dtype=np.uint8)


def whole_frames(loaded, batch: np.ndarray, batch_size: int | None = None) -> np.ndarray:
    """``batch`` through the batched path, which must not need its per-frame fallback."""

    def no_fallback(chunk: np.ndarray) -> np.ndarray:
        raise AssertionError("whole frames fit, so the per-frame fallback must not run")

    return BatchedModel(loaded, batch_size or len(batch), no_fallback)(batch)


class SmallBatchesOnly(torch.nn.Module):
    """Inverts the picture; "runs out of memory" for batches above ``limit`` frames."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.batches: list[int] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.batches.append(x.shape[0])
        if x.shape[0] > self.limit:
            raise torch.OutOfMemoryError("pretend the GPU is full")
        return 1 - x


def test_a_batch_gives_the_same_frames_as_one_at_a_time(tiny) -> None:
    batch = frames(3)
    together = whole_frames(tiny, batch)
    alone = np.concatenate([whole_frames(tiny, batch[i : i + 1]) for i in range(3)])
    assert together.shape == (3, 24, 40, 3) and together.dtype == np.uint8
    assert np.abs(together.astype(int) - alone.astype(int)).max() <= 1  # float sum order


def test_batch_matches_the_network_on_a_padded_tensor(tiny) -> None:
    batch = frames(2, 32, 48)  # already multiples of 16: no padding involved
    tensor = torch.from_numpy(to_unit_float(batch)).permute(0, 3, 1, 2)
    with torch.inference_mode():
        expected = tiny.model(tensor).clamp(0, 1).mul(255).round().byte()
    assert np.array_equal(whole_frames(tiny, batch), expected.permute(0, 2, 3, 1).numpy())


def test_out_of_memory_halves_the_batch() -> None:
    network = SmallBatchesOnly(limit=1)
    batched = BatchedModel(wrap_module(network), 4, fallback=lambda chunk: chunk)
    batch = frames(4)
    assert np.array_equal(batched(batch), 255 - batch)
    assert network.batches == [4, 2, 1, 1, 1, 1] and batched.batch_size == 1


def test_frames_go_to_the_fallback_once_one_whole_frame_does_not_fit() -> None:
    network = SmallBatchesOnly(limit=0)
    fallback_calls: list[int] = []

    def fallback(chunk: np.ndarray) -> np.ndarray:
        fallback_calls.append(len(chunk))
        return chunk

    batched = BatchedModel(wrap_module(network), 2, fallback)
    batch = frames(2)
    assert np.array_equal(batched(batch), batch) and np.array_equal(batched(batch), batch)
    assert network.batches == [2, 1] and fallback_calls == [2, 2]


def test_cpu_runs_one_frame_per_call(tiny) -> None:
    assert auto_batch_size(tiny) == 1


def test_restore_video_with_the_tiny_model(tiny, tmp_path: Path) -> None:
    source = make_clip(tmp_path / "c.mp4", frames=6, size=(40, 24))
    options = VideoOptions(codec="lossless", batch_size=2, segment_frames=4)
    facts = restore_video(tiny, source, tmp_path / "o.mkv", options)
    assert (facts.frames, facts.output_size, facts.audio_kept) == (6, (40, 24), True)
    written = np.stack(decoded_rgb(tmp_path / "o.mkv"))
    assert np.array_equal(written, whole_frames(tiny, np.stack(decoded_rgb(source))))


def test_per_frame_path_uses_restore_array(tiny, tmp_path: Path) -> None:
    restore = pytest.importorskip("cnaps_desktop.engine.restore", reason="restore.py not merged")
    source = make_clip(tmp_path / "c.mp4", frames=3, size=(40, 24), audio=None)
    options = VideoOptions(codec="lossless", batch_size=1)
    facts = restore_video(tiny, source, tmp_path / "o.mkv", options)
    assert facts.frames == 3 and facts.batch_size == 1
    expected = [restore.restore_array(tiny, picture) for picture in decoded_rgb(source)]
    assert np.array_equal(np.stack(decoded_rgb(tmp_path / "o.mkv")), np.stack(expected))


def test_bench_reports_model_and_end_to_end_rates(tiny) -> None:
    report = bench_video(tiny, (48, 32), frames=2, batch_size=2)
    assert report["frames"] == 2 and report["size"] == "48x32"
    for key in ("model_fps", "end_to_end_fps", "pipeline_only_fps"):
        assert report[key] > 0
    assert report["device"].startswith("CPU")
    assert isinstance(report["overhead_percent"], float)
