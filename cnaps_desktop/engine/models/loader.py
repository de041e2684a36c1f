"""``load_model``: one entry point for every checkpoint, named or by path.

A catalog name ("Deblur-MSSNet-GoPro", "default") or a file path goes in; a :class:`LoadedModel`
comes out, holding the spandrel descriptor (whose ``.model`` is the network in eval mode), the
device and dtype to run it with, and torch-free :class:`ModelInfo` facts for every layer above.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from cnaps_desktop.engine.arch.mssnet import MSSNet, half_size_input
from cnaps_desktop.engine.device import choose_device, choose_dtype
from cnaps_desktop.engine.errors import (
    CheckpointError,
    ModelMismatchError,
    ModelNotFoundError,
    UnsupportedModelError,
)
from cnaps_desktop.engine.facts import ModelInfo
from cnaps_desktop.engine.models.catalog import CatalogEntry, find_entry, load_catalog
from cnaps_desktop.engine.models.checkpoint import read_state_dict
from cnaps_desktop.engine.models.manifest import find_record
from cnaps_desktop.engine.models.registry import architecture_registry

if TYPE_CHECKING:
    from spandrel import ModelDescriptor


@dataclass
class LoadedModel:
    """A model ready to run, with the facts the engine and the GUI need about it."""

    descriptor: ModelDescriptor
    """The spandrel ``ImageModelDescriptor``."""
    info: ModelInfo
    device: torch.device
    dtype: torch.dtype

    @property
    def model(self) -> torch.nn.Module:
        """The network, in eval mode, on :attr:`device`."""
        return self.descriptor.model

    @property
    def task(self) -> str:
        return self.info.task

    @property
    def scale(self) -> int:
        return self.info.scale

    @property
    def size_multiple(self) -> int:
        return self.info.size_multiple

    @property
    def supports_half(self) -> bool:
        return self.info.supports_half

    @property
    def supports_bfloat16(self) -> bool:
        return self.info.supports_bfloat16

    def half_size_input(self, batch: torch.Tensor) -> torch.Tensor:
        """The half-size image the network makes of ``batch`` (N x C x H x W) for itself; only
        for models whose facts say ``takes_half_size_input`` (MSSNet)."""
        return half_size_input(batch)


def load_model(
    name_or_path: str | Path, device: str = "auto", precision: str = "auto"
) -> LoadedModel:
    """Load a checkpoint by catalog name or file path, detect its architecture, and place it."""
    path, entry = resolve_checkpoint(name_or_path)
    descriptor = describe_file(path)
    torch_device = choose_device(device)
    dtype = choose_dtype(
        torch_device, precision, descriptor.supports_half, descriptor.supports_bfloat16
    )
    descriptor.to(torch_device)
    descriptor.eval()
    if dtype != torch.float32:
        descriptor.to(dtype)
    info = model_info(descriptor, path, entry)
    return LoadedModel(descriptor=descriptor, info=info, device=torch_device, dtype=dtype)


def describe_file(path: Path) -> ModelDescriptor:
    """Read ``path`` safely and detect its architecture; returns the spandrel descriptor on CPU."""
    state_dict = read_state_dict(path)
    registry = architecture_registry()  # imports spandrel safely (see torchvision_compat)
    from spandrel import UnsupportedModelError as SpandrelUnsupported

    try:
        return registry.load(state_dict)
    except SpandrelUnsupported as error:
        raise UnsupportedModelError(
            f"{path.name} holds weights of an architecture we do not know; expected MSSNet or one "
            f"of the architectures spandrel detects (ESRGAN, SwinIR, NAFNet, SPAN, HAT, ...).",
            path=path,
        ) from error
    except ModelMismatchError as error:
        raise ModelMismatchError(f"{path.name} {error}", path=path) from error
    except (KeyError, RuntimeError, ValueError, AssertionError, IndexError) as error:
        raise ModelMismatchError(
            f"{path.name} looks like a known architecture but its weights do not fit it "
            f"({_first_line(error)}).",
            path=path,
        ) from error


def resolve_checkpoint(name_or_path: str | Path) -> tuple[Path, CatalogEntry | None]:
    """A catalog name or a path -> the file to read, and its catalog entry if it has one."""
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix and (candidate.is_file() or candidate.parent != Path()):
        if not candidate.is_file():
            raise ModelNotFoundError(
                f"{candidate} does not exist; expected a checkpoint file.", path=candidate
            )
        return candidate, _entry_for_file(candidate)
    entry = find_entry(str(name_or_path))
    if entry is None:
        record = find_record(str(name_or_path))
        if record is not None and record.path().is_file():
            return record.path(), None
        names = ", ".join(e.name for e in load_catalog())
        raise ModelNotFoundError(
            f"'{name_or_path}' is neither a checkpoint file nor a known checkpoint name; "
            f"known names: {names} (and the names of models you imported; see "
            f"`cnaps-desktop models list`)."
        )
    installed = entry.installed_path()
    if installed is None:
        raise ModelNotFoundError(
            f"{entry.name} is not installed yet. Get it with `cnaps-desktop models download "
            f"{entry.name}`, or import a file you have with `cnaps-desktop models import FILE "
            f"--as {entry.name}`."
        )
    return installed, entry


def model_info(descriptor: ModelDescriptor, path: Path, entry: CatalogEntry | None) -> ModelInfo:
    """Torch-free facts about a loaded descriptor."""
    d = descriptor
    architecture = d.architecture.id
    tags = tuple(d.tags)
    model = d.model
    config = getattr(model, "config", None)
    variant = (
        config.describe()
        if config is not None and hasattr(config, "describe")
        else (f"{architecture} ({', '.join(tags)})" if tags else architecture)
    )
    scale = int(d.scale)
    purpose = str(getattr(d, "purpose", "Restoration"))
    task = (
        "deblur"
        if architecture == "MSSNet"
        else ("super-resolution" if scale > 1 else "restoration")
    )
    if purpose == "FaceSR":
        task = "face restoration"
    return ModelInfo(
        name=entry.name if entry else path.stem,
        path=path,
        architecture=architecture,
        variant=variant,
        task=task,
        scale=scale,
        size_multiple=int(d.size_requirements.multiple_of),
        parameters=sum(p.numel() for p in model.parameters()),
        input_channels=int(d.input_channels),
        output_channels=int(d.output_channels),
        supports_half=bool(d.supports_half),
        supports_bfloat16=bool(d.supports_bfloat16),
        training_data=entry.training_data if entry else "",
        suits=entry.suits if entry else "",
        tags=tags,
        takes_half_size_input=isinstance(model, MSSNet),
    )


def _entry_for_file(path: Path) -> CatalogEntry | None:
    """The catalog entry a file belongs to, when it is one of the catalog's installed files."""
    for entry in load_catalog():
        installed = entry.installed_path()
        if installed is not None and installed.resolve() == path.resolve():
            return entry
    return None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__


__all__ = ["CheckpointError", "LoadedModel", "load_model"]
