"""Check an uploaded file against the catalogue: every problem, located, before anything is stored.

`check_upload` runs the checks in a fixed order — indicators, months, values, ranges, Kommune,
comments, then duplicates — and combines what they find. A record with any problem is not
stored; a file with any problem changes nothing (the preview refuses it). No DB access here:
`parse_file` is what previews, tests and benchmarks call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kora.readings.catalogue import Catalogue, last_reportable_month
from kora.readings.check_columns import check_comments, check_indicators, check_kommune, check_months
from kora.readings.check_values import check_ranges, plausibility_notes, read_values
from kora.readings.duplicates import cell_keys, merge_duplicates
from kora.readings.findings import capped, column_labels
from kora.readings.ingest import FileRejected, Problem, Upload, read_upload
from kora.readings.ingest.columns import take_text

NO_VALUES = "Die Datei enthält keine Messwerte (alle Wert-Zellen sind leer). Bitte mindestens einen Wert eintragen."


@dataclass
class Checked:
    """The outcome of checking a file against the catalogue (no DB access)."""

    readings: pd.DataFrame  # indicator_id, month, value, comment, source, line, column
    problems: list[Problem]
    notes: list[str]
    n_empty: int
    layout: str
    description: str
    decimal: str | None = None


def check_upload(upload: Upload, catalogue: Catalogue, *, today: dt.date | None = None) -> Checked:
    """Every problem of the file's records against the catalogue; valid readings (deduplicated)."""
    ex = upload.extracted
    records = ex.records.reset_index(drop=True)
    if records.empty:
        problems = list(ex.problems) or [Problem(None, None, None, NO_VALUES)]
        return Checked(empty_readings(), problems, list(ex.notes), ex.n_empty, ex.layout, upload.description)
    indicators, named = check_indicators(records, catalogue)
    months, dated = check_months(records, catalogue, last=last_reportable_month(today))
    values, read = read_values(records, indicators)
    ranged = check_ranges(records, indicators, values.values)
    kommune = check_kommune(records, catalogue)
    comments, commented = check_comments(records)
    findings = (named, dated, read, ranged, kommune, commented)
    readings = pd.DataFrame(
        {
            "indicator_id": take_text([r.id for r in catalogue.rules] + [""], indicators.rule_pos),
            "month": months,
            "value": values.values,
            "comment": comments,
            "source": records["source"].astype("str"),  # stripped by kora.readings.ingest.layout
            "line": records["line"].astype("int64"),
            "column": column_labels(records["value_col"]),
        }
    )
    cell = cell_keys(indicators.rule_pos, months)
    bad = np.logical_or.reduce([f.bad for f in findings])
    if bad.any():
        readings, cell = readings[~bad], cell[~bad]
    rules = {r.id: r for r in catalogue.rules}
    merged = merge_duplicates(readings, rules, cell)
    problems = [*ex.problems, *(p for f in findings for p in f.problems), *merged.problems]
    notes = [*ex.notes, *merged.notes, *plausibility_notes(merged.readings, rules)]
    return Checked(merged.readings, capped(problems), notes, ex.n_empty, ex.layout, upload.description, values.decimal)


def empty_readings() -> pd.DataFrame:
    """Checked readings of a file without any (typed columns, so diffs and inserts need no special case)."""
    return pd.DataFrame(
        {
            "indicator_id": pd.Series([], dtype="str"),
            "month": pd.Series([], dtype="datetime64[us]"),
            "value": pd.Series([], dtype="float64"),
            "comment": pd.Series([], dtype="str"),
            "source": pd.Series([], dtype="str"),
            "line": pd.Series([], dtype="int64"),
            "column": pd.Series([], dtype="str"),
        }
    )


def parse_file(data: bytes, catalogue: Catalogue, *, today: dt.date | None = None) -> Checked:
    """Read + check one file without touching the DB (used by previews, tests and benchmarks)."""
    try:
        upload = read_upload(data)
    except FileRejected as err:
        return Checked(empty_readings(), list(err.problems), [], 0, "", "")
    return check_upload(upload, catalogue, today=today)
