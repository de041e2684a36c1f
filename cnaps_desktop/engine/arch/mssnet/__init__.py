"""MSSNet, our implementation, and its spandrel architecture entry."""

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
    "MSSNetConfig",
    "config_from_state_dict",
    "half_size_input",
]
