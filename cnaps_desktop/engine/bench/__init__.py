"""The measurements behind `cnaps-desktop bench`: photos (``image``) and videos (``video``).

This package's one door: code outside ``engine/bench`` imports these names from here (names load
on first use; both modules import torch).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.lazy import lazy_exports

_EXPORTS = {
    "load_bench_model": "cnaps_desktop.engine.bench.image",
    "random_checkpoint": "cnaps_desktop.engine.bench.image",
    "run_bench": "cnaps_desktop.engine.bench.image",
    "tiled_vs_whole": "cnaps_desktop.engine.bench.image",
    "bench_video": "cnaps_desktop.engine.bench.video",
    "synthetic_clip": "cnaps_desktop.engine.bench.video",
}

__all__ = [
    "bench_video",
    "load_bench_model",
    "random_checkpoint",
    "run_bench",
    "synthetic_clip",
    "tiled_vs_whole",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.bench.image import (
        load_bench_model,
        random_checkpoint,
        run_bench,
        tiled_vs_whole,
    )
    from cnaps_desktop.engine.bench.video import bench_video, synthetic_clip

__getattr__ = lazy_exports(__name__, _EXPORTS)
