"""SQL for readings (append-only versions) and uploads.

A reading's current value is its newest version; "as known at T" is the newest version
recorded at or before T. A version with value NULL withdraws a reading (revert of a first
report). Nothing here updates or deletes a reading, except removing Beispieldaten, which are
not the city's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pyarrow as pa

from kora.db.adapter import Database

READING_COLUMNS = (
    "kommune",
    "indicator_id",
    "month",
    "value",
    "comment",
    "source",
    "upload_id",
    "recorded_at",
    "recorded_by",
    "reason",
)

_LATEST = """
    SELECT r.kommune, r.indicator_id, r.month, r.value, r.comment, r.source, r.upload_id,
           r.recorded_at, r.recorded_by, r.reason, u.kind = 'demo' AS is_demo
    FROM readings r JOIN uploads u ON u.id = r.upload_id
    WHERE ($kommune IS NULL OR r.kommune = $kommune)
      AND ($known_at IS NULL OR r.recorded_at <= $known_at)
    QUALIFY row_number() OVER (PARTITION BY r.kommune, r.indicator_id, r.month
                               ORDER BY r.recorded_at DESC, r.seq DESC) = 1
"""


def new_upload(
    db: Database,
    *,
    kommune: str,
    kind: str,
    user: str,
    at: dt.datetime,
    filename: str | None = None,
    sha256: str | None = None,
    reason: str | None = None,
    n_new: int = 0,
    n_changed: int = 0,
    n_unchanged: int = 0,
    reverts_upload: int | None = None,
) -> int:
    upload_id = int(db.scalar("SELECT nextval('upload_seq')"))
    db.execute(
        "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [upload_id, kommune, kind, filename, sha256, user, at, reason, n_new, n_changed, n_unchanged, reverts_upload],
    )
    return upload_id


def insert_readings(db: Database, frame: pd.DataFrame | pa.Table) -> None:
    """Append versions; `frame` (pandas or Arrow, Arrow inserts faster) has READING_COLUMNS."""
    if len(frame):
        db.insert_df("readings", READING_COLUMNS, frame)


def current_readings_df(
    db: Database,
    *,
    kommune: str | None = None,
    known_at: dt.datetime | None = None,
    include_withdrawn: bool = False,
) -> pd.DataFrame:
    """Newest version per (kommune, indicator, month) as known at `known_at` (None = now)."""
    where = "" if include_withdrawn else "WHERE value IS NOT NULL"
    return db.df(
        f"SELECT * FROM ({_LATEST}) {where} ORDER BY kommune, indicator_id, month",  # noqa: S608
        {"kommune": kommune, "known_at": known_at},
    )


def reading_versions_df(
    db: Database, *, kommune: str, indicator_id: str | None = None, month: dt.date | None = None
) -> pd.DataFrame:
    """Every version of the matching readings, newest first (for the history view)."""
    return db.df(
        """
        SELECT r.indicator_id, r.month, r.value, r.comment, r.recorded_at, r.recorded_by, r.reason,
               r.upload_id, u.kind, u.filename
        FROM readings r JOIN uploads u ON u.id = r.upload_id
        WHERE r.kommune = $k AND ($ind IS NULL OR r.indicator_id = $ind) AND ($month IS NULL OR r.month = $month)
        ORDER BY r.indicator_id, r.month, r.recorded_at DESC, r.seq DESC
        """,
        {"k": kommune, "ind": indicator_id, "month": month},
    )


def upload_readings_df(db: Database, upload_id: int) -> pd.DataFrame:
    """The versions one upload wrote (for reverts)."""
    return db.df(
        "SELECT kommune, indicator_id, month, value, seq, recorded_at FROM readings WHERE upload_id = ? ORDER BY seq",
        [upload_id],
    )


def versions_before_df(db: Database, upload_id: int) -> pd.DataFrame:
    """For each cell an upload touched: the newest version written before that upload."""
    return db.df(
        """
        WITH touched AS (SELECT DISTINCT kommune, indicator_id, month, min(seq) OVER (PARTITION BY kommune, indicator_id, month) AS first_seq
                         FROM readings WHERE upload_id = $u)
        SELECT t.kommune, t.indicator_id, t.month, r.value, r.comment
        FROM touched t
        LEFT JOIN readings r ON r.kommune = t.kommune AND r.indicator_id = t.indicator_id AND r.month = t.month
                             AND r.seq < t.first_seq
        QUALIFY row_number() OVER (PARTITION BY t.kommune, t.indicator_id, t.month ORDER BY r.seq DESC NULLS LAST) = 1
        """,
        {"u": upload_id},
    )


def uploads_df(db: Database, *, kommune: str | None = None) -> pd.DataFrame:
    return db.df(
        """
        SELECT u.id, u.kommune, u.kind, u.filename, u.sha256, u.user_name, u.created_at, u.reason,
               u.n_new, u.n_changed, u.n_unchanged, u.reverts_upload,
               (SELECT max(r.id) FROM uploads r WHERE r.reverts_upload = u.id) AS reverted_by
        FROM uploads u WHERE ($k IS NULL OR u.kommune = $k)
        ORDER BY u.created_at DESC, u.id DESC
        """,
        {"k": kommune},
    )


def upload_row(db: Database, upload_id: int) -> dict[str, Any] | None:
    frame = uploads_df(db)
    match = frame[frame["id"] == upload_id]
    return None if match.empty else match.iloc[0].to_dict()


def last_upload_with_hash(db: Database, *, kommune: str, sha256: str) -> int | None:
    value = db.scalar(
        "SELECT max(id) FROM uploads WHERE kommune = ? AND sha256 = ? AND kind = 'upload'", [kommune, sha256]
    )
    return None if value is None else int(value)


def count_readings(db: Database, *, kommune: str | None = None, demo: bool | None = None) -> int:
    return int(
        db.scalar(
            """
            SELECT count(*) FROM readings r JOIN uploads u ON u.id = r.upload_id
            WHERE ($k IS NULL OR r.kommune = $k) AND ($demo IS NULL OR (u.kind = 'demo') = $demo)
            """,
            {"k": kommune, "demo": demo},
        )
    )


def remove_demo(db: Database, *, kommune: str) -> int:
    """Delete Beispieldaten (readings and milestone events of demo uploads); returns rows removed."""
    n = count_readings(db, kommune=kommune, demo=True)
    with db.transaction():
        ids = "SELECT id FROM uploads WHERE kommune = $k AND kind = 'demo'"
        db.execute(f"DELETE FROM readings WHERE upload_id IN ({ids})", {"k": kommune})  # noqa: S608
        db.execute(f"DELETE FROM milestone_events WHERE upload_id IN ({ids})", {"k": kommune})  # noqa: S608
        db.execute("DELETE FROM uploads WHERE kommune = $k AND kind = 'demo'", {"k": kommune})
    return n
