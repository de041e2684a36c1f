"""Measure one MSSNet training step (forward_train, the published loss, backward, Adam) on the CPU.

    python tools/measure_training_step.py [--config 16,16,16] [--batch 4] [--crop 128] [--threads 2]

Runs the step in three layouts: float32 with NCHW tensors (what training used before),
float32 channels_last, and bfloat16 autocast with channels_last (what `cnaps-desktop train`
picks on CPUs with AMX). Prints seconds per step and microseconds per
training pixel, the mean of --repeats steps after one warm-up step. Random data: the speed does
not depend on it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (name, channels_last, bfloat16 autocast)
LAYOUTS = (
    ("float32, NCHW", False, False),
    ("float32, channels_last", True, False),
    ("bfloat16 autocast, channels_last", True, True),
)


def seconds_per_step(
    config: str, batch: int, crop: int, channels_last: bool, bfloat16: bool, repeats: int
) -> float:
    import torch

    from cnaps_desktop.engine.training.losses import mssnet_loss
    from cnaps_desktop.engine.training.networks import (
        build_network,
        parse_config,
        training_outputs,
    )

    torch.manual_seed(0)
    model = build_network(parse_config(config))
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    blurred = torch.rand(batch, 3, crop, crop).contiguous(memory_format=memory_format)
    sharp = torch.rand(batch, 3, crop, crop)
    elapsed = 0.0
    for index in range(repeats + 1):  # the first step warms up oneDNN and is not counted
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
            outputs = training_outputs(model, blurred)
        loss = mssnet_loss(outputs, sharp)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if index:
            elapsed += time.perf_counter() - start
    return elapsed / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config", default="16,16,16", help="S, base, L, WF,SCALE,VSCALE or nafnet[:WIDTH]"
    )
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--crop", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import torch

    from cnaps_desktop.engine.device import cpu_has_fast_bfloat16

    torch.set_num_threads(args.threads)
    print(
        f"{args.config}, batch {args.batch}, crop {args.crop}, {args.threads} threads, "
        f"torch {torch.__version__}, AMX: {cpu_has_fast_bfloat16()}"
    )
    pixels = args.batch * args.crop * args.crop
    for name, channels_last, bfloat16 in LAYOUTS:
        seconds = seconds_per_step(
            args.config, args.batch, args.crop, channels_last, bfloat16, args.repeats
        )
        print(f"{name:34s} {seconds:6.3f} s/step {seconds / pixels * 1e6:6.2f} us/pixel")


if __name__ == "__main__":
    main()
