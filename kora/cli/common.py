"""Helpers shared by the sub-commands: opening the DB, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from kora.db import Database, open_database


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="Pfad der DuckDB-Datei (sonst $KORA_DB, sonst data/kora.duckdb)")


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="maschinenlesbare Ausgabe (JSON)")


def add_time_arguments(parser: argparse.ArgumentParser) -> None:
    """The two time axes every report shares: the Stand and the data as known on a day."""
    parser.add_argument("--as-of", metavar="JJJJ-MM", help="Berichtsmonat (Standard: letzter vollständiger Monat)")
    parser.add_argument(
        "--known-at",
        metavar="JJJJ-MM-TT",
        help="nur Messwert-Versionen, die bis zum Ende dieses Tages gespeichert waren (Standard: alle)",
    )


def open_db(args: argparse.Namespace) -> Database:
    return open_database(getattr(args, "db", None))


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


MAX_PRINTED_ERRORS = 50


def print_problems(message: str, problems: Sequence[object]) -> None:
    """A refused file on stderr: the summary, the first problems, and how many more `--json` lists."""
    print(message, file=sys.stderr)
    for problem in problems[:MAX_PRINTED_ERRORS]:
        print(f"  {problem}", file=sys.stderr)
    if len(problems) > MAX_PRINTED_ERRORS:
        print(f"  … und {len(problems) - MAX_PRINTED_ERRORS} weitere (alle mit --json).", file=sys.stderr)
