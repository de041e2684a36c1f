"""Loading never runs code from a file, and every bad file gets one clear sentence."""

from __future__ import annotations

import collections
import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from cnaps_desktop import load_model
from cnaps_desktop.engine.arch.mssnet import MSSNet
from cnaps_desktop.engine.errors import (
    CnapsError,
    CorruptCheckpointError,
    ModelMismatchError,
    UnsafeCheckpointError,
    UnsupportedModelError,
)
from cnaps_desktop.engine.models.checkpoint import read_state_dict


def _tiny_state_dict() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    return MSSNet(wf=4, scale=3, vscale=5).state_dict()


def _released_format(state_dict: dict[str, torch.Tensor]) -> dict:
    """The layout the official training scripts write (model, optimizer, epoch, all_step)."""
    first = next(iter(state_dict.values()))
    return {
        "model_state_dict": state_dict,
        "optimizer_state_dict": {
            "state": {0: {"step": 7, "exp_avg": torch.zeros_like(first)}},
            "param_groups": [
                {"lr": 2e-4, "betas": (0.9, 0.999), "initial_lr": 2e-4, "params": [0]}
            ],
        },
        "epoch": 3000,
        "all_step": 396000,
    }


def _separate(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """safetensors refuses shared storage; MSSNet's one PReLU slope appears under many keys."""
    return {k: v.clone().contiguous() for k, v in state_dict.items()}


# ------------------------------------------------------------------ malicious pickles
class _Payload:
    """Unpickling this would run a shell command that creates ``target``."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def _torch_zip(path: Path, obj: object) -> None:
    torch.save(obj, path)


def _torch_legacy(path: Path, obj: object) -> None:
    torch.save(obj, path, _use_new_zipfile_serialization=False)


def _plain_pickle(path: Path, obj: object) -> None:
    path.write_bytes(pickle.dumps(obj))


def _plain_pickle_protocol0(path: Path, obj: object) -> None:
    path.write_bytes(pickle.dumps(obj, protocol=0))


SAVERS: dict[str, Callable[[Path, object], None]] = {
    "torch-zip": _torch_zip,
    "torch-legacy": _torch_legacy,
    "pickle": _plain_pickle,
    "pickle-protocol-0": _plain_pickle_protocol0,
}


@pytest.mark.parametrize("suffix", [".pt", ".pth", ".ckpt"])
@pytest.mark.parametrize("saver", list(SAVERS))
def test_a_pickle_that_runs_a_command_is_refused_and_never_runs(
    tmp_path: Path, saver: str, suffix: str
) -> None:
    target = tmp_path / "pwned"
    checkpoint = tmp_path / f"evil{suffix}"
    # Hidden among real weights, the way an attacker would ship it.
    SAVERS[saver](checkpoint, {"model_state_dict": _tiny_state_dict(), "x": _Payload(target)})

    with pytest.raises(UnsafeCheckpointError) as caught:
        load_model(checkpoint, device="cpu")

    assert not target.exists(), "the payload ran"
    message = str(caught.value)
    assert checkpoint.name in message
    assert "system" in message  # names what it tried to call
    assert "nothing from it was run" in message


def test_a_bare_payload_pickled_into_a_pth_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    checkpoint = tmp_path / "model.pth"
    checkpoint.write_bytes(pickle.dumps(_Payload(target)))
    with pytest.raises(UnsafeCheckpointError, match=r"model\.pth"):
        read_state_dict(checkpoint)
    assert not target.exists()


# Making the TorchScript file is the point of this test; torch now warns that scripting is
# deprecated (script and save), which is not ours to fix.
@pytest.mark.filterwarnings("ignore:`torch.jit.:FutureWarning")
def test_a_torchscript_program_is_refused(tmp_path: Path) -> None:
    checkpoint = tmp_path / "scripted.pt"
    torch.jit.save(torch.jit.script(torch.nn.Conv2d(3, 3, 1)), checkpoint)
    with pytest.raises(UnsafeCheckpointError, match="TorchScript"):
        read_state_dict(checkpoint)


# ------------------------------------------------------------------ damaged or wrong files
def _assert_one_clear_line(message: str, file_name: str) -> None:
    assert file_name in message
    assert "expected" in message
    assert "\n" not in message


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_a_truncated_checkpoint_says_so(tmp_path: Path, legacy: bool) -> None:
    whole = tmp_path / "whole.pt"
    torch.save(
        _released_format(_tiny_state_dict()), whole, _use_new_zipfile_serialization=not legacy
    )
    cut = tmp_path / "cut.pt"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])

    with pytest.raises(CorruptCheckpointError) as caught:
        load_model(cut, device="cpu")
    message = str(caught.value)
    _assert_one_clear_line(message, "cut.pt")
    assert "truncated" in message
    assert "PyTorch (.pt/.pth/.ckpt) or .safetensors checkpoint" in message


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pth"
    empty.touch()
    with pytest.raises(CorruptCheckpointError) as caught:
        load_model(empty, device="cpu")
    _assert_one_clear_line(str(caught.value), "empty.pth")
    assert "is empty" in str(caught.value)


@pytest.mark.parametrize("suffix", [".pt", ".ckpt"])
def test_random_bytes_are_not_a_checkpoint(tmp_path: Path, suffix: str) -> None:
    noise = tmp_path / f"noise{suffix}"
    noise.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(CorruptCheckpointError) as caught:
        read_state_dict(noise)
    _assert_one_clear_line(str(caught.value), noise.name)
    assert "not a checkpoint" in str(caught.value)


@pytest.mark.parametrize(
    ("obj", "described"),
    [
        ([1, 2, 3], "a list of 3 items"),
        ({"name": "weights", "author": "someone"}, "a dict of 2 entries with str values"),
        (42, "a single int value"),
    ],
)
def test_a_pickle_that_is_not_a_checkpoint_says_what_it_holds(
    tmp_path: Path, obj: object, described: str
) -> None:
    path = tmp_path / "notes.pt"
    torch.save(obj, path)
    with pytest.raises(CorruptCheckpointError) as caught:
        load_model(path, device="cpu")
    message = str(caught.value)
    _assert_one_clear_line(message, "notes.pt")
    assert described in message
    assert "dict of tensors (a state dict)" in message


def test_a_wrong_extension_is_named(tmp_path: Path) -> None:
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\0" * 16)
    with pytest.raises(CorruptCheckpointError, match=r"weights\.bin has the extension \.bin"):
        read_state_dict(path)


@pytest.mark.parametrize("damage", ["truncated", "random", "bad-header"])
def test_a_damaged_safetensors_file_says_so(tmp_path: Path, damage: str) -> None:
    whole = tmp_path / "whole.safetensors"
    save_file(_separate(_tiny_state_dict()), str(whole))
    data = whole.read_bytes()
    broken = tmp_path / "broken.safetensors"
    if damage == "truncated":
        broken.write_bytes(data[: len(data) // 2])
    elif damage == "random":
        broken.write_bytes(os.urandom(4096))
    else:  # a plausible header length followed by text that is not JSON
        broken.write_bytes((20).to_bytes(8, "little") + b"this is not json!!!!" + data[100:200])
    with pytest.raises(CorruptCheckpointError) as caught:
        load_model(broken, device="cpu")
    message = str(caught.value)
    _assert_one_clear_line(message, "broken.safetensors")
    assert "not a readable .safetensors file" in message


# ------------------------------------------------------------------ unknown and near misses
def test_an_unknown_architecture_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "mystery.pth"
    torch.save({"encoder.alpha": torch.rand(3, 4), "decoder.beta.gamma": torch.rand(7)}, path)
    with pytest.raises(UnsupportedModelError) as caught:
        load_model(path, device="cpu")
    message = str(caught.value)
    assert "mystery.pth" in message
    assert "architecture we do not know" in message
    assert "MSSNet" in message


def _near_miss(kind: str) -> tuple[dict[str, torch.Tensor], str]:
    state = dict(_tiny_state_dict())
    if kind == "missing":
        key = "D3_3.skip_attn1.body.0.weight"
        del state[key]
        return state, f"1 missing ({key})"
    if kind == "unexpected":
        state["E2_1.extra_layer.weight"] = torch.zeros(3)
        return state, "1 unexpected (E2_1.extra_layer.weight)"
    key = "tail3_3.weight"
    shape = tuple(state[key].shape)
    state[key] = torch.zeros(shape[0], shape[1] + 1, *shape[2:])
    return state, "1 mismatched (tail3_3.weight"


@pytest.mark.parametrize("kind", ["missing", "unexpected", "mismatched"])
def test_a_near_miss_lists_the_keys_that_differ(tmp_path: Path, kind: str) -> None:
    state, expected_text = _near_miss(kind)
    path = tmp_path / f"{kind}.pt"
    torch.save(_released_format(state), path)
    with pytest.raises(ModelMismatchError) as caught:
        load_model(path, device="cpu")
    message = str(caught.value)
    assert message.startswith(f"{kind}.pt looks like MSSNet but does not fit it")
    assert expected_text in message


# ------------------------------------------------------------------ every released layout loads
def _forward_matches(loaded, reference: torch.nn.Module) -> None:
    torch.manual_seed(1)
    image = torch.rand(1, 3, 32, 32)
    with torch.inference_mode():
        assert torch.equal(loaded.model(image), reference.eval()(image))


@pytest.mark.parametrize(
    "layout", ["released", "released-legacy", "bare", "module-prefixed", "safetensors"]
)
def test_every_supported_layout_loads_the_same_weights(tmp_path: Path, layout: str) -> None:
    torch.manual_seed(0)
    reference = MSSNet(wf=4, scale=3, vscale=5)
    state = reference.state_dict()
    path = tmp_path / ("model.safetensors" if layout == "safetensors" else "model.pth")
    if layout == "released":
        torch.save(_released_format(state), path)
    elif layout == "released-legacy":
        torch.save(_released_format(state), path, _use_new_zipfile_serialization=False)
    elif layout == "bare":
        torch.save(state, path)
    elif layout == "module-prefixed":
        torch.save({f"module.{k}": v for k, v in state.items()}, path)
    else:
        save_file(_separate(state), str(path))

    loaded = load_model(path, device="cpu")

    assert loaded.info.architecture == "MSSNet"
    assert "wf=4, scale=3, vscale=5" in loaded.info.variant
    _forward_matches(loaded, reference)


def test_an_import_through_the_extension_registry_is_refused(tmp_path: Path) -> None:
    # Protocol 2's EXT1 opcode names a global by a number registered with copyreg; written by
    # hand here: EXT1 42, EMPTY_TUPLE, REDUCE, STOP.
    path = tmp_path / "ext.pt"
    path.write_bytes(b"\x80\x02\x82\x2a)R.")
    with pytest.raises(UnsafeCheckpointError, match=r"ext\.pt asks to import or run code"):
        read_state_dict(path)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda: pickle.dumps(collections.OrderedDict(a=1), protocol=2), id="plain"),
        pytest.param(lambda: pickle.dumps(bytearray(b"weights?"), protocol=4), id="bytearray"),
        pytest.param(lambda: b"\x80\x04\x95" + b"\x00" * 40, id="broken"),
    ],
)
def test_a_pickle_that_is_not_a_checkpoint_gets_one_sentence_of_ours(
    tmp_path: Path, payload: Callable[[], bytes]
) -> None:
    """PyTorch's many-line refusal stays in the cause (log, "Copy details"), not the message."""
    path = tmp_path / "notes.pth"
    path.write_bytes(payload())
    with pytest.raises(CnapsError) as caught:
        load_model(path, device="cpu")
    message = str(caught.value)
    assert "notes.pth" in message and "\n" not in message, message
    assert "Weights only load" not in message and "weights_only" not in message, message
