"""`user add|passwd|remove|enable|assign|list`: local accounts and coordinator assignments.

The command line acts as the operator of the machine (admin, recorded with the OS user).
Passwords come from an interactive prompt (twice) or, for automation, from standard input
(`--password-stdin`); never from an argument (it would end up in the shell history) and never
a default. `--sso` creates an account without a password for the city's single sign-on,
matched by e-mail.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from kora.access import accounts
from kora.access.roles import ROLE_LABELS, ROLES, Actor
from kora.cli.common import add_db_argument, add_json_argument, open_db, print_json
from kora.errors import KoraError
from kora.kommunen import own_kommune
from kora.plan import setup


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _password(args: argparse.Namespace) -> str | None:
    if getattr(args, "sso", False):
        return None
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise KoraError("--password-stdin: auf der Standardeingabe kam kein Passwort an.")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise KoraError(
            "Kein Terminal für die Passwort-Eingabe: bitte interaktiv aufrufen oder --password-stdin verwenden."
        )
    first = getpass.getpass("Neues Passwort: ")
    second = getpass.getpass("Passwort wiederholen: ")
    if first != second:
        raise KoraError("Die beiden Passwörter stimmen nicht überein. Nichts geändert.")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    password = _password(args)
    with open_db(args) as db:
        setup.ensure_ready(db)
        name = accounts.add_user(
            db,
            Actor.cli(),
            args.name,
            role=args.role,
            display_name=args.display_name,
            email=args.email,
            password=password,
            vorhaben=_split(args.vorhaben),
            indicators=_split(args.indikator),
            kommune=own_kommune(),
        )
    how = "nur Stadt-Login" if password is None else "mit Passwort"
    print(f"Benutzer „{name}“ angelegt ({ROLE_LABELS[args.role]}, {how}).")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    password = _password(args)
    assert password is not None
    with open_db(args) as db:
        accounts.change_password(db, Actor.cli(), args.name, password, kommune=own_kommune())
    print(f"Passwort von „{args.name}“ geändert.")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        accounts.set_disabled(db, Actor.cli(), args.name, disabled=True, kommune=own_kommune())
    print(f"Benutzer „{args.name}“ deaktiviert (die Historie behält den Namen; wieder aktivieren: user enable).")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        accounts.set_disabled(db, Actor.cli(), args.name, disabled=False, kommune=own_kommune())
    print(f"Benutzer „{args.name}“ wieder aktiviert.")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        if args.role:
            accounts.update_user(db, Actor.cli(), args.name, role=args.role, kommune=own_kommune())
        accounts.set_assignments(
            db,
            Actor.cli(),
            args.name,
            vorhaben=_split(args.vorhaben),
            indicators=_split(args.indikator),
            kommune=own_kommune(),
        )
    print(f"Zuordnung von „{args.name}“ gespeichert.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        frame = accounts.users(db)
    rows = [
        {
            "username": r.username,
            "name": r.display_name,
            "email": r.email,
            "role": r.role,
            "vorhaben": list(r.vorhaben),
            "indikatoren": list(r.indikatoren),
            "password": bool(r.has_password),
            "disabled": bool(r.disabled),
        }
        for r in frame.itertuples(index=False)
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Noch keine Benutzer. Anlegen: python -m kora user add NAME --role admin")
        return 0
    for r in rows:
        scope = ", ".join([f"Vorhaben {v}" for v in r["vorhaben"]] + [f"Indikator {i}" for i in r["indikatoren"]])
        flags = [ROLE_LABELS[r["role"]], "Passwort" if r["password"] else "nur Stadt-Login"]
        if r["disabled"]:
            flags.append("DEAKTIVIERT")
        print(
            f"{r['username']:<24} {r['name']:<28} {r['email'] or '–':<30} {' · '.join(flags)}"
            + (f" · {scope}" if scope else "")
        )
    return 0


def _add_password_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen (für Automatisierung)"
    )


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help="Benutzerkonten und Koordinations-Zuordnungen verwalten")
    actions = user.add_subparsers(dest="user_command", metavar="AKTION")
    actions.required = True

    p = actions.add_parser("add", help="Benutzer anlegen (Passwort wird abgefragt)")
    add_db_argument(p)
    p.add_argument("name", help="Benutzername (Kleinbuchstaben, z. B. kim.meier)")
    p.add_argument("--role", required=True, choices=ROLES, help="leser, koordination oder admin")
    p.add_argument("--vorhaben", metavar="NR,…", help="Koordination: Vorhaben-Nummern, z. B. 2,5")
    p.add_argument("--indikator", metavar="ID,…", help="Koordination: einzelne Indikator-IDs")
    p.add_argument("--email", help="E-Mail-Adresse (ordnet den Stadt-Login diesem Konto zu)")
    p.add_argument("--name", dest="display_name", help='Anzeigename, z. B. "Kim Meier"')
    p.add_argument("--sso", action="store_true", help="ohne Passwort: Anmeldung nur über den Stadt-Login (E-Mail)")
    _add_password_args(p)
    p.set_defaults(func=cmd_add)

    p = actions.add_parser("passwd", help="Passwort setzen (wird abgefragt)")
    add_db_argument(p)
    p.add_argument("name")
    _add_password_args(p)
    p.set_defaults(func=cmd_passwd)

    p = actions.add_parser("remove", help="Benutzer deaktivieren (die Historie bleibt erhalten)")
    add_db_argument(p)
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)

    p = actions.add_parser("enable", help="deaktivierten Benutzer wieder aktivieren")
    add_db_argument(p)
    p.add_argument("name")
    p.set_defaults(func=cmd_enable)

    p = actions.add_parser("assign", help="Vorhaben/Indikatoren einer Koordinator*in neu festlegen")
    add_db_argument(p)
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, help="Rolle zugleich ändern")
    p.add_argument("--vorhaben", metavar="NR,…", help="Vorhaben-Nummern (leer = keine)")
    p.add_argument("--indikator", metavar="ID,…", help="Indikator-IDs (leer = keine)")
    p.set_defaults(func=cmd_assign)

    p = actions.add_parser("list", help="alle Benutzer mit Rolle und Zuordnung")
    add_db_argument(p)
    add_json_argument(p)
    p.set_defaults(func=cmd_list)
