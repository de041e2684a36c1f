"""Put back together the training state that tools/train_on_gpu.sh split in two files (the
device machine returns files of at most 16 MiB):

    python tools/join_gpu_state.py FOLDER_WITH_gpu_weights.pt_AND_gpu_optimizer.pt RUN_FOLDER

RUN_FOLDER/last.pt is then a training checkpoint like any other: `cnaps-desktop train --output
RUN_FOLDER` resumes it, `--export` exports its weight average.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(source: Path, run: Path) -> None:
    import torch

    state = torch.load(source / "gpu_weights.pt", map_location="cpu", weights_only=True)
    optimizer = torch.load(source / "gpu_optimizer.pt", map_location="cpu", weights_only=True)
    state["optimizer_state_dict"] = optimizer["optimizer_state_dict"]
    run.mkdir(parents=True, exist_ok=True)
    temporary = run / "last.pt.tmp"
    torch.save(state, temporary)
    temporary.replace(run / "last.pt")
    print(f"{run / 'last.pt'}: step {state['all_step']}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
