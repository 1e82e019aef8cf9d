"""What the checks of an upload report: problems located at a row and column, in Excel's order.

Every check of `kora.readings.check` returns a `Finding` — its problems plus a mask of the
records they make unusable — so the checks stay independent and the caller just combines them.
Records are handled column-wise (numpy masks), because a file may hold 100 000 readings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kora import fmt
from kora.readings.ingest import Problem, display

MAX_PER_KIND = 20  # problems listed per kind of finding; the rest are counted (issue 15: bounded answers)
MAX_PROBLEMS = 100  # problems listed per file in all, the rest counted

# `message` of `problems_from`: one sentence for all masked records, or one per record
Message = str | Callable[[Any, int], str]


@dataclass
class Finding:
    """What one check found: its problems and which records (True) cannot be stored."""

    problems: list[Problem] = field(default_factory=list)
    bad: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def none(cls, n: int) -> Finding:
        """Nothing found in `n` records."""
        return cls([], np.zeros(n, dtype=bool))


def per_distinct(values: pd.Series, func: Callable[[Any], Any], *, dtype: Any = object) -> np.ndarray:
    """func applied once per distinct value, spread back to all rows (vectorised via factorize)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.array([func(u) for u in uniques], dtype=dtype)
    return mapped[codes] if len(mapped) else np.array([], dtype=dtype)


def column_labels(column: pd.Series) -> pd.Series:
    """A record column of Excel column labels: Categorical as the layout made it, else text."""
    return column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("str")


def _shown_cell(row: Any, column: str) -> str | None:
    """The cell a problem points at, as the coordinator wrote it (comments cut to 60 characters)."""
    if column == "value_col":
        return display(row.value_raw)
    if column == "comment_col":
        return (row.comment or "")[:60]
    return display(getattr(row, column.replace("_col", "_raw")))


def problems_from(frame: pd.DataFrame, mask: pd.Series | np.ndarray, column: str, message: Message) -> list[Problem]:
    """Problems for the masked records; `message` is a str or a callable(row, position) -> str.

    Only the first MAX_PER_KIND records get their own problem; the rest are counted in one more
    (a file with 100 000 bad cells is answered with 21 lines, not 100 000).
    """
    all_positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    if not len(all_positions):
        return []
    positions = all_positions[:MAX_PER_KIND]
    out = []
    for pos, row in zip(positions, frame.iloc[positions].itertuples(index=False), strict=True):
        out.append(
            Problem(
                line=int(row.line),
                column=getattr(row, column) or None,
                value=_shown_cell(row, column),
                message=message(row, int(pos)) if callable(message) else message,
            )
        )
    if len(all_positions) > len(positions):
        out.append(more_problem(len(all_positions) - len(positions), f"wie in Zeile {out[-1].line}"))
    return out


def more_problem(n: int, kind: str) -> Problem:
    """The count that stands for problems not listed one by one (located after the listed ones)."""
    return Problem(
        line=None,
        column=None,
        value=None,
        message=f"… und {fmt.exact_number(n)} weitere Fehler ({kind}), nicht einzeln aufgeführt. "
        "Bitte die Datei nach dem gleichen Muster prüfen.",
    )


def capped(problems: list[Problem]) -> list[Problem]:
    """Sorted by row and column, at most MAX_PROBLEMS listed; counts of unlisted problems stay at the end."""
    listed = sorted_problems([p for p in problems if p.line is not None or not p.message.startswith("… und ")])
    counts = [p for p in problems if p.line is None and p.message.startswith("… und ")]
    if len(listed) > MAX_PROBLEMS:
        counts.append(more_problem(len(listed) - MAX_PROBLEMS, "weitere Zeilen"))
        listed = listed[:MAX_PROBLEMS]
    return listed + counts


def column_order(label: str | None) -> int:
    """'C (Wert)' → 3: problems of one row are listed left to right as in Excel."""
    if not label:
        return -1
    letters = label.split(" ", 1)[0]
    n = 0
    for ch in letters:
        if not ch.isalpha():
            return 0
        n = n * 26 + ord(ch.upper()) - 64
    return n


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """By row, then column (stable: problems of one cell keep the order the checks found them in)."""
    return sorted(problems, key=lambda p: (p.line or 0, column_order(p.column)))


def error_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """German table of a refused file's problems for the pages: Zeile, Spalte, Wert, Meldung."""
    return pd.DataFrame(
        {
            "Zeile": pd.array([p.line for p in problems], dtype="Int64"),
            "Spalte": [p.column or "" for p in problems],
            "Wert": [p.value or "" for p in problems],
            "Meldung": [p.message for p in problems],
        }
    )
