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
from kora.tracking.compare import local_time, status_changes
from kora.tracking.results import Changes


def status_word(status: Any) -> str:
    return STATUS_LABELS.get(str(status), str(status)) if not is_missing(status) else "–"


def change_rows(changes: Changes) -> list[dict[str, Any]]:
    """One row per change: Art, Was, Monat, Vorher, Nachher, Kommentar, Gespeichert, Von.

    Values stay numbers (None when absent) so the Excel sheet keeps them numeric; statuses and
    milestone states are words.
    """
    rows: list[dict[str, Any]] = []
    for r in changes.new_readings.itertuples(index=False):
        rows.append(
            {
                "Art": "Neuer Messwert",
                "Was": r.name,
                "Monat": r.month,
                "Vorher": None,
                "Nachher": _num(r.value),
                "Einheit": r.unit,
                "Kommentar": _text_of(r.comment),
                "Gespeichert": local_time(r.recorded_at),
                "Von": _text_of(r.recorded_by),
            }
        )
    for r in changes.corrections.itertuples(index=False):
        rows.append(
            {
                "Art": "Messwert zurückgezogen" if r.withdrawn else "Korrektur",
                "Was": r.name,
                "Monat": r.month,
                "Vorher": _num(r.value_before),
                "Nachher": _num(r.value_after),
                "Einheit": r.unit,
                "Kommentar": _text_of(r.comment) or _text_of(r.reason),
                "Gespeichert": local_time(r.recorded_at),
                "Von": _text_of(r.recorded_by),
            }
        )
    for r in status_changes(changes.indicators).itertuples(index=False):
        rows.append(
            {
                "Art": "Status",
                "Was": r.name,
                "Monat": changes.as_of,
                "Vorher": status_word(r.status_before),
                "Nachher": status_word(r.status_after),
                "Einheit": "",
                "Kommentar": None,
                "Gespeichert": None,
                "Von": None,
            }
        )
    for r in changes.milestones.itertuples(index=False):
        rows.append(
            {
                "Art": "Meilenstein",
                "Was": f"{r.id}: {r.text}",
                "Monat": None,
                "Vorher": r.status_before,
                "Nachher": r.status_after,
                "Einheit": "",
                "Kommentar": None
                if r.status_after != "erreicht" or is_missing(r.reached_on)
                else f"erreicht am {fmt.date(pd.Timestamp(r.reached_on).date())}",
                "Gespeichert": local_time(r.status_since),
                "Von": None,
            }
        )
    return rows


def _num(value: Any) -> float | None:
    if is_missing(value):
        return None
    v = float(value)
    return None if np.isnan(v) else v


def _text_of(value: Any) -> str | None:
    return None if is_missing(value) else str(value)
