"""What goes into the PyInstaller bundle, decided in plain Python that the tests read too.

installer/cnaps_desktop.spec turns this plan into PyInstaller's Analysis, EXE, COLLECT and (on
macOS) BUNDLE. Nothing here imports PyInstaller, so tests/test_installer_spec.py can check the
decisions without building:

- bundled files land where ``cnaps_desktop.resources`` looks for them, from source and frozen:
  destinations are the locator's own paths relative to its ``bundle_root()``;
- every module of spandrel and of our package is a hidden import, listed from their source
  folders at build time (spandrel cannot be imported by PyInstaller's helper process where the
  installed torchvision does not match torch, so ``collect_submodules`` would find nothing);
- the app's own code finds architectures without scanning folders at run time: spandrel
  imports them from its main registry and engine/registry.py imports our MSSNet support.

Run ``python installer/bundle_plan.py --help`` for the generated files the build scripts use
(the Linux .desktop entry, the Windows "Open with" registry lines, the version).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

INSTALLER_DIR = Path(__file__).resolve().parent
REPO_ROOT = INSTALLER_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # build from this checkout, never an installed copy
if str(INSTALLER_DIR) not in sys.path:
    sys.path.insert(0, str(INSTALLER_DIR))

import file_types  # noqa: E402  (found through the path set just above)

APP_NAME = "CNAPS Desktop"
EXECUTABLE = "cnaps-desktop"
"""The console executable (all platforms) and the onedir folder's name."""
WINDOWS_GUI_EXECUTABLE = "CNAPS Desktop"
"""Windows only: the windowed twin of EXECUTABLE, started by shortcuts and "Open with"."""
BUNDLE_IDENTIFIER = "org.cnaps.desktop"
WINDOWS_PROG_ID = "CNAPSDesktop"
ENTRY_SCRIPT = INSTALLER_DIR / "launch.py"
ICON_NAME = "cnaps-desktop"
ICONS_DIR = INSTALLER_DIR / "build" / "icons"
MPS_MINIMUM_SYSTEM = (12, 3)  # the first macOS with MPS in torch

# Imported lazily or by name, so PyInstaller's import scan alone could miss them.
EXTRA_HIDDEN_IMPORTS = (
    "torchvision",  # imported inside engine/arch/torchvision_compat.py, which spandrel needs
    "pillow_heif",  # registered with Pillow at run time for HEIC/HEIF files
    "PySide6.QtSvg",  # SVG icons, and Qt's svg image-format plugin needs its library
    "qasync",
)
# Never used by the app; keeping them out saves space and avoids a second Qt binding.
EXCLUDES = (
    "tkinter",
    "_tkinter",
    "matplotlib",
    "IPython",
    "jupyter",
    "notebook",
    "pytest",
    "hypothesis",
    "tensorboard",
    "PyQt5",
    "PyQt6",
    "PySide2",
)


@dataclass(frozen=True)
class BundlePlan:
    version: str
    datas: tuple[tuple[str, str], ...]
    """(source file or folder, destination folder inside the bundle)."""
    hidden_imports: tuple[str, ...]
    excludes: tuple[str, ...]
    info_plist: dict[str, object]


def make_plan() -> BundlePlan:
    return BundlePlan(
        version=app_version(),
        datas=tuple(bundled_data()),
        hidden_imports=tuple(hidden_imports()),
        excludes=EXCLUDES,
        info_plist=info_plist(),
    )


def app_version() -> str:
    from cnaps_desktop import __version__

    return __version__


# ------------------------------------------------------------------------------------- files
def bundled_data() -> list[tuple[str, str]]:
    """resources/ whole; from weights/ the catalog, its README and every bundled checkpoint.

    Each destination is the locator's path relative to its root, so the frozen app looks
    exactly where the files are put.
    """
    from cnaps_desktop import resources

    root = resources.bundle_root()
    resources_dir = resources.resource_path()
    datas: list[tuple[str, str]] = []
    if resources_dir.is_dir():
        datas.append((str(resources_dir), _relative(resources_dir, root)))
    weights_dest = _relative(resources.weights_path(), root)
    catalog = resources.weights_path("catalog.toml")
    datas.append((str(catalog), weights_dest))
    readme = resources.weights_path("README.md")
    if readme.is_file():
        datas.append((str(readme), weights_dest))
    for file_name in bundled_checkpoints(catalog):
        shipped = resources.weights_path(file_name)
        if not shipped.is_file():
            raise FileNotFoundError(
                f"{catalog} marks {file_name} as bundled, but {shipped} does not exist."
            )
        datas.append((str(shipped), weights_dest))
    return datas


def bundled_checkpoints(catalog: Path) -> list[str]:
    with catalog.open("rb") as handle:
        entries = tomllib.load(handle).get("model", [])
    return [entry["file_name"] for entry in entries if entry.get("bundled")]


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# ----------------------------------------------------------------------------------- modules
def hidden_imports() -> list[str]:
    names = [
        *module_names_from_source("cnaps_desktop"),
        *module_names_from_source("spandrel"),
        *EXTRA_HIDDEN_IMPORTS,
    ]
    return sorted(set(names))


def module_names_from_source(package: str) -> list[str]:
    """Every module of ``package`` by its .py files, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not an installed package", name=package)
    names: set[str] = set()
    for location in spec.submodule_search_locations:
        base = Path(location)
        for source in base.rglob("*.py"):
            parts = [package, *source.relative_to(base).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            # Every enclosing package too: folders without __init__.py are namespace packages.
            names.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return sorted(names)


# ------------------------------------------------------------------------------------- macOS
def info_plist() -> dict[str, object]:
    """Info.plist keys beyond PyInstaller's: document types, sharp Retina drawing, dark mode."""
    return {
        "CFBundleDisplayName": APP_NAME,
        "CFBundleName": APP_NAME,
        "CFBundleShortVersionString": app_version(),
        "CFBundleVersion": app_version(),
        "CFBundleDocumentTypes": file_types.macos_document_types(file_types.associated_types()),
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,
        "LSApplicationCategoryType": "public.app-category.photography",
        "LSMinimumSystemVersion": macos_minimum_system(),
        "NSHumanReadableCopyright": "MIT licence. CNAPS Desktop contributors.",
    }


def macos_minimum_system() -> str:
    """The oldest macOS the bundled torch runs on: its wheel's tag, and never below MPS's."""
    wheel = metadata.distribution("torch").read_text("WHEEL") or ""
    tagged = [(int(m[1]), int(m[2])) for m in re.finditer(r"macosx_(\d+)_(\d+)_", wheel)]
    major, minor = max([MPS_MINIMUM_SYSTEM, *tagged])
    return f"{major}.{minor}"


# ------------------------------------------------------------------------------------- icons
def ensure_icons() -> dict[str, Path]:
    """The generated icons, made from resources/icons/ first when missing or stale."""
    import make_icons

    source = make_icons.default_source()
    if not make_icons.up_to_date(source, ICONS_DIR):
        make_icons.make_icons(source, ICONS_DIR)
    return make_icons.icon_outputs(ICONS_DIR)


# ------------------------------------------------------------------------- generated files
def desktop_entry(exec_path: str, icon: str = ICON_NAME) -> str:
    """A freedesktop .desktop file; ``exec_path`` is the installed executable."""
    mime = file_types.desktop_mime_types(file_types.associated_types())
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "GenericName=Photo and video restoration\n"
        "Comment=Restore blurry photos and video frames, and see what the model did\n"
        f"Exec={exec_path} %F\n"
        f"TryExec={exec_path}\n"
        f"Icon={icon}\n"
        "Terminal=false\n"
        "Categories=Graphics;Photography;AudioVideo;Video;\n"
        f"MimeType={mime}\n"
        "StartupNotify=true\n"
    )


def inno_associations() -> str:
    """The [Registry] section of the Windows installer's "Open with" entries."""
    lines = file_types.inno_registry_lines(
        file_types.associated_types(), f"{WINDOWS_GUI_EXECUTABLE}.exe", WINDOWS_PROG_ID
    )
    header = "; Generated by installer/bundle_plan.py inno-associations; do not edit.\n"
    return header + "[Registry]\n" + "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Facts and generated files for the builds.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("version", help="print the app version")
    desktop = commands.add_parser("desktop-entry", help="write a Linux .desktop file")
    desktop.add_argument("out", type=Path)
    desktop.add_argument("--exec", dest="exec_path", default=EXECUTABLE)
    inno = commands.add_parser("inno-associations", help="write the Inno Setup registry lines")
    inno.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "version":
        print(app_version())
    elif args.command == "desktop-entry":
        _write(args.out, desktop_entry(args.exec_path))
    else:
        _write(args.out, inno_associations())
    return 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\r\n" if path.suffix == ".iss" else "\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
