"""CNAPS Desktop: restore blurry photos and video frames with neural restoration models.

The public API is re-exported lazily, so ``import cnaps_desktop`` (and ``cnaps-desktop --help``)
loads neither torch nor Qt until a function that needs them is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.lazy import lazy_exports

__version__ = "0.1.0"

# public name -> the module or package facade that defines it
_LAZY_EXPORTS: dict[str, str] = {
    "load_model": "cnaps_desktop.engine.models",
    "LoadedModel": "cnaps_desktop.engine.models",
    "CancelToken": "cnaps_desktop.engine.cancel",
    "Progress": "cnaps_desktop.engine.cancel",
    "CnapsError": "cnaps_desktop.engine.errors",
    "ModelInfo": "cnaps_desktop.engine.facts",
    "RunFacts": "cnaps_desktop.engine.facts",
    "RestoreOptions": "cnaps_desktop.engine.options",
    "restore_array": "cnaps_desktop.engine.restore",
    "restore_region": "cnaps_desktop.engine.restore",
    "read_image": "cnaps_desktop.engine.image",
    "write_image": "cnaps_desktop.engine.image",
    "restore_file": "cnaps_desktop.engine.photo",
    "list_models": "cnaps_desktop.engine.models",
    "import_model": "cnaps_desktop.engine.models",
    "download_model": "cnaps_desktop.engine.models",
    "restore_video": "cnaps_desktop.engine.video",
    "probe_video": "cnaps_desktop.engine.video",
    "VideoOptions": "cnaps_desktop.engine.video",
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
    from cnaps_desktop.engine.image import read_image, write_image
    from cnaps_desktop.engine.models import (
        LoadedModel,
        download_model,
        import_model,
        list_models,
        load_model,
    )
    from cnaps_desktop.engine.options import RestoreOptions
    from cnaps_desktop.engine.photo import restore_file
    from cnaps_desktop.engine.restore import restore_array, restore_region
    from cnaps_desktop.engine.video import VideoOptions, probe_video, restore_video

__getattr__ = lazy_exports(__name__, _LAZY_EXPORTS)
