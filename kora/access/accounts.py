"""Accounts and coordinator assignments: add, change, disable, list (Admin only).

Accounts belong to a Kommune (kora.access.membership): a Kommune's Admin lists and manages only
that Kommune's accounts, and the "last active Admin" rule holds per Kommune, so one city can never
lock another out. The installation's operator (CLI, Einzelplatz) keeps the whole view.

One code path, two doors: `python -m kora user …` (the machine operator, admin) and the
Verwaltung page call these functions; each checks the role with `kora.access.roles.authorize` and writes
one audit row. Accounts are never deleted (disabled instead), so the audit log and the
readings keep naming real people. No default password exists anywhere: an account without a
password can only log in through the city's SSO (matched by e-mail).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd

from kora.access import membership, roles
from kora.access.login import normalise_username
from kora.access.passwords import hash_password, stored_hash, verify_password
from kora.access.roles import ROLE_LABELS, ROLES, Actor, authorize
from kora.db import Database, audit_store, auth_store, network_store, plan_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, NotFoundError, ValidationError
from kora.kommunen import kommune as registry_kommune
from kora.periods import utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


T = TypeVar("T")
P = ParamSpec("P")


def _username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise ValidationError(
            f"Benutzername „{username}“ ist nicht erlaubt: 2 bis 64 Zeichen, Kleinbuchstaben, Ziffern und . _ - @, "
            "am Anfang ein Buchstabe oder eine Ziffer."
        )
    return name


def _email(email: str | None) -> str | None:
    text = (email or "").strip().casefold()
    if not text:
        return None
    if not EMAIL.match(text):
        raise ValidationError(f"„{email}“ ist keine gültige E-Mail-Adresse.")
    return text


def _role(role: str) -> str:
    r = (role or "").strip().casefold()
    aliases = {"koordinator": "koordination", "koordinatorin": "koordination", "leserin": "leser"}
    r = aliases.get(r, r)
    if r not in ROLES:
        raise ValidationError(f"Rolle „{role}“ gibt es nicht: leser, koordination oder admin.")
    return r


def _existing(db: Database, username: str) -> dict[str, Any]:
    row = auth_store.user_by_name(db, username)
    if row is None:
        raise NotFoundError(f"Benutzer „{username}“ gibt es nicht (python -m kora user list zeigt alle).")
    return row


def _check_email_free(db: Database, email: str | None, username: str) -> None:
    if email:
        other = auth_store.user_by_email(db, email)
        if other is not None and other["username"] != username:
            raise ValidationError(f"Die E-Mail-Adresse {email} gehört bereits zu „{other['username']}“.")


def _active_admins(db: Database, *, kommune: str, without: str) -> int:
    frame = users(db, kommune=kommune)
    return int(((frame["role"] == "admin") & ~frame["disabled"] & (frame["username"] != without)).sum())


def _guard_last_admin(db: Database, row: dict[str, Any], *, new_role: str | None, disable: bool) -> None:
    """Per Kommune: each city of a shared installation keeps at least one active Admin of its own."""
    losing = row["role"] == "admin" and not row["disabled"] and (disable or (new_role and new_role != "admin"))
    home = membership.account_kommune(db, row["username"])
    if losing and _active_admins(db, kommune=home, without=row["username"]) == 0:
        raise KoraError(
            f"„{row['username']}“ ist das letzte aktive Admin-Konto der Kommune {membership.kommune_name(home)}. "
            "Bitte zuerst ein weiteres Admin-Konto dieser Kommune anlegen, sonst kann dort niemand mehr Benutzer "
            "und Ziele verwalten."
        )


def _account_in(db: Database, actor: Actor | None, username: str, *, kommune: str, action: AuditAction) -> dict:
    """The account `username`, refused (one audit row "verweigert") when it belongs to another Kommune:
    an Admin of `kommune` manages only that Kommune's accounts. The message does not say which Kommune
    the account belongs to, so a Kommune's Admin learns nothing about another city's people."""
    row = _existing(db, normalise_username(username))
    if membership.account_kommune(db, row["username"]) != kommune:
        refusal = roles.Refusal(
            f"Keine Berechtigung: Das Konto „{row['username']}“ gehört nicht zur Kommune "
            f"{membership.kommune_name(kommune)}; Konten anderer Kommunen verwaltet deren Administration. "
            "Es wurde nichts gespeichert."
        )
        raise roles._deny(db, actor, action, refusal, kommune=kommune, object=f"Benutzer {row['username']}")
    return row


def _scope(
    db: Database, *, kommune: str, vorhaben: Iterable[int | str], indicators: Iterable[str]
) -> list[tuple[str, str]]:
    """Validated (kind, ref) pairs for the assignments table (an unknown Kommune is refused here)."""
    registry_kommune(kommune)
    known_v = {int(v) for v in plan_store.vorhaben_df(db, kommune)["nr"]}
    known_i = set(plan_store.indicators_df(db, kommune)["id"])
    pairs: list[tuple[str, str]] = []
    for v in vorhaben:
        try:
            nr = int(str(v).strip())
        except ValueError:
            raise ValidationError(f"Vorhaben „{v}“ ist keine Nummer (z. B. 2 oder 1,4).") from None
        if nr not in known_v:
            raise ValidationError(f"Vorhaben {nr} gibt es nicht (vorhanden: {', '.join(map(str, sorted(known_v)))}).")
        if ("vorhaben", str(nr)) not in pairs:
            pairs.append(("vorhaben", str(nr)))
    for i in indicators:
        ind = str(i).strip()
        if ind not in known_i:
            raise ValidationError(f"Indikator „{ind}“ gibt es nicht (python -m kora plan zeigt alle IDs).")
        if ("indikator", ind) not in pairs:
            pairs.append(("indikator", ind))
    return pairs


def _serialised(write: Callable[Concatenate[Database, P], T]) -> Callable[Concatenate[Database, P], T]:
    """Run a whole account write under the DB's write lock: uniqueness and last-admin checks
    read before they write, and two admin sessions must not both pass the check."""

    @functools.wraps(write)
    def locked(db: Database, *args: P.args, **kwargs: P.kwargs) -> T:
        with db.write_lock:
            return write(db, *args, **kwargs)

    return locked


def _new_account(db: Database, username: str, *, role: str, email: str | None) -> tuple[str, str, str | None]:
    """Name, role and e-mail of a new account, checked: valid, and neither name nor e-mail taken."""
    name, role, mail = _username(username), _role(role), _email(email)
    if auth_store.user_by_name(db, name) is not None:
        raise ValidationError(
            f"Benutzer „{name}“ gibt es bereits (ändern mit python -m kora user passwd oder im Admin-Bereich)."
        )
    _check_email_free(db, mail, name)
    return name, role, mail


@_serialised
def add_user(
    db: Database,
    actor: Actor | None,
    username: str,
    *,
    role: str,
    display_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    vorhaben: Iterable[int | str] = (),
    indicators: Iterable[str] = (),
    kommune: str,
    password_hash: str | None = None,
) -> str:
    """Create an account; returns the username. No `password` nor CLI-made `password_hash`: SSO only."""
    name_for_audit = (username or "").strip()
    who = authorize(db, actor, AuditAction.BENUTZER_ANLEGEN, kommune=kommune, object=f"Benutzer {name_for_audit}")
    name, role, mail = _new_account(db, username, role=role, email=email)
    pairs = _scope(db, kommune=kommune, vorhaben=vorhaben, indicators=indicators)
    if pairs and role != "koordination":
        raise ValidationError("Vorhaben und Indikatoren werden nur Koordinator*innen zugeordnet (--role koordination).")
    hashed = stored_hash(password, password_hash)
    now = utcnow()
    with db.write_lock, db.transaction():
        auth_store.insert_user(
            db,
            username=name,
            display_name=(display_name or "").strip() or name,
            email=mail,
            role=role,
            password_hash=hashed,
            at=now,
            by=who.audit_name,
        )
        network_store.set_user_kommune(db, username=name, kommune=kommune, at=now, by=who.audit_name)
        if pairs:
            auth_store.replace_assignments(db, name, kommune=kommune, pairs=pairs, at=now, by=who.audit_name)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.BENUTZER_ANLEGEN,
            object=f"Benutzer {name}",
            detail={
                "rolle": role,
                "email": mail,
                "passwort": hashed is not None,
                "vorhaben": [r for k, r in pairs if k == "vorhaben"],
                "indikatoren": [r for k, r in pairs if k == "indikator"],
            },
            kommune=kommune,
            at=now,
        )
    return name


@_serialised
def update_user(
    db: Database,
    actor: Actor | None,
    username: str,
    *,
    role: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    kommune: str,
) -> None:
    """Change role, display name or e-mail (only the given fields)."""
    edit_user(db, actor, username, role=role, display_name=display_name, email=email, kommune=kommune)


@_serialised
def edit_user(
    db: Database,
    actor: Actor | None,
    username: str,
    *,
    role: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    disabled: bool | None = None,
    kommune: str,
) -> None:
    """Change any of role, display name, e-mail ("" clears it), password, disabled flag (None =
    unchanged): every check first, then one transaction — all or nothing.

    Three separate calls (update, password, disable) could leave a role changed next to an
    error about the password. An admin may set any password here, their own included.
    """
    who = authorize(db, actor, AuditAction.BENUTZER_AENDERN, kommune=kommune, object=f"Benutzer {username}")
    row = _account_in(db, actor, username, kommune=kommune, action=AuditAction.BENUTZER_AENDERN)
    fields: dict[str, Any] = {}
    if role is not None and _role(role) != row["role"]:
        fields["role"] = _role(role)
    if display_name is not None and display_name.strip() and display_name.strip() != row["display_name"]:
        fields["display_name"] = display_name.strip()
    if email is not None and _email(email) != row["email"]:
        fields["email"] = _email(email)
        _check_email_free(db, fields["email"], row["username"])
    if disabled is not None and bool(row["disabled"]) != disabled:
        fields["disabled"] = disabled
    _guard_last_admin(db, row, new_role=fields.get("role"), disable=bool(fields.get("disabled")))
    if password:
        fields["password_hash"] = hash_password(password)  # raises on a weak password, before any write
    if not fields:
        return
    now = utcnow()
    with db.write_lock, db.transaction():
        auth_store.update_user(db, row["username"], at=now, **fields)
        if fields.get("role") and fields["role"] != "koordination":
            auth_store.replace_assignments(db, row["username"], kommune=kommune, pairs=[], at=now, by=who.audit_name)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.BENUTZER_AENDERN,
            object=f"Benutzer {row['username']}",
            detail={
                k: ("neu gesetzt" if k == "password_hash" else {"alt": row[k], "neu": v}) for k, v in fields.items()
            },
            kommune=kommune,
            at=now,
        )


@_serialised
def set_disabled(db: Database, actor: Actor | None, username: str, *, disabled: bool = True, kommune: str) -> None:
    """Disable (or re-enable) an account. Nothing is deleted: history keeps the name."""
    who = authorize(db, actor, AuditAction.BENUTZER_DEAKTIVIEREN, kommune=kommune, object=f"Benutzer {username}")
    row = _account_in(db, actor, username, kommune=kommune, action=AuditAction.BENUTZER_DEAKTIVIEREN)
    if bool(row["disabled"]) == disabled:
        return
    if disabled:
        _guard_last_admin(db, row, new_role=None, disable=True)
    now = utcnow()
    with db.write_lock, db.transaction():
        auth_store.update_user(db, row["username"], at=now, disabled=disabled)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.BENUTZER_DEAKTIVIEREN if disabled else AuditAction.BENUTZER_AENDERN,
            object=f"Benutzer {row['username']}",
            detail={"deaktiviert": disabled},
            kommune=kommune,
            at=now,
        )


def change_password(
    db: Database,
    actor: Actor | None,
    username: str,
    password: str | None,
    *,
    old_password: str | None = None,
    kommune: str,
    password_hash: str | None = None,
) -> None:
    """Set a new password: an admin for anyone, a local user for themselves (with the old one).

    `password=None` with `password_hash`: hashed by the CLI before it went through the order folder."""
    name = normalise_username(username)
    if actor is not None and actor.source == "lokal" and actor.name == name:  # their own password
        row = _existing(db, name)
        if row["disabled"] or not verify_password(row["password_hash"], old_password or ""):
            audit_store.write_audit(
                db, actor=actor.name, action=AuditAction.PASSWORT_AENDERN, outcome="abgelehnt", object=f"Benutzer {name}",
                detail={"grund": "bisheriges Passwort falsch"}, kommune=kommune,
            )  # fmt: skip
            raise ValidationError("Das bisherige Passwort ist falsch. Das Passwort wurde nicht geändert.")
        who_name = actor.name
    else:
        who = authorize(db, actor, AuditAction.PASSWORT_AENDERN, kommune=kommune, object=f"Benutzer {name}")
        row = _account_in(db, actor, name, kommune=kommune, action=AuditAction.PASSWORT_AENDERN)
        who_name = who.audit_name
    hashed = stored_hash(password, password_hash or "")
    now = utcnow()
    with db.write_lock, db.transaction():
        auth_store.update_user(db, row["username"], at=now, password_hash=hashed)
        audit_store.write_audit(
            db,
            actor=who_name,
            action=AuditAction.PASSWORT_AENDERN,
            object=f"Benutzer {row['username']}",
            kommune=kommune,
            at=now,
        )


@_serialised
def set_assignments(
    db: Database,
    actor: Actor | None,
    username: str,
    *,
    vorhaben: Iterable[int | str] = (),
    indicators: Iterable[str] = (),
    kommune: str,
) -> None:
    """Make a Koordinator*in responsible for exactly these Vorhaben and indicators."""
    who = authorize(db, actor, AuditAction.KOORDINATION_ZUORDNEN, kommune=kommune, object=f"Benutzer {username}")
    row = _account_in(db, actor, username, kommune=kommune, action=AuditAction.KOORDINATION_ZUORDNEN)
    pairs = _scope(db, kommune=kommune, vorhaben=vorhaben, indicators=indicators)
    if pairs and row["role"] != "koordination":
        raise ValidationError(
            f"„{row['username']}“ hat die Rolle {ROLE_LABELS[row['role']]}: Vorhaben werden nur Koordinator*innen "
            "zugeordnet. Bitte zuerst die Rolle ändern."
        )
    before = auth_store.assignments(db, row["username"], kommune=kommune)
    if sorted(before) == sorted(pairs):
        return
    now = utcnow()
    with db.write_lock, db.transaction():
        auth_store.replace_assignments(db, row["username"], kommune=kommune, pairs=pairs, at=now, by=who.audit_name)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.KOORDINATION_ZUORDNEN,
            object=f"Benutzer {row['username']}",
            detail={
                "vorher": [f"{k} {r}" for k, r in before],
                "nachher": [f"{k} {r}" for k, r in pairs],
            },
            kommune=kommune,
            at=now,
        )


def users(db: Database, *, kommune: str | None) -> pd.DataFrame:
    """Accounts of `kommune` (None: of every Kommune, the installation's view) without password
    hashes, with the `kommune` each belongs to (for `user list` and the admin page)."""
    frame = membership.with_kommune(db, auth_store.users_df(db))
    if kommune is not None:
        frame = frame[frame["kommune"] == kommune].reset_index(drop=True)
    return frame


def managed_kommune(db: Database, actor: Actor | None) -> str | None:
    """Whose accounts `actor` sees and manages: their own Kommune's, or every one (None) for the
    installation's operator (CLI, Einzelplatz), who belongs to no single Kommune. Nobody logged in
    sees the installation's own Kommune only (the page shows accounts to Admins anyway)."""
    if actor is None:
        return membership.own_kommune()
    return membership.home_kommune(db, actor)


def users_table(db: Database, *, kommune: str | None) -> pd.DataFrame:
    """German table for the admin page (with a Kommune column in the installation's whole view)."""
    frame = users(db, kommune=kommune)
    table = pd.DataFrame(
        {
            "Benutzer": frame["username"],
            "Name": frame["display_name"],
            "E-Mail": frame["email"].fillna(""),
            "Rolle": frame["role"].map(ROLE_LABELS),
            "Vorhaben": frame["vorhaben"].map(lambda xs: ", ".join(map(str, xs))),
            "Indikatoren": frame["indikatoren"].map(", ".join),
            "Anmeldung": frame["has_password"].map({True: "Passwort", False: "nur Stadt-Login"}),
            "Status": frame["disabled"].map({True: "deaktiviert", False: "aktiv"}),
        }
    )
    if kommune is None:
        table.insert(2, "Kommune", frame["kommune"].map(membership.kommune_name))
    return table


def user_choices(db: Database, *, kommune: str | None) -> list[dict[str, Any]]:
    """Plain dicts for the admin page's select boxes."""
    return [
        {
            "username": r.username,
            "display_name": r.display_name,
            "email": r.email,
            "role": r.role,
            "vorhaben": list(r.vorhaben),
            "indikatoren": list(r.indikatoren),
            "has_password": bool(r.has_password),
            "disabled": bool(r.disabled),
            "kommune": r.kommune,
            "label": f"{r.username} · {r.display_name} · {ROLE_LABELS[r.role]}"
            + (f" · {membership.kommune_name(r.kommune)}" if kommune is None else "")
            + (" · deaktiviert" if r.disabled else ""),
        }
        for r in users(db, kommune=kommune).itertuples(index=False)
    ]


def login_accounts(db: Database) -> int:
    return auth_store.count_login_accounts(db)


__all__ = [
    "add_user",
    "change_password",
    "login_accounts",
    "managed_kommune",
    "set_assignments",
    "set_disabled",
    "update_user",
    "user_choices",
    "users",
    "users_table",
]
