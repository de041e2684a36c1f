"""`cnaps-desktop`: no arguments opens the app; a subcommand runs the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--self-test":
        from cnaps_desktop import self_test

        return self_test.main(args[1:])
    if not args:
        from cnaps_desktop import app

        return app.main()
    from cnaps_desktop import cli

    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
