"""`cnaps-desktop SUBCOMMAND ...`: the command line.

Each subcommand lives in its own module with ``register(subparsers)``, which adds its parser and
sets ``handler`` to a function ``(args) -> exit code``. Heavy imports (torch, PyAV) happen inside
handlers, so ``--help`` is instant.

Exit codes: 0 success, 1 some inputs failed (the rest were done), 2 usage or setup error,
130 cancelled with Ctrl+C.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cnaps_desktop import __version__

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130

# Subcommand modules, in the order `--help` lists them.
_COMMAND_MODULES = (
    "cnaps_desktop.cli.restore_command",
    "cnaps_desktop.cli.models_command",
    "cnaps_desktop.cli.bench_command",
    "cnaps_desktop.cli.train_command",
    "cnaps_desktop.cli.eval_command",
    "cnaps_desktop.cli.diagnose_command",
)


#: Subcommand names; an argument with one of these names is never taken for a file to open.
COMMAND_NAMES = frozenset(
    name.rsplit(".", 1)[1].removesuffix("_command") for name in _COMMAND_MODULES
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cnaps-desktop",
        description=(
            "Restore blurry photos and video frames with MSSNet and other restoration models. "
            "Run without a subcommand to open the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"cnaps-desktop {__version__}")
    # Handled by __main__ before this parser runs; listed here so --help shows it.
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (model, image files, video, window) and report; "
        "--self-test --help for its options",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue  # a subcommand not built yet
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from cnaps_desktop.engine.errors import CnapsError

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        return EXIT_CANCELLED
    except BrokenPipeError:
        # The reader went away (`cnaps-desktop models list | head`): stop quietly, and point
        # stdout at nothing so Python's own flush at exit does not complain again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except CnapsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
