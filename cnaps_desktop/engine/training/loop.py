"""The training loop: MSSNet, its published loss, Adam with warm-up and cosine decay.

A fresh network starts as the identity (zeroed output convolutions, networks.py), the seed is set
before it is built (so two runs with one seed are the same run), and every validation appends to
``training_log.csv`` beside ``last.pt``: step, CPU-hours and the held-out gains, so the learning
curve outlives the machine.

Checkpoints use the released format (``model_state_dict``, ``optimizer_state_dict``, ``epoch``,
``all_step``) so every loader reads them, plus a ``training`` dict of plain values (the options and
the last validation figures) that lets a run resume with the same step count and schedule.

Validation, ``best.pt`` and exports use an exponential moving average of the weights
(``ema_decay``, torch's AveragedModel): with batches of four small crops one step's weights swing
from pair to pair (a held-out pair 1-2 dB worse at one validation, fine at the next), and the
average over the last ~1,000 steps does not. ``last.pt`` keeps both: the raw weights to train on
(``model_state_dict``) and the average (``ema_state_dict``).
"""

from __future__ import annotations

import csv
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import torch

from cnaps_desktop.engine.arch.mssnet import MSSNetConfig, config_from_state_dict
from cnaps_desktop.engine.cancel import CancelToken
from cnaps_desktop.engine.errors import CheckpointError, ModelMismatchError
from cnaps_desktop.engine.models import read_checkpoint_object, unwrap_state_dict
from cnaps_desktop.engine.training.data import (
    BatchStream,
    SourceSpec,
    ValidationPair,
    WorkerBatchStream,
    build_sources,
    centre_crop_pairs,
    training_sources,
    validation_pairs,
)
from cnaps_desktop.engine.training.export import averaged_weights
from cnaps_desktop.engine.training.losses import mssnet_loss
from cnaps_desktop.engine.training.networks import (
    NAMED_CONFIGS,
    NetworkConfig,
    build_network,
    config_from_plain,
    config_to_plain,
    parse_config,
    training_outputs,
    zero_init_tails,
)
from cnaps_desktop.engine.training.precision import autocast_dtype
from cnaps_desktop.engine.training.synthesis import SynthesisOptions
from cnaps_desktop.engine.training.validation import ValidationResult, validate

__all__ = ["NAMED_CONFIGS", "TrainOptions", "TrainResult", "parse_config", "train"]

MIN_LR = 1e-6
LOG_NAME = "training_log.csv"
BEST_NAME = "best.pt"
LOG_COLUMNS = (
    "step",
    "cpu_hours",
    "wall_hours",
    "loss",
    "lr",
    "set",
    "count",
    "psnr_input",
    "psnr_output",
    "gain_db",
    "worst_gain_db",
)


@dataclass(frozen=True)
class TrainOptions:
    data: tuple[SourceSpec, ...]
    output_dir: Path
    config: NetworkConfig | None = None  # None: the --init/resumed file's size, else MSSNet-S
    steps: int = 100_000  # the whole schedule; a run may stop earlier (minutes) and resume
    batch: int = 8
    crop: int = 256
    lr: float = 2e-4
    warmup_steps: int = 1000
    seed: int = 1234
    device: str = "auto"
    minutes: float | None = None  # stop cleanly after this long, saving a checkpoint
    cpu_minutes: float | None = None  # stop after this much CPU time (fair on a loaded machine)
    init: Path | None = None  # start from these weights (fine-tuning) instead of at random
    resume: bool = True  # continue from output_dir/last.pt when it exists
    holdout_every: int = 10
    validate_every: int = 1000
    save_every_minutes: float = 10.0
    validation_crop: int = 256
    threads: int | None = None  # None: 1 when the machine is busy, else torch's default
    clip_grad: float = 0.0  # clip the gradient norm to this (0: no clipping)
    zero_tails: bool = True  # a fresh network starts as the identity
    heldout: tuple[Path, ...] = ()  # pairs folders scored (centre crops) at each validation
    heldout_crop: int = 512
    precision: str = "auto"  # see precision.py: auto, fp32 or bf16
    ema_decay: float = 0.999  # weight average for validation and export (0: the raw weights)
    workers: int = 0  # synthesis processes (0: one background thread, the CPU recipe)
    synthesis: SynthesisOptions = field(default_factory=SynthesisOptions)


@dataclass(frozen=True)
class TrainResult:
    steps_done: int  # all_step at the end
    steps_this_run: int
    seconds: float
    last_loss: float
    checkpoint: Path
    validation: ValidationResult | None
    finished: bool  # the whole schedule is done


def learning_rate(step: int, options: TrainOptions) -> float:
    """Linear warm-up from 0, then cosine decay to 1e-6 at the end of the schedule."""
    if step < options.warmup_steps:
        return options.lr * (step + 1) / options.warmup_steps
    span = max(options.steps - options.warmup_steps, 1)
    progress = min((step - options.warmup_steps) / span, 1.0)
    return MIN_LR + 0.5 * (options.lr - MIN_LR) * (1 + math.cos(math.pi * progress))


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _plain(value: object) -> object:
    """Options as plain values (paths and dataclasses flattened) for the checkpoint."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def save_checkpoint(
    path: Path,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    step: int,
    epoch: int,
    extra: dict,
    average: torch.optim.swa_utils.AveragedModel | None = None,
) -> None:
    """The released format, via a temp file and a rename (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    document = {
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "epoch": epoch,
        "all_step": step,
        "training": extra,
    }
    if average is not None:
        document["ema_state_dict"] = average.state_dict()
    torch.save(document, temporary)
    temporary.replace(path)


def weight_average(
    model: torch.nn.Module, decay: float, saved: dict | None = None
) -> torch.optim.swa_utils.AveragedModel | None:
    """The exponential moving average of ``model``'s weights (None when ``decay`` is 0), resumed
    from a checkpoint's ``ema_state_dict`` when it has one (else it starts at the weights)."""
    if decay <= 0:
        return None
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    average = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)
    if saved is not None and isinstance(saved.get("ema_state_dict"), dict):
        average.load_state_dict(saved["ema_state_dict"])
    else:
        average.update_parameters(model)  # the first update copies the weights as they are
    return average


def load_weights(model: torch.nn.Module, path: Path, prefer_average: bool = False) -> None:
    """Load ``path``'s weights into ``model``; the sizes must match. With ``prefer_average``
    (fine-tuning) a training run's last.pt gives its weight average, the weights its validation
    scored; resuming takes the raw weights the optimizer state belongs to."""
    saved = read_checkpoint_object(path)
    state = (averaged_weights(saved) if prefer_average else None) or unwrap_state_dict(saved)
    try:
        model.load_state_dict({k: v.float() for k, v in state.items()})
    except RuntimeError as error:
        raise ModelMismatchError(
            f"{path.name} does not fit the chosen model size; pass the --config it was trained "
            f"with ({str(error).splitlines()[0]})."
        ) from error


def _resolve_config(options: TrainOptions, resume_from: Path | None) -> NetworkConfig:
    """The model size asked for, else the size of the weights we start from, else MSSNet-S."""
    if options.config is not None:
        return options.config
    start = resume_from or options.init
    if start is None:
        return NAMED_CONFIGS["S"]
    saved = read_checkpoint_object(start)
    if isinstance(saved, dict) and isinstance(saved.get("training"), dict):
        plain = saved["training"].get("network_config")
        if isinstance(plain, dict):
            return config_from_plain(plain)
    try:
        return config_from_state_dict(unwrap_state_dict(saved))
    except KeyError as error:
        raise ModelMismatchError(f"{start.name} does not hold MSSNet weights.") from error


def choose_threads(requested: int | None) -> tuple[int, str]:
    """Torch's thread count and why. On a busy machine (load average of at least one core's
    worth) one thread runs a step up to six times faster than two that wait on each other."""
    if requested:
        return requested, "as asked"
    load = os.getloadavg()[0]
    if load >= 1.0:
        return 1, f"the machine is busy (load {load:.1f}); pass --threads to choose"
    return torch.get_num_threads(), "the machine is quiet"


def _saved_best_gain(path: Path) -> float:
    """The gain best.pt was kept for, so a resumed run only replaces it with better weights."""
    if not path.is_file():
        return -math.inf
    saved = read_checkpoint_object(path)
    extra = saved.get("training") if isinstance(saved, dict) else None
    return float(extra.get("best_gain_db", -math.inf)) if isinstance(extra, dict) else -math.inf


def append_log(path: Path, rows: list[dict[str, object]]) -> None:
    """Append rows to the CSV learning curve, writing the header to a new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.is_file()
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=LOG_COLUMNS)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def _choose_device(name: str) -> torch.device:
    from cnaps_desktop.engine.device import choose_device

    return choose_device(name)


def train(
    options: TrainOptions,
    token: CancelToken | None = None,
    log: Callable[[str], None] = print,
) -> TrainResult:
    """Train (or resume, or fine-tune) and return where things stand; saves ``last.pt``."""
    threads, why = choose_threads(options.threads)
    torch.set_num_threads(threads)
    import cv2

    cv2.setNumThreads(1)  # the synthesis thread must not compete with torch for the cores
    device = _choose_device(options.device)
    last_path = options.output_dir / "last.pt"
    resuming = options.resume and last_path.is_file()
    options = replace(options, config=_resolve_config(options, last_path if resuming else None))
    config = options.config
    seed_everything(options.seed)  # before the network is built: its init is part of the run
    model = build_network(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=options.lr, betas=(0.9, 0.999), eps=1e-8)
    step = 0
    cpu_seconds_before = 0.0
    wall_seconds_before = 0.0
    saved: dict | None = None
    if resuming:
        saved = read_checkpoint_object(last_path)
        if not isinstance(saved, dict) or "model_state_dict" not in saved:
            raise CheckpointError(f"{last_path} is not a training checkpoint; move it away.")
        load_weights(model, last_path)
        optimizer.load_state_dict(saved["optimizer_state_dict"])
        step = int(saved["all_step"])
        extra_saved = saved.get("training") or {}
        cpu_seconds_before = float(extra_saved.get("cpu_seconds", 0.0))
        wall_seconds_before = float(extra_saved.get("wall_seconds", 0.0))
        log(f"Resuming from {last_path} at step {step}.")
    elif options.init is not None:
        load_weights(model, options.init, prefer_average=True)
        log(f"Fine-tuning from {options.init}.")
    elif options.zero_tails:
        zero_init_tails(model)
    seed_everything(options.seed + step)
    # channels_last: about 1.5x faster convolutions on the CPU (BENCHMARKS.md), same numbers.
    model.to(device, memory_format=torch.channels_last)
    for state in optimizer.state.values():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                state[key] = value.to(device)
    average = weight_average(model, options.ema_decay, saved)
    validated = average.module if average is not None else model

    train_sources, held_sources = build_sources(
        options.data, options.holdout_every, options.synthesis
    )
    validation_set = validation_pairs(held_sources, options.validation_crop, options.seed)
    scored_sets: list[tuple[str, list[ValidationPair]]] = [
        (folder.name, centre_crop_pairs(folder, options.heldout_crop)) for folder in options.heldout
    ]
    if validation_set:
        scored_sets.append(("validation", validation_set))
    samples = sum(len(s) for s in train_sources)
    amp_dtype = autocast_dtype(device, options.precision)
    use_amp = amp_dtype is not None
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    log(
        f"Training {config.describe()} on {device}: {samples} training items, "
        f"{len(validation_set)} validation crops; step {step} of {options.steps}; "
        f"{'mixed ' + str(amp_dtype).removeprefix('torch.') if amp_dtype else 'float32'}; "
        f"{threads} thread(s) ({why})."
    )

    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # one crop size all run long: pick the fastest
    stream: BatchStream | WorkerBatchStream
    if options.workers > 0:
        stream = WorkerBatchStream(
            partial(training_sources, options.data, options.holdout_every, options.synthesis),
            options.batch,
            options.crop,
            options.seed,
            step,
            options.workers,
            pin_memory=device.type == "cuda",
        )
    else:
        stream = BatchStream(train_sources, options.batch, options.crop, options.seed, step)
    start = time.monotonic()
    cpu_start = time.process_time()
    last_save = start
    steps_this_run = 0
    last_loss = math.nan
    bad_steps = 0
    validation: ValidationResult | None = None

    def cpu_seconds() -> float:
        return cpu_seconds_before + time.process_time() - cpu_start

    def wall_seconds() -> float:
        return wall_seconds_before + time.monotonic() - start

    def extra() -> dict:
        plain = _plain(asdict(replace(options, data=(), config=None)))
        plain["data"] = [f"{s.kind}:{s.folder}" for s in options.data]
        plain["network_config"] = config_to_plain(config)
        if isinstance(config, MSSNetConfig):
            plain["config"] = [config.wf, config.scale, config.vscale]
        plain["cpu_seconds"] = cpu_seconds()
        plain["wall_seconds"] = wall_seconds()
        if validation is not None:
            plain["validation"] = asdict(validation)
        return plain

    best_path = options.output_dir / BEST_NAME
    best_gain = [_saved_best_gain(best_path)]

    def run_validation() -> ValidationResult | None:
        """Score every set, log them, append them to the CSV curve; the last set is returned.
        Weights that beat the best gain on the first set without making a pair of any frozen
        set worse are kept as best.pt: the candidate to export."""
        rows, result, first = [], None, None
        harmless = True
        for name, pairs in scored_sets:
            result = validate(validated, pairs, device, amp_dtype, name)
            first = first or result
            if name != "validation":  # the frozen --heldout sets, never the run's own crops
                harmless = harmless and result.worst_gain_db >= 0
            log(result.summary(step))
            rows.append(
                {
                    "step": step,
                    "cpu_hours": f"{cpu_seconds() / 3600:.4f}",
                    "wall_hours": f"{wall_seconds() / 3600:.4f}",
                    "loss": f"{last_loss:.5f}",
                    "lr": f"{learning_rate(step, options):.3e}",
                    "set": name,
                    "count": result.count,
                    "psnr_input": f"{result.psnr_input:.4f}",
                    "psnr_output": f"{result.psnr_output:.4f}",
                    "gain_db": f"{result.gain_db:.4f}",
                    "worst_gain_db": f"{result.worst_gain_db:.4f}",
                }
            )
        if rows:
            append_log(options.output_dir / LOG_NAME, rows)
        if first is not None and harmless and first.gain_db > best_gain[0]:
            best_gain[0] = first.gain_db
            epoch = step * options.batch // max(samples, 1)
            plain = extra() | {"best_gain_db": first.gain_db, "best_set": first.name}
            # best.pt's weights are the ones just validated (the average), ready to export.
            save_checkpoint(best_path, validated, optimizer, step, epoch, plain)
            log(f"Kept {best_path} ({first.name} {first.gain_db:+.2f} dB, no pair worse).")
        model.train()
        return result

    def checkpoint() -> None:
        epoch = step * options.batch // max(samples, 1)
        save_checkpoint(last_path, model, optimizer, step, epoch, extra(), average)

    model.train()
    try:
        for blurred_np, sharp_np in stream:
            if step >= options.steps:
                break
            if token is not None and token.cancelled:
                break
            if options.minutes is not None and time.monotonic() - start > options.minutes * 60:
                log(f"Time is up ({options.minutes:g} min).")
                break
            if (
                options.cpu_minutes is not None
                and time.process_time() - cpu_start > options.cpu_minutes * 60
            ):
                log(f"CPU time is up ({options.cpu_minutes:g} CPU-minutes).")
                break
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, options)
            blurred = torch.from_numpy(blurred_np).to(device, non_blocking=True)
            blurred = blurred.contiguous(memory_format=torch.channels_last)
            sharp = torch.from_numpy(sharp_np).to(device, non_blocking=True)
            with torch.autocast(device.type, dtype=amp_dtype or torch.float32, enabled=use_amp):
                outputs = training_outputs(model, blurred)
            loss = mssnet_loss(outputs, sharp)
            optimizer.zero_grad(set_to_none=True)
            if not torch.isfinite(loss):  # one bad batch must not poison the weight average
                bad_steps += 1
                log(f"step {step + 1}: the loss is not finite; this batch is skipped.")
                if bad_steps >= 20:
                    raise FloatingPointError(
                        "the loss has not been finite for 20 batches in a row; lower --lr."
                    )
                continue
            bad_steps = 0
            scaler.scale(loss).backward()
            if options.clip_grad > 0:
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), options.clip_grad)
            scaler.step(optimizer)
            scaler.update()
            if average is not None:
                average.update_parameters(model)
            step += 1
            steps_this_run += 1
            last_loss = float(loss.detach())
            if step % 25 == 0 or steps_this_run == 1:
                rate = (time.monotonic() - start) / steps_this_run
                log(
                    f"step {step}/{options.steps} loss {last_loss:.4f} lr "
                    f"{learning_rate(step, options):.2e} {rate:.2f} s/step"
                )
            if scored_sets and options.validate_every and step % options.validate_every == 0:
                validation = run_validation()
            if time.monotonic() - last_save > options.save_every_minutes * 60:
                checkpoint()
                last_save = time.monotonic()
    finally:
        stream.close()
    if (
        scored_sets
        and steps_this_run
        and (validation is None or not options.validate_every or step % options.validate_every)
    ):
        validation = run_validation()
    checkpoint()
    log(f"Saved {last_path} at step {step}.")
    return TrainResult(
        steps_done=step,
        steps_this_run=steps_this_run,
        seconds=time.monotonic() - start,
        last_loss=last_loss,
        checkpoint=last_path,
        validation=validation,
        finished=step >= options.steps,
    )
