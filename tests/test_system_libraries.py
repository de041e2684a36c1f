"""The xcb libraries Qt needs on Linux are checked before Qt loads, with install commands."""

from __future__ import annotations

from cnaps_desktop.app.system_libraries import (
    XCB_LIBRARIES,
    check_window_libraries,
    needs_xcb,
    x11_words,
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


def test_the_x11_report_needs_no_display_and_names_what_is_missing() -> None:
    words = x11_words("linux", loads=lambda soname: soname != "libxcb-icccm.so.4")
    assert words is not None and "\n" not in words
    assert words.startswith("an X11 window could not open here: libxcb-icccm.so.4 missing")
    assert "sudo apt install libxcb-icccm4" in words
    installed = x11_words("linux", loads=lambda _: True)
    assert installed == f"the {len(XCB_LIBRARIES)} libraries an X11 window needs are installed"
    assert x11_words("darwin", loads=lambda _: False) is None


def test_both_readmes_name_what_the_check_asks_for() -> None:
    """The set-up section lists every package the check may name; the installer's README
    points to it and names the two a stock desktop lacks."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    set_up = readme[readme.index("## Set up") : readme.index("## Python API")]
    for library in XCB_LIBRARIES:
        for package in (library.apt, library.dnf, library.pacman):
            assert f" {package} " in set_up or f" {package}`" in set_up, package
    installer = " ".join((root / "installer" / "README.md").read_text(encoding="utf-8").split())
    assert '"Set up" section lists' in installer
    assert "`libxcb-cursor0` and `libxcb-icccm4`" in installer
