"""Derived values as ordinary reading versions, so every reader works unchanged.

After each change of the list (upload, revert), of a source (quelle switch) or on request
(`python -m kora massnahmen ableiten`), the derived indicators are recomputed for every month
from the plan start to the last complete month and compared with their current readings; new
and changed values are appended as versions of the same upload, with a source naming the
Maßnahmenliste upload. A month that has no denominator any more gets a withdrawing version
(value NULL): a number the list no longer supports must not stay on a dashboard. Because these
are plain `readings` rows, as_of/known_at, history, revert, "what changed" and exports apply; they
are written through kora.readings.versions.write_versions, the one write-plus-audit path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from kora import periods
from kora.access.roles import Actor
from kora.db import Database, import_store, massnahmen_store, plan_store
from kora.db.audit_store import AuditAction
from kora.massnahmen import derive
from kora.plan.quellen import DERIVED
from kora.readings.versions import AuditRow, Batch, BeforeReadings, UploadRow, write_versions

DERIVED_REASON = massnahmen_store.DERIVED_REASON


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
    from_list = bool(set(indicator_ids) & (set(DERIVED) - {"fruehwarnungen"}))
    current, events, versions = massnahmen_store.derivation_inputs(
        db, kommune=kommune, known_at=known_at, list_and_events=from_list, versions="fruehwarnungen" in indicator_ids
    )
    milestones = (
        plan_store.milestones_df(db, kommune, known_at=known_at) if "meilensteine_erreicht" in indicator_ids else None
    )
    return derive.derive(
        indicator_ids=indicator_ids,
        months=months(db, kommune=kommune, today=today),
        current=current if current is not None else pd.DataFrame(),
        events=events if events is not None else pd.DataFrame(),
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


def derived_versions(
    db: Database,
    *,
    kommune: str,
    upload_id: int,
    source: str,
    at: dt.datetime,
    user: str,
    indicator_ids: list[str] | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """The reading versions (readings_store.READING_COLUMNS) for every derived value that changed,
    to be written by kora.readings.versions.write_versions under `upload_id` (empty: nothing changed).
    Called inside that transaction, after the list's own versions of the upload are stored."""
    ids = indicator_ids if indicator_ids is not None else sorted(derived_sources(db, kommune=kommune))
    values = compute(db, kommune=kommune, indicator_ids=ids, today=today) if ids else pd.DataFrame()
    todo = (
        changes(values, import_store.current_cells(db, kommune=kommune, indicator_ids=ids))
        if len(values)
        else pd.DataFrame({"indicator_id": [], "month": [], "value": []})
    )
    return pd.DataFrame(
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
        },
        index=todo.index,
    )


def write_with_derived(
    db: Database,
    upload: UploadRow,
    *,
    before: BeforeReadings | None,
    source: Callable[[int], str],
    audit: Callable[[int, int], AuditRow],
    indicator_ids: list[str] | None = None,
    today: dt.date | None = None,
) -> tuple[int, int]:
    """One upload through the readings' write path: the list's own rows (`before`), then the derived
    values that changed as reading versions, then the one audit row — all in one transaction.

    `source(upload_id)` names the upload in the versions' source; `audit(upload_id, n_derived)` makes
    the audit row. Returns (upload id, number of derived versions written).
    """
    written = [0]

    def readings(upload_id: int) -> pd.DataFrame:
        frame = derived_versions(
            db, kommune=upload.kommune, upload_id=upload_id, source=source(upload_id), at=upload.at,
            user=upload.user, indicator_ids=indicator_ids, today=today,
        )  # fmt: skip
        written[0] = len(frame)
        return frame

    (upload_id,) = write_versions(
        db, [Batch(upload, readings=readings, before=before)], audit=lambda ids: audit(ids[0], written[0])
    )
    return upload_id, written[0]


MILESTONE_INDICATOR = "meilensteine_erreicht"


def rederive_milestones(
    db: Database, *, actor: Actor, kommune: str, at: dt.datetime, milestone_id: str, today: dt.date | None = None
) -> int:
    """After a milestone change (kora.plan.edits.set_milestone's `then`): re-derive
    `meilensteine_erreicht` when its quelle is `meilensteine`, inside the caller's transaction.

    Nothing is written (no empty upload, no audit row) when the indicator is typed or no value
    changed. Returns the number of derived versions written.
    """
    if derived_sources(db, kommune=kommune).get(MILESTONE_INDICATOR) != "meilensteine":
        return 0
    ids = [MILESTONE_INDICATOR]
    probe = derived_versions(db, kommune=kommune, upload_id=0, source="", at=at, user=actor.name, indicator_ids=ids,
                             today=today)  # fmt: skip
    if probe.empty:
        return 0
    obj = f"Meilenstein {milestone_id}: abgeleitete Werte"

    def audit(upload_id: int, written: int) -> AuditRow:
        return AuditRow(actor.audit_name, AuditAction.MEILENSTEIN_AENDERN, kommune, object=obj, at=at,
                        detail={"upload_id": upload_id, "indikator": MILESTONE_INDICATOR, "abgeleitete_werte": written})  # fmt: skip

    _, written = write_with_derived(
        db, UploadRow(kommune, "upload", actor.name, at, filename=f"Meilensteine: {milestone_id} geändert"), before=None,
        source=lambda uid: f"Meilensteine (Änderung {milestone_id}, Upload {uid})", audit=audit, indicator_ids=ids,
        today=today,
    )  # fmt: skip
    return written
