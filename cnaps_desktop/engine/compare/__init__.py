"""Before and after, compared: what the model changed (a heat map, the share of pixels it moved,
the sharpness ratio and one sentence for the run facts), and comparisons to share (side by side,
animated wipe). Qt-free; numpy, OpenCV, Pillow and PyAV only.

This package's one door: code outside ``engine/compare`` imports these names from here. Names
load on first use (Pillow, OpenCV and PyAV are heavy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnaps_desktop.lazy import lazy_exports

_EXPORTS = {
    "ALMOST_NOTHING_SHARE": "cnaps_desktop.engine.compare.changes",
    "CHANGE_THRESHOLD": "cnaps_desktop.engine.compare.changes",
    "ChangeMap": "cnaps_desktop.engine.compare.changes",
    "LegendStop": "cnaps_desktop.engine.compare.changes",
    "change_map": "cnaps_desktop.engine.compare.changes",
    "describe_change": "cnaps_desktop.engine.compare.changes",
    "COMPARISON_FORMATS": "cnaps_desktop.engine.compare.export",
    "export_comparison": "cnaps_desktop.engine.compare.export",
    "edge_contrast": "cnaps_desktop.engine.compare.sharpness",
    "mean_colour": "cnaps_desktop.engine.compare.sharpness",
}

__all__ = [
    "ALMOST_NOTHING_SHARE",
    "CHANGE_THRESHOLD",
    "COMPARISON_FORMATS",
    "ChangeMap",
    "LegendStop",
    "change_map",
    "describe_change",
    "edge_contrast",
    "export_comparison",
    "mean_colour",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.compare.changes import (
        ALMOST_NOTHING_SHARE,
        CHANGE_THRESHOLD,
        ChangeMap,
        LegendStop,
        change_map,
        describe_change,
    )
    from cnaps_desktop.engine.compare.export import COMPARISON_FORMATS, export_comparison
    from cnaps_desktop.engine.compare.sharpness import edge_contrast, mean_colour

__getattr__ = lazy_exports(__name__, _EXPORTS)
