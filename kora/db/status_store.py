"""SQL feeding goal attainment (`kora.tracking.status`): the plan of one or all Kommunen, one year of readings.

`plan_store` answers per Kommune; the network view and the benchmark need every Kommune in one
query each, and the status only needs the readings of one year up to the as-of month, so the
month filter is applied before picking the newest version (a tenth of the rows on a ten-year DB).
`kommune = None` means all Kommunen; every frame then carries a `kommune` column.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kora.db import plan_store
from kora.db.adapter import Database


def kommunen_df(db: Database, kommune: str | None = None) -> pd.DataFrame:
    return db.df(
        "SELECT kommune, name, plan_start FROM kommunen WHERE ($k IS NULL OR kommune = $k) ORDER BY kommune",
        {"k": kommune},
    )


def indicators_df(db: Database, kommune: str | None) -> pd.DataFrame:
    return db.df(
        """
        SELECT kommune, id, name, unit, direction, aggregation, baseline, baseline_year,
               minimum, maximum, is_integer, weight, assumption, frequency
        FROM indicators WHERE ($k IS NULL OR kommune = $k) ORDER BY kommune, sort
        """,
        {"k": kommune},
    )


def targets_df(db: Database, kommune: str | None, max_year: int | None = None) -> pd.DataFrame:
    """Targets up to `max_year` (the status needs that year's and the previous year's)."""
    return db.df(
        """
        SELECT kommune, indicator_id, year, target FROM indicator_targets
        WHERE ($k IS NULL OR kommune = $k) AND ($y IS NULL OR year <= $y)
        ORDER BY kommune, indicator_id, year
        """,
        {"k": kommune, "y": max_year},
    )


def indicator_vorhaben_df(db: Database, kommune: str | None) -> pd.DataFrame:
    return db.df(
        """
        SELECT kommune, indicator_id, nr FROM indicator_vorhaben
        WHERE ($k IS NULL OR kommune = $k) ORDER BY kommune, nr, indicator_id
        """,
        {"k": kommune},
    )


def vorhaben_df(db: Database, kommune: str | None) -> pd.DataFrame:
    return db.df(
        "SELECT kommune, nr, aktionsfeld, title FROM vorhaben WHERE ($k IS NULL OR kommune = $k) ORDER BY kommune, nr",
        {"k": kommune},
    )


def aktionsfelder_df(db: Database, kommune: str | None) -> pd.DataFrame:
    return db.df(
        "SELECT kommune, code, title FROM aktionsfelder WHERE ($k IS NULL OR kommune = $k) ORDER BY kommune, sort",
        {"k": kommune},
    )


def milestones_df(db: Database, kommune: str | None, *, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Milestones (of all Kommunen when `kommune` is None) with their latest status as known at
    `known_at` — the one query of plan_store.milestone_state_query."""
    return plan_store.milestone_state_df(db, kommune=kommune, known_at=known_at).drop(columns="status_since")


def readings_df(
    db: Database,
    kommune: str | None,
    *,
    first_month: dt.date,
    last_month: dt.date,
    known_at: dt.datetime | None = None,
    indicator_id: str | None = None,
) -> pd.DataFrame:
    """Newest version (as known at `known_at`) per reading with month in [first_month, last_month].

    Same rule as readings_store.current_readings_df: withdrawn readings (value NULL) are left out.
    """
    return db.df(
        """
        SELECT kommune, indicator_id, month, value, is_demo FROM (
            SELECT r.kommune, r.indicator_id, r.month, r.value, u.kind = 'demo' AS is_demo
            FROM readings r JOIN uploads u ON u.id = r.upload_id
            WHERE ($k IS NULL OR r.kommune = $k)
              AND r.month BETWEEN $first AND $last
              AND ($ind IS NULL OR r.indicator_id = $ind)
              AND ($known_at IS NULL OR r.recorded_at <= $known_at)
            QUALIFY row_number() OVER (PARTITION BY r.kommune, r.indicator_id, r.month
                                       ORDER BY r.recorded_at DESC, r.seq DESC) = 1
        ) WHERE value IS NOT NULL
        ORDER BY kommune, indicator_id, month
        """,
        {
            "k": kommune,
            "first": first_month,
            "last": last_month,
            "ind": indicator_id,
            "known_at": known_at,
        },
    )


def aggregate_scan(db: Database) -> pd.DataFrame:
    """Benchmark floor: one aggregate over every reading version (bench/bench_status.py)."""
    return db.df(
        """
        SELECT kommune, indicator_id, year(month) AS year, count(*) AS n, sum(value) AS total, max(recorded_at) AS newest
        FROM readings GROUP BY ALL
        """
    )


def plan_values_before(db: Database, kommune: str | None, known_at: dt.datetime) -> pd.DataFrame:
    """For every plan value an admin changed after `known_at`: the value it had then.

    That is the old value of the first change after `known_at` (changes are append-only, so
    undoing the later ones in order lands on the value known at that time). `old_value` NULL
    means the value did not exist yet (e.g. a Jahresziel added later).
    """
    return db.df(
        """
        SELECT kommune, indicator_id, field, year, arg_min(old_value, seq) AS old_value
        FROM plan_changes
        WHERE ($k IS NULL OR kommune = $k) AND recorded_at > $t
        GROUP BY kommune, indicator_id, field, year
        """,
        {"k": kommune, "t": known_at},
    )
