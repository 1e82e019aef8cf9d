"""The history of uploads and of each cell's versions, ready to show (German columns).

Read-only: what the history page and `python -m kora history` list, and what the revert picker offers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora import fmt
from kora.db import Database, import_store, readings_store
from kora.labels import KIND_LABELS
from kora.readings.catalogue import Catalogue


def upload_history(db: Database, *, kommune: str, include_demo: bool = True) -> pd.DataFrame:
    """Uploads newest first with counts, who and when (German columns, ready to show)."""
    frame = readings_store.uploads_df(db, kommune=kommune)
    if not include_demo:
        frame = frame[frame["kind"] != "demo"]

    def status(row: Any) -> str:
        if row.kind == "revert" and not pd.isna(row.reverts_upload):
            return f"Rücknahme von Upload {int(row.reverts_upload)}"
        if not pd.isna(row.reverted_by):
            return f"zurückgenommen durch {int(row.reverted_by)}"
        return ""

    return pd.DataFrame(
        {
            "Nr": frame["id"].astype("int64"),
            "Art": frame["kind"].map(KIND_LABELS),
            "Datei": frame["filename"].fillna("").map(fmt.visible_text),  # tables show text as text; bidi as codes
            "Von": frame["user_name"].map(fmt.visible_text),
            "Zeitpunkt": [fmt.local_stamp(t) for t in frame["created_at"]],
            "Neu": frame["n_new"].astype("int64"),
            "Geändert": frame["n_changed"].astype("int64"),
            "Unverändert": frame["n_unchanged"].astype("int64"),
            "Grund": frame["reason"].fillna("").map(fmt.visible_text),
            "Status": [status(r) for r in frame.itertuples(index=False)],
        }
    ).reset_index(drop=True)


@dataclass(frozen=True)
class UploadChoice:
    id: int
    label: str  # Markdown-safe (user text escaped with kora.fmt.markdown): pages show it as an expander label
    revertible: bool
    why_not: str


def upload_choices(db: Database, *, kommune: str, limit: int = 30) -> list[UploadChoice]:
    """The latest uploads and reverts with whether the history page may offer 'Zurücknehmen'."""
    frame = readings_store.uploads_df(db, kommune=kommune)
    frame = frame[frame["kind"] != "demo"].head(limit)
    out = []
    for r in frame.itertuples(index=False):
        # the page shows the label as Markdown (an expander): user text is escaped here, once
        name, user = fmt.markdown(r.filename or ""), fmt.markdown(r.user_name)
        label = f"Nr. {int(r.id)} · {KIND_LABELS[r.kind]} · {name} · {user} · {fmt.local_stamp(r.created_at)}"
        if not pd.isna(r.reverted_by):
            out.append(UploadChoice(int(r.id), label, False, f"bereits zurückgenommen durch {int(r.reverted_by)}"))
        else:
            out.append(UploadChoice(int(r.id), label, True, ""))
    return out


def indicator_options(db: Database, *, kommune: str) -> list[tuple[str, str]]:
    """(id, 'Name (id)') of indicators that have versions, in catalogue order."""
    have = set(import_store.indicators_with_versions(db, kommune=kommune))
    return [(r.id, f"{r.name} ({r.id})") for r in Catalogue.from_db(db, kommune=kommune).rules if r.id in have]


def month_options(db: Database, *, indicator_id: str, kommune: str) -> list[tuple[dt.date, str]]:
    """(month, '03/2025') of months with versions of this indicator, newest first."""
    months = import_store.months_with_versions(db, kommune=kommune, indicator_id=indicator_id)
    out = []
    for m in months:
        day = m.date() if isinstance(m, dt.datetime) else m
        out.append((day, fmt.month_numeric(day)))
    return out


def reading_versions(db: Database, *, indicator_id: str, month: dt.date, kommune: str) -> pd.DataFrame:
    """All versions of one cell, newest first (German columns; the first row is the current value)."""
    frame = readings_store.reading_versions_df(db, kommune=kommune, indicator_id=indicator_id, month=month)
    return pd.DataFrame(
        {
            "Wert": ["zurückgezogen" if pd.isna(v) else fmt.exact_number(v) for v in frame["value"]],
            "Kommentar": frame["comment"].fillna("").map(fmt.visible_text),
            "Erfasst am": [fmt.local_stamp(t) for t in frame["recorded_at"]],
            "Von": frame["recorded_by"],
            "Grund": frame["reason"].fillna("").map(fmt.visible_text),
            "Upload": frame["upload_id"].astype("int64"),
            "Art": frame["kind"].map(KIND_LABELS),
        }
    ).reset_index(drop=True)
