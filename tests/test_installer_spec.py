"""The PyInstaller spec and the installer scripts agree with the app, checked without building.

The spec is run here with PyInstaller's building blocks replaced by recorders, once per
platform, so what it would hand PyInstaller can be inspected.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from PIL import Image

from cnaps_desktop import paths, resources
from cnaps_desktop.engine.models.catalog import load_catalog

REPO_ROOT = Path(__file__).resolve().parent.parent
INSTALLER = REPO_ROOT / "installer"
SPEC = INSTALLER / "cnaps_desktop.spec"
ISS = INSTALLER / "windows" / "cnaps_desktop.iss"


@pytest.fixture
def plan_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(INSTALLER))
    import bundle_plan

    return bundle_plan


@pytest.fixture
def icons(tmp_path: Path) -> dict[str, Path]:
    return {"ico": tmp_path / "app.ico", "icns": tmp_path / "app.icns"}


# ------------------------------------------------------------------------ files in the bundle
def _freeze_datas(datas: tuple[tuple[str, str], ...], frozen_root: Path) -> None:
    """Copy (source, destination folder) pairs the way PyInstaller collects them."""
    for source, dest in datas:
        target = frozen_root / dest
        if Path(source).is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def test_bundled_files_are_where_the_frozen_locator_looks(
    plan_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_entries = load_catalog()
    source_resources = sorted(
        p.relative_to(resources.resource_path()).as_posix()
        for p in resources.resource_path().rglob("*")
        if p.is_file()
    )
    frozen_root = tmp_path / "_internal"
    _freeze_datas(tuple(plan_module.bundled_data()), frozen_root)

    monkeypatch.setattr(sys, "_MEIPASS", str(frozen_root), raising=False)

    assert resources.bundle_root() == frozen_root
    assert load_catalog() == source_entries
    frozen_resources = sorted(
        p.relative_to(resources.resource_path()).as_posix()
        for p in resources.resource_path().rglob("*")
        if p.is_file()
    )
    assert frozen_resources == source_resources
    for entry in (e for e in source_entries if e.bundled):
        installed = entry.installed_path()
        assert installed is not None
        assert installed.parent == frozen_root / "weights"


def test_a_bundled_checkpoint_missing_from_weights_stops_the_build(
    plan_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = tmp_path / "weights"
    weights.mkdir()
    (weights / "catalog.toml").write_text(
        '[[model]]\nname = "X"\nfile_name = "x.safetensors"\nbundled = true\n', encoding="utf-8"
    )
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(FileNotFoundError, match=r"marks x\.safetensors as bundled"):
        plan_module.bundled_data()


# ------------------------------------------------------------------------------ hidden imports
def test_every_registered_architecture_is_a_hidden_import(plan_module: ModuleType) -> None:
    from cnaps_desktop.engine.models.registry import architecture_registry

    hidden = set(plan_module.hidden_imports())
    modules = {type(s.architecture).__module__ for s in architecture_registry().architectures()}

    assert "cnaps_desktop.engine.arch.mssnet.support" in modules
    assert len(modules) > 30  # spandrel's whole main registry, not a handful
    assert modules <= hidden, sorted(modules - hidden)


def test_every_loaded_module_of_spandrel_and_the_app_is_a_hidden_import(
    plan_module: ModuleType,
) -> None:
    from cnaps_desktop.cli import _COMMAND_MODULES
    from cnaps_desktop.engine.models.registry import architecture_registry

    architecture_registry()
    hidden = set(plan_module.hidden_imports())
    loaded = {
        name
        for name in sys.modules
        if name.split(".")[0] in ("spandrel", "cnaps_desktop") and sys.modules[name] is not None
    }

    assert loaded - hidden == set()
    # Imported by name at run time, so no import scan can see them.
    present = {m for m in _COMMAND_MODULES if (REPO_ROOT / (m.replace(".", "/") + ".py")).exists()}
    assert present <= hidden


def test_module_names_come_from_source_files_without_importing(
    plan_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "explodes"
    (package / "inner").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('imported')\n", encoding="utf-8")
    (package / "inner" / "__init__.py").write_text("", encoding="utf-8")
    (package / "inner" / "arch.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))

    names = plan_module.module_names_from_source("explodes")

    assert names == ["explodes", "explodes.inner", "explodes.inner.arch"]


# --------------------------------------------------------------------- the spec, run for real
class _Recorder:
    def __init__(self, kind: str, calls: list[SimpleNamespace]) -> None:
        self.kind, self.calls = kind, calls

    def __call__(self, *args: object, **kwargs: object) -> SimpleNamespace:
        call = SimpleNamespace(kind=self.kind, args=args, kwargs=kwargs)
        call.scripts, call.pure, call.binaries, call.datas = [], [], [], []
        self.calls.append(call)
        return call


def _run_spec(
    platform: str, plan_module: ModuleType, icons: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> list[SimpleNamespace]:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(plan_module, "ensure_icons", lambda: icons)
    monkeypatch.delenv("MACOS_CODESIGN_IDENTITY", raising=False)
    calls: list[SimpleNamespace] = []
    namespace = {
        "SPECPATH": str(INSTALLER),
        **{k: _Recorder(k, calls) for k in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")},
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return calls


def _of(kind: str, calls: list[SimpleNamespace]) -> list[SimpleNamespace]:
    return [c for c in calls if c.kind == kind]


def test_spec_hands_pyinstaller_the_plan(
    plan_module: ModuleType, icons: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _run_spec("linux", plan_module, icons, monkeypatch)
    plan = plan_module.make_plan()

    (analysis,) = _of("Analysis", calls)
    assert analysis.args[0] == [str(INSTALLER / "launch.py")]
    assert analysis.kwargs["pathex"] == [str(REPO_ROOT)]
    assert analysis.kwargs["datas"] == list(plan.datas)
    assert analysis.kwargs["hiddenimports"] == list(plan.hidden_imports)
    assert "PyQt5" in analysis.kwargs["excludes"]
    (exe,) = _of("EXE", calls)
    assert exe.kwargs["name"] == "cnaps-desktop"
    assert exe.kwargs["console"] is True
    assert exe.kwargs["icon"] is None  # Linux executables carry none; the .desktop file does
    (collect,) = _of("COLLECT", calls)
    assert collect.kwargs["name"] == "cnaps-desktop"
    assert _of("BUNDLE", calls) == []


def test_spec_on_windows_adds_a_windowed_twin_with_the_icon(
    plan_module: ModuleType, icons: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _run_spec("win32", plan_module, icons, monkeypatch)

    exes = {c.kwargs["name"]: c.kwargs for c in _of("EXE", calls)}
    assert exes["cnaps-desktop"]["console"] is True
    assert exes["CNAPS Desktop"]["console"] is False
    assert {e["icon"] for e in exes.values()} == {str(icons["ico"])}
    assert ISS.read_text(encoding="utf-8").count('#define GuiExe "CNAPS Desktop.exe"') == 1


def test_spec_on_macos_makes_an_app_with_document_types(
    plan_module: ModuleType, icons: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _run_spec("darwin", plan_module, icons, monkeypatch)

    (exe,) = _of("EXE", calls)
    assert exe.kwargs["console"] is False  # True would make it a background-only app
    assert exe.kwargs["argv_emulation"] is False
    (bundle,) = _of("BUNDLE", calls)
    assert bundle.kwargs["name"] == "CNAPS Desktop.app"
    assert bundle.kwargs["icon"] == str(icons["icns"])
    plist = bundle.kwargs["info_plist"]
    assert plist["NSHighResolutionCapable"] is True
    documents = {d["CFBundleTypeName"]: d for d in plist["CFBundleDocumentTypes"]}
    assert "public.jpeg" in documents["Image"]["LSItemContentTypes"]
    assert "public.heic" in documents["Image"]["LSItemContentTypes"]
    assert "public.mpeg-4" in documents["Video"]["LSItemContentTypes"]
    assert {d["LSHandlerRank"] for d in documents.values()} == {"Alternate"}
    assert re.fullmatch(r"\d+\.\d+", plist["LSMinimumSystemVersion"])


def test_spec_is_python_that_parses() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    called = {
        n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and hasattr(n.func, "id")
    }
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= called


# ------------------------------------------------------------------------------------ file types
def test_every_suffix_the_engine_reads_has_a_platform_name(plan_module: ModuleType) -> None:
    import file_types

    checked = 0
    for kind in file_types.ENGINE_SUFFIXES:
        suffixes = file_types.engine_suffixes(kind)
        if suffixes is None:
            continue
        known = {t.suffix for t in file_types.FILE_TYPES if t.kind == kind}
        assert suffixes <= known, sorted(suffixes - known)
        checked += 1
    if checked == 0:
        pytest.skip("neither engine/imageio.py nor engine/video.py is in this checkout yet")


def test_desktop_entry_opens_files_and_names_their_types(plan_module: ModuleType) -> None:
    entry = plan_module.desktop_entry("/opt/cnaps-desktop/cnaps-desktop")
    lines = dict(line.split("=", 1) for line in entry.splitlines()[1:])
    assert entry.startswith("[Desktop Entry]\n")
    assert lines["Exec"] == "/opt/cnaps-desktop/cnaps-desktop %F"
    assert lines["Icon"] == "cnaps-desktop"
    assert "image/jpeg" in lines["MimeType"].split(";")
    assert "video/mp4" in lines["MimeType"].split(";")


def test_windows_open_with_entries_are_removed_on_uninstall(plan_module: ModuleType) -> None:
    text = plan_module.inno_associations()
    lines = text.splitlines()[2:]
    assert text.splitlines()[1] == "[Registry]"
    assert all(line.endswith("Tasks: openwith") for line in lines)
    jpg = [line for line in lines if "\\.jpg\\OpenWithProgids" in line]
    assert jpg == [
        'Root: HKA; Subkey: "Software\\Classes\\.jpg\\OpenWithProgids"; ValueType: string; '
        'ValueName: "CNAPSDesktop.Image"; ValueData: ""; Flags: uninsdeletevalue; Tasks: openwith'
    ]
    command = [line for line in lines if "CNAPSDesktop.Video\\shell\\open\\command" in line]
    assert command and 'ValueData: """{app}\\CNAPS Desktop.exe"" ""%1"""' in command[0]
    # Nothing ever sets the default program of a type (the key's unnamed value).
    assert not [line for line in lines if re.search(r'\\\.\w+"; ValueType', line)]


def test_windows_uninstaller_knows_where_the_app_keeps_user_data() -> None:
    script = ISS.read_text(encoding="utf-8")
    # platformdirs on Windows: %LOCALAPPDATA%\<author>\<app>, with Cache and Logs inside.
    expected = f"{{localappdata}}\\{paths.APP_AUTHOR}\\{paths.APP_NAME}"
    assert f'#define UserDataDir "{expected}"' in script
    assert 'Name: "{#UserDataDir}\\Cache"' in script
    assert 'Name: "{#UserDataDir}\\Logs"' in script
    assert "OutputBaseFilename=CNAPS-Desktop-{#AppVersion}-windows-x64-{#Flavour}-setup" in script


# ----------------------------------------------------------------------------------------- icons
def _write_source_png(path: Path, size: int) -> Path:
    image = Image.new("RGBA", (size, size), (20, 120, 80, 255))
    image.paste((250, 250, 250, 255), (size // 4, size // 4, 3 * size // 4, 3 * size // 4))
    image.save(path)
    return path


def test_icons_for_every_platform_come_from_one_source(plan_module: ModuleType, tmp_path: Path):
    import make_icons

    outputs = make_icons.make_icons(_write_source_png(tmp_path / "src.png", 1024), tmp_path / "o")

    with Image.open(outputs["ico"]) as ico:
        assert set(ico.info["sizes"]) == {(s, s) for s in make_icons.ICO_SIZES}
    with Image.open(outputs["icns"]) as icns:
        assert icns.size == (1024, 1024)
    for size in make_icons.HICOLOR_SIZES:
        with Image.open(outputs[f"png{size}"]) as png:
            assert png.size == (size, size)
    assert make_icons.up_to_date(tmp_path / "src.png", tmp_path / "o")


def test_an_svg_icon_source_is_drawn_with_qt(
    plan_module: ModuleType, tmp_path: Path, qapp: object
) -> None:
    import make_icons

    svg = tmp_path / "icon.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect x="0" y="0" width="5" height="10" fill="#ff0000"/></svg>',
        encoding="utf-8",
    )
    master = make_icons.load_master(svg)
    assert master.size == (1024, 1024)
    assert master.getpixel((100, 512)) == (255, 0, 0, 255)
    assert master.getpixel((900, 512))[3] == 0  # transparent where nothing is drawn


def test_a_small_png_icon_source_is_refused(plan_module: ModuleType, tmp_path: Path) -> None:
    import make_icons

    with pytest.raises(ValueError, match=r"small\.png is 256x256; expected a square PNG"):
        make_icons.load_master(_write_source_png(tmp_path / "small.png", 256))


# --------------------------------------------------------------------------------- shell scripts
@pytest.mark.parametrize(
    "script", ["build_linux.sh", "linux/install-desktop-entry.sh", "macos/build_macos.sh"]
)
def test_shell_scripts_parse(script: str) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    result = subprocess.run([bash, "-n", str(INSTALLER / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_desktop_entry_installer_points_the_menu_at_the_unpacked_app(tmp_path: Path) -> None:
    sh = shutil.which("sh")
    if sh is None:
        pytest.skip("sh is not installed")
    unpacked = tmp_path / "cnaps desktop-0.1.0"
    (unpacked / "cnaps-desktop").mkdir(parents=True)
    exe = unpacked / "cnaps-desktop" / "cnaps-desktop"
    exe.write_text("#!/bin/sh\n", encoding="utf-8")
    exe.chmod(0o755)
    (unpacked / "icons" / "48x48" / "apps").mkdir(parents=True)
    _write_source_png(unpacked / "icons" / "48x48" / "apps" / "cnaps-desktop.png", 48)
    (unpacked / "cnaps-desktop.desktop").write_text(
        "[Desktop Entry]\nExec=cnaps-desktop %F\nTryExec=cnaps-desktop\n", encoding="utf-8"
    )
    shutil.copy(INSTALLER / "linux" / "install-desktop-entry.sh", unpacked)
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}

    subprocess.run([sh, str(unpacked / "install-desktop-entry.sh")], env=env, check=True)
    entry = (data / "applications" / "cnaps-desktop.desktop").read_text(encoding="utf-8")
    assert f'Exec="{exe}" %F' in entry
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / "cnaps-desktop.png").is_file()

    subprocess.run(
        [sh, str(unpacked / "install-desktop-entry.sh"), "--remove"], env=env, check=True
    )
    assert not (data / "applications" / "cnaps-desktop.desktop").exists()
    assert exe.exists()
