"""Checkpoints and what is known about them: safe reading, architecture detection, loading,
the catalog of named models, the per-user model store, its manifest, downloads and archives.

This package's one door: code outside ``engine/models`` imports these names from here, never from
its modules (import-linter checks it). Names load on first use, so asking for the catalog does
not import torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.lazy import lazy_exports

_EXPORTS = {
    "LoadedModel": "cnaps_desktop.engine.models.loader",
    "load_model": "cnaps_desktop.engine.models.loader",
    "CHECKPOINT_SUFFIXES": "cnaps_desktop.engine.models.catalog",
    "DEFAULT_NAME": "cnaps_desktop.engine.models.catalog",
    "MSSNET_VARIANT_NAMES": "cnaps_desktop.engine.models.catalog",
    "CatalogEntry": "cnaps_desktop.engine.models.catalog",
    "find_entry": "cnaps_desktop.engine.models.catalog",
    "load_catalog": "cnaps_desktop.engine.models.catalog",
    "read_checkpoint_object": "cnaps_desktop.engine.models.checkpoint",
    "read_state_dict": "cnaps_desktop.engine.models.checkpoint",
    "unwrap_state_dict": "cnaps_desktop.engine.models.checkpoint",
    "ManifestRecord": "cnaps_desktop.engine.models.manifest",
    "find_record": "cnaps_desktop.engine.models.manifest",
    "read_manifest": "cnaps_desktop.engine.models.manifest",
    "architecture_registry": "cnaps_desktop.engine.models.registry",
    "ModelStatus": "cnaps_desktop.engine.models.store",
    "import_model": "cnaps_desktop.engine.models.store",
    "list_models": "cnaps_desktop.engine.models.store",
    "download_model": "cnaps_desktop.engine.models.download",
}

__all__ = [
    "CHECKPOINT_SUFFIXES",
    "DEFAULT_NAME",
    "MSSNET_VARIANT_NAMES",
    "CatalogEntry",
    "LoadedModel",
    "ManifestRecord",
    "ModelStatus",
    "architecture_registry",
    "download_model",
    "find_entry",
    "find_record",
    "import_model",
    "list_models",
    "load_catalog",
    "load_model",
    "read_checkpoint_object",
    "read_manifest",
    "read_state_dict",
    "unwrap_state_dict",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.models.catalog import (
        CHECKPOINT_SUFFIXES,
        DEFAULT_NAME,
        MSSNET_VARIANT_NAMES,
        CatalogEntry,
        find_entry,
        load_catalog,
    )
    from cnaps_desktop.engine.models.checkpoint import (
        read_checkpoint_object,
        read_state_dict,
        unwrap_state_dict,
    )
    from cnaps_desktop.engine.models.download import download_model
    from cnaps_desktop.engine.models.loader import LoadedModel, load_model
    from cnaps_desktop.engine.models.manifest import ManifestRecord, find_record, read_manifest
    from cnaps_desktop.engine.models.registry import architecture_registry
    from cnaps_desktop.engine.models.store import ModelStatus, import_model, list_models

__getattr__ = lazy_exports(__name__, _EXPORTS)
