"""`cnaps-desktop models list | import FILE [--as NAME] | download NAME`."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from cnaps_desktop.cli import EXIT_FAILURES, EXIT_OK

if TYPE_CHECKING:
    from tqdm import tqdm

    from cnaps_desktop.engine.cancel import Progress
    from cnaps_desktop.engine.models import ModelStatus


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "models",
        help="list, import and download checkpoints",
        description="The checkpoints CNAPS Desktop knows by name, and your own.",
    )
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="the catalog and your imported models")
    listing.set_defaults(handler=run_list)

    importing = actions.add_parser(
        "import",
        help="check a checkpoint file and copy it into your model folder",
        description=(
            "Detect the file's architecture, run a small test image through it, and copy it into "
            "your model folder (the file itself is left as it is)."
        ),
    )
    importing.add_argument("file", type=Path, help=".pt, .pth, .ckpt or .safetensors file")
    importing.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="a catalog name (e.g. Deblur-MSSNet-GoPro; the file must be that variant) "
        "or a name of your own; default: the file's name",
    )
    importing.set_defaults(handler=run_import)

    downloading = actions.add_parser(
        "download",
        help="download a catalog checkpoint from its official location",
        description=(
            "Download a catalog checkpoint, resuming an interrupted transfer, checking its "
            "checksum when the catalog has one, and unpacking it from an archive."
        ),
    )
    downloading.add_argument("name", help="catalog name, e.g. Deblur-MSSNet-GoPro")
    downloading.add_argument(
        "--url", help="download from this address instead of the catalog's (e.g. a mirror)"
    )
    downloading.add_argument(
        "--force", action="store_true", help="download again even if it is installed"
    )
    downloading.set_defaults(handler=run_download)


# ------------------------------------------------------------------------------ list
def run_list(args: argparse.Namespace) -> int:
    from cnaps_desktop import paths
    from cnaps_desktop.engine.models import list_models

    statuses = list_models()
    print(f"Model folder: {paths.models_dir(create=False)}")
    print(format_table(statuses, shutil.get_terminal_size((120, 24)).columns))
    missing = [s for s in statuses if not s.installed and s.source != "imported"]
    if missing:
        print(
            "\nGet a missing one with `cnaps-desktop models download NAME`, or import a file you "
            "have with `cnaps-desktop models import FILE --as NAME`."
        )
    return EXIT_OK


def format_table(statuses: list[ModelStatus], width: int) -> str:
    """Columns NAME, VARIANT, STATUS, WHERE, SUITS; the last one wraps to the terminal width."""
    rows = [
        (
            status.name + (" (default)" if status.is_default else ""),
            status.variant,
            "installed" if status.installed else "missing",
            _where(status),
            status.suits,
        )
        for status in statuses
    ]
    header = ("NAME", "VARIANT", "STATUS", "WHERE", "SUITS")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    indent = sum(widths) + 2 * 4
    suits_width = max(30, width - indent - 1)
    lines = []
    for row in [header, *rows]:
        fixed = "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True))
        wrapped = textwrap.wrap(row[4], suits_width) or [""]
        lines.append(f"{fixed}  {wrapped[0]}".rstrip())
        lines.extend(" " * indent + more for more in wrapped[1:])
    return "\n".join(lines)


def _where(status: ModelStatus) -> str:
    if status.path is None:
        return "-"
    if status.source == "bundled":
        return "bundled"
    return status.path.name


# ------------------------------------------------------------------------------ import
def run_import(args: argparse.Namespace) -> int:
    from cnaps_desktop.engine.errors import CnapsError
    from cnaps_desktop.engine.models import import_model

    try:
        installed = import_model(args.file, as_name=args.as_name)
    except CnapsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURES
    print(f"Imported {args.file.name} as {_describe(installed)}.")
    print(f"  file: {installed}")
    return EXIT_OK


# ------------------------------------------------------------------------------ download
def run_download(args: argparse.Namespace) -> int:
    from cnaps_desktop.cli import EXIT_CANCELLED
    from cnaps_desktop.engine.errors import CnapsError, ModelNotFoundError
    from cnaps_desktop.engine.models import download_model

    bar = _ByteBar(args.name)
    try:
        installed = download_model(args.name, progress=bar.show, url=args.url, force=args.force)
    except ModelNotFoundError:
        raise  # a usage error: the CLI prints it and exits with 2
    except CnapsError as error:
        bar.close()
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILURES
    except KeyboardInterrupt:
        bar.close()
        print("Cancelled; run the same command again to resume the download.", file=sys.stderr)
        return EXIT_CANCELLED
    finally:
        bar.close()
    print(f"Installed {_describe(installed)}.")
    print(f"  file: {installed}")
    return EXIT_OK


class _ByteBar:
    """A tqdm progress bar in bytes, opened when the first bytes arrive."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: tqdm | None = None

    def show(self, progress: Progress) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                unit="B", unit_scale=True, unit_divisor=1024, desc=self._label, file=sys.stderr
            )
        if progress.total and self._bar.total != progress.total:
            self._bar.total = progress.total
        self._bar.update(progress.done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _describe(installed: Path) -> str:
    """E.g. "Deblur-MSSNet-GoPro: MSSNet (wf=54, ...), deblur, sha256 1a2b3c4d5e6f..."."""
    from cnaps_desktop.engine.models import read_manifest

    record = next((r for r in read_manifest() if r.file == installed.name), None)
    if record is None:
        return f"{installed.stem} (already there)"
    return f"{record.name}: {record.variant}, {record.task}, sha256 {record.sha256[:16]}"
