"""Helpers shared by the sub-commands: opening the DB, printing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from kora.db import Database, open_database
from kora.errors import DatabaseLockedError


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


STOP_DASHBOARD = (
    "Dashboard kurz beenden (Strg+C im Fenster von „python -m kora serve“ bzw. den Dienst anhalten), den Befehl "
    "wiederholen und das Dashboard wieder starten."
)
HAND_OVER = (
    "Mit --wait 60 übergibt die Kommandozeile {what} dem laufenden Dashboard und wartet auf dessen Ergebnis{extra}."
)
# What a CLI write does while the dashboard holds the file (README „Nur-Lese-Modus und Importe neben dem
# Dashboard“): imports and account changes go through the server (--wait), everything else says where the
# dashboard offers the same action, or that the dashboard must stop for it.
WHILE_DASHBOARD_RUNS: dict[tuple[str, str | None], str] = {
    ("import", None): HAND_OVER.format(what="den Import", extra="") + " Oder die Datei auf der Seite „Messwerte "
    "hochladen“ hochladen.",
    ("revert", None): "Rücknahme im Dashboard auf der Seite „Historie“ (Schaltfläche „Zurücknehmen“), oder: "
    + STOP_DASHBOARD,
    ("massnahmen", "import"): "Die Maßnahmenliste im Dashboard auf der Seite „Maßnahmen“ hochladen, oder: "
    + STOP_DASHBOARD,
    ("massnahmen", "revert"): "Rücknahme im Dashboard auf der Seite „Maßnahmen“, oder: " + STOP_DASHBOARD,
    ("massnahmen", "ableiten"): STOP_DASHBOARD,
    ("quelle", None): "Die Quelle im Dashboard auf der Seite „Maßnahmen“ umstellen (Admin), oder: " + STOP_DASHBOARD,
    ("netzwerk", "import"): "Das Paket im Dashboard auf der Seite „Städtevergleich“ importieren, oder: "
    + STOP_DASHBOARD,
    ("netzwerk", "zuordnen"): STOP_DASHBOARD,
    ("netzwerk", "beispiel"): STOP_DASHBOARD,
    ("init", None): "Anlegen, Migrieren und Neuladen des Plans laufen nie neben dem Dashboard (es migriert beim "
    "Start selbst): " + STOP_DASHBOARD,
    ("demo", None): "Beispieldaten laden oder entfernen geht nur ohne laufendes Dashboard: " + STOP_DASHBOARD,
    **{
        ("user", action): HAND_OVER.format(
            what="die Kontoänderung", extra=" (ein Passwort nur als argon2-Hash, nie im Klartext)"
        )
        for action in ("add", "passwd", "remove", "enable", "assign")
    },
}
READ_WHILE_DASHBOARD_RUNS = (
    "Zum Lesen: im Dashboard ansehen, oder eine Sicherung ziehen (python -m kora backup --out kopie.duckdb "
    "--wait 60) und den Befehl mit --db kopie.duckdb auf der Kopie ausführen."
)


def while_dashboard_runs(args: argparse.Namespace) -> str:
    """The German advice for this command when the dashboard holds the database file."""
    command = str(getattr(args, "command", "") or "")
    action = getattr(args, f"{command}_command", None)
    advice = WHILE_DASHBOARD_RUNS.get((command, action)) or WHILE_DASHBOARD_RUNS.get((command, None))
    return advice or READ_WHILE_DASHBOARD_RUNS


def open_db(args: argparse.Namespace) -> Database:
    """The database of `--db`; when the dashboard holds it, the lock message says what to do for this command."""
    try:
        return open_database(getattr(args, "db", None))
    except DatabaseLockedError as locked:
        if getattr(args, "wait", 0) > 0:  # the command hands itself to the dashboard: its own message follows
            raise
        raise DatabaseLockedError(f"{locked} {while_dashboard_runs(args)}") from None


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
