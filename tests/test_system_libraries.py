"""The xcb libraries Qt needs on Linux are checked before Qt loads, with install commands."""

from __future__ import annotations

from cnaps_desktop.app.system_libraries import (
    XCB_LIBRARIES,
    check_window_libraries,
    needs_xcb,
)


def test_missing_libraries_are_named_with_apt_dnf_and_pacman_packages() -> None:
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    message = check_window_libraries(
        "linux", {"DISPLAY": ":0"}, loads=lambda soname: soname not in absent
    )
    assert message is not None and "\n" not in message
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in message
    assert "sudo dnf install xcb-util-cursor xcb-util-wm" in message
    assert "sudo pacman -S xcb-util-cursor xcb-util-wm" in message


def test_nothing_to_say_when_every_library_loads() -> None:
    assert check_window_libraries("linux", {"DISPLAY": ":0"}, loads=lambda _: True) is None


def test_only_linux_with_the_xcb_plugin_needs_them() -> None:
    assert not needs_xcb("darwin", {})
    assert not needs_xcb("win32", {})
    assert not needs_xcb("linux", {"QT_QPA_PLATFORM": "offscreen"})
    assert not needs_xcb("linux", {"WAYLAND_DISPLAY": "wayland-0"})
    assert needs_xcb("linux", {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"})
    assert needs_xcb("linux", {"DISPLAY": ":0"})


def test_the_list_names_the_two_a_stock_desktop_lacks() -> None:
    names = {library.apt for library in XCB_LIBRARIES}
    assert {"libxcb-cursor0", "libxcb-icccm4"} <= names
