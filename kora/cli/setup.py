"""`init`, `demo` and `plan`: create the DB, manage Beispieldaten, show the plan.

The command line acts as the operator of the machine (`Actor.cli()`: OS user, role admin).
"""

from __future__ import annotations

import argparse

from kora.access.roles import Actor
from kora.cli.common import add_db_argument, add_json_argument, open_db, print_json
from kora.kommunen import own_kommune
from kora.plan import setup
from kora.plan.files import CATALOGUE_FILE, PLAN_FILE
from kora.samples.beispieldaten import load_demo, remove_demo


def cmd_init(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        result = setup.init(
            db, plan_path=args.plan, catalogue_path=args.catalogue, reload=args.reload_plan, actor=Actor.cli()
        )
    print(result.message())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        if args.remove:
            n = remove_demo(db, actor=Actor.cli(), kommune=own_kommune())
            print(f"Beispieldaten entfernt: {n} Messwert-Versionen.")
        else:
            n = load_demo(db, actor=Actor.cli(), kommune=own_kommune())
            print(f"Beispieldaten geladen: {n} Messwert-Versionen (Januar 2025 bis zum letzten vollständigen Monat).")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        plan = setup.plan_dict(db, kommune=own_kommune())
    if args.json:
        print_json(plan)
        return 0
    print(f"{plan['kommune_name']}: {plan['title']}")
    for feld in plan["aktionsfelder"]:
        print(f"\nAktionsfeld {feld['code']}: {feld['title']}")
        for v in (v for v in plan["vorhaben"] if v["aktionsfeld"] == feld["code"]):
            print(f"  {v['nr']}. {v['title']}")
            print(f"     Indikatoren: {', '.join(v['indicators'])}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="Datenbank anlegen oder migrieren und den Plan laden")
    add_db_argument(p)
    p.add_argument("--plan", default=str(PLAN_FILE), help="Plan-Datei (TOML)")
    p.add_argument("--catalogue", default=str(CATALOGUE_FILE), help="Indikatorenkatalog (TOML)")
    p.add_argument("--reload-plan", action="store_true", help="Plan und Katalog aus den Dateien neu laden")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="Beispieldaten laden (oder mit --remove entfernen)")
    add_db_argument(p)
    p.add_argument("--remove", action="store_true", help="Beispieldaten wieder entfernen")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("plan", help="den Aktionsplan mit Indikatorenkatalog anzeigen")
    add_db_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_plan)
