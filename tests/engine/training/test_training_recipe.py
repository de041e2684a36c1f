"""The recipe fixes: a fresh network starts as the identity, one seed gives one run, the CPU-time
budget, gradient clipping, the CSV learning curve, NAFNet, and the synthesis options."""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from cnaps_desktop.engine.arch.mssnet import MSSNetConfig
from cnaps_desktop.engine.models.checkpoint import read_checkpoint_object
from cnaps_desktop.engine.training.data import SourceSpec, ValidationPair
from cnaps_desktop.engine.training.loop import LOG_NAME, TrainOptions, choose_threads, train
from cnaps_desktop.engine.training.networks import (
    NAFNetConfig,
    build_network,
    config_from_plain,
    config_to_plain,
    parse_config,
    training_outputs,
    zero_init_tails,
)
from cnaps_desktop.engine.training.validation import validate

TINY = MSSNetConfig(4, 3, 5)
TINY_NAFNET = NAFNetConfig(width=4, encoders=(1, 1), middle=1, decoders=(1, 1))


def _pairs_folder(folder: Path, count: int = 3, size: int = 48) -> Path:
    rng = np.random.default_rng(0)
    for i in range(count):
        sharp = (rng.random((size, size, 3)) * 255).astype(np.uint8)
        blur = cv2.blur(sharp, (5, 1))
        for kind, pixels in (("blur", blur), ("sharp", sharp)):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(folder / kind / f"{i}.png"), pixels)
    return folder


def _options(tmp_path: Path, **changes: object) -> TrainOptions:
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
        device="cpu",
        precision="fp32",
    )
    return replace(options, **changes)


@pytest.mark.parametrize("config", [TINY, TINY_NAFNET], ids=["mssnet", "nafnet"])
def test_zeroed_tails_make_a_fresh_network_the_identity(config: object) -> None:
    torch.manual_seed(0)
    model = build_network(config).eval()
    x = torch.rand(1, 3, 32, 32)
    with torch.no_grad():
        assert not torch.allclose(model(x), x, atol=1e-3)  # random tails: not the identity
        zero_init_tails(model)
        for output in training_outputs(model, x):
            target = x if output.shape[-1] == 32 else None
            if target is not None:
                torch.testing.assert_close(output, target)


def test_the_same_seed_gives_the_same_run_and_another_seed_another(tmp_path: Path) -> None:
    first = train(_options(tmp_path / "a"), log=lambda _: None)
    second = train(_options(tmp_path / "b"), log=lambda _: None)
    third = train(_options(tmp_path / "c", seed=99), log=lambda _: None)
    states = [
        read_checkpoint_object(r.checkpoint)["model_state_dict"] for r in (first, second, third)
    ]
    assert first.last_loss == second.last_loss
    for key, value in states[0].items():
        torch.testing.assert_close(states[1][key], value, rtol=0, atol=0)
    assert any(not torch.equal(states[2][k], v) for k, v in states[0].items())


def test_fine_tuning_keeps_the_given_tails(tmp_path: Path) -> None:
    torch.manual_seed(3)
    start = build_network(TINY)
    init = tmp_path / "init.pt"
    torch.save({"model_state_dict": start.state_dict()}, init)
    result = train(
        _options(tmp_path, config=None, init=init, steps=1, lr=1e-12), log=lambda _: None
    )
    tuned = read_checkpoint_object(result.checkpoint)["model_state_dict"]
    torch.testing.assert_close(tuned["tail3_3.weight"], start.state_dict()["tail3_3.weight"])


def test_the_learning_curve_is_written_and_resuming_adds_to_it(tmp_path: Path) -> None:
    heldout = _pairs_folder(tmp_path / "frozen", count=2, size=40)
    options = _options(tmp_path, steps=2, validate_every=1, heldout=(heldout,), heldout_crop=32)
    train(options, log=lambda _: None)
    train(replace(options, steps=3), log=lambda _: None)
    with (options.output_dir / LOG_NAME).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    frozen = [r for r in rows if r["set"] == "frozen"]
    assert [int(r["step"]) for r in frozen] == [1, 2, 3]
    assert {r["set"] for r in rows} == {"frozen", "validation"}
    assert all(int(r["count"]) == 2 for r in frozen)
    hours = [float(r["cpu_hours"]) for r in frozen]
    assert hours == sorted(hours) and hours[-1] > 0  # CPU time adds up across the resume
    assert all(math.isfinite(float(r["gain_db"])) for r in rows)
    best = options.output_dir / "best.pt"
    # The CSV rounds to 4 decimals: a worst pair of -0.00001 dB reads "-0.0000" there, yet it
    # was (rightly) refused, so only rows clearly on one side of zero decide.
    kept = [r for r in frozen if float(r["worst_gain_db"]) > 1e-4]
    refused = [r for r in frozen if float(r["worst_gain_db"]) < -1e-4]
    if kept:  # the best validated weights that made no pair worse, with their figure
        saved = read_checkpoint_object(best)["training"]
        best_kept = max(float(r["gain_db"]) for r in kept)
        assert saved["best_gain_db"] >= best_kept - 1e-3
        assert any(
            saved["best_gain_db"] == pytest.approx(float(r["gain_db"]), abs=1e-3) for r in frozen
        )
    elif len(refused) == len(frozen):
        assert not best.exists()


def test_a_cpu_time_budget_stops_the_run_cleanly(tmp_path: Path) -> None:
    result = train(_options(tmp_path, steps=1000, cpu_minutes=1e-9), log=lambda _: None)
    assert result.steps_this_run <= 1 and not result.finished
    assert result.checkpoint.is_file()


def test_gradient_clipping_bounds_the_first_step(tmp_path: Path) -> None:
    """With a huge rate, an unclipped step moves the weights far more than a clipped one."""
    moved = {}
    for clip in (0.0, 1e-6):
        torch.manual_seed(0)
        before = build_network(TINY).state_dict()
        options = _options(tmp_path / str(clip), steps=1, lr=1.0, clip_grad=clip, zero_tails=False)
        result = train(options, log=lambda _: None)
        after = read_checkpoint_object(result.checkpoint)["model_state_dict"]
        moved[clip] = sum(float((after[k] - before[k]).abs().sum()) for k in before)
    assert moved[1e-6] < moved[0.0]


def test_nafnet_trains_saves_and_resumes_with_its_size(tmp_path: Path) -> None:
    options = _options(tmp_path, config=TINY_NAFNET, steps=2)
    first = train(options, log=lambda _: None)
    saved = read_checkpoint_object(first.checkpoint)
    assert config_from_plain(saved["training"]["network_config"]) == TINY_NAFNET
    second = train(replace(options, config=None, steps=3), log=lambda _: None)
    assert second.steps_done == 3 and math.isfinite(second.last_loss)


def test_network_configs_parse_and_round_trip() -> None:
    assert parse_config("S") == MSSNetConfig(20, 40, 40)
    assert parse_config("nafnet") == NAFNetConfig()
    assert parse_config("nafnet:24") == NAFNetConfig(width=24)
    for config in (TINY, TINY_NAFNET):
        assert config_from_plain(config_to_plain(config)) == config
    with pytest.raises(ValueError, match="nafnet"):
        parse_config("nafnet:wide")


def test_validation_of_an_identity_model_gains_zero_not_nan() -> None:
    """inf - inf (identical before and after) is a 0 dB gain, as in `eval`."""
    image = np.full((16, 16, 3), 0.5, np.float32)
    model = torch.nn.Identity()
    result = validate(model, [ValidationPair("flat", image, image.copy())], torch.device("cpu"))
    assert result.gain_db == 0.0 and result.worst_gain_db == 0.0


def test_one_thread_on_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.getloadavg", lambda: (1.7, 1.0, 1.0))
    threads, why = choose_threads(None)
    assert threads == 1 and "busy" in why
    assert choose_threads(3) == (3, "as asked")
