"""Turn a training checkpoint into a file to ship: the weights alone, stored as float16."""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from cnaps_desktop.engine.errors import CorruptCheckpointError
from cnaps_desktop.engine.models import read_checkpoint_object, unwrap_state_dict


def export_weights(source: Path, target: Path, half: bool = True) -> str:
    """Write ``source``'s model weights to ``target`` in the released layout (model_state_dict,
    epoch, all_step; no optimizer state) and return the file's SHA-256. A training run's last.pt
    gives its weight average (``ema_state_dict``: what validation scored), else its weights.
    float16 halves the size; the app loads it into float32 or float16 as the device suits."""
    saved = read_checkpoint_object(source)
    state = averaged_weights(saved) or unwrap_state_dict(saved)
    if not state:
        raise CorruptCheckpointError(f"{source} holds no model weights; expected a checkpoint.")
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    document = {"model_state_dict": state}
    if isinstance(saved, dict):
        document.update({k: int(saved[k]) for k in ("epoch", "all_step") if k in saved})
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    torch.save(document, temporary)
    temporary.replace(target)
    return hashlib.sha256(target.read_bytes()).hexdigest()


def averaged_weights(saved: object) -> dict[str, torch.Tensor] | None:
    """The module weights of a checkpoint's ``ema_state_dict`` (torch's AveragedModel layout:
    ``module.`` prefixes and an ``n_averaged`` counter), or None when it has none."""
    average = saved.get("ema_state_dict") if isinstance(saved, dict) else None
    if not isinstance(average, dict):
        return None
    prefix = "module."
    return {k.removeprefix(prefix): v for k, v in average.items() if k.startswith(prefix)}
