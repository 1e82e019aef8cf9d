"""Account changes while the dashboard runs: `python -m kora user … --wait 60` hands them to the server.

Same road as an import (`kora.access.orders`, `kora.readings.import_inbox`): the CLI meets the
lock, leaves an order of kind `konto` with the action and its arguments, and waits; the
dashboard's background thread carries it out with the very same function the CLI would have called
(`kora.access.accounts`), as the machine operator ("NAME (Kontoauftrag)", role admin, source
cli), so the role check and the audit row are the CLI's. The answer (ok + German message) goes
back to the waiting CLI.

Passwords never travel in clear text: the CLI hashes them first (argon2id,
`passwords.hash_password`, which also checks the rules) and the order carries only the hash; the
server accepts it only when it is a readable argon2id hash (`passwords.checked_hash`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kora.access import accounts, backup_inbox, orders
from kora.access.roles import ROLE_LABELS, Actor
from kora.db import Database
from kora.errors import DatabaseLockedError, KoraError

KIND = "konto"
MAX_ORDERS_PER_CALL = 3
ACTIONS = ("add", "passwd", "remove", "enable", "assign")


def _names(values: Any) -> list[str]:
    return [str(v)[:64] for v in values[:200]] if isinstance(values, list) else []


def _text(params: dict[str, Any], key: str) -> str | None:
    value = params.get(key)
    return str(value)[:500] if value is not None else None


def _add(db: Database, actor: Actor, p: dict[str, Any], kommune: str) -> str:
    name = accounts.add_user(
        db,
        actor,
        str(p.get("name") or ""),
        role=str(p.get("rolle") or ""),
        display_name=_text(p, "anzeigename"),
        email=_text(p, "email"),
        password_hash=_text(p, "passwort_hash"),
        vorhaben=_names(p.get("vorhaben")),
        indicators=_names(p.get("indikatoren")),
        kommune=kommune,
    )
    how = "mit Passwort" if p.get("passwort_hash") else "nur Stadt-Login"
    return f"Benutzer „{name}“ angelegt ({ROLE_LABELS.get(str(p.get('rolle')), '')}, {how})."


def _passwd(db: Database, actor: Actor, p: dict[str, Any], kommune: str) -> str:
    name = str(p.get("name") or "")
    accounts.change_password(db, actor, name, None, password_hash=str(p.get("passwort_hash") or ""), kommune=kommune)
    return f"Passwort von „{name}“ geändert."


def _remove(db: Database, actor: Actor, p: dict[str, Any], kommune: str) -> str:
    name = str(p.get("name") or "")
    accounts.set_disabled(db, actor, name, disabled=True, kommune=kommune)
    return f"Benutzer „{name}“ deaktiviert (die Historie behält den Namen; wieder aktivieren: user enable)."


def _enable(db: Database, actor: Actor, p: dict[str, Any], kommune: str) -> str:
    name = str(p.get("name") or "")
    accounts.set_disabled(db, actor, name, disabled=False, kommune=kommune)
    return f"Benutzer „{name}“ wieder aktiviert."


def _assign(db: Database, actor: Actor, p: dict[str, Any], kommune: str) -> str:
    name = str(p.get("name") or "")
    if p.get("rolle"):
        accounts.update_user(db, actor, name, role=str(p["rolle"]), kommune=kommune)
    accounts.set_assignments(
        db, actor, name, vorhaben=_names(p.get("vorhaben")), indicators=_names(p.get("indikatoren")), kommune=kommune
    )
    return f"Zuordnung von „{name}“ gespeichert."


_RUN: dict[str, Callable[[Database, Actor, dict[str, Any], str], str]] = {
    "add": _add,
    "passwd": _passwd,
    "remove": _remove,
    "enable": _enable,
    "assign": _assign,
}


# --- CLI side ------------------------------------------------------------------------------------


def change_through_server(
    db_path: Path,
    *,
    action: str,
    params: dict[str, Any],
    requested_by: str,
    kommune: str,
    timeout: float,
    locked: DatabaseLockedError,
) -> str:
    """Hand an account change to the running dashboard; its German message, or KoraError.

    `params` must not hold a clear-text password (`passwort_hash` only): refused here, before
    anything is written.
    """
    if action not in _RUN:
        raise KoraError(f"Unbekannte Kontoaktion „{action}“.")
    if any("passwort" in key and key != "passwort_hash" for key in params):
        raise KoraError("Passwörter werden nur als Hash an das laufende Dashboard übergeben. Nichts geändert.")
    meta = {"von": requested_by[:200], "aktion": action, "kommune": kommune, "werte": params}
    order_id = orders.place(db_path, KIND, meta)
    answer = orders.wait(db_path, KIND, order_id, timeout=timeout)
    if answer is None:
        raise DatabaseLockedError(
            f"{locked} Der Kontoauftrag wurde in {backup_inbox.order_folder(db_path)} abgelegt, aber das laufende "
            f"Programm hat ihn nicht innerhalb von {timeout:.0f} s bearbeitet (Auftrag zurückgezogen, nichts "
            "geändert). Bitte später erneut versuchen, das Konto im Dashboard unter Verwaltung ändern oder das "
            "Dashboard kurz beenden."
        )
    if not answer.get("ok"):
        raise KoraError(str(answer.get("meldung") or "Das Dashboard hat den Kontoauftrag abgelehnt."))
    return f"{answer.get('meldung', '')} (ausgeführt vom laufenden Dashboard)"


# --- server side ---------------------------------------------------------------------------------


def _carry_out(db: Database, meta: dict[str, Any]) -> str:
    kommune = orders.order_kommune(meta)
    action = str(meta.get("aktion") or "")
    params = meta.get("werte")
    if action not in _RUN or not isinstance(params, dict):
        raise KoraError("Der Kontoauftrag ist unvollständig oder unbekannt. Nichts geändert.")
    requester = str(meta.get("von") or "unbekannt")[:200]
    actor = Actor(name=f"{requester} (Kontoauftrag)", role="admin", source="cli", display_name=requester)
    return _RUN[action](db, actor, params, kommune)


def handle_orders(db: Database) -> list[dict[str, Any]]:
    """Carry out pending account orders (at most MAX_ORDERS_PER_CALL per poll) and answer each."""
    if db.path is None:
        return []
    answers = []
    for order_id, meta in orders.pending(db.path, KIND)[:MAX_ORDERS_PER_CALL]:
        orders.take(db.path, KIND, order_id, max_bytes=0)
        try:
            result = {"ok": True, "meldung": _carry_out(db, meta)}
        except KoraError as err:
            result = {"ok": False, "meldung": str(err)}
        orders.answer(db.path, KIND, order_id, result)
        answers.append(result)
    return answers
