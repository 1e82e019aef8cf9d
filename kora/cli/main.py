"""`python -m kora …`: the command line over the library, for automation and city IT.

Every `KoraError` becomes its German message on stderr and exit code 2; nothing prints a
traceback at a user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from kora import __version__, fmt
from kora.cli import COMMAND_MODULES
from kora.errors import KoraError

# argparse's own words, in German: city IT reads `--help` and error lines too.
ARGPARSE_GERMAN = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "show program's version number and exit": "Versionsnummer zeigen und beenden",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Argumente: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Wahl: %(value)r (möglich: %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "expected one argument": "erwartet einen Wert",
    "argument %(argument_name)s: %(message)s": "Argument %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
}
argparse._ = lambda text: ARGPARSE_GERMAN.get(text, text)  # type: ignore[attr-defined]


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


class TerminalText:
    """A text stream that writes user text inertly (`kora.fmt.terminal`): a file or user name with
    ESC sequences or bidi controls cannot recolour, rewrite or reorder what the operator sees."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(fmt.terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def terminal_output(args: argparse.Namespace) -> Iterator[None]:
    """Filter stdout/stderr for text output; JSON escapes control characters itself, `serve` owns its streams."""
    if getattr(args, "json", False) or args.command == "serve":
        yield
        return
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalText(out), TerminalText(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_extra_args", False):
        parser.error(f"unbekannte Argumente: {' '.join(extra)}")
    args.extra_args = extra
    with terminal_output(args):
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
