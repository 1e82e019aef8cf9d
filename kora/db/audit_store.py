"""SQL for the append-only audit log: who did what, when, with which outcome.

The action vocabulary (`AuditAction`) lives here, with the table it is stored in, so every layer
that writes the log (access, plan, readings) and the log itself share one list; kora.db sits below
kora.access, so the Enum cannot live up there. A misspelt action is an AttributeError at import
time (`AuditAction.UPLAOD`), a type error for mypy, and a ValueError in `write_audit` for a bare
string — never a silent new action nobody filters for.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

import pandas as pd

from kora.db.adapter import Database

OUTCOMES = ("ok", "abgelehnt", "verweigert")


class AuditAction(StrEnum):
    """What the audit log records; the value is the stored code (German, as in existing rows)."""

    UPLOAD = "upload"
    UPLOAD_RUECKNAHME = "upload_ruecknahme"
    PLAN_GELADEN = "plan_geladen"
    PLAN_NEU_GELADEN = "plan_neu_geladen"
    BEISPIELDATEN_GELADEN = "beispieldaten_geladen"
    BEISPIELDATEN_ENTFERNT = "beispieldaten_entfernt"
    STARTWERT_AENDERN = "startwert_aendern"
    ZIELWERT_AENDERN = "zielwert_aendern"
    GEWICHT_AENDERN = "gewicht_aendern"
    MEILENSTEIN_AENDERN = "meilenstein_aendern"
    KOORDINATION_ZUORDNEN = "koordination_zuordnen"
    BENUTZER_ANLEGEN = "benutzer_anlegen"
    BENUTZER_AENDERN = "benutzer_aendern"
    BENUTZER_DEAKTIVIEREN = "benutzer_deaktivieren"
    PASSWORT_AENDERN = "passwort_aendern"
    ANMELDUNG = "anmeldung"
    ABMELDUNG = "abmeldung"
    AUDIT_LESEN = "audit_lesen"


def write_audit(
    db: Database,
    *,
    actor: str,
    action: AuditAction,
    outcome: str = "ok",
    object: str | None = None,
    detail: dict[str, Any] | None = None,
    kommune: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Append one row. `action` must be an `AuditAction` (a bare string that is none raises ValueError)."""
    code = AuditAction(action).value
    db.execute(
        "INSERT INTO audit_log (happened_at, actor, action, object, outcome, detail, kommune) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
            actor,
            code,
            object,
            outcome,
            json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
            kommune,
        ],
    )


def audit_df(
    db: Database,
    *,
    action: str | None = None,
    actor: str | None = None,
    outcome: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 10_000,
) -> pd.DataFrame:
    return db.df(
        """
        SELECT id, happened_at, actor, action, object, outcome, detail, kommune FROM audit_log
        WHERE ($action IS NULL OR action = $action) AND ($actor IS NULL OR actor = $actor)
          AND ($outcome IS NULL OR outcome = $outcome) AND ($since IS NULL OR happened_at >= $since)
        ORDER BY happened_at DESC, id DESC LIMIT $limit
        """,
        {"action": action, "actor": actor, "outcome": outcome, "since": since, "limit": limit},
    )


def audit_entries_df(
    db: Database,
    *,
    actions: list[str] | None = None,
    actors: list[str] | None = None,
    outcomes: list[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 50_000,
) -> pd.DataFrame:
    """Audit rows newest first; every filter optional (lists match any of their values)."""
    return db.df(
        """
        SELECT id, happened_at, actor, action, object, outcome, detail, kommune FROM audit_log
        WHERE ($actions IS NULL OR list_contains($actions, action))
          AND ($actors IS NULL OR list_contains($actors, actor))
          AND ($outcomes IS NULL OR list_contains($outcomes, outcome))
          AND ($since IS NULL OR happened_at >= $since) AND ($until IS NULL OR happened_at < $until)
        ORDER BY happened_at DESC, id DESC LIMIT $limit
        """,
        {
            "actions": actions or None,
            "actors": actors or None,
            "outcomes": outcomes or None,
            "since": since,
            "until": until,
            "limit": limit,
        },
    )


def audit_facets(db: Database) -> dict[str, list[str]]:
    """Distinct actions and actors, for the filter boxes of the audit page."""
    return {
        "actions": [r[0] for r in db.rows("SELECT DISTINCT action FROM audit_log ORDER BY action")],
        "actors": [r[0] for r in db.rows("SELECT DISTINCT actor FROM audit_log ORDER BY actor")],
    }
