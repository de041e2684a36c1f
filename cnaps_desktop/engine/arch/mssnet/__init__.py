"""MSSNet, our implementation, and its spandrel architecture entry.

``MSSNetArch`` (in ``support``) loads on first use: it imports spandrel, which may only load after
:func:`~cnaps_desktop.engine.arch.torchvision_compat.import_torchvision` has run.
"""

from typing import TYPE_CHECKING, Any

from cnaps_desktop.engine.arch.mssnet.network import (
    KNOWN_VARIANTS,
    SIZE_MULTIPLE,
    MSSNet,
    MSSNetConfig,
    config_from_state_dict,
    half_size_input,
)

__all__ = [
    "KNOWN_VARIANTS",
    "SIZE_MULTIPLE",
    "MSSNet",
    "MSSNetArch",
    "MSSNetConfig",
    "config_from_state_dict",
    "half_size_input",
]

if TYPE_CHECKING:
    from cnaps_desktop.engine.arch.mssnet.support import MSSNetArch


def __getattr__(name: str) -> Any:
    if name != "MSSNetArch":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from cnaps_desktop.engine.arch.torchvision_compat import import_torchvision

    import_torchvision()
    from cnaps_desktop.engine.arch.mssnet.support import MSSNetArch

    return MSSNetArch
