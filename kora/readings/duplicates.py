"""The same indicator and month twice in one file: merged when identical, a problem otherwise.

Linear in the file (issue 15): conflicts are found with one stable sort of integer cell keys and
per-group reductions, and only the first `MAX_CONFLICT_CELLS` conflicting cells get problems; each
names at most `MAX_LINES_NAMED` lines and values. Listing every line in every message made a file
repeating one cell 10 000 times cost 8 s, 1,4 GB and 600 MB of JSON (the work was quadratic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kora import fmt
from kora.readings.catalogue import Rule
from kora.readings.findings import MAX_PER_KIND, more_problem
from kora.readings.ingest import Problem

KEYS = ["indicator_id", "month"]
MAX_LINES_NAMED = 10  # lines and distinct values named in one message
MAX_CONFLICT_CELLS = 10  # cells (indicator + month) that get their own problems


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
    frame = readings.reset_index(drop=True).assign(_cell=cell)
    dup = frame["_cell"].duplicated(keep=False).to_numpy()
    conflicting = _conflicting_cells(frame[dup])
    problems = conflict_problems(frame[dup], conflicting, rules) if len(conflicting) else []
    merged = readings.copy()
    # identical duplicates: keep the first row, with the one non-empty comment if any
    merged.loc[dup, "comment"] = merged[dup].groupby(KEYS)["comment"].transform("max")
    keep = ~merged.duplicated(KEYS, keep="first").to_numpy()
    n_same = int(len(merged) - keep.sum())
    notes = [] if problems else [f"{n_same} doppelte Zeile(n) mit gleichem Wert wurden zusammengefasst."]
    return Merged(merged[keep], problems, notes)


def _conflicting_cells(dups: pd.DataFrame) -> pd.Index:
    """Cell keys whose rows differ in value or in their non-empty comments (vectorised per-group reductions)."""
    by_cell = dups.groupby("_cell", sort=False)
    values = by_cell["value"].agg(["min", "max"])
    distinct_values = values["min"] != values["max"]
    comments = dups[dups["comment"].astype("str") != ""].groupby("_cell", sort=False)["comment"].nunique()
    distinct_comments = comments[comments > 1].index
    return values.index[distinct_values.to_numpy() | values.index.isin(distinct_comments)]


def conflict_problems(dups: pd.DataFrame, conflicting: pd.Index, rules: dict[str, Rule]) -> list[Problem]:
    """Problems for the first conflicting cells (second and later rows, capped), then one count of the rest."""
    rows = dups[dups["_cell"].isin(conflicting)]
    problems: list[Problem] = []
    n_rows = 0
    for n, (_key, part) in enumerate(rows.groupby("_cell", sort=False)):
        n_rows += len(part) - 1
        if n < MAX_CONFLICT_CELLS and len(problems) < MAX_PER_KIND:
            problems += _conflicts(part, rules[str(part["indicator_id"].iat[0])], part["month"].iat[0])
    rest = n_rows - len(problems)
    if rest > 0:
        problems.append(more_problem(rest, "doppelte Zeilen mit abweichenden Werten oder Kommentaren"))
    return problems


def _conflicts(part: pd.DataFrame, rule: Rule, month: dt.date) -> list[Problem]:
    """Problems for the second and later rows of one cell (at most MAX_LINES_NAMED, each naming the first lines)."""
    distinct_values = part["value"].nunique() > 1
    what = "unterschiedlichen Werten" if distinct_values else "unterschiedlichen Kommentaren"
    lines = _first(part["line"].tolist(), str)
    shown = _first(part["value"].unique().tolist(), fmt.exact_number, joiner=" und ")
    message = (
        f"„{rule.name}“ ({rule.id}) für {fmt.month_numeric(month)} steht mehrfach in der Datei "
        f"(Zeilen {lines}) mit {what}"
        + (f" ({shown})" if distinct_values else "")
        + ". Bitte nur eine Zeile stehen lassen."
    )
    return [
        Problem(line=int(row.line), column=row.column, value=fmt.exact_number(row.value), message=message)
        for row in part.iloc[1 : 1 + MAX_LINES_NAMED].itertuples(index=False)
    ]


def _first(items: list[Any], show: Callable[[Any], str], *, joiner: str = ", ") -> str:
    """The first MAX_LINES_NAMED items shown, then „… (N weitere)“."""
    shown = joiner.join(show(x) for x in items[:MAX_LINES_NAMED])
    more = len(items) - MAX_LINES_NAMED
    return f"{shown} … ({more} weitere)" if more > 0 else shown
