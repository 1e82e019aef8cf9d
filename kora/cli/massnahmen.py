"""`massnahmen import|list|template|revert|history|ableiten` and `quelle`: the Maßnahmenliste from the command line.

Same library calls as the page „Maßnahmen“ (kora.massnahmen), so a scripted import behaves
exactly like a browser upload. Exit codes: 0 = saved, no change or clean dry run; 2 = rejected
(errors printed, nothing saved).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kora.access.roles import Actor
from kora.cli.common import add_db_argument, add_json_argument, open_db, print_json, print_problems
from kora.cli.importing import _read
from kora.errors import KoraError
from kora.kommunen import own_kommune
from kora.massnahmen import history, quelle, revert, template, upload
from kora.periods import parse_day, parse_month
from kora.plan import quellen
from kora.plan import setup as ops

USER_HELP = "Name, der mit den Änderungen gespeichert wird (Standard: Benutzer des Betriebssystems)"


def cmd_import(args: argparse.Namespace) -> int:
    if len(args.files) > 2:
        raise KoraError(
            "Bitte höchstens zwei Dateien angeben: die Maßnahmenliste und die Ereignisse (oder eine Arbeitsmappe)."
        )
    files = [(Path(f).name, _read(f)) for f in args.files]
    with open_db(args) as db:
        ops.ensure_ready(db)
        outcome = upload.import_list(
            db, files, actor=Actor.cli(args.user), kommune=own_kommune(), reason=args.reason, dry_run=args.dry_run
        )
    if args.json:
        print_json(outcome.as_dict())
        return 0 if outcome.ok else 2
    p = outcome.preview
    for description in p.descriptions:
        print(f"Gelesen: {description}")
    for note in p.notes:
        print(f"Hinweis: {note}")
    if p.errors:
        print_problems(p.message(), p.errors)
        return 2
    print(("Probelauf (nichts gespeichert): " + p.message()) if outcome.result is None else outcome.result.message)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    as_of = parse_month(args.as_of) if args.as_of else None
    known_at = parse_day(args.known_at) if args.known_at else None
    with open_db(args) as db:
        ops.ensure_ready(db)
        frame = history.massnahmen_list(db, kommune=own_kommune(), as_of=as_of, known_at=known_at)
    if args.json:
        print_json(history.as_json(frame))
    elif frame.empty:
        print("Noch keine Maßnahmen gespeichert (python -m kora massnahmen import DATEI).")
    else:
        print(history.german_table(frame).to_string(index=False))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from kora.db import massnahmen_store

    with open_db(args) as db:
        ops.ensure_ready(db)
        frame = history.massnahmen_list(db, kommune=own_kommune())
        events = massnahmen_store.current_events_df(db, kommune=own_kommune())
    out = Path(args.out)
    if args.format == "xlsx":
        out.write_bytes(template.template_xlsx(frame, events))
    else:
        out.write_bytes(template.template_csv(frame))
        events_out = out.with_name(out.stem + "_ereignisse" + out.suffix)
        events_out.write_bytes(template.template_events_csv(events))
        print(f"Vorlage der Ereignisse gespeichert: {events_out}")
    print(f"Vorlage gespeichert: {out}")
    return 0


def cmd_revert(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        ops.ensure_ready(db)
        result = revert.revert_list(
            db, args.upload_id, actor=Actor.cli(args.user), reason=args.reason, kommune=own_kommune()
        )
    print_json(result.as_dict()) if args.json else print(result.message)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        ops.ensure_ready(db)
        if args.nr:
            frame = history.versions_of(db, kommune=own_kommune(), nr=args.nr)
        else:
            frame = history.uploads(db, kommune=own_kommune()).drop(columns=["kind", "reverted"])
    if args.json:
        print_json(frame.to_dict(orient="records"))
    else:
        print("Noch keine Einträge." if frame.empty else frame.to_string(index=False))
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        ops.ensure_ready(db)
        written = revert.refresh_derived(db, actor=Actor.cli(args.user), kommune=own_kommune())
    message = f"{written} abgeleitete Monatswerte aktualisiert." if written else "Alle abgeleiteten Werte sind aktuell."
    print_json({"derived": written, "message": message}) if args.json else print(message)
    return 0


def cmd_quelle(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        ops.ensure_ready(db)
        change = quelle.set_quelle(
            db, Actor.cli(args.user), args.indicator, args.quelle, reason=args.reason, kommune=own_kommune()
        )
    print_json(change.as_dict()) if args.json else print(change.message)
    return 0


def _common(p: argparse.ArgumentParser, *, json: bool = True, user: bool = False) -> None:
    add_db_argument(p)
    if json:
        add_json_argument(p)
    if user:
        p.add_argument("--user", help=USER_HELP)


def register(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("massnahmen", help="Maßnahmenliste hochladen, anzeigen, Vorlage, Rücknahme")
    msub = m.add_subparsers(dest="massnahmen_command", metavar="AKTION")
    msub.required = True

    p = msub.add_parser("import", help="Maßnahmenliste (und Ereignisse) prüfen und speichern")
    _common(p, user=True)
    p.add_argument("files", nargs="+", metavar="DATEI", help="Liste und Ereignisse (zwei CSV) oder eine Arbeitsmappe")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen und Vorschau zeigen, nichts speichern")
    p.add_argument("--reason", help="Grund der Änderung (wird mit den Versionen gespeichert)")
    p.set_defaults(func=cmd_import)

    p = msub.add_parser("list", help="die Maßnahmenliste anzeigen (Stand, Datenstand)")
    _common(p)
    p.add_argument("--as-of", metavar="JJJJ-MM", help="Stand: die Liste zum Ende dieses Monats")
    p.add_argument(
        "--known-at", metavar="JJJJ-MM-TT", help="nur Versionen, die bis zum Ende dieses Tages gespeichert waren"
    )
    p.set_defaults(func=cmd_list)

    p = msub.add_parser("template", help="Vorlage (mit der gespeicherten Liste) als CSV oder XLSX")
    _common(p, json=False)
    p.add_argument("--format", choices=template.FORMATS, default="xlsx")
    p.add_argument("--out", required=True, help="Zieldatei")
    p.set_defaults(func=cmd_template)

    p = msub.add_parser("revert", help="einen Upload der Maßnahmenliste zurücknehmen (fügt Versionen hinzu)")
    _common(p, user=True)
    p.add_argument("upload_id", type=int, help="Nummer des Uploads (siehe massnahmen history)")
    p.add_argument("--reason", required=True, help="Grund der Rücknahme")
    p.set_defaults(func=cmd_revert)

    p = msub.add_parser("history", help="Uploads der Liste, oder mit --nr die Versionen einer Maßnahme")
    _common(p)
    p.add_argument("--nr", help="Nr einer Maßnahme")
    p.set_defaults(func=cmd_history)

    p = msub.add_parser("ableiten", help="abgeleitete Indikatoren neu berechnen (z. B. nach Monatsende)")
    _common(p, user=True)
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser(
        "quelle", help="Quelle eines Indikators umstellen: meldung, massnahmen oder meilensteine (Admin)"
    )
    _common(p, user=True)
    p.add_argument("indicator", metavar="INDIKATOR", help="Indikator-ID, z. B. km_umgesetzt")
    p.add_argument("quelle", choices=quellen.QUELLEN, help="neue Quelle")
    p.add_argument("--reason", required=True, help="Grund der Umstellung (wird gespeichert und im Audit-Log gezeigt)")
    p.set_defaults(func=cmd_quelle)
