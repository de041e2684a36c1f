"""The per-user model folder: list, import (with its checks), re-import, manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from cnaps_desktop import load_model, paths
from cnaps_desktop.engine.arch.mssnet import KNOWN_VARIANTS, MSSNet
from cnaps_desktop.engine.errors import (
    CorruptCheckpointError,
    ModelMismatchError,
    ModelNotFoundError,
    UnsafeCheckpointError,
)
from cnaps_desktop.engine.models.catalog import MSSNET_VARIANT_NAMES, load_catalog
from cnaps_desktop.engine.models.manifest import LOCK_NAME, MANIFEST_NAME, read_manifest
from cnaps_desktop.engine.models.registry import architecture_registry
from cnaps_desktop.engine.models.store import import_model, list_models
from tests.engine.test_download import TINY, TINY_S, write_catalog


def _save_tiny(path: Path, variant: tuple[int, int, int] = TINY, seed: int = 0) -> bytes:
    torch.manual_seed(seed)
    state = MSSNet(*variant).state_dict()
    if path.suffix == ".safetensors":
        save_file({k: v.clone().contiguous() for k, v in state.items()}, str(path))
    else:
        torch.save({"model_state_dict": state, "epoch": 1, "all_step": 2}, path)
    return path.read_bytes()


def _model_folder_files() -> list[str]:
    """Everything in the model folder but the manifest's lock file (which stays, empty)."""
    return sorted(p.name for p in paths.models_dir().iterdir() if p.name != LOCK_NAME)


def test_a_fresh_home_lists_every_catalog_entry_as_missing_but_the_bundled_one() -> None:
    statuses = list_models()
    names = [s.name for s in statuses]
    entries = load_catalog()
    assert names == [e.name for e in entries]
    assert "Deblur-MSSNet-GoPro" in names
    bundled = {e.name for e in entries if e.bundled}
    for status in statuses:
        if status.name in bundled:
            assert status.installed and status.path is not None and status.path.is_file()
        else:
            assert not status.installed and status.path is None
    small = next(s for s in statuses if s.name == "Deblur-MSSNet-S-GoPro")
    assert small.variant == "MSSNet-S (wf=20, scale=40, vscale=40)"
    assert "CPU" in small.suits


def test_the_catalog_names_variants_as_the_network_does() -> None:
    assert {(c.wf, c.scale, c.vscale): n for c, n in KNOWN_VARIANTS.items()} == MSSNET_VARIANT_NAMES


def test_importing_under_a_catalog_name_installs_and_records_it(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": ""}])
    source = tmp_path / "model_03000E.pt"
    data = _save_tiny(source)

    installed = import_model(source, as_name="tiny-gopro", catalog=catalog)

    assert installed == paths.models_dir() / "Tiny-GoPro.pt"
    assert installed.read_bytes() == data
    assert source.read_bytes() == data  # the input is never touched
    (record,) = read_manifest()
    assert record.name == "Tiny-GoPro"
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.architecture == "MSSNet"
    assert "wf=4, scale=3, vscale=5" in record.variant
    assert record.imported_from == str(source.resolve())
    status = next(s for s in list_models(catalog) if s.name == "Tiny-GoPro")
    assert status.installed
    assert status.path == installed
    assert status.sha256 == record.sha256
    assert _model_folder_files() == sorted([MANIFEST_NAME, "Tiny-GoPro.pt"])


def test_a_catalog_name_refuses_another_variant(tmp_path: Path) -> None:
    source = tmp_path / "small.pt"
    _save_tiny(source, variant=TINY_S)
    with pytest.raises(ModelMismatchError) as caught:
        import_model(source, as_name="Deblur-MSSNet-GoPro")
    assert str(caught.value) == (
        "small.pt is custom MSSNet (wf=4, scale=4, vscale=4), but Deblur-MSSNet-GoPro is MSSNet "
        "(wf=54, scale=42, vscale=42); import it under a name of your own instead (--as MY-NAME)."
    )
    assert not paths.models_dir().exists() or _model_folder_files() == []


def test_a_catalog_name_refuses_another_architecture(tmp_path: Path) -> None:
    architecture_registry()
    from spandrel.architectures.Compact import Compact

    source = tmp_path / "upscaler.pth"
    torch.save(Compact(num_feat=8, num_conv=2, upscale=2).state_dict(), source)
    with pytest.raises(ModelMismatchError, match=r"upscaler\.pth is Compact, but Deblur-MSSNet-S"):
        import_model(source, as_name="Deblur-MSSNet-S-GoPro")


def test_an_own_model_is_listed_and_loads_by_its_name(tmp_path: Path) -> None:
    architecture_registry()
    from spandrel.architectures.Compact import Compact

    source = tmp_path / "my upscaler.pth"
    torch.save(Compact(num_feat=8, num_conv=2, upscale=2).state_dict(), source)

    installed = import_model(source, as_name="my-upscaler")

    assert installed.name == "my-upscaler.pth"
    own = [s for s in list_models() if s.source == "imported"]
    assert [(s.name, s.variant, s.installed, s.suits) for s in own] == [
        ("my-upscaler", "Compact (8nf, 2nc)", True, "super-resolution x2")
    ]
    loaded = load_model("my-upscaler", device="cpu")
    assert loaded.scale == 2
    assert loaded.info.name == "my-upscaler"


def test_the_name_defaults_to_the_file_stem_and_must_be_usable(tmp_path: Path) -> None:
    source = tmp_path / "tiny-deblur.pt"
    _save_tiny(source)
    assert import_model(source).name == "tiny-deblur.pt"
    for bad in ("default", "two words", "../escape", ""):
        with pytest.raises(ModelMismatchError, match=r"cannot name the model from tiny-deblur\.pt"):
            import_model(source, as_name=bad)


def test_reimporting_replaces_the_file_and_the_record(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": ""}])
    first = tmp_path / "first.pt"
    _save_tiny(first, seed=1)
    import_model(first, as_name="Tiny-GoPro", catalog=catalog)
    second = tmp_path / "second.safetensors"
    data = _save_tiny(second, seed=2)

    installed = import_model(second, as_name="Tiny-GoPro", catalog=catalog)

    assert installed.name == "Tiny-GoPro.safetensors"
    assert _model_folder_files() == sorted([MANIFEST_NAME, "Tiny-GoPro.safetensors"])
    (record,) = read_manifest()
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.file == "Tiny-GoPro.safetensors"
    status = next(s for s in list_models(catalog) if s.name == "Tiny-GoPro")
    assert status.path == installed


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"", CorruptCheckpointError), (b"\x80\x04K\x01.", CorruptCheckpointError)],
    ids=["empty", "an-int"],
)
def test_a_bad_file_is_refused_and_nothing_is_copied(
    tmp_path: Path, content: bytes, error: type[Exception]
) -> None:
    source = tmp_path / "bad.pt"
    source.write_bytes(content)
    with pytest.raises(error, match=r"bad\.pt"):
        import_model(source)
    assert read_manifest() == []
    assert not paths.models_dir().exists() or _model_folder_files() == []


def test_a_malicious_file_is_refused_on_import(tmp_path: Path) -> None:
    import os
    import pickle

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    source = tmp_path / "evil.pth"
    source.write_bytes(pickle.dumps({"w": Payload()}))
    with pytest.raises(UnsafeCheckpointError):
        import_model(source)
    assert not (tmp_path / "pwned").exists()


def test_weights_that_give_nan_fail_the_test_run(tmp_path: Path) -> None:
    torch.manual_seed(0)
    state = MSSNet(*TINY).state_dict()
    state["tail3_3.weight"] = torch.full_like(state["tail3_3.weight"], float("nan"))
    source = tmp_path / "broken.pt"
    torch.save(state, source)
    with pytest.raises(ModelMismatchError, match=r"broken\.pt gave NaN or infinite values"):
        import_model(source)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match=r"nowhere\.pt does not exist"):
        import_model(tmp_path / "nowhere.pt")


def test_a_damaged_manifest_does_not_hide_the_catalog_and_is_rewritten(tmp_path: Path) -> None:
    manifest = paths.models_dir() / MANIFEST_NAME
    manifest.write_text("{not json")
    assert len(list_models()) == len(load_catalog())
    source = tmp_path / "tiny.pt"
    _save_tiny(source)
    import_model(source)
    assert [r["name"] for r in json.loads(manifest.read_text())["models"]] == ["tiny"]


def test_two_programs_adding_models_at_once_keep_every_record(isolated_home: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    start = isolated_home / "start"
    script = (
        "import pathlib, sys, time\n"
        "from cnaps_desktop.engine.models.manifest import ManifestRecord, save_record\n"
        "while not pathlib.Path(sys.argv[2]).exists():\n"  # both start writing together
        "    time.sleep(0.001)\n"
        "for i in range(60):\n"
        "    save_record(ManifestRecord(f'{sys.argv[1]}-{i}', 'f.pt', '0', 'MSSNet', 'S',\n"
        "                               'deblur', 1, 'test', '2026-11-23T00:00:00Z'))\n"
    )
    environment = {**os.environ, "CNAPS_DESKTOP_HOME": str(isolated_home)}
    writers = [
        subprocess.Popen([sys.executable, "-c", script, name, str(start)], env=environment)
        for name in ("window", "cli")
    ]
    time.sleep(1.0)  # both programs are up and waiting
    start.touch()
    assert all(writer.wait(timeout=120) == 0 for writer in writers)
    names = {record.name for record in read_manifest()}
    assert names == {f"{who}-{i}" for who in ("window", "cli") for i in range(60)}
