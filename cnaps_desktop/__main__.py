"""`cnaps-desktop`: no arguments opens the app; a subcommand runs the command line.

`cnaps-desktop PHOTO_OR_VIDEO...` (what "Open with CNAPS Desktop" runs) opens the app with those
files listed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--self-test":
        from cnaps_desktop.app import self_test

        return self_test.main(args[1:])
    if not args or _are_files_to_open(args):
        from cnaps_desktop.app.main import main as open_app

        return open_app(args)
    missing = _missing_file(args)
    if missing is not None:
        print(
            f"error: {missing} does not exist; expected photos, videos or folders to open, "
            "or a command (see cnaps-desktop --help).",
            file=sys.stderr,
        )
        return 2
    from cnaps_desktop import cli

    return cli.main(args)


def _are_files_to_open(args: list[str]) -> bool:
    """True when every argument is an existing file or folder and the first is no subcommand."""
    from pathlib import Path

    from cnaps_desktop.cli import COMMAND_NAMES

    if args[0] in COMMAND_NAMES:
        return False
    return all(not arg.startswith("-") and Path(arg).exists() for arg in args)


def _missing_file(args: list[str]) -> str | None:
    """The first argument that reads as a file path (not a command) but does not exist."""
    from pathlib import Path

    from cnaps_desktop.cli import COMMAND_NAMES

    first = args[0]
    if first in COMMAND_NAMES or first.startswith("-"):
        return None
    looks_like_path = Path(first).suffix != "" or "/" in first or "\\" in first
    return first if looks_like_path and not Path(first).exists() else None


if __name__ == "__main__":
    sys.exit(main())
