"""`cnaps-desktop restore` end to end with a tiny random MSSNet."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image as PILImage

from cnaps_desktop.cli import main
from tests.engine.engine_models import save_tiny_mssnet


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    return save_tiny_mssnet(tmp_path_factory.mktemp("checkpoint"))


def _photo(path, size=(40, 30)):
    rng = np.random.default_rng(0)
    PILImage.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(path)
    return path


def test_restores_one_image(tmp_path, checkpoint, capsys) -> None:
    photo = _photo(tmp_path / "photo.png")
    assert main(["restore", str(photo), "--checkpoint", str(checkpoint)]) == 0
    output = tmp_path / "photo_restored.png"
    with PILImage.open(output) as restored:
        assert restored.size == (40, 30)
    assert "Restored 1 of 1 files" in capsys.readouterr().out


def test_folder_with_a_broken_file_goes_on_and_fails_at_the_end(tmp_path, checkpoint, capsys):
    folder = tmp_path / "album"
    folder.mkdir()
    _photo(folder / "a.png")
    _photo(folder / "c.jpg", (33, 17))
    (folder / "b.jpg").write_bytes(b"not really a jpeg")
    (folder / "notes.txt").write_text("ignored")
    out = tmp_path / "out"
    code = main(
        ["restore", str(folder), "--checkpoint", str(checkpoint), "-o", str(out), "--format", "png"]
    )
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["a_restored.png", "c_restored.png"]
    captured = capsys.readouterr()
    assert "Restored 2 of 3 files" in captured.err
    assert "b.jpg is not a valid JPG image" in captured.err


def test_missing_default_checkpoint_says_how_to_get_one(tmp_path, capsys, monkeypatch) -> None:
    """An install whose bundled default file is missing (the catalog still names it)."""
    import shutil

    from cnaps_desktop.engine.models import catalog
    from cnaps_desktop.resources import weights_path

    weights = tmp_path / "weights"
    weights.mkdir()
    shutil.copy(weights_path("catalog.toml"), weights / "catalog.toml")
    monkeypatch.setattr(catalog, "weights_path", lambda *parts: weights.joinpath(*parts))
    assert catalog.find_entry("default") is not None
    photo = _photo(tmp_path / "photo.png")
    assert main(["restore", str(photo)]) == 2
    assert "models download" in capsys.readouterr().err


def test_bad_arguments_are_usage_errors(tmp_path, checkpoint, capsys) -> None:
    photo = _photo(tmp_path / "photo.png")
    assert main(["restore", str(photo), "--checkpoint", str(checkpoint), "--format", "gif"]) == 2
    assert "gif" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["restore", str(photo), "--tile", "big"])
