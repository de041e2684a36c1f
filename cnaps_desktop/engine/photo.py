"""A photo file in, a restored photo file out: ``restore_file`` and where its output goes.

Reading and writing are :mod:`cnaps_desktop.engine.image`'s job, the pixels :mod:`restore`'s; this
module joins them for one file, and checks before any model work that the output can be written
and would not overwrite the input.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.engine.cancel import CancelToken, ProgressCallback
from cnaps_desktop.engine.device import describe_device, precision_name
from cnaps_desktop.engine.errors import OutputError
from cnaps_desktop.engine.facts import RunFacts
from cnaps_desktop.engine.files import check_output_folder
from cnaps_desktop.engine.image import (
    Image,
    extension_for,
    output_notes,
    pil_format_for,
    read_image,
    write_image,
)
from cnaps_desktop.engine.options import RESTORED_SUFFIX, RestoreOptions
from cnaps_desktop.engine.pixels import describe_pixels
from cnaps_desktop.engine.restore import restore_pixels

if TYPE_CHECKING:
    from cnaps_desktop.engine.models import LoadedModel


def output_path_for(
    input_path: str | Path,
    output_dir: str | Path | None = None,
    suffix: str = RESTORED_SUFFIX,
    format: str | None = None,
) -> Path:
    """Where the restoration of ``input_path`` goes: ``NAME{suffix}.EXT`` beside it or in a folder.

    The extension follows the input unless ``format`` is given.
    """
    input_path = Path(input_path)
    folder = Path(output_dir) if output_dir is not None else input_path.parent
    extension = extension_for(format) if format else input_path.suffix
    return folder / f"{input_path.stem}{suffix}{extension}"


def restore_file(
    loaded: LoadedModel,
    input_path: str | Path,
    options: RestoreOptions,
    token: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> RunFacts:
    """Read, restore and write one image file; nothing is written when cancelled or failing."""
    input_path = Path(input_path)
    output_path = output_path_for(
        input_path, options.output_dir, options.suffix, options.output_format
    )
    if output_path.resolve() == input_path.resolve():
        raise OutputError(
            f"{input_path.name} would be overwritten; choose an output folder or a name suffix.",
            input_path,
        )
    check_output_folder(output_path.parent)  # before the model runs, not after
    image = read_image(input_path)
    pil_format = pil_format_for(output_path, options.output_format)
    started = time.perf_counter()
    restored = restore_pixels(loaded, image.pixels, options, token, progress)
    seconds = time.perf_counter() - started
    if token is not None:
        token.check()
    write_image(Image(restored.pixels, image.metadata), output_path, options.output_format)
    height, width = image.pixels.shape[:2]
    out_height, out_width = restored.pixels.shape[:2]
    return RunFacts(
        input_path=input_path,
        input_size=(width, height),
        input_kind=describe_pixels(image.pixels),
        model=loaded.info,
        device=describe_device(loaded.device),
        precision=precision_name(loaded.dtype),
        tiles=restored.tiles,
        tile_size=restored.tile_size,
        seconds=seconds,
        output_size=(out_width, out_height),
        output_path=output_path,
        notes=image.metadata.notes + output_notes(restored.pixels, image.metadata, pil_format),
    )
