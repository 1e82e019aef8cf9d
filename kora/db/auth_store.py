"""SQL for access control: local accounts and coordinator assignments.

Accounts are state (role, password hash, disabled) and are never deleted — the audit log and
the readings keep naming them. Every change is audited by `kora.access.accounts`, which also
enforces that usernames and e-mail addresses are unique.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kora.db.adapter import Database

USER_COLUMNS = (
    "username",
    "display_name",
    "email",
    "role",
    "password_hash",
    "disabled",
    "created_at",
    "created_by",
    "changed_at",
)


def _row(row: tuple[Any, ...] | None) -> dict[str, Any] | None:
    return None if row is None else dict(zip(USER_COLUMNS, row, strict=True))


def user_by_name(db: Database, username: str) -> dict[str, Any] | None:
    return _row(
        db.one(
            "SELECT username, display_name, email, role, password_hash, disabled, created_at, created_by, changed_at "
            "FROM users WHERE username = ?",
            [username],
        )
    )


def user_by_email(db: Database, email: str) -> dict[str, Any] | None:
    return _row(
        db.one(
            "SELECT username, display_name, email, role, password_hash, disabled, created_at, created_by, changed_at "
            "FROM users WHERE email = ? ORDER BY disabled, created_at LIMIT 1",
            [email],
        )
    )


def insert_user(
    db: Database,
    *,
    username: str,
    display_name: str,
    email: str | None,
    role: str,
    password_hash: str | None,
    at: dt.datetime,
    by: str,
) -> None:
    db.execute(
        "INSERT INTO users (username, display_name, email, role, password_hash, disabled, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, false, ?, ?)",
        [username, display_name, email, role, password_hash, at, by],
    )


def update_user(db: Database, username: str, *, at: dt.datetime, **fields: Any) -> None:
    """Set some of display_name, email, role, password_hash, disabled (names checked here)."""
    allowed = {"display_name", "email", "role", "password_hash", "disabled"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown user fields: {sorted(unknown)}")
    for name, value in fields.items():  # one statement per known column: no SQL built from input
        db.execute(_UPDATES[name], [value, at, username])


_UPDATES = {
    "display_name": "UPDATE users SET display_name = ?, changed_at = ? WHERE username = ?",
    "email": "UPDATE users SET email = ?, changed_at = ? WHERE username = ?",
    "role": "UPDATE users SET role = ?, changed_at = ? WHERE username = ?",
    "password_hash": "UPDATE users SET password_hash = ?, changed_at = ? WHERE username = ?",
    "disabled": "UPDATE users SET disabled = ?, changed_at = ? WHERE username = ?",
}


def users_df(db: Database) -> pd.DataFrame:
    """All accounts (without password hashes) with their assignments as lists."""
    frame = db.df(
        """
        SELECT u.username, u.display_name, u.email, u.role, u.password_hash IS NOT NULL AS has_password,
               u.disabled, u.created_at, u.created_by, u.changed_at,
               coalesce((SELECT list(a.ref ORDER BY try_cast(a.ref AS INTEGER), a.ref) FROM coordinator_assignments a
                         WHERE a.username = u.username AND a.kind = 'vorhaben'), []) AS vorhaben,
               coalesce((SELECT list(a.ref ORDER BY a.ref) FROM coordinator_assignments a
                         WHERE a.username = u.username AND a.kind = 'indikator'), []) AS indikatoren
        FROM users u ORDER BY u.disabled, u.username
        """
    )
    frame["vorhaben"] = frame["vorhaben"].map(lambda xs: [int(x) for x in xs])
    frame["indikatoren"] = frame["indikatoren"].map(list)
    frame["email"] = frame["email"].astype(object).where(frame["email"].notna(), None)
    return frame


def count_login_accounts(db: Database) -> int:
    """Active accounts that can log in with a password (decides the default auth mode)."""
    return int(db.scalar("SELECT count(*) FROM users WHERE password_hash IS NOT NULL AND NOT disabled") or 0)


def assignments(db: Database, username: str, *, kommune: str | None = None) -> list[tuple[str, str]]:
    """(kind, ref) pairs of one user."""
    return [
        (kind, ref)
        for kind, ref in db.rows(
            "SELECT kind, ref FROM coordinator_assignments WHERE username = ? AND (? IS NULL OR kommune = ?) "
            "ORDER BY kind, ref",
            [username, kommune, kommune],
        )
    ]


def replace_assignments(
    db: Database, username: str, *, kommune: str, pairs: list[tuple[str, str]], at: dt.datetime, by: str
) -> None:
    """Set the user's assignments in `kommune` to exactly `pairs` (caller holds a transaction)."""
    db.execute("DELETE FROM coordinator_assignments WHERE username = ? AND kommune = ?", [username, kommune])
    if pairs:
        db.executemany(
            "INSERT INTO coordinator_assignments VALUES (?, ?, ?, ?, ?, ?)",
            [(username, kommune, kind, ref, at, by) for kind, ref in pairs],
        )


def indicators_of_vorhaben(db: Database, *, kommune: str, vorhaben: list[int]) -> set[str]:
    if not vorhaben:
        return set()
    return {
        r[0]
        for r in db.rows(
            "SELECT DISTINCT indicator_id FROM indicator_vorhaben WHERE kommune = ? AND list_contains(?, nr)",
            [kommune, list(vorhaben)],
        )
    }


def vorhaben_of_indicators(db: Database, *, kommune: str, indicators: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {i: [] for i in indicators}
    if not indicators:
        return out
    for ind, nr in db.rows(
        "SELECT indicator_id, nr FROM indicator_vorhaben WHERE kommune = ? AND list_contains(?, indicator_id) "
        "ORDER BY indicator_id, nr",
        [kommune, list(indicators)],
    ):
        out.setdefault(ind, []).append(int(nr))
    return out


def milestone_vorhaben(db: Database, *, kommune: str, milestone_id: str) -> int | None:
    value = db.scalar("SELECT nr FROM milestones WHERE kommune = ? AND id = ?", [kommune, milestone_id])
    return None if value is None else int(value)
