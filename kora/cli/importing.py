"""`import`, `revert`, `history`, `template`: monthly readings from the command line.

Same library calls as the upload and history pages (kora.readings: commit, history, revert), so a scripted import
behaves exactly like a browser upload. Exit codes: 0 = saved, no change or dry run without
errors; 2 = rejected (errors printed, nothing saved).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kora.access.roles import Actor
from kora.cli.common import MAX_PRINTED_ERRORS, add_db_argument, add_json_argument, open_db, print_json, print_problems
from kora.db import resolve_db_path
from kora.errors import DatabaseLockedError, KoraError
from kora.kommunen import own_kommune
from kora.periods import parse_month
from kora.plan import setup
from kora.readings import import_inbox, templates
from kora.readings.commit import import_file
from kora.readings.history import month_options, reading_versions, upload_history
from kora.readings.ingest import MAX_UPLOAD_BYTES, check_byte_count
from kora.readings.revert import revert_upload

if TYPE_CHECKING:
    import pandas as pd

    from kora.db import Database


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise KoraError(f"Datei „{path}“ nicht gefunden.")
    size = p.stat().st_size
    if size > MAX_UPLOAD_BYTES:  # do not even read it: refuse with the file's real size
        check_byte_count(size)
    return p.read_bytes()


def _import_through_dashboard(args: argparse.Namespace, data: bytes, locked: DatabaseLockedError) -> int:
    """The dashboard holds the file: hand the import to it (`--wait` seconds) and print its outcome."""
    outcome = import_inbox.import_through_server(
        resolve_db_path(args.db),
        data,
        filename=Path(args.file).name,
        requested_by=Actor.cli(args.user).audit_name,
        reason=args.reason,
        dry_run=args.dry_run,
        kommune=own_kommune(),
        timeout=args.wait,
        locked=locked,
    )
    outcome["ueber_dashboard"] = True
    if args.json:
        print_json(outcome)
        return 0 if outcome.get("ok") else 2
    for note in outcome.get("notes", []):
        print(f"Hinweis: {note}")
    errors = outcome.get("errors", [])
    for problem in errors[:MAX_PRINTED_ERRORS]:
        where = f"Zeile {problem['line']}: " if problem.get("line") else ""
        print(f"  {where}{problem['message']}", file=sys.stderr)
    print(
        f"{outcome.get('message', '')} (ausgeführt vom laufenden Dashboard)", file=sys.stderr if errors else sys.stdout
    )
    return 0 if outcome.get("ok") else 2


def cmd_import(args: argparse.Namespace) -> int:
    data = _read(args.file)
    actor = Actor.cli(args.user)  # the machine operator (admin); --user is the name recorded
    try:
        db = open_db(args)
    except DatabaseLockedError as locked:
        if args.wait <= 0:
            raise
        return _import_through_dashboard(args, data, locked)
    with db:
        setup.ensure_ready(db)
        outcome = import_file(
            db,
            data,
            filename=Path(args.file).name,
            actor=actor,
            reason=args.reason,
            dry_run=args.dry_run,
            kommune=own_kommune(),
        )
    if args.json:
        print_json(outcome.as_dict())
        return 0 if outcome.ok else 2
    p = outcome.preview
    if p.description:
        print(f"Datei: {p.filename} — {p.description}, {'breites' if p.layout == 'breit' else 'langes'} Format")
    for note in p.notes:
        print(f"Hinweis: {note}")
    if p.errors:
        print_problems(p.message(), p.errors)
        return 2
    if outcome.error:
        print(f"Fehler: {outcome.error}", file=sys.stderr)
        return 2
    if args.dry_run:
        print("Probelauf (nichts gespeichert): " + p.message())
        return 0
    assert outcome.result is not None
    print(outcome.result.message)
    return 0


def cmd_revert(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        result = revert_upload(
            db, args.upload_id, actor=Actor.cli(args.user), reason=args.reason, kommune=own_kommune()
        )
    if args.json:
        print_json(result.as_dict())
    else:
        print(result.message)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        if args.indicator:
            month = parse_month(args.month) if args.month else None
            if args.month and month is None:
                raise KoraError(f"Monat „{args.month}“ nicht erkannt (z. B. 2025-03).")
            frame = (
                reading_versions(db, indicator_id=args.indicator, month=month, kommune=own_kommune())
                if month
                else _all_versions(db, args.indicator)
            )
        else:
            frame = upload_history(db, kommune=own_kommune())
    if args.json:
        print_json(frame.to_dict(orient="records"))
    elif frame.empty:
        print("Noch keine Einträge.")
    else:
        print(frame.to_string(index=False))
    return 0


def _all_versions(db: Database, indicator_id: str) -> pd.DataFrame:
    """Every stored version of every month of one indicator (pandas imported late: CLI start-up)."""
    import pandas as pd

    parts = []
    for month, label in month_options(db, indicator_id=indicator_id, kommune=own_kommune()):
        part = reading_versions(db, indicator_id=indicator_id, month=month, kommune=own_kommune())
        part.insert(0, "Monat", label)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def cmd_template(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        today = dt.date.fromisoformat(args.today) if args.today else None
        data = (
            templates.template_xlsx(db, today=today, kommune=own_kommune())
            if args.format == "xlsx"
            else templates.template_csv(db, today=today, kommune=own_kommune())
        )
    Path(args.out).write_bytes(data)
    print(f"Vorlage gespeichert: {args.out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="Messwerte aus CSV/TXT/XLSX prüfen und speichern")
    add_db_argument(p)
    add_json_argument(p)
    p.add_argument("file", help="Datei (CSV, Unicode-Text oder Excel-Arbeitsmappe)")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen und Vorschau zeigen, nichts speichern")
    p.add_argument("--reason", help="Korrekturgrund (nötig, wenn bereits gemeldete Werte geändert werden)")
    p.add_argument(
        "--user",
        help="Name, der mit den Werten gespeichert wird (Standard: Benutzer des Betriebssystems; "
        "das Audit-Log nennt zusätzlich den Betriebssystem-Benutzer)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SEKUNDEN",
        help="läuft das Dashboard, den Import bis zu so vielen Sekunden von ihm ausführen lassen "
        "(Standard 0: sofort mit der Sperr-Meldung abbrechen)",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("revert", help="einen Upload zurücknehmen (fügt Versionen hinzu, löscht nichts)")
    add_db_argument(p)
    add_json_argument(p)
    p.add_argument("upload_id", type=int, help="Nummer des Uploads (siehe history)")
    p.add_argument("--reason", required=True, help="Grund der Rücknahme")
    p.add_argument(
        "--user", help="Name, der mit der Rücknahme gespeichert wird (Standard: Benutzer des Betriebssystems)"
    )
    p.set_defaults(func=cmd_revert)

    p = sub.add_parser("history", help="Uploads anzeigen, oder mit --indicator die Versionen eines Indikators")
    add_db_argument(p)
    add_json_argument(p)
    p.add_argument("--indicator", help="Indikator-ID: alle Versionen (mit --month nur dieser Monat)")
    p.add_argument("--month", help="Monat, z. B. 2025-03")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("template", help="Vorlage für den Upload erzeugen (CSV oder XLSX)")
    add_db_argument(p)
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    p.add_argument("--out", required=True, help="Zieldatei")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_template)
