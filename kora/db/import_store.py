"""SQL the readings checks, preview and revert need beyond readings_store: current cells for a diff, revert plans, pickers.

Kept next to readings_store so all reading SQL stays in kora/db; "current" uses the same
ordering as readings_store (newest recorded_at, then seq), so the import diff and the
dashboards always agree on what a cell holds.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kora.db.adapter import Database


def catalogue_rows(db: Database, *, kommune: str) -> list[tuple]:
    """What validation needs of each indicator, in catalogue order (a light query, run per upload)."""
    return db.rows(
        """
        SELECT id, name, unit, direction, minimum, maximum, is_integer, frequency, plausible_max
        FROM indicators WHERE kommune = ? ORDER BY sort
        """,
        [kommune],
    )


_NEWEST_CELLS = """
    SELECT indicator_id, month, unnest(newest)
    FROM (
        SELECT indicator_id, month,
               arg_max_null({{'value': value, 'comment': comment, 'upload_id': upload_id}},
                            (recorded_at, seq)) AS newest
        FROM readings
        WHERE kommune = $k AND list_contains($ids, indicator_id){months}
        GROUP BY indicator_id, month
    )
"""


def current_cells_sql(*, with_months: bool) -> str:
    """The newest-version query, with the month filter only when the caller has a span (the filter is
    what keeps a monthly file's diff from reading the whole history)."""
    return _NEWEST_CELLS.format(months=" AND month BETWEEN $first AND $last" if with_months else "")


def current_cells(
    db: Database,
    *,
    kommune: str,
    indicator_ids: list[str],
    first_month: dt.date | None = None,
    last_month: dt.date | None = None,
) -> pd.DataFrame:
    """Newest version (withdrawn ones included, value NULL) of every cell of these indicators,
    in the months `first_month`..`last_month` when given, else in every month.

    An upload passes the file's month span, so the rows read follow the file, not the history;
    re-deriving indicators passes none (a value that disappears must be withdrawn). `arg_max_null`
    over the struct picks the newest version per cell in one aggregate — cheaper than a window,
    and NULL values (withdrawn cells) are kept.
    """
    params: dict[str, object] = {"k": kommune, "ids": indicator_ids}
    with_months = first_month is not None and last_month is not None
    if with_months:
        params |= {"first": first_month, "last": last_month}
    return db.df(current_cells_sql(with_months=with_months), params)


def readings_state(db: Database, *, kommune: str) -> tuple[int, int]:
    """(count, max seq) of a kommune's versions: changes whenever anyone writes or removes readings."""
    row = db.one("SELECT count(*), coalesce(max(seq), 0) FROM readings WHERE kommune = ?", [kommune])
    assert row is not None
    return int(row[0]), int(row[1])


def revert_plan(db: Database, upload_id: int) -> pd.DataFrame:
    """Per cell the upload wrote: its value, the current value, and the value before the upload.

    before_value is NULL when the upload was the first report of the cell (the revert then
    withdraws it); a current value differing from upload_value means a later change exists.
    """
    return db.df(
        """
        WITH mine AS (
            SELECT kommune, indicator_id, month, min(seq) AS first_seq, arg_max_null(value, seq) AS upload_value
            FROM readings WHERE upload_id = $u GROUP BY kommune, indicator_id, month
        ),
        cur AS (
            SELECT r.kommune, r.indicator_id, r.month, r.upload_id, r.value
            FROM readings r JOIN mine m USING (kommune, indicator_id, month)
            QUALIFY row_number() OVER (PARTITION BY r.kommune, r.indicator_id, r.month
                                       ORDER BY r.recorded_at DESC, r.seq DESC) = 1
        ),
        before AS (
            SELECT r.kommune, r.indicator_id, r.month, r.value, r.comment
            FROM readings r JOIN mine m USING (kommune, indicator_id, month)
            WHERE r.seq < m.first_seq
            QUALIFY row_number() OVER (PARTITION BY r.kommune, r.indicator_id, r.month ORDER BY r.seq DESC) = 1
        )
        SELECT m.kommune, m.indicator_id, m.month, m.upload_value, cur.upload_id AS current_upload,
               cur.value AS current_value,
               b.value AS before_value, b.comment AS before_comment
        FROM mine m
        JOIN cur USING (kommune, indicator_id, month)
        LEFT JOIN before b USING (kommune, indicator_id, month)
        ORDER BY m.indicator_id, m.month
        """,
        {"u": upload_id},
    )


def months_with_versions(db: Database, *, kommune: str, indicator_id: str) -> list[dt.date]:
    rows = db.rows(
        "SELECT DISTINCT month FROM readings WHERE kommune = ? AND indicator_id = ? ORDER BY month DESC",
        [kommune, indicator_id],
    )
    return [r[0] for r in rows]


def indicators_with_versions(db: Database, *, kommune: str) -> list[str]:
    return [r[0] for r in db.rows("SELECT DISTINCT indicator_id FROM readings WHERE kommune = ?", [kommune])]


def reported_cells(db: Database, *, kommune: str) -> pd.DataFrame:
    """Cells that currently hold a value (for the template's 'due months')."""
    return db.df(
        """
        SELECT indicator_id, month FROM readings WHERE kommune = $k
        QUALIFY row_number() OVER (PARTITION BY indicator_id, month ORDER BY recorded_at DESC, seq DESC) = 1
            AND value IS NOT NULL
        """,
        {"k": kommune},
    )
