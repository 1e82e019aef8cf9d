"""SQL for the plan: Aktionsfelder, Vorhaben, indicators, targets and milestones.

The plan tables mirror `data/*.toml` (the file is the source of truth and is loaded in one
transaction); milestone status is append-only in `milestone_events`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from kora.db.adapter import Database
from kora.periods import utcnow
from kora.plan.model import Plan

PLAN_TABLES = (
    "aktionsfelder",
    "vorhaben",
    "vorhaben_partner",
    "indicators",
    "indicator_targets",
    "indicator_vorhaben",
    "milestones",
)


def plan_loaded(db: Database, kommune: str) -> bool:
    return db.scalar("SELECT count(*) FROM kommunen WHERE kommune = ?", [kommune]) > 0


def kommunen(db: Database) -> list[str]:
    return [r[0] for r in db.rows("SELECT kommune FROM kommunen ORDER BY kommune")]


INSERT_SQL = {
    "kommunen": "INSERT INTO kommunen VALUES (?, ?, ?, ?, ?, ?, ?)",
    "aktionsfelder": "INSERT INTO aktionsfelder VALUES (?, ?, ?, ?)",
    "vorhaben": "INSERT INTO vorhaben VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "vorhaben_partner": "INSERT INTO vorhaben_partner VALUES (?, ?, ?, ?)",
    "indicators": """
        INSERT INTO indicators (kommune, id, name, messung, erhoben_von, unit, direction, aggregation, baseline,
                                baseline_year, quelle_text, minimum, maximum, is_integer, weight, assumption,
                                sort, frequency, plausible_max)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """,
    "indicator_targets": "INSERT INTO indicator_targets VALUES (?, ?, ?, ?)",
    "indicator_vorhaben": "INSERT INTO indicator_vorhaben VALUES (?, ?, ?)",
    "milestones": "INSERT INTO milestones VALUES (?, ?, ?, ?, ?, ?)",
}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _vorhaben_rows(plan: Plan) -> list[tuple[Any, ...]]:
    """Vorhaben with their lists (ideas, indicator texts, Vorsätze) as JSON text."""
    return [
        (
            plan.kommune, v.nr, v.aktionsfeld, v.title, v.zielsetzung,
            _json([i.as_dict() for i in v.umsetzungsideen]), _json(list(v.indikatoren_text)), _json(list(v.vorsaetze)),
        )
        for v in plan.vorhaben
    ]  # fmt: skip


def _indicator_rows(plan: Plan) -> list[tuple[Any, ...]]:
    """Indicators in catalogue order (`sort`), columns as in INSERT_SQL['indicators']."""
    return [
        (
            plan.kommune, x.id, x.name, x.messung, x.erhoben_von, x.unit, x.direction, x.aggregation,
            x.baseline, x.baseline_year, x.quelle_text, x.minimum, x.maximum, x.integer,
            x.weight, x.assumption, i, x.frequency, x.plausible_max,
        )
        for i, x in enumerate(plan.indicators)
    ]  # fmt: skip


def plan_rows(plan: Plan, *, loaded_at: dt.datetime) -> dict[str, list[tuple[Any, ...]]]:
    """Every plan table's rows for `plan`, keyed by table (in insert order); no database needed."""
    k = plan.kommune
    return {
        "kommunen": [(k, plan.kommune_name, plan.title, plan.intro, plan.credit, plan.start_month, loaded_at)],
        "aktionsfelder": [(k, f.code, f.title, i) for i, f in enumerate(plan.aktionsfelder)],
        "vorhaben": _vorhaben_rows(plan),
        "vorhaben_partner": [(k, v.nr, c, i) for v in plan.vorhaben for i, c in enumerate(v.partner_cities)],
        "indicators": _indicator_rows(plan),
        "indicator_targets": [(k, x.id, y, t) for x in plan.indicators for y, t in sorted(x.targets.items())],
        "indicator_vorhaben": [(k, x.id, nr) for x in plan.indicators for nr in x.vorhaben],
        "milestones": [
            (k, m.id, m.vorhaben, m.text, m.due, i) for v in plan.vorhaben for i, m in enumerate(v.meilensteine)
        ],
    }


def write_plan(db: Database, plan: Plan, *, actor: str) -> None:
    """Replace the plan rows of `plan.kommune` with the file's content, atomically.

    Readings and milestone events are never touched: they reference stable ids.
    """
    k = plan.kommune
    with db.transaction():
        db.execute("DELETE FROM kommunen WHERE kommune = ?", [k])
        for table in PLAN_TABLES:
            db.execute(f"DELETE FROM {table} WHERE kommune = ?", [k])  # noqa: S608 - fixed names
        for table, rows in plan_rows(plan, loaded_at=utcnow()).items():
            if rows:
                db.executemany(INSERT_SQL[table], rows)


# --- queries --------------------------------------------------------------------------------


def kommune_info(db: Database, kommune: str) -> dict[str, Any] | None:
    row = db.one("SELECT kommune, name, title, intro, credit, plan_start FROM kommunen WHERE kommune = ?", [kommune])
    if row is None:
        return None
    keys = ("kommune", "name", "title", "intro", "credit", "plan_start")
    return dict(zip(keys, row, strict=True))


def aktionsfelder_df(db: Database, kommune: str) -> pd.DataFrame:
    return db.df("SELECT code, title FROM aktionsfelder WHERE kommune = ? ORDER BY sort", [kommune])


def vorhaben_df(db: Database, kommune: str) -> pd.DataFrame:
    """One row per Vorhaben; list columns decoded from JSON; partner cities as a list."""
    frame = db.df(
        """
        SELECT v.nr, v.aktionsfeld, v.title, v.zielsetzung, v.umsetzungsideen, v.indikatoren_text,
               v.vorsaetze,
               coalesce((SELECT list(p.city ORDER BY p.sort) FROM vorhaben_partner p
                         WHERE p.kommune = v.kommune AND p.nr = v.nr), []) AS partner_cities
        FROM vorhaben v WHERE v.kommune = ? ORDER BY v.nr
        """,
        [kommune],
    )
    for col in ("umsetzungsideen", "indikatoren_text", "vorsaetze"):
        frame[col] = frame[col].map(json.loads)
    frame["partner_cities"] = frame["partner_cities"].map(list)
    return frame


def indicators_df(db: Database, kommune: str) -> pd.DataFrame:
    """One row per indicator with its Vorhaben numbers as a list."""
    frame = db.df(
        """
        SELECT i.id, i.name, i.messung, i.erhoben_von, i.unit, i.direction, i.aggregation,
               i.baseline, i.baseline_year, i.quelle_text, i.minimum, i.maximum, i.is_integer,
               i.weight, i.assumption, i.frequency, i.plausible_max,
               coalesce((SELECT list(iv.nr ORDER BY iv.nr) FROM indicator_vorhaben iv
                         WHERE iv.kommune = i.kommune AND iv.indicator_id = i.id), []) AS vorhaben
        FROM indicators i WHERE i.kommune = ? ORDER BY i.sort
        """,
        [kommune],
    )
    frame["vorhaben"] = frame["vorhaben"].map(lambda xs: [int(x) for x in xs])
    return frame


def targets_df(db: Database, kommune: str) -> pd.DataFrame:
    return db.df(
        "SELECT indicator_id, year, target FROM indicator_targets WHERE kommune = ? ORDER BY indicator_id, year",
        [kommune],
    )


def indicator_vorhaben_df(db: Database, kommune: str) -> pd.DataFrame:
    return db.df(
        "SELECT indicator_id, nr FROM indicator_vorhaben WHERE kommune = ? ORDER BY nr, indicator_id", [kommune]
    )


def milestone_state_query(*, kommune: str | None, known_at: dt.datetime | None) -> tuple[str, dict[str, Any]]:
    """SQL and parameters for every milestone with its latest event as known at `known_at`.

    The latest event (by recorded_at, then seq) is the state; without one a milestone is
    'offen' with its planned due date. `kommune=None` covers every Kommune. Built apart from
    its execution so the one rule is readable and testable on its own.
    """
    sql = """
        WITH ev AS (
            SELECT kommune, milestone_id, status, reached_on, due, recorded_at
            FROM milestone_events
            WHERE ($k IS NULL OR kommune = $k) AND ($known_at IS NULL OR recorded_at <= $known_at)
            QUALIFY row_number() OVER (PARTITION BY kommune, milestone_id ORDER BY recorded_at DESC, seq DESC) = 1
        )
        SELECT m.kommune, m.id, m.nr, v.aktionsfeld, m.text, coalesce(ev.due, m.due) AS due, m.due AS due_planned,
               coalesce(ev.status, 'offen') AS status, ev.reached_on, ev.recorded_at AS status_since
        FROM milestones m
        JOIN vorhaben v ON v.kommune = m.kommune AND v.nr = m.nr
        LEFT JOIN ev ON ev.kommune = m.kommune AND ev.milestone_id = m.id
        WHERE ($k IS NULL OR m.kommune = $k)
        ORDER BY m.kommune, m.nr, m.sort
    """
    return sql, {"k": kommune, "known_at": known_at}


def milestone_state_df(db: Database, *, kommune: str | None, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Run `milestone_state_query`: kommune, id, nr, aktionsfeld, text, due, due_planned, status,
    reached_on, status_since (when the latest event was recorded)."""
    sql, params = milestone_state_query(kommune=kommune, known_at=known_at)
    return db.df(sql, params)


def milestones_df(db: Database, kommune: str, *, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Milestones of one Kommune with their latest status as known at `known_at` (default: now)."""
    return milestone_state_df(db, kommune=kommune, known_at=known_at).drop(columns="kommune")


def add_milestone_event(
    db: Database,
    *,
    kommune: str,
    milestone_id: str,
    status: str,
    reached_on: dt.date | None,
    due: dt.date | None,
    actor: str,
    reason: str | None,
    upload_id: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    db.execute(
        """
        INSERT INTO milestone_events (kommune, milestone_id, status, reached_on, due, recorded_at, recorded_by, reason, upload_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [kommune, milestone_id, status, reached_on, due, at or utcnow(), actor, reason, upload_id],
    )
