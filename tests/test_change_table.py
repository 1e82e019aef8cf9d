"""The steps of the German change table (kora.tracking.change_table), each with its own table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kora.tracking import change_table

STAMP = dt.datetime(2026, 3, 10, 9, 30)  # naive UTC, as stored
LOCAL = dt.datetime(2026, 3, 10, 10, 30)  # Europe/Berlin in winter
MONTH = dt.date(2026, 2, 1)


@pytest.mark.parametrize(
    ("value", "comment", "by", "expected"),
    [
        (1.5, "ok", "anna", {"Nachher": 1.5, "Kommentar": "ok", "Von": "anna"}),
        (np.nan, None, None, {"Nachher": None, "Kommentar": None, "Von": None}),
        (3, pd.NA, "bob", {"Nachher": 3.0, "Kommentar": None, "Von": "bob"}),
    ],
)
def test_new_reading_rows(value: Any, comment: Any, by: Any, expected: dict[str, Any]) -> None:
    frame = pd.DataFrame(
        [{"name": "km", "month": MONTH, "value": value, "unit": "km", "comment": comment, "recorded_at": STAMP,
          "recorded_by": by}]
    )  # fmt: skip
    (row,) = change_table.new_reading_rows(frame)
    assert row["Art"] == "Neuer Messwert" and row["Vorher"] is None and row["Gespeichert"] == LOCAL
    assert {k: row[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("withdrawn", "after", "comment", "reason", "art", "kommentar"),
    [
        (False, 2.0, "Tippfehler", "Grund", "Korrektur", "Tippfehler"),
        (False, 2.0, None, "Nachmeldung", "Korrektur", "Nachmeldung"),
        (True, np.nan, None, "doppelt", "Messwert zurückgezogen", "doppelt"),
        (True, np.nan, None, None, "Messwert zurückgezogen", None),
    ],
)
def test_correction_rows(
    withdrawn: bool, after: float, comment: Any, reason: Any, art: str, kommentar: str | None
) -> None:
    frame = pd.DataFrame(
        [{"name": "km", "month": MONTH, "value_before": 1.0, "value_after": after, "unit": "km", "comment": comment,
          "reason": reason, "recorded_at": STAMP, "recorded_by": "anna", "withdrawn": withdrawn}]
    )  # fmt: skip
    (row,) = change_table.correction_rows(frame)
    assert (row["Art"], row["Vorher"], row["Kommentar"]) == (art, 1.0, kommentar)
    assert row["Nachher"] == (None if withdrawn else after)


@pytest.mark.parametrize(
    ("before", "after", "rows"),
    [
        ("at_risk", "on_track", [("gefährdet", "im Plan")]),
        ("on_track", "on_track", []),
        ("no_data", "off_track", [("keine Daten", "nicht im Plan")]),
    ],
)
def test_status_rows(before: str, after: str, rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(
        [{"id": "x", "name": "X", "status_before": before, "status_after": after, "attainment_before": None,
          "attainment_after": None, "delta": None, "better": None}]
    )  # fmt: skip
    out = change_table.status_rows(frame, MONTH)
    assert [(r["Vorher"], r["Nachher"]) for r in out] == rows
    assert all(r["Monat"] == MONTH and r["Art"] == "Status" for r in out)


@pytest.mark.parametrize(
    ("status_after", "reached_on", "kommentar"),
    [
        ("erreicht", dt.date(2026, 3, 12), "erreicht am 12.03.2026"),
        ("erreicht", None, None),
        ("verschoben", dt.date(2026, 3, 12), None),
    ],
)
def test_milestone_rows(status_after: str, reached_on: dt.date | None, kommentar: str | None) -> None:
    frame = pd.DataFrame(
        [{"id": "M1.1", "text": "Start", "status_before": "offen", "status_after": status_after,
          "reached_on": reached_on, "status_since": STAMP}]
    )  # fmt: skip
    (row,) = change_table.milestone_rows(frame)
    assert (row["Was"], row["Kommentar"], row["Gespeichert"]) == ("M1.1: Start", kommentar, LOCAL)
