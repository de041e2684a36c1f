"""Lazy re-exports for package facades (PEP 562), so that importing a package stays cheap.

A package's ``__init__`` lists which module defines each public name; the module is imported the
first time the name is used. ``import cnaps_desktop`` and ``cnaps-desktop --help`` thus load
neither torch, PyAV, OpenCV nor Qt. Each facade also imports the names under ``TYPE_CHECKING``,
so type checkers and editors see the real definitions.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``exports[name]`` on first use.

    The value is then stored in the package, so later look-ups cost nothing.
    """

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
