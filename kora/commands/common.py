"""Helpers shared by the sub-commands: opening the DB, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kora.db import Database, open_database


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="Pfad der DuckDB-Datei (sonst $KORA_DB, sonst data/kora.duckdb)")


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="maschinenlesbare Ausgabe (JSON)")


def open_db(args: argparse.Namespace) -> Database:
    return open_database(getattr(args, "db", None))


def print_json(payload: Any) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
