"""SQL for "what changed since the last Brownbag" and the version sheet of the exports.

Readings are append-only versions, so "what changed between T0 and T1" is answered from the
versions alone: every cell (indicator, month) with a version recorded in (T0, T1], its newest
version in that window and its newest version up to T0. Times are naive UTC like
`readings.recorded_at`; `until = None` means "up to now".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kora.db.adapter import Database


def touched_cells_df(
    db: Database,
    *,
    kommune: str,
    after: dt.datetime,
    until: dt.datetime | None = None,
    last_month: dt.date | None = None,
) -> pd.DataFrame:
    """One row per reading cell with a version recorded in (after, until] and month ≤ last_month.

    Columns: indicator_id, month, value_after, comment_after, recorded_at, recorded_by, reason,
    is_demo, n_versions (versions in the window), had_before (any version up to `after`),
    value_before, comment_before, recorded_before. value NULL = withdrawn.
    """
    return db.df(
        """
        WITH win AS (
            SELECT r.indicator_id, r.month, r.value, r.comment, r.recorded_at, r.recorded_by, r.reason, r.seq,
                   u.kind = 'demo' AS is_demo
            FROM readings r JOIN uploads u ON u.id = r.upload_id
            WHERE r.kommune = $k AND r.recorded_at > $after
              AND ($until IS NULL OR r.recorded_at <= $until)
              AND ($last IS NULL OR r.month <= $last)
        ),
        latest AS (
            SELECT *, count(*) OVER (PARTITION BY indicator_id, month) AS n_versions
            FROM win
            QUALIFY row_number() OVER (PARTITION BY indicator_id, month ORDER BY recorded_at DESC, seq DESC) = 1
        ),
        prior AS (
            SELECT r.indicator_id, r.month, r.value, r.comment, r.recorded_at
            FROM readings r
            SEMI JOIN latest l ON l.indicator_id = r.indicator_id AND l.month = r.month
            WHERE r.kommune = $k AND r.recorded_at <= $after
            QUALIFY row_number() OVER (PARTITION BY r.indicator_id, r.month ORDER BY r.recorded_at DESC, r.seq DESC) = 1
        )
        SELECT l.indicator_id, l.month, l.value AS value_after, l.comment AS comment_after, l.recorded_at,
               l.recorded_by, l.reason, l.is_demo, l.n_versions,
               p.recorded_at IS NOT NULL AS had_before, p.value AS value_before, p.comment AS comment_before,
               p.recorded_at AS recorded_before
        FROM latest l LEFT JOIN prior p ON p.indicator_id = l.indicator_id AND p.month = l.month
        ORDER BY l.indicator_id, l.month
        """,
        {"k": kommune, "after": after, "until": until, "last": last_month},
    )


def versions_df(
    db: Database,
    *,
    kommune: str,
    known_at: dt.datetime | None = None,
    last_month: dt.date | None = None,
) -> pd.DataFrame:
    """Every reading version recorded up to `known_at` for months ≤ `last_month` (export sheet).

    `version` counts 1, 2, … per cell in recording order; `is_current` marks the version that
    counts as known at `known_at` (the newest).
    """
    return db.df(
        """
        SELECT r.indicator_id, r.month, r.value, r.comment, r.source, r.recorded_at, r.recorded_by, r.reason,
               r.upload_id, u.kind, u.filename,
               row_number() OVER (PARTITION BY r.indicator_id, r.month ORDER BY r.recorded_at, r.seq) AS version,
               row_number() OVER (PARTITION BY r.indicator_id, r.month ORDER BY r.recorded_at DESC, r.seq DESC) = 1
                   AS is_current
        FROM readings r JOIN uploads u ON u.id = r.upload_id
        WHERE r.kommune = $k AND ($known IS NULL OR r.recorded_at <= $known)
          AND ($last IS NULL OR r.month <= $last)
        ORDER BY r.indicator_id, r.month, version
        """,
        {"k": kommune, "known": known_at, "last": last_month},
    )
