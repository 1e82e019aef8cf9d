"""`backup` and `restore`: a verified copy of the database, and putting one back (docs/backup.md).

`backup` copies from inside the process that holds the file: this one when nothing else runs,
else the running dashboard through its order folder (`--wait` seconds). `restore` needs the file
free (dashboard stopped) and refuses to replace an existing database without `--force`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kora.access.backup import create_backup, restore_backup
from kora.access.backup_inbox import backup_through_server
from kora.access.roles import Actor
from kora.cli.common import add_db_argument, add_json_argument, open_db, print_json
from kora.db import resolve_db_path
from kora.errors import DatabaseLockedError


def cmd_backup(args: argparse.Namespace) -> int:
    actor = Actor.cli(args.user)
    try:
        db = open_db(args)
    except DatabaseLockedError as locked:
        if args.wait <= 0:
            raise
        message = backup_through_server(
            resolve_db_path(args.db),
            Path(args.out),
            requested_by=actor.audit_name,
            timeout=args.wait,
            locked=locked,
            overwrite=args.force,
        )
        if args.json:
            print_json({"datei": args.out, "ueber_dashboard": True, "message": message})
        else:
            print(message)
        return 0
    with db:
        result = create_backup(db, Path(args.out), actor=actor, overwrite=args.force)
    if args.json:
        print_json(result.as_dict())
    else:
        print(result.message)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    result = restore_backup(Path(args.backup), resolve_db_path(args.db), actor=Actor.cli(args.user), force=args.force)
    if args.json:
        print_json(result.as_dict())
    else:
        print(result.message)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="geprüfte Sicherung der Datenbank schreiben (auch während das Dashboard läuft)")
    add_db_argument(p)
    add_json_argument(p)
    p.add_argument("--out", required=True, help="Zieldatei der Sicherung, z. B. sicherung-2026-11.duckdb")
    p.add_argument("--force", action="store_true", help="eine vorhandene Zieldatei überschreiben")
    p.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SEK",
        help="läuft das Dashboard: so lange auf dessen Sicherung warten (Standard 60; 0 = nicht fragen)",
    )
    p.add_argument("--user", help="Name für das Audit-Log (Standard: Benutzer des Betriebssystems)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="Datenbank aus einer Sicherung wiederherstellen (Dashboard vorher beenden)")
    add_db_argument(p)
    add_json_argument(p)
    p.add_argument("backup", help="Sicherungsdatei (von `backup`)")
    p.add_argument(
        "--force",
        action="store_true",
        help="vorhandene Datenbank ersetzen (die bisherige Datei bleibt als …vor-wiederherstellung-… erhalten)",
    )
    p.add_argument("--user", help="Name für das Audit-Log (Standard: Benutzer des Betriebssystems)")
    p.set_defaults(func=cmd_restore)
