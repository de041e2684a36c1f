"""Plain facts about a loaded model and a finished run, for the CLI, the GUI and the side pane.

These dataclasses hold no tensors and import no torch, so any layer can pass them around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ModelInfo:
    """What a person (and the engine) needs to know about a loaded checkpoint."""

    name: str
    """Catalog name, or the file name for a person's own checkpoint."""
    path: Path
    architecture: str
    """Architecture id as detected, e.g. "MSSNet", "ESRGAN", "NAFNet"."""
    variant: str
    """Variant and hyper-parameters, e.g. "MSSNet-S (wf=20, scale=40, vscale=40)"."""
    task: str
    """"deblur", "super-resolution" or "restoration" (what the model does, in one word)."""
    scale: int
    """Output size over input size: 1 for deblurring, 2/4/8 for upscalers."""
    size_multiple: int
    """Input height and width must be multiples of this; the engine pads and crops."""
    parameters: int
    input_channels: int
    output_channels: int
    supports_half: bool
    supports_bfloat16: bool
    training_data: str = ""
    """From the catalog when the checkpoint is a catalog entry; empty for unknown files."""
    suits: str = ""
    """What the checkpoint suits (from the catalog)."""
    tags: tuple[str, ...] = field(default_factory=tuple)
    takes_half_size_input: bool = False
    """The network also takes a half-size copy of its input (MSSNet), which depends on the whole
    frame: tiles must be given their crop of the whole frame's (``LoadedModel.half_size_input``)."""


@dataclass(frozen=True)
class RunFacts:
    """What happened in one restoration, for the summary line and the side pane."""

    input_path: Path | None
    input_size: tuple[int, int]
    """(width, height) of the input in pixels."""
    input_kind: str
    """E.g. "RGB, 8-bit", "grey, 16-bit", "RGBA, 8-bit"."""
    model: ModelInfo
    device: str
    """E.g. "CPU (2 threads)", "CUDA: NVIDIA H100 80GB HBM3"."""
    precision: str
    """"fp32", "fp16" or "bf16"."""
    tiles: int
    tile_size: int | None
    """Tile edge in pixels, or None when the whole image ran in one piece."""
    seconds: float
    output_size: tuple[int, int]
    output_path: Path | None = None
    notes: tuple[str, ...] = ()
    """What reading or writing changed or could not keep, e.g. "WebP holds no CMYK, so it is
    saved as RGB"; the summary and the side pane show every one."""
