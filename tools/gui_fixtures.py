"""Inputs for the GUI tools (stall probe, screenshots): a photo of a given size, a checkpoint.

Not used by the app. The photo is a real test picture from ../shared (blurred with a motion
kernel) scaled to the size asked for; the checkpoint is one the person names, or, when none is
installed, a freshly initialised MSSNet of the asked variant (its output is not a restoration;
it is only good for timing and responsiveness).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

SHARED = Path(
    os.environ.get("CNAPS_SHARED", Path(__file__).resolve().parent.parent.parent / "shared")
)


def make_photo(folder: Path, width: int, height: int, name: str = "photo.png") -> Path:
    """A blurred real photo scaled to width x height, written as an 8-bit PNG."""
    import cv2

    from cnaps_desktop.engine.image import Image, ImageMetadata, write_image

    source = SHARED / "data" / "photos" / "chelsea.png"
    if source.is_file():
        bgr = cv2.imread(str(source), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    else:  # a synthetic scene when ../shared is absent
        ys, xs = np.mgrid[0:300, 0:400]
        rgb = np.stack([xs % 255, ys % 255, (xs + ys) % 255], axis=2).astype(np.uint8)
    rgb = cv2.resize(rgb, (width, height), interpolation=cv2.INTER_CUBIC)
    kernel = np.zeros((15, 15), np.float32)
    kernel[7, :] = 1.0 / 15  # horizontal motion blur
    blurred = cv2.filter2D(rgb, -1, kernel)
    path = folder / name
    write_image(Image(blurred, ImageMetadata(format="PNG")), path)
    return path


def make_untrained_checkpoint(
    folder: Path, wf: int = 20, scale: int = 40, vscale: int = 40
) -> Path:
    """A freshly initialised MSSNet saved as a .pt state dict (for timing only).

    The shared PReLU slope appears under many keys (as in the official files), which safetensors
    refuses, so this uses torch.save of plain tensors, which the safe loader reads.
    """
    import torch

    from cnaps_desktop.engine.arch.mssnet import MSSNet

    torch.manual_seed(0)
    model = MSSNet(wf=wf, scale=scale, vscale=vscale)
    path = folder / f"mssnet-wf{wf}-untrained.pt"
    torch.save({k: v.clone() for k, v in model.state_dict().items()}, path)
    return path
