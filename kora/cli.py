"""`python -m kora …`: the command line over the library, for automation and city IT.

Every `KoraError` becomes its German message on stderr and exit code 2; nothing prints a
traceback at a user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kora import __version__
from kora.commands import COMMAND_MODULES
from kora.errors import KoraError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kora", description="KoRa-Monitor: Aktionsplan, Messwerte und Zielerreichung."
    )
    parser.add_argument("--version", action="version", version=f"KoRa-Monitor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_extra_args", False):
        parser.error(f"unbekannte Argumente: {' '.join(extra)}")
    args.extra_args = extra
    try:
        return int(args.func(args) or 0)
    except KoraError as err:
        print(f"Fehler: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m kora plan --json | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
