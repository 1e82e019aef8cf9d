"""The same indicator and month twice in one file: merged when identical, a problem otherwise."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kora import fmt
from kora.readings.catalogue import Rule
from kora.readings.ingest import Problem

KEYS = ["indicator_id", "month"]


@dataclass
class Merged:
    """Readings with identical duplicates folded into one row, plus what to tell the coordinator."""

    readings: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def cell_keys(rule_pos: np.ndarray, months: pd.Series) -> np.ndarray:
    """One int64 per reading, equal exactly when indicator and month are: duplicates are found by hashing integers.

    Months are first days, so their day number identifies them (NaT rows are bad and dropped before use).
    """
    days = months.to_numpy(dtype="datetime64[us]").view(np.int64) // 86_400_000_000
    return (rule_pos << 32) + days + 2**31


def merge_duplicates(readings: pd.DataFrame, rules: dict[str, Rule], cell: np.ndarray) -> Merged:
    """Same indicator and month twice: fine when identical (merged, noted), an error otherwise."""
    ordered = np.sort(cell)  # the usual file has no duplicate: one sort says so
    if not (ordered[1:] == ordered[:-1]).any():
        return Merged(readings)
    dup = pd.Series(cell).duplicated(keep=False).to_numpy()
    problems: list[Problem] = []
    for (ind, month), part in readings[dup].groupby(KEYS, sort=False):
        problems += _conflicts(part, rules[ind], month)
    merged = readings.copy()
    # identical duplicates: keep the first row, with the one non-empty comment if any
    merged.loc[dup, "comment"] = merged[dup].groupby(KEYS)["comment"].transform("max")
    keep = ~merged.duplicated(KEYS, keep="first").to_numpy()
    n_same = int(len(merged) - keep.sum())
    notes = [] if problems else [f"{n_same} doppelte Zeile(n) mit gleichem Wert wurden zusammengefasst."]
    return Merged(merged[keep], problems, notes)


def _conflicts(part: pd.DataFrame, rule: Rule, month: dt.date) -> list[Problem]:
    """Problems for the second and later rows of one cell when values or comments differ (none when identical)."""
    distinct_values = part["value"].nunique() > 1
    comments = {c for c in part["comment"] if c}
    if not distinct_values and len(comments) <= 1:
        return []
    lines = ", ".join(str(x) for x in part["line"])
    what = "unterschiedlichen Werten" if distinct_values else "unterschiedlichen Kommentaren"
    shown = " und ".join(dict.fromkeys(fmt.exact_number(v) for v in part["value"]))
    message = (
        f"„{rule.name}“ ({rule.id}) für {fmt.month_numeric(month)} steht mehrfach in der Datei "
        f"(Zeilen {lines}) mit {what}"
        + (f" ({shown})" if distinct_values else "")
        + ". Bitte nur eine Zeile stehen lassen."
    )
    return [
        Problem(line=int(row.line), column=row.column, value=fmt.exact_number(row.value), message=message)
        for row in part.iloc[1:].itertuples(index=False)
    ]
