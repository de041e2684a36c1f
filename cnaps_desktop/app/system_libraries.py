"""The system libraries Qt's X11 (xcb) platform plugin needs on Linux, checked before Qt loads.

PySide6's wheels carry Qt itself but not these: without them Qt prints a screen of plugin errors
and aborts. We try to load each one first and, when some are missing, say in one sentence which
packages to install with apt, dnf or pacman. The list follows Qt's "Qt for X11 Requirements".
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemLibrary:
    soname: str
    apt: str  # Debian, Ubuntu
    dnf: str  # Fedora, RHEL
    pacman: str  # Arch


XCB_LIBRARIES = (
    SystemLibrary("libxcb-cursor.so.0", "libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    SystemLibrary("libxcb-icccm.so.4", "libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    SystemLibrary("libxcb-image.so.0", "libxcb-image0", "xcb-util-image", "xcb-util-image"),
    SystemLibrary("libxcb-keysyms.so.1", "libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    SystemLibrary(
        "libxcb-render-util.so.0",
        "libxcb-render-util0",
        "xcb-util-renderutil",
        "xcb-util-renderutil",
    ),
    SystemLibrary(
        "libxkbcommon-x11.so.0", "libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"
    ),
    SystemLibrary("libxcb-xkb.so.1", "libxcb-xkb1", "libxcb", "libxcb"),
    SystemLibrary("libxcb-shape.so.0", "libxcb-shape0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-randr.so.0", "libxcb-randr0", "libxcb", "libxcb"),
    SystemLibrary("libxcb-xfixes.so.0", "libxcb-xfixes0", "libxcb", "libxcb"),
)

# Platforms that draw without X11, so need none of the above.
_PLATFORMS_WITHOUT_XCB = ("offscreen", "minimal", "wayland", "vnc", "eglfs", "linuxfb")


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def needs_xcb(platform: str = sys.platform, environ: dict[str, str] | None = None) -> bool:
    """True when Qt would use its xcb plugin: Linux, and no other platform chosen."""
    environ = dict(os.environ) if environ is None else environ
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if chosen:
        return chosen == "xcb"
    # Qt prefers Wayland on a Wayland session; X11 is the fallback everywhere else.
    return not environ.get("WAYLAND_DISPLAY")


def missing_libraries(loads: Callable[[str], bool] = _loads) -> list[SystemLibrary]:
    return [library for library in XCB_LIBRARIES if not loads(library.soname)]


def _unique(names: list[str]) -> str:
    return " ".join(dict.fromkeys(names))


def install_words(missing: list[SystemLibrary]) -> str:
    """The install command for ``missing`` with each package manager, as one clause."""
    return (
        f"install them with `sudo apt install {_unique([m.apt for m in missing])}` "
        f"(Debian, Ubuntu), `sudo dnf install {_unique([m.dnf for m in missing])}` (Fedora) or "
        f"`sudo pacman -S {_unique([m.pacman for m in missing])}` (Arch)"
    )


def missing_message(missing: list[SystemLibrary]) -> str:
    """One sentence: what is missing and the install command for each package manager."""
    names = ", ".join(library.soname for library in missing)
    return (
        f"The window cannot open: Qt needs system libraries that are not installed ({names}); "
        f"{install_words(missing)}."
    )


def x11_words(platform: str = sys.platform, loads: Callable[[str], bool] = _loads) -> str | None:
    """On Linux, whether an X11 window could open here, whatever platform this run uses.

    Loading the libraries needs no display, so a self-test without one (offscreen) still says
    what a desktop session would lack. None off Linux.
    """
    if not platform.startswith("linux"):
        return None
    missing = missing_libraries(loads)
    if not missing:
        return f"the {len(XCB_LIBRARIES)} libraries an X11 window needs are installed"
    names = ", ".join(library.soname for library in missing)
    return f"an X11 window could not open here: {names} missing; {install_words(missing)}"


def check_window_libraries(
    platform: str = sys.platform,
    environ: dict[str, str] | None = None,
    loads: Callable[[str], bool] = _loads,
) -> str | None:
    """None when the window can open, else the sentence to show."""
    if not needs_xcb(platform, environ):
        return None
    missing = missing_libraries(loads)
    return missing_message(missing) if missing else None
