"""CNAPS Desktop: restore blurry photos and video frames with neural restoration models.

The public API is re-exported lazily, so ``import cnaps_desktop`` (and ``cnaps-desktop --help``)
loads neither torch nor Qt until a function that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY_EXPORTS: dict[str, str] = {
    "load_model": "cnaps_desktop.engine.models.loader",
    "LoadedModel": "cnaps_desktop.engine.models.loader",
    "CancelToken": "cnaps_desktop.engine.cancel",
    "Progress": "cnaps_desktop.engine.cancel",
    "CnapsError": "cnaps_desktop.engine.errors",
    "ModelInfo": "cnaps_desktop.engine.facts",
    "RunFacts": "cnaps_desktop.engine.facts",
    "RestoreOptions": "cnaps_desktop.engine.options",
    "restore_array": "cnaps_desktop.engine.restore",
    "restore_region": "cnaps_desktop.engine.restore",
    "read_image": "cnaps_desktop.engine.image.io",
    "write_image": "cnaps_desktop.engine.image.io",
    "restore_file": "cnaps_desktop.engine.image.io",
    "list_models": "cnaps_desktop.engine.models.store",
    "import_model": "cnaps_desktop.engine.models.store",
    "download_model": "cnaps_desktop.engine.models.download",
    "restore_video": "cnaps_desktop.engine.video.restore",
    "probe_video": "cnaps_desktop.engine.video.probe",
    "VideoOptions": "cnaps_desktop.engine.video.options",
    "diagnose_file": "cnaps_desktop.engine.diagnosis",
    "Diagnosis": "cnaps_desktop.engine.diagnosis",
}

__all__ = [
    "CancelToken",
    "CnapsError",
    "Diagnosis",
    "LoadedModel",
    "ModelInfo",
    "Progress",
    "RestoreOptions",
    "RunFacts",
    "VideoOptions",
    "__version__",
    "diagnose_file",
    "download_model",
    "import_model",
    "list_models",
    "load_model",
    "probe_video",
    "read_image",
    "restore_array",
    "restore_file",
    "restore_region",
    "restore_video",
    "write_image",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.cancel import CancelToken, Progress
    from cnaps_desktop.engine.diagnosis import Diagnosis, diagnose_file
    from cnaps_desktop.engine.errors import CnapsError
    from cnaps_desktop.engine.facts import ModelInfo, RunFacts
    from cnaps_desktop.engine.image.io import read_image, restore_file, write_image
    from cnaps_desktop.engine.models.download import download_model
    from cnaps_desktop.engine.models.loader import LoadedModel, load_model
    from cnaps_desktop.engine.models.store import import_model, list_models
    from cnaps_desktop.engine.options import RestoreOptions
    from cnaps_desktop.engine.restore import restore_array, restore_region
    from cnaps_desktop.engine.video.options import VideoOptions
    from cnaps_desktop.engine.video.probe import probe_video
    from cnaps_desktop.engine.video.restore import restore_video


def __getattr__(name: str) -> Any:
    module_name = _LAZY_EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'cnaps_desktop' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
