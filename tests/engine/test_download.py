"""Downloads against a real HTTP server on 127.0.0.1: resume, checksum, archives."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from cnaps_desktop import load_model, paths
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.cancel import CancelToken, Progress
from cnaps_desktop.engine.errors import (
    Cancelled,
    CorruptCheckpointError,
    DownloadError,
    ModelMismatchError,
    ModelNotFoundError,
)
from cnaps_desktop.engine.models.download import download_folder, download_model
from cnaps_desktop.engine.models.manifest import find_record
from tests.local_server import LocalServer, serve

TINY = (4, 3, 5)
TINY_S = (4, 4, 4)  # a second small variant, to be told apart by tensor shapes


def checkpoint_bytes(variant: tuple[int, int, int], seed: int) -> bytes:
    """A checkpoint in the released layout (with Adam's state, so about 1.3 MB), as bytes."""
    torch.manual_seed(seed)
    model = MSSNet(*variant)
    adam_state = {
        index: {"step": 7, "exp_avg": torch.rand_like(p), "exp_avg_sq": torch.rand_like(p)}
        for index, p in enumerate(model.parameters())
    }
    buffer = io.BytesIO()
    torch.save(
        {
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": {"state": adam_state, "param_groups": [{"lr": 2e-4}]},
            "epoch": 3000,
            "all_step": 396000,
        },
        buffer,
    )
    return buffer.getvalue()


def write_catalog(folder: Path, entries: list[dict]) -> Path:
    """A catalog.toml with tiny MSSNet entries."""
    lines = []
    for fields in entries:
        wf, scale, vscale = fields.pop("variant", TINY)
        values = {
            "architecture": "MSSNet",
            "wf": wf,
            "scale": scale,
            "vscale": vscale,
            "training_data": "test pairs",
            "suits": "tests",
            "paper": "",
            "code": "",
            "archive_member": "",
            "file_name": f"{fields['name']}.pt",
            **fields,
        }
        lines.append("[[model]]")
        for key, value in values.items():
            lines.append(f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"')
    path = folder / "catalog.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as running:
        yield running


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cache_files(address: str) -> list[Path]:
    return sorted(p for p in download_folder(address).rglob("*") if p.is_file())


# ------------------------------------------------------------------ plain files
def test_a_cut_connection_resumes_with_a_range_request(tmp_path: Path, server: LocalServer) -> None:
    body = checkpoint_bytes(TINY, seed=1)
    server.files["/tiny.pt"] = body
    server.cut_next = 1
    address = server.url("/tiny.pt")
    catalog = write_catalog(
        tmp_path, [{"name": "Tiny-GoPro", "download": address, "sha256": _sha256(body)}]
    )
    seen: list[Progress] = []

    installed = download_model("Tiny-GoPro", progress=seen.append, catalog=catalog, retries=2)

    assert installed == paths.models_dir() / "Tiny-GoPro.pt"
    assert installed.read_bytes() == body
    ranges = [r for _path, r in server.requests if r]
    assert ranges, "the second attempt did not ask for the rest with a Range header"
    resumed_from = int(ranges[-1].removeprefix("bytes=").rstrip("-"))
    assert 0 < resumed_from < len(body)
    assert seen[-1].done == len(body)
    assert seen[-1].total == len(body)
    assert {p.stage for p in seen} == {"byte"}
    assert find_record("Tiny-GoPro").sha256 == _sha256(body)
    assert [p.name for p in _cache_files(address)] == [], "the download stayed in the cache"


def test_a_download_cut_for_good_resumes_on_the_next_call(
    tmp_path: Path, server: LocalServer
) -> None:
    body = checkpoint_bytes(TINY, seed=2)
    server.files["/tiny.pt"] = body
    address = server.url("/tiny.pt")
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": address}])
    server.cut_next = 1

    with pytest.raises(
        DownloadError,
        match=r"failed \(the connection was cut off\); the \d+\.\d MB that arrived are kept "
        r"in .* and the next download resumes from there",
    ):
        download_model("Tiny-GoPro", catalog=catalog, retries=0)
    partial = _cache_files(address)
    assert len(partial) == 1
    kept = partial[0].stat().st_size
    assert 0 < kept < len(body)
    assert not (paths.models_dir() / "Tiny-GoPro.pt").exists()

    installed = download_model("Tiny-GoPro", catalog=catalog, retries=0)

    assert installed.read_bytes() == body
    assert server.requests[-1] == ("/tiny.pt", f"bytes={kept}-")
    assert load_model(installed, device="cpu").info.architecture == "MSSNet"


def test_a_checksum_mismatch_is_refused_and_the_download_removed(
    tmp_path: Path, server: LocalServer
) -> None:
    server.files["/tiny.pt"] = checkpoint_bytes(TINY, seed=3)
    address = server.url("/tiny.pt")
    wrong = "0" * 64
    catalog = write_catalog(
        tmp_path, [{"name": "Tiny-GoPro", "download": address, "sha256": wrong}]
    )

    with pytest.raises(DownloadError) as caught:
        download_model("Tiny-GoPro", catalog=catalog)

    message = str(caught.value)
    assert "Tiny-GoPro" in message
    assert f"expected {wrong}" in message
    assert "removed" in message
    assert _cache_files(address) == []
    assert not any(paths.models_dir().glob("Tiny-GoPro*"))


def test_a_missing_file_on_the_server_is_a_clear_error(tmp_path: Path, server: LocalServer) -> None:
    catalog = write_catalog(
        tmp_path, [{"name": "Tiny-GoPro", "download": server.url("/nothing-here.pt")}]
    )
    with pytest.raises(DownloadError, match="answered HTTP 404"):
        download_model("Tiny-GoPro", catalog=catalog)


def test_an_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": "http://127.0.0.1:9/x"}])
    with pytest.raises(ModelNotFoundError, match="known names: Tiny-GoPro"):
        download_model("Tiny-Nothing", catalog=catalog)


def test_cancelling_stops_the_transfer_and_the_next_call_resumes(
    tmp_path: Path, server: LocalServer
) -> None:
    body = checkpoint_bytes(TINY, seed=4)
    server.files["/tiny.pt"] = body
    address = server.url("/tiny.pt")
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": address}])
    token = CancelToken()

    def cancel_after_first_bytes(progress: Progress) -> None:
        token.cancel()  # the next check, before the next chunk, stops the transfer

    with pytest.raises(Cancelled):
        download_model(
            "Tiny-GoPro", progress=cancel_after_first_bytes, token=token, catalog=catalog
        )

    assert not (paths.models_dir() / "Tiny-GoPro.pt").exists()
    (partial,) = _cache_files(address)
    kept = partial.stat().st_size
    assert 0 < kept < len(body)
    installed = download_model("Tiny-GoPro", catalog=catalog)
    assert installed.read_bytes() == body
    assert server.requests[-1] == ("/tiny.pt", f"bytes={kept}-")


def test_a_wrong_variant_behind_the_address_is_refused(tmp_path: Path, server: LocalServer) -> None:
    server.files["/tiny.pt"] = checkpoint_bytes(TINY_S, seed=5)
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": server.url("/tiny.pt")}])
    with pytest.raises(
        ModelMismatchError,
        match=r"tiny\.pt is custom MSSNet \(wf=4, scale=4, vscale=4\), but Tiny-GoPro is custom "
        r"MSSNet \(wf=4, scale=3, vscale=5\); the file at http://127\.0\.0\.1:\d+/tiny\.pt is not",
    ):
        download_model("Tiny-GoPro", catalog=catalog)
    assert not any(paths.models_dir().glob("Tiny-GoPro*"))


# ------------------------------------------------------------------ archives
def archive_layout() -> dict[str, bytes]:
    """An archive laid out the way an author might: one folder per dataset and variant."""
    return {
        "pretrained/GoPro/MSSNet/model_03000E.pt": checkpoint_bytes(TINY, seed=10),
        "pretrained/GoPro/MSSNet_small/model_03000E.pt": checkpoint_bytes(TINY_S, seed=11),
        "pretrained/RealBlur_R/MSSNet/model_03000E.pt": checkpoint_bytes(TINY, seed=12),
        "pretrained/RealBlur_J/MSSNet/model_03000E.pt": checkpoint_bytes(TINY, seed=13),
        "pretrained/README.txt": b"weights",
        "__MACOSX/pretrained/GoPro/._model_03000E.pt": b"resource fork",
    }


def make_archive(members: dict[str, bytes], kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def archive_catalog(folder: Path, address: str) -> Path:
    """Entries that find their file in :func:`archive_layout` in each of the possible ways."""
    return write_catalog(
        folder,
        [
            # No recorded path: found by the dataset in its path and its shapes.
            {"name": "Tiny-GoPro", "download": address, "dataset": "GoPro"},
            # The recorded path, below the archive's top-level folder.
            {
                "name": "Tiny-S-GoPro",
                "download": address,
                "dataset": "GoPro",
                "variant": TINY_S,
                "archive_member": "GoPro/MSSNet_small/model_03000E.pt",
            },
            # A recorded path that is not in the archive.
            {
                "name": "Tiny-RealBlurJ",
                "download": address,
                "dataset": "RealBlur_J",
                "archive_member": "RealBlurJ/wrong/guess.pt",
            },
            # A recorded path that holds another variant: the search takes over.
            {
                "name": "Tiny-RealBlurR",
                "download": address,
                "dataset": "RealBlur_R",
                "archive_member": "GoPro/MSSNet_small/model_03000E.pt",
            },
        ],
    )


EXPECTED_MEMBER = {
    "Tiny-GoPro": "pretrained/GoPro/MSSNet/model_03000E.pt",
    "Tiny-S-GoPro": "pretrained/GoPro/MSSNet_small/model_03000E.pt",
    "Tiny-RealBlurJ": "pretrained/RealBlur_J/MSSNet/model_03000E.pt",
    "Tiny-RealBlurR": "pretrained/RealBlur_R/MSSNet/model_03000E.pt",
}


@pytest.mark.parametrize("name", list(EXPECTED_MEMBER))
@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_an_archive_yields_the_right_member(
    tmp_path: Path, server: LocalServer, kind: str, name: str
) -> None:
    members = archive_layout()
    server.files[f"/models.{kind}"] = make_archive(members, kind)
    address = server.url(f"/models.{kind}")
    catalog = archive_catalog(tmp_path, address)

    installed = download_model(name, catalog=catalog)

    assert installed == paths.models_dir() / f"{name}.pt"
    assert installed.read_bytes() == members[EXPECTED_MEMBER[name]]
    leftovers = [p.name for p in _cache_files(address)]
    assert leftovers == ["finished.txt", f"models.{kind}"], "extracted members were left behind"


def test_a_cached_archive_serves_its_other_checkpoints(tmp_path: Path, server: LocalServer) -> None:
    members = archive_layout()
    server.files["/models.zip"] = make_archive(members, "zip")
    catalog = archive_catalog(tmp_path, server.url("/models.zip"))
    download_model("Tiny-GoPro", catalog=catalog)

    small = download_model("Tiny-S-GoPro", catalog=catalog)

    assert small.read_bytes() == members[EXPECTED_MEMBER["Tiny-S-GoPro"]]
    assert len(server.requests) == 1, "the cached archive was downloaded again"


def test_an_ambiguous_archive_lists_the_candidates_and_how_to_import(
    tmp_path: Path, server: LocalServer
) -> None:
    members = archive_layout()
    members["pretrained/GoPro/MSSNet/model_02000E.pt"] = checkpoint_bytes(TINY, seed=20)
    server.files["/models.zip"] = make_archive(members, "zip")
    catalog = write_catalog(
        tmp_path,
        [{"name": "Tiny-GoPro", "download": server.url("/models.zip"), "dataset": "GoPro"}],
    )

    with pytest.raises(DownloadError) as caught:
        download_model("Tiny-GoPro", catalog=catalog)

    message = str(caught.value)
    assert "several checkpoints that could be Tiny-GoPro" in message
    assert "pretrained/GoPro/MSSNet/model_03000E.pt" in message
    assert "pretrained/GoPro/MSSNet/model_02000E.pt" in message
    assert "MSSNet_small" not in message  # ruled out by its shapes
    assert "cnaps-desktop models import FILE --as Tiny-GoPro" in message
    assert not any(paths.models_dir().glob("Tiny-GoPro*"))


def test_an_archive_without_the_checkpoint_says_what_it_holds(
    tmp_path: Path, server: LocalServer
) -> None:
    members = {"weights/GoPro/MSSNet/model_03000E.pt": checkpoint_bytes(TINY, seed=30)}
    server.files["/models.zip"] = make_archive(members, "zip")
    catalog = write_catalog(
        tmp_path,
        [
            {
                "name": "Tiny-RealBlurR",
                "download": server.url("/models.zip"),
                "dataset": "RealBlur_R",
            }
        ],
    )
    with pytest.raises(DownloadError) as caught:
        download_model("Tiny-RealBlurR", catalog=catalog)
    message = str(caught.value)
    assert "holds no checkpoint that is Tiny-RealBlurR" in message
    assert "weights/GoPro/MSSNet/model_03000E.pt" in message


def test_a_page_instead_of_a_checkpoint_is_refused_and_not_kept(
    tmp_path: Path, server: LocalServer
) -> None:
    server.files["/model"] = b"<html><body>Quota exceeded</body></html>"
    address = server.url("/model")
    catalog = write_catalog(tmp_path, [{"name": "Tiny-GoPro", "download": address}])

    with pytest.raises(CorruptCheckpointError, match=r"model\.pt is damaged, truncated or not a"):
        download_model("Tiny-GoPro", catalog=catalog)

    assert _cache_files(address) == [], "a useless download would be reused by the next call"
    assert not any(paths.models_dir().glob("Tiny-GoPro*"))
