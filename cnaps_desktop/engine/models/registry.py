"""The architecture registry: every architecture spandrel knows, plus our MSSNet."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spandrel import ArchRegistry


@cache
def architecture_registry() -> ArchRegistry:
    """A copy of spandrel's main registry with MSSNet added (spandrel's own stays untouched)."""
    from cnaps_desktop.engine.arch.torchvision_compat import import_torchvision

    import_torchvision()
    from spandrel import MAIN_REGISTRY, ArchSupport

    from cnaps_desktop.engine.arch.mssnet import MSSNetArch

    registry = MAIN_REGISTRY.copy()
    registry.add(ArchSupport.from_architecture(MSSNetArch()))
    return registry
