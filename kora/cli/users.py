"""`user add|passwd|remove|enable|assign|list`: local accounts and coordinator assignments.

The command line acts as the operator of the machine (admin, recorded with the OS user).
Passwords come from an interactive prompt (twice) or, for automation, from standard input
(`--password-stdin`); never from an argument (it would end up in the shell history) and never
a default. `--sso` creates an account without a password for the city's single sign-on,
matched by e-mail.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable
from typing import Any

from kora.access import account_orders, accounts, membership
from kora.access.login import normalise_username
from kora.access.passwords import hash_password
from kora.access.roles import ROLE_LABELS, ROLES, Actor
from kora.cli.common import add_db_argument, add_json_argument, open_db, print_json
from kora.db import Database, resolve_db_path
from kora.errors import DatabaseLockedError, KoraError
from kora.kommunen import own_kommune
from kora.plan import setup


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _password(args: argparse.Namespace) -> str | None:
    args.entered_password = _ask_password(args)  # kept for a hand-over to the dashboard (hashed there)
    return args.entered_password


def _ask_password(args: argparse.Namespace) -> str | None:
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


def _kommune_of(db: Database, args: argparse.Namespace) -> str:
    """`--kommune`, else the Kommune the named account belongs to: the operator manages every Kommune's accounts."""
    return args.kommune or membership.account_kommune(db, normalise_username(args.name))


# --- while the dashboard holds the file: hand the change to it (kora.access.account_orders) -------


def _order_params(action: str, args: argparse.Namespace) -> dict[str, Any]:
    """What the server needs to repeat this command; a password only as its argon2id hash."""
    params: dict[str, Any] = {"name": args.name}
    if action in ("add", "assign"):
        params.update(rolle=args.role, vorhaben=_split(args.vorhaben), indikatoren=_split(args.indikator))
    if action == "add":
        params.update(anzeigename=args.display_name, email=args.email)
    password = getattr(args, "entered_password", None)
    if action in ("add", "passwd") and password is not None:
        params["passwort_hash"] = hash_password(password)  # checks the rules too, before anything is handed over
    return params


def through_dashboard(action: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[..., int]]:
    """A `user` command that meets the dashboard's lock and has `--wait`: the dashboard runs it."""

    def wrap(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
        @functools.wraps(command)
        def run(args: argparse.Namespace) -> int:
            try:
                return command(args)
            except DatabaseLockedError as locked:
                if getattr(args, "wait", 0) <= 0:
                    raise
                message = account_orders.change_through_server(
                    resolve_db_path(args.db),
                    action=action,
                    params=_order_params(action, args),
                    requested_by=Actor.cli().audit_name,
                    kommune=getattr(args, "kommune", None) or own_kommune(),
                    timeout=args.wait,
                    locked=locked,
                )
                print(message)
                return 0

        return run

    return wrap


@through_dashboard("add")
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
            kommune=args.kommune or own_kommune(),
        )
    how = "nur Stadt-Login" if password is None else "mit Passwort"
    print(f"Benutzer „{name}“ angelegt ({ROLE_LABELS[args.role]}, {how}).")
    return 0


@through_dashboard("passwd")
def cmd_passwd(args: argparse.Namespace) -> int:
    password = _password(args)
    assert password is not None
    with open_db(args) as db:
        accounts.change_password(db, Actor.cli(), args.name, password, kommune=_kommune_of(db, args))
    print(f"Passwort von „{args.name}“ geändert.")
    return 0


@through_dashboard("remove")
def cmd_remove(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        accounts.set_disabled(db, Actor.cli(), args.name, disabled=True, kommune=_kommune_of(db, args))
    print(f"Benutzer „{args.name}“ deaktiviert (die Historie behält den Namen; wieder aktivieren: user enable).")
    return 0


@through_dashboard("enable")
def cmd_enable(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        accounts.set_disabled(db, Actor.cli(), args.name, disabled=False, kommune=_kommune_of(db, args))
    print(f"Benutzer „{args.name}“ wieder aktiviert.")
    return 0


@through_dashboard("assign")
def cmd_assign(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        kommune = _kommune_of(db, args)
        if args.role:
            accounts.update_user(db, Actor.cli(), args.name, role=args.role, kommune=kommune)
        accounts.set_assignments(
            db,
            Actor.cli(),
            args.name,
            vorhaben=_split(args.vorhaben),
            indicators=_split(args.indikator),
            kommune=kommune,
        )
    print(f"Zuordnung von „{args.name}“ gespeichert.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        frame = accounts.users(db, kommune=args.kommune)
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
            "kommune": r.kommune,
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
        flags = [ROLE_LABELS[r["role"]], membership.kommune_name(r["kommune"])]
        flags.append("Passwort" if r["password"] else "nur Stadt-Login")
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


def _add_kommune_arg(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--kommune", metavar="ID", help=what)


def _add_wait_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SEKUNDEN",
        help="läuft das Dashboard, die Änderung bis zu so vielen Sekunden von ihm ausführen lassen "
        "(Passwörter nur als Hash; Standard 0: sofort mit der Sperr-Meldung abbrechen)",
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
    _add_kommune_arg(p, "Kommune des Kontos (Standard: die eigene Kommune der Installation)")
    _add_wait_arg(p)
    p.set_defaults(func=cmd_add)

    p = actions.add_parser("passwd", help="Passwort setzen (wird abgefragt)")
    add_db_argument(p)
    p.add_argument("name")
    _add_password_args(p)
    _add_kommune_arg(p, "nur wenn das Konto zu dieser Kommune gehört (Standard: seine eigene)")
    _add_wait_arg(p)
    p.set_defaults(func=cmd_passwd)

    p = actions.add_parser("remove", help="Benutzer deaktivieren (die Historie bleibt erhalten)")
    add_db_argument(p)
    p.add_argument("name")
    _add_kommune_arg(p, "nur wenn das Konto zu dieser Kommune gehört (Standard: seine eigene)")
    _add_wait_arg(p)
    p.set_defaults(func=cmd_remove)

    p = actions.add_parser("enable", help="deaktivierten Benutzer wieder aktivieren")
    add_db_argument(p)
    p.add_argument("name")
    _add_kommune_arg(p, "nur wenn das Konto zu dieser Kommune gehört (Standard: seine eigene)")
    _add_wait_arg(p)
    p.set_defaults(func=cmd_enable)

    p = actions.add_parser("assign", help="Vorhaben/Indikatoren einer Koordinator*in neu festlegen")
    add_db_argument(p)
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, help="Rolle zugleich ändern")
    p.add_argument("--vorhaben", metavar="NR,…", help="Vorhaben-Nummern (leer = keine)")
    p.add_argument("--indikator", metavar="ID,…", help="Indikator-IDs (leer = keine)")
    _add_kommune_arg(p, "nur wenn das Konto zu dieser Kommune gehört (Standard: seine eigene)")
    _add_wait_arg(p)
    p.set_defaults(func=cmd_assign)

    p = actions.add_parser("list", help="alle Benutzer mit Rolle und Zuordnung")
    add_db_argument(p)
    add_json_argument(p)
    _add_kommune_arg(p, "nur die Konten dieser Kommune (Standard: alle Kommunen)")
    p.set_defaults(func=cmd_list)
