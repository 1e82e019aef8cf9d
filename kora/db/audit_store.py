"""SQL for the append-only audit log: who did what, when, with which outcome."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from kora.db.adapter import Database

OUTCOMES = ("ok", "abgelehnt", "verweigert")


def write_audit(
    db: Database,
    *,
    actor: str,
    action: str,
    outcome: str = "ok",
    object: str | None = None,
    detail: dict[str, Any] | None = None,
    kommune: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    db.execute(
        "INSERT INTO audit_log (happened_at, actor, action, object, outcome, detail, kommune) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
            actor,
            action,
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
