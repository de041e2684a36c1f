"""`cnaps-desktop models list | import | download`, driven through cli.main."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from cnaps_desktop import paths
from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK, EXIT_USAGE, main
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.models.catalog import load_catalog
from tests.local_server import LocalServer, serve


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_list_shows_every_catalog_entry_in_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == EXIT_OK
    out = capsys.readouterr().out
    lines = _lines(out)
    assert lines[0] == f"Model folder: {paths.models_dir(create=False)}"
    assert lines[1].split() == ["NAME", "VARIANT", "STATUS", "WHERE", "SUITS"]
    for entry in load_catalog():
        row = next(line for line in lines if line.startswith(entry.name + " "))
        assert (" installed " if entry.bundled else " missing ") in row
        assert entry.variant in row
        assert entry.suits.split()[0] in row  # what it suits starts on the same line
    assert "cnaps-desktop models download NAME" in out


def test_import_then_list_shows_it_installed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "model_03000E.pt"
    torch.manual_seed(0)
    torch.save({"model_state_dict": MSSNet(4, 3, 5).state_dict(), "epoch": 1}, source)

    assert main(["models", "import", str(source), "--as", "tiny-deblur"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("Imported model_03000E.pt as tiny-deblur: custom MSSNet (wf=4, scale=3")
    assert f"file: {paths.models_dir() / 'tiny-deblur.pt'}" in out

    assert main(["models", "list"]) == EXIT_OK
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("tiny-"))
    assert row.split()[:2] == ["tiny-deblur", "custom"]
    assert "installed" in row
    assert "tiny-deblur.pt" in row
    assert row.rstrip().endswith("deblur")


def test_import_of_a_bad_file_prints_one_line_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.pt"
    torch.save(["not", "weights"], source)
    assert main(["models", "import", str(source)]) == EXIT_FAILURES
    captured = capsys.readouterr()
    assert captured.out == ""
    assert _lines(captured.err) == [
        "error: notes.pt holds a list of 2 items, not model weights; expected a PyTorch "
        "(.pt/.pth/.ckpt) or .safetensors checkpoint with a dict of tensors (a state dict)."
    ]


def test_import_under_a_catalog_name_checks_the_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tiny.pt"
    torch.save(MSSNet(4, 3, 5).state_dict(), source)
    assert main(["models", "import", str(source), "--as", "Deblur-MSSNet-GoPro"]) == EXIT_FAILURES
    assert "but Deblur-MSSNet-GoPro is MSSNet (wf=54" in capsys.readouterr().err


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as running:
        yield running


def test_download_fetches_installs_and_lists(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real catalog's small variant, with random weights, behind a local address.
    torch.manual_seed(0)
    weights = tmp_path / "w.pt"
    torch.save({"model_state_dict": MSSNet(20, 40, 40).state_dict(), "epoch": 1}, weights)
    server.files["/MSSNet_small.pt"] = weights.read_bytes()
    address = server.url("/MSSNet_small.pt")

    code = main(["models", "download", "Deblur-MSSNet-S-GoPro", "--url", address])

    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    installed = paths.models_dir() / "Deblur-MSSNet-S-GoPro.pt"
    assert installed.read_bytes() == weights.read_bytes()
    assert captured.out.startswith("Installed Deblur-MSSNet-S-GoPro: MSSNet-S (wf=20, scale=40")
    assert "Deblur-MSSNet-S-GoPro" in captured.err  # the progress bar's label
    assert main(["models", "list"]) == EXIT_OK
    row = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("Deblur-MSSNet-S")
    )
    assert "installed" in row
    assert "Deblur-MSSNet-S-GoPro.pt" in row


def test_download_failure_exits_1_with_one_line(
    server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    address = server.url("/gone.pt")
    assert main(["models", "download", "Deblur-MSSNet-GoPro", "--url", address]) == EXIT_FAILURES
    err_lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert err_lines == [
        f"error: The server at {address} answered HTTP 404; the file could not be downloaded."
    ]


def test_download_of_an_unknown_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "download", "Deblur-Nothing"]) == EXIT_USAGE
    assert "'Deblur-Nothing' is not in the catalog; known names: Deblur-MSSNet-GoPro" in (
        capsys.readouterr().err
    )


def test_models_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["models"])
    assert caught.value.code == EXIT_USAGE
    assert "the following arguments are required: ACTION" in capsys.readouterr().err
