"""The plain parts behind the session: the one kept model and the file list's typed updates."""

from __future__ import annotations

from pathlib import Path

from cnaps_desktop.gui.file_entries import EntryUpdate, FileEntry, FileState
from cnaps_desktop.gui.model_cache import ModelCache, device_worker
from cnaps_desktop.gui.services import RunSettings
from tests.gui.conftest import LoadedDouble, model_info


def test_the_model_loads_once_per_checkpoint_device_and_precision() -> None:
    loads: list[RunSettings] = []

    def load(settings: RunSettings) -> LoadedDouble:
        loads.append(settings)
        return LoadedDouble(model_info(settings.checkpoint))

    cache = ModelCache(load)
    first = cache.get(RunSettings("Tiny-GoPro", tile=256, output_dir=Path("/out")))
    assert cache.get(RunSettings("Tiny-GoPro", tile=512)) is first  # tiling: the same model
    assert loads == [RunSettings("Tiny-GoPro")]  # loaded with the model's settings only
    other = cache.get(RunSettings("Tiny-GoPro", precision="bf16"))
    assert other is not first and len(loads) == 2
    assert RunSettings("Tiny-GoPro", precision="bf16") in cache
    assert RunSettings("Tiny-GoPro") not in cache  # one model kept at a time
    cache.clear()
    assert RunSettings("Tiny-GoPro", precision="bf16") not in cache
    assert device_worker(RunSettings("x", device="cuda:1")) == "device:cuda:1"


def test_an_entry_update_changes_only_the_fields_it_sets() -> None:
    entry = FileEntry(Path("a.png"), "photo")
    entry.apply(EntryUpdate(Path("a.png"), FileState.WORKING, fraction=0.25))
    assert entry.status_line() == "working 25%"
    entry.apply(EntryUpdate(Path("a.png"), fraction=0.5))
    assert (entry.state, entry.fraction, entry.reason) == (FileState.WORKING, 0.5, "")
    entry.apply(EntryUpdate(Path("a.png"), FileState.DONE, fraction=1.0, seconds=2.0))
    assert entry.status_line() == "done  2.0 s"
    entry.apply(EntryUpdate(Path("a.png"), reason="saved as a_restored.png"))
    assert (entry.state, entry.reason) == (FileState.DONE, "saved as a_restored.png")
    entry.apply(EntryUpdate(Path("a.png"), FileState.FAILED, reason="damaged"))
    assert entry.status_line() == "failed: damaged"
