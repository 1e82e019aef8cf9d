"""Derived values as ordinary reading versions, so every reader works unchanged.

After each change of the list (upload, revert), of a source (quelle switch) or on request
(`python -m kora massnahmen ableiten`), the derived indicators are recomputed for every month
from the plan start to the last complete month and compared with their current readings; new
and changed values are appended as versions of the same upload, with a source naming the
Maßnahmenliste upload. A month that has no denominator any more gets a withdrawing version
(value NULL): a number the list no longer supports must not stay on a dashboard. Because these
are plain `readings` rows, as_of/known_at, history, revert, "what changed" and exports apply.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kora import periods
from kora.db import Database, import_store, massnahmen_store, plan_store, readings_store
from kora.massnahmen import derive

DERIVED_REASON = "abgeleitet aus der Maßnahmenliste"


def derived_sources(db: Database, *, kommune: str) -> dict[str, str]:
    """Indicators whose values are derived (quelle massnahmen or meilensteine) -> quelle."""
    return {k: v for k, v in massnahmen_store.quellen(db, kommune=kommune).items() if v != "meldung"}


def months(db: Database, *, kommune: str, today: dt.date | None = None) -> list[dt.date]:
    info = plan_store.kommune_info(db, kommune)
    start = info["plan_start"] if info else dt.date(2025, 1, 1)
    start = start.date() if isinstance(start, dt.datetime) else start
    return periods.month_range(start, periods.last_complete_month(today or periods.today_local()))


def compute(
    db: Database,
    *,
    kommune: str,
    indicator_ids: list[str],
    today: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """indicator_id, month, value of the given derived indicators from the stored list."""
    current = massnahmen_store.current_list_df(db, kommune=kommune, known_at=known_at)
    events = massnahmen_store.current_events_df(db, kommune=kommune, known_at=known_at)
    versions = (
        massnahmen_store.delay_versions_df(db, kommune=kommune, known_at=known_at)
        if "fruehwarnungen" in indicator_ids
        else None
    )
    milestones = (
        plan_store.milestones_df(db, kommune, known_at=known_at) if "meilensteine_erreicht" in indicator_ids else None
    )
    return derive.derive(
        indicator_ids=indicator_ids,
        months=months(db, kommune=kommune, today=today),
        current=current,
        events=events,
        versions=versions if versions is not None else pd.DataFrame(),
        milestones=milestones,
    )


def changes(values: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """The rows of `values` that differ from the current readings (NaN value = withdraw)."""
    if values.empty:
        return values.assign(old=np.nan)
    cur = current[["indicator_id", "month", "value"]].rename(columns={"value": "old"})
    cur = cur.assign(month=pd.to_datetime(cur["month"]).dt.date)
    merged = values.merge(cur, on=["indicator_id", "month"], how="left")
    new, old = merged["value"].to_numpy(dtype=float), merged["old"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        same = (np.isnan(new) & np.isnan(old)) | (np.abs(new - old) <= 1e-9 * np.maximum(1.0, np.abs(new)))
    return merged[~same].reset_index(drop=True)


def write_derived(
    db: Database,
    *,
    kommune: str,
    upload_id: int,
    source: str,
    at: dt.datetime,
    user: str,
    indicator_ids: list[str] | None = None,
    today: dt.date | None = None,
) -> int:
    """Append versions for every derived value that changed; returns how many (caller holds the transaction)."""
    ids = indicator_ids if indicator_ids is not None else sorted(derived_sources(db, kommune=kommune))
    if not ids:
        return 0
    values = compute(db, kommune=kommune, indicator_ids=ids, today=today)
    todo = changes(values, import_store.current_cells(db, kommune=kommune, indicator_ids=ids))
    if todo.empty:
        return 0
    frame = pd.DataFrame(
        {
            "kommune": kommune,
            "indicator_id": todo["indicator_id"].astype("str"),
            "month": pd.to_datetime(todo["month"]),
            "value": todo["value"].astype("float64"),
            "comment": None,
            "source": source,
            "upload_id": upload_id,
            "recorded_at": at,
            "recorded_by": user,
            "reason": DERIVED_REASON,
        }
    )
    readings_store.insert_readings(db, frame)
    return len(frame)
