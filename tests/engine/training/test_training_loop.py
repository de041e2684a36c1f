"""The loss, a few training steps, checkpoints that load_model reads and resumes keep the count."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from cnaps_desktop.engine.arch.mssnet import MSSNet, MSSNetConfig
from cnaps_desktop.engine.models.checkpoint import read_checkpoint_object
from cnaps_desktop.engine.models.loader import load_model
from cnaps_desktop.engine.training.data import SourceSpec
from cnaps_desktop.engine.training.loop import (
    TrainOptions,
    learning_rate,
    parse_config,
    train,
)
from cnaps_desktop.engine.training.losses import mssnet_loss

TINY = MSSNetConfig(4, 3, 5)


def _pairs_folder(folder: Path, count: int = 2) -> Path:
    rng = np.random.default_rng(0)
    for i in range(count):
        sharp = (rng.random((48, 48, 3)) * 255).astype(np.uint8)
        blur = cv2.blur(sharp, (5, 1))
        for kind, pixels in (("blur", blur), ("sharp", sharp)):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(folder / kind / f"{i}.png"), pixels)
    return folder


def test_loss_is_zero_for_perfect_outputs_and_uses_the_half_size_target() -> None:
    sharp = torch.rand(1, 3, 32, 32)
    half = torch.nn.functional.interpolate(
        sharp, scale_factor=0.5, mode="bilinear", align_corners=True
    )
    assert float(mssnet_loss([half] + [sharp] * 5, sharp)) == pytest.approx(0.0, abs=1e-6)
    assert float(mssnet_loss([half] + [sharp + 0.1] * 5, sharp)) > 0.5


def test_a_few_steps_lower_the_loss() -> None:
    torch.manual_seed(0)
    model = MSSNet(TINY.wf, TINY.scale, TINY.vscale)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    sharp = torch.rand(2, 3, 32, 32)
    blurred = torch.nn.functional.avg_pool2d(sharp, 5, stride=1, padding=2)
    losses = []
    for _ in range(8):
        loss = mssnet_loss(model.forward_train(blurred), sharp)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.8 * losses[0]


def test_schedule_warms_up_then_decays_to_the_floor() -> None:
    options = TrainOptions(data=(), output_dir=Path(), steps=100, warmup_steps=10, lr=1e-3)
    assert learning_rate(0, options) == pytest.approx(1e-4)
    assert learning_rate(9, options) == pytest.approx(1e-3)
    assert learning_rate(55, options) == pytest.approx(0.5 * (1e-3 + 1e-6), rel=1e-3)
    assert learning_rate(100, options) == pytest.approx(1e-6)


def test_parse_config() -> None:
    assert parse_config("S") == MSSNetConfig(20, 40, 40)
    assert parse_config("8,6,4") == MSSNetConfig(8, 6, 4)
    with pytest.raises(ValueError, match="WF,SCALE,VSCALE"):
        parse_config("huge")


def test_checkpoint_loads_through_load_model_and_resumes_with_the_same_step_count(
    tmp_path: Path,
) -> None:
    folder = _pairs_folder(tmp_path / "pairs")
    options = TrainOptions(
        data=(SourceSpec("pairs", folder),),
        output_dir=tmp_path / "run",
        config=TINY,
        steps=3,
        batch=2,
        crop=32,
        warmup_steps=1,
        validate_every=0,
        threads=1,
    )
    first = train(options, log=lambda _: None)
    assert first.steps_done == 3 and first.finished
    saved = read_checkpoint_object(first.checkpoint)
    assert saved["all_step"] == 3 and {"model_state_dict", "optimizer_state_dict", "epoch"} <= set(
        saved
    )

    loaded = load_model(first.checkpoint, device="cpu")
    assert loaded.info.architecture == "MSSNet"
    with torch.no_grad():
        out = loaded.model(torch.rand(1, 3, 32, 32))
    assert out.shape == (1, 3, 32, 32)

    from dataclasses import replace

    second = train(replace(options, steps=5), log=lambda _: None)
    assert second.steps_this_run == 2 and second.steps_done == 5
    assert read_checkpoint_object(second.checkpoint)["all_step"] == 5


def test_init_fine_tunes_from_given_weights(tmp_path: Path) -> None:
    folder = _pairs_folder(tmp_path / "pairs")
    torch.manual_seed(1)
    start = MSSNet(TINY.wf, TINY.scale, TINY.vscale)
    init = tmp_path / "init.pt"
    torch.save({"model_state_dict": start.state_dict()}, init)
    options = TrainOptions(
        data=(SourceSpec("pairs", folder),),
        output_dir=tmp_path / "run",
        steps=1,
        batch=1,
        crop=32,
        warmup_steps=1,
        lr=1e-9,
        validate_every=0,
        init=init,
    )
    result = train(options, log=lambda _: None)  # the size is read from init.pt
    tuned = read_checkpoint_object(result.checkpoint)["model_state_dict"]
    for key, value in start.state_dict().items():  # a 1e-9 step barely moves the weights
        torch.testing.assert_close(tuned[key], value, atol=1e-5, rtol=0)


def test_the_weight_average_is_saved_resumed_and_exported(tmp_path: Path) -> None:
    from dataclasses import replace

    from cnaps_desktop.engine.training.export import averaged_weights, export_weights

    folder = _pairs_folder(tmp_path / "pairs")
    options = TrainOptions(
        data=(SourceSpec("pairs", folder),),
        output_dir=tmp_path / "run",
        config=TINY,
        steps=4,
        batch=2,
        crop=32,
        warmup_steps=1,
        lr=1e-2,
        validate_every=0,
        threads=1,
        ema_decay=0.5,
    )
    first = train(replace(options, steps=2), log=lambda _: None)
    saved = read_checkpoint_object(first.checkpoint)
    average = averaged_weights(saved)
    raw = saved["model_state_dict"]
    assert average is not None and set(average) == set(raw)
    # The average lags the raw weights: with decay 0.5 after two steps it is between them.
    moved = [k for k in raw if not torch.equal(average[k], raw[k])]
    assert moved
    assert int(saved["ema_state_dict"]["n_averaged"]) == 3  # the start and two steps

    second = train(options, log=lambda _: None)
    resumed = read_checkpoint_object(second.checkpoint)["ema_state_dict"]
    assert int(resumed["n_averaged"]) == 5  # carried on, not started again

    exported = tmp_path / "export.pt"
    export_weights(second.checkpoint, exported)
    state = read_checkpoint_object(exported)["model_state_dict"]
    final_average = averaged_weights(read_checkpoint_object(second.checkpoint))
    for key, value in final_average.items():
        torch.testing.assert_close(state[key].float(), value.float(), atol=1e-2, rtol=1e-2)


def test_without_an_average_the_raw_weights_are_exported(tmp_path: Path) -> None:
    from cnaps_desktop.engine.training.export import export_weights

    folder = _pairs_folder(tmp_path / "pairs")
    options = TrainOptions(
        data=(SourceSpec("pairs", folder),),
        output_dir=tmp_path / "run",
        config=TINY,
        steps=1,
        batch=1,
        crop=32,
        warmup_steps=1,
        validate_every=0,
        threads=1,
        ema_decay=0.0,
    )
    result = train(options, log=lambda _: None)
    saved = read_checkpoint_object(result.checkpoint)
    assert "ema_state_dict" not in saved
    exported = tmp_path / "export.pt"
    export_weights(result.checkpoint, exported)
    state = read_checkpoint_object(exported)["model_state_dict"]
    for key, value in saved["model_state_dict"].items():
        torch.testing.assert_close(state[key].float(), value.float(), atol=1e-3, rtol=1e-3)


def test_init_from_a_training_run_starts_at_its_weight_average(tmp_path: Path) -> None:
    """Fine-tuning from another run's last.pt starts from what its validation scored (the
    average), while resuming that run takes its raw weights."""
    folder = _pairs_folder(tmp_path / "pairs")
    torch.manual_seed(1)
    raw = MSSNet(TINY.wf, TINY.scale, TINY.vscale)
    average = MSSNet(TINY.wf, TINY.scale, TINY.vscale)
    run = tmp_path / "other-run" / "last.pt"
    run.parent.mkdir()
    torch.save(
        {
            "model_state_dict": raw.state_dict(),
            "ema_state_dict": {f"module.{k}": v for k, v in average.state_dict().items()},
        },
        run,
    )
    options = TrainOptions(
        data=(SourceSpec("pairs", folder),),
        output_dir=tmp_path / "run",
        steps=1,
        batch=1,
        crop=32,
        warmup_steps=1,
        lr=1e-9,
        validate_every=0,
        init=run,
    )
    tuned = read_checkpoint_object(train(options, log=lambda _: None).checkpoint)
    for key, value in average.state_dict().items():
        torch.testing.assert_close(tuned["model_state_dict"][key], value, atol=1e-5, rtol=0)


def test_a_batch_with_a_non_finite_loss_is_skipped(tmp_path: Path, monkeypatch) -> None:
    import cnaps_desktop.engine.training.loop as loop

    calls = []

    def loss_that_fails_once(outputs, sharp):
        calls.append(1)
        loss = mssnet_loss(outputs, sharp)
        return loss * float("nan") if len(calls) == 2 else loss

    monkeypatch.setattr(loop, "mssnet_loss", loss_that_fails_once)
    lines: list[str] = []
    options = TrainOptions(
        data=(SourceSpec("pairs", _pairs_folder(tmp_path / "pairs")),),
        output_dir=tmp_path / "run",
        config=TINY,
        steps=3,
        batch=1,
        crop=32,
        warmup_steps=1,
        validate_every=0,
        threads=1,
    )
    result = train(options, log=lines.append)
    assert result.steps_done == 3 and len(calls) == 4  # the bad batch did not count as a step
    assert any("not finite; this batch is skipped" in line for line in lines)
    saved = read_checkpoint_object(result.checkpoint)
    assert all(torch.isfinite(v).all() for v in saved["model_state_dict"].values())
