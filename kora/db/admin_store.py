"""SQL for admin edits of the plan: baselines, yearly targets, weights.

An edit does two things in one transaction: it appends a row to `plan_changes` (who, when,
old → new, reason — never updated or deleted) and applies the new value to the plan tables
that every reader uses (`indicators`, `indicator_targets`). Because `init --reload-plan`
rewrites the plan tables from the files, it re-applies all `plan_changes` in order afterwards
(`reapply_plan_changes`): an admin's recorded decision is never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kora.db.adapter import Database

FIELDS = ("baseline", "baseline_year", "target", "weight")


def indicator_values(db: Database, *, kommune: str, indicator_id: str) -> dict[str, Any] | None:
    row = db.one(
        "SELECT baseline, baseline_year, weight FROM indicators WHERE kommune = ? AND id = ?", [kommune, indicator_id]
    )
    if row is None:
        return None
    targets = {
        int(y): float(t)
        for y, t in db.rows(
            "SELECT year, target FROM indicator_targets WHERE kommune = ? AND indicator_id = ? ORDER BY year",
            [kommune, indicator_id],
        )
    }
    return {"baseline": row[0], "baseline_year": row[1], "weight": row[2], "targets": targets}


def apply_value(
    db: Database, *, kommune: str, indicator_id: str, field: str, year: int | None, value: float | None
) -> None:
    """Write one value into the plan tables (caller holds the transaction)."""
    if field == "baseline":
        db.execute("UPDATE indicators SET baseline = ? WHERE kommune = ? AND id = ?", [value, kommune, indicator_id])
    elif field == "baseline_year":
        db.execute(
            "UPDATE indicators SET baseline_year = ? WHERE kommune = ? AND id = ?",
            [None if value is None else int(value), kommune, indicator_id],
        )
    elif field == "weight":
        db.execute("UPDATE indicators SET weight = ? WHERE kommune = ? AND id = ?", [value, kommune, indicator_id])
    elif field == "target":
        exists = db.scalar(
            "SELECT count(*) FROM indicator_targets WHERE kommune = ? AND indicator_id = ? AND year = ?",
            [kommune, indicator_id, year],
        )
        if value is None:
            if exists:
                db.execute(
                    "DELETE FROM indicator_targets WHERE kommune = ? AND indicator_id = ? AND year = ?",
                    [kommune, indicator_id, year],
                )
        elif exists:
            db.execute(
                "UPDATE indicator_targets SET target = ? WHERE kommune = ? AND indicator_id = ? AND year = ?",
                [value, kommune, indicator_id, year],
            )
        else:
            db.execute("INSERT INTO indicator_targets VALUES (?, ?, ?, ?)", [kommune, indicator_id, year, value])
    else:
        raise ValueError(f"unknown plan field {field!r}")


def record_change(
    db: Database,
    *,
    kommune: str,
    indicator_id: str,
    field: str,
    year: int | None,
    old_value: float | None,
    new_value: float | None,
    at: dt.datetime,
    by: str,
    reason: str,
) -> None:
    db.execute(
        """
        INSERT INTO plan_changes (kommune, indicator_id, field, year, old_value, new_value, recorded_at, recorded_by, reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [kommune, indicator_id, field, year, old_value, new_value, at, by, reason],
    )


def plan_changes_df(db: Database, *, kommune: str, indicator_id: str | None = None) -> pd.DataFrame:
    """All admin edits, newest first."""
    return db.df(
        """
        SELECT seq, indicator_id, field, year, old_value, new_value, recorded_at, recorded_by, reason
        FROM plan_changes WHERE kommune = $k AND ($ind IS NULL OR indicator_id = $ind)
        ORDER BY recorded_at DESC, seq DESC
        """,
        {"k": kommune, "ind": indicator_id},
    )


def reapply_plan_changes(db: Database, *, kommune: str) -> tuple[int, int]:
    """Apply every recorded edit in order on top of freshly loaded plan tables.

    Returns (applied, skipped); an edit is skipped when its indicator is no longer in the
    catalogue file. Caller holds the transaction.
    """
    known = {r[0] for r in db.rows("SELECT id FROM indicators WHERE kommune = ?", [kommune])}
    applied = skipped = 0
    for indicator_id, field, year, value in db.rows(
        "SELECT indicator_id, field, year, new_value FROM plan_changes WHERE kommune = ? ORDER BY recorded_at, seq",
        [kommune],
    ):
        if indicator_id not in known:
            skipped += 1
            continue
        apply_value(db, kommune=kommune, indicator_id=indicator_id, field=field, year=year, value=value)
        applied += 1
    return applied, skipped
