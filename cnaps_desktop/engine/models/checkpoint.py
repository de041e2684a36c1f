"""Read checkpoint files without ever executing code from them.

``.safetensors`` files hold only tensors by design. ``.pt/.pth/.ckpt`` files are pickles: before
torch reads one, we walk its pickle opcodes (nothing is executed while walking) and refuse the file
if it names any import outside torch's own list of weights-only globals. The load itself then runs
with ``weights_only=True``, torch's restricted unpickler, as a second line of defence.

The result is a flat ``{key: tensor}`` state dict with wrappers unwrapped (``model_state_dict``,
``state_dict``, ``params_ema``, ...) and ``module.`` prefixes removed.
"""

from __future__ import annotations

import io
import logging
import pickle
import pickletools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import torch

from cnaps_desktop.engine.errors import (
    CorruptCheckpointError,
    ModelNotFoundError,
    UnsafeCheckpointError,
)
from cnaps_desktop.engine.models.catalog import CHECKPOINT_SUFFIXES

logger = logging.getLogger(__name__)
_EXPECTED = "a PyTorch (.pt/.pth/.ckpt) or .safetensors checkpoint"

# Keys under which training scripts nest the weights, tried in this order.
_WRAPPER_KEYS = (
    "model_state_dict",
    "state_dict",
    "params_ema",
    "params-ema",
    "params",
    "model",
    "net",
)
# The same prefixes spandrel strips. Not "model.": old-format ESRGAN keys all start with it.
_PREFIXES = ("module.", "netG.")
# The legacy (pre-1.6) format is several pickles in a row: magic, version, sys info, the object,
# the storage keys. We scan all five.
_LEGACY_PICKLE_COUNT = 5


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Read ``path`` and return its tensors as a flat state dict, without running its code."""
    path = Path(path)
    raw = _read_raw(path)
    state_dict = unwrap_state_dict(raw)
    if not state_dict:
        raise CorruptCheckpointError(
            f"{path.name} holds {_describe_object(raw)}, not model weights; expected {_EXPECTED} "
            f"with a dict of tensors (a state dict).",
            path=path,
        )
    return state_dict


def read_checkpoint_object(path: str | Path) -> Any:
    """Read the whole checkpoint object (for training resumes), with the same safety checks."""
    return _read_raw(Path(path))


def unwrap_state_dict(obj: Any) -> dict[str, torch.Tensor]:
    """Find the state dict inside a checkpoint object and normalise its keys."""
    if not isinstance(obj, dict):
        return {}
    for key in _WRAPPER_KEYS:
        inner = obj.get(key)
        if isinstance(inner, dict) and any(isinstance(v, torch.Tensor) for v in inner.values()):
            obj = inner
            break
    tensors = {str(k): v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    for prefix in _PREFIXES:
        if tensors and all(k.startswith(prefix) for k in tensors):
            tensors = {k[len(prefix) :]: v for k, v in tensors.items()}
    return tensors


# ------------------------------------------------------------------------------ reading
def _read_raw(path: Path) -> Any:
    if not path.is_file():
        raise ModelNotFoundError(f"{path} does not exist; expected {_EXPECTED}.", path=path)
    if path.suffix.lower() not in CHECKPOINT_SUFFIXES:
        raise CorruptCheckpointError(
            f"{path.name} has the extension {path.suffix or '(none)'}; expected {_EXPECTED}.",
            path=path,
        )
    if path.stat().st_size == 0:
        raise CorruptCheckpointError(f"{path.name} is empty; expected {_EXPECTED}.", path=path)
    if path.suffix.lower() == ".safetensors":
        return _read_safetensors(path)
    return _read_pickle_checkpoint(path)


def _read_safetensors(path: Path) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as error:
        _log_library_reason(path, error)
        raise CorruptCheckpointError(
            f"{path.name} is not a readable .safetensors file; expected {_EXPECTED}.",
            path=path,
        ) from error


def _read_pickle_checkpoint(path: Path) -> Any:
    unsafe = _unsafe_globals(path)
    if unsafe:
        names = ", ".join(sorted(unsafe)[:5])
        raise UnsafeCheckpointError(
            f"{path.name} asks to import or run code while loading ({names}); it was refused and "
            f"nothing from it was run. Expected a checkpoint that holds only tensors and numbers.",
            path=path,
        )
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        # The opcode scan found nothing unsafe, so torch refused something our scan cannot see
        # (a construct it does not allow). Either way nothing ran.
        # torch's own text is pages long; it goes to the log and "Copy details" (the cause).
        _log_library_reason(path, error)
        raise UnsafeCheckpointError(
            f"{path.name} holds objects that are not plain weights, so it was refused and nothing "
            f"from it was run; expected {_EXPECTED}.",
            path=path,
        ) from error
    except (RuntimeError, EOFError, OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        _log_library_reason(path, error)
        raise CorruptCheckpointError(
            f"{path.name} is damaged or truncated and could not be read; expected {_EXPECTED}.",
            path=path,
        ) from error


# ------------------------------------------------------------------------------ the opcode scan
def _unsafe_globals(path: Path) -> set[str]:
    """Names of importable objects the file's pickles refer to that torch does not allow."""
    try:
        referenced = set(_referenced_globals(path))
    except UnsafeCheckpointError:
        raise  # a ValueError too, but already the right answer
    except (ValueError, EOFError, zipfile.BadZipFile, KeyError, IndexError) as error:
        _log_library_reason(path, error)
        raise CorruptCheckpointError(
            f"{path.name} is damaged, truncated or not a checkpoint; expected {_EXPECTED}.",
            path=path,
        ) from error
    return referenced - _allowed_globals()


def _referenced_globals(path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        if head.startswith(b"PK"):
            yield from _zip_globals(path)
            return
        for _ in range(_LEGACY_PICKLE_COUNT):
            if not handle.peek(1):
                break
            yield from _pickle_globals(handle)


def _zip_globals(path: Path) -> Iterator[str]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if any("/code/" in name or name.startswith("code/") for name in names):
            raise UnsafeCheckpointError(
                f"{path.name} is a TorchScript program, not a weights file; nothing from it was "
                f"run. Expected {_EXPECTED} holding only weights.",
                path=path,
            )
        pickles = [name for name in names if name.endswith("data.pkl")]
        if not pickles:
            raise ValueError("no data.pkl record in the archive")
        yield from _pickle_globals(io.BytesIO(archive.read(pickles[0])))


def _pickle_globals(stream: IO[bytes]) -> Iterator[str]:
    """Walk one pickle's opcodes (without executing it) and yield every global it refers to."""
    memo: dict[int, Any] = {}
    recent_strings: list[str] = []
    last_value: Any = None
    for opcode, arg, _position in pickletools.genops(stream):
        name = opcode.name
        if name in ("GLOBAL", "INST"):
            module, _, attr = str(arg).partition(" ")
            yield f"{module}.{attr}"
        elif name == "STACK_GLOBAL":
            if len(recent_strings) < 2:
                yield "<unresolvable STACK_GLOBAL>"
            else:
                yield f"{recent_strings[-2]}.{recent_strings[-1]}"
        elif name == "OBJ":
            yield "<OBJ opcode>"
        elif name in ("EXT1", "EXT2", "EXT4"):
            # An import by number through copyreg's extension registry.
            yield f"<extension {arg}>"
        elif name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE", "BINUNICODE8"):
            recent_strings.append(str(arg))
            last_value = str(arg)
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[int(arg)] = last_value
        elif name == "MEMOIZE":
            memo[len(memo)] = last_value
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            value = memo.get(int(arg))
            if isinstance(value, str):
                recent_strings.append(value)
            last_value = value
        else:
            last_value = None
        if name == "STOP":
            return


def _allowed_globals() -> set[str]:
    """Torch's own list of globals that ``weights_only`` loading accepts."""
    try:
        from torch import _weights_only_unpickler

        return set(_weights_only_unpickler._get_allowed_globals())
    except (ImportError, AttributeError):  # pragma: no cover - older or newer torch layouts
        return _MINIMAL_ALLOWED


_MINIMAL_ALLOWED = {
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_parameter",
    "torch._tensor._rebuild_from_type_v2",
    "torch.FloatStorage",
    "torch.HalfStorage",
    "torch.BFloat16Storage",
    "torch.LongStorage",
    "torch.IntStorage",
}


def _describe_object(obj: Any) -> str:
    """A few words on what a pickle held instead of a state dict, e.g. "a list of 3 items"."""
    if isinstance(obj, dict):
        kinds = sorted({type(v).__name__ for v in obj.values()})
        if not kinds:
            return "an empty dict"
        noun = "entry" if len(obj) == 1 else "entries"
        return f"a dict of {len(obj)} {noun} with {'/'.join(kinds[:3])} values"
    if isinstance(obj, list | tuple):
        return f"a {type(obj).__name__} of {len(obj)} items"
    return f"a single {type(obj).__name__} value"


def _log_library_reason(path: Path, error: BaseException) -> None:
    logger.info("%s: %s: %s", path, type(error).__name__, error)
