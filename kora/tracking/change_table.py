"""A German table of everything that changed since the last Termin, for the page and Excel.

One row per change (Art, Was, Monat, Vorher, Nachher, Einheit, Kommentar, Gespeichert, Von).
Pure: built from a `Changes` result, no database.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kora import fmt
from kora.fmt import is_missing
from kora.labels import STATUS_LABELS
from kora.tracking.compare import local_time, status_changes, text_or_none
from kora.tracking.results import Changes


def status_word(status: Any) -> str:
    return STATUS_LABELS.get(str(status), str(status)) if not is_missing(status) else "–"


def _row(art: str, was: str, **cells: Any) -> dict[str, Any]:
    """One table row; cells not given are empty (None, unit '')."""
    row: dict[str, Any] = {"Art": art, "Was": was, "Monat": None, "Vorher": None, "Nachher": None, "Einheit": ""}
    return {**row, "Kommentar": None, "Gespeichert": None, "Von": None, **cells}


def new_reading_rows(new_readings: pd.DataFrame) -> list[dict[str, Any]]:
    """A reading for a cell that had none: only the new value."""
    return [
        _row(
            "Neuer Messwert",
            r.name,
            Monat=r.month,
            Nachher=_num(r.value),
            Einheit=r.unit,
            Kommentar=text_or_none(r.comment),
            Gespeichert=local_time(r.recorded_at),
            Von=text_or_none(r.recorded_by),
        )
        for r in new_readings.itertuples(index=False)
    ]


def correction_rows(corrections: pd.DataFrame) -> list[dict[str, Any]]:
    """A changed or withdrawn reading: before and after, the comment or else the reason."""
    return [
        _row(
            "Messwert zurückgezogen" if r.withdrawn else "Korrektur",
            r.name,
            Monat=r.month,
            Vorher=_num(r.value_before),
            Nachher=_num(r.value_after),
            Einheit=r.unit,
            Kommentar=text_or_none(r.comment) or text_or_none(r.reason),
            Gespeichert=local_time(r.recorded_at),
            Von=text_or_none(r.recorded_by),
        )
        for r in corrections.itertuples(index=False)
    ]


def status_rows(indicators: pd.DataFrame, as_of: Any) -> list[dict[str, Any]]:
    """An indicator whose status changed, in words, at the Stand month."""
    return [
        _row("Status", r.name, Monat=as_of, Vorher=status_word(r.status_before), Nachher=status_word(r.status_after))
        for r in status_changes(indicators).itertuples(index=False)
    ]


def _reached_comment(status_after: Any, reached_on: Any) -> str | None:
    """'erreicht am 12.03.2026' for a reached milestone with a date, else nothing."""
    if status_after != "erreicht" or is_missing(reached_on):
        return None
    return f"erreicht am {fmt.date(pd.Timestamp(reached_on).date())}"


def milestone_rows(milestones: pd.DataFrame) -> list[dict[str, Any]]:
    """A milestone whose status or due date changed."""
    return [
        _row(
            "Meilenstein",
            f"{r.id}: {r.text}",
            Vorher=r.status_before,
            Nachher=r.status_after,
            Kommentar=_reached_comment(r.status_after, r.reached_on),
            Gespeichert=local_time(r.status_since),
        )
        for r in milestones.itertuples(index=False)
    ]


def change_rows(changes: Changes) -> list[dict[str, Any]]:
    """One row per change: Art, Was, Monat, Vorher, Nachher, Einheit, Kommentar, Gespeichert, Von.

    Values stay numbers (None when absent) so the Excel sheet keeps them numeric; statuses and
    milestone states are words.
    """
    return [
        *new_reading_rows(changes.new_readings),
        *correction_rows(changes.corrections),
        *status_rows(changes.indicators, changes.as_of),
        *milestone_rows(changes.milestones),
    ]


def _num(value: Any) -> float | None:
    if is_missing(value):
        return None
    v = float(value)
    return None if np.isnan(v) else v
