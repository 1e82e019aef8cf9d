"""Turn a grid into one record per reported cell (the header row is found by `header.py`).

Two layouts, recognised by their header:
- long: one row per reading, columns Indikator, Monat, Wert (+ Kommentar, Kommune, Quelle);
  headers case-insensitive, English aliases allowed;
- wide: one row per indicator, one column per month (`Jan 25`, `2025-03`, date cells …).

Helper columns of the template (Name, Einheit) are allowed and ignored. A wide sheet may have
one Kommentar column: it is the comment of the indicator's row and is stored with every reading
of that row (a sheet kept per indicator has no place for a comment per month; dropping it would
lose text the coordinator wrote, rejecting the file would refuse the usual layout). Any other
column that holds data is an error rather than being dropped, with a message listing what the
file's layout allows; blank rows are skipped (they are not data); empty value cells mean "not
reported" and are counted, never turned into 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kora.periods import read_month
from kora.readings.ingest.columns import repeat_label, repeat_text
from kora.readings.ingest.header import find_header, role_of
from kora.readings.ingest.problems import Problem, column_label, column_letter, display

EMPTY_MARKERS = {"#nv", "#n/a", "#n/v"}
ALLOWED_LONG = "Indikator, Monat, Wert, Kommentar (optional: Kommune, Quelle, Name, Einheit)"
ALLOWED_WIDE = (
    "Indikator (oder Name), Monatsspalten wie „Jan 25“, „03.2025“ oder „2025-03“ und eine Spalte Kommentar "
    "(optional: Name, Einheit)"
)


@dataclass
class Extracted:
    records: pd.DataFrame
    layout: str  # "lang" | "breit"
    header_line: int
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    n_empty: int = 0


RECORD_COLUMNS = (
    "line",
    "ind_raw",
    "ind_col",
    "month",
    "month_raw",
    "month_col",
    "value_raw",
    "value_col",
    "comment",
    "comment_col",
    "kommune_raw",
    "kommune_col",
    "source",
)


def _is_empty(values: pd.Series) -> pd.Series:
    """True where a cell holds nothing (None, '' or only spaces)."""
    if values.dtype == object:
        return values.map(lambda v: v is None or (isinstance(v, str) and not v.strip()) or v != v).astype(bool)
    return values.str.strip() == ""


def _na_marker(values: pd.Series) -> pd.Series:
    """Excel's #NV / #N/A: 'not available' = not reported (only cells starting with '#' are looked at)."""
    text = _as_text(values)
    marked = text.str.startswith("#").fillna(False).astype(bool)
    if not marked.any():
        return marked
    return marked & text.str.casefold().isin(EMPTY_MARKERS)


def _as_text(values: pd.Series) -> pd.Series:
    if values.dtype == object:
        return values.map(display).astype("str")
    return values.str.strip()


def _blank_rows(grid: pd.DataFrame) -> pd.Series:
    blank = np.ones(len(grid), dtype=bool)
    for c in grid.columns:  # column by column, only rows still blank: data rows drop out at the first cell
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        blank[rows] = _is_empty(grid[c].iloc[rows]).to_numpy(dtype=bool)
    return pd.Series(blank, index=grid.index)


def extract(grid: pd.DataFrame) -> Extracted:
    """Records of all non-empty value cells; problems for header and column issues."""
    blank = _blank_rows(grid)
    header_line, kind = find_header(grid, blank)
    headers = list(grid.loc[header_line])
    rows = (grid.index > header_line) & ~blank.to_numpy()
    first = int(np.argmax(rows)) if rows.any() else len(rows)
    # the usual file has no blank row after the header: a slice, not a copy of every column
    body = grid.iloc[first:] if rows[first:].all() else grid.loc[rows]
    skipped = [int(i) for i in grid.index[(grid.index < header_line) & ~blank.to_numpy()]]
    result = _long(body, headers, header_line) if kind == "lang" else _wide(body, headers, header_line)
    if skipped:
        rows = f"Zeile {skipped[0]}" if len(skipped) == 1 else f"Zeilen {skipped[0]}–{skipped[-1]}"
        result.notes.insert(0, f"{rows} vor der Kopfzeile (Zeile {header_line}) wurde als Titel übersprungen.")
    return result


def _unknown_columns(
    body: pd.DataFrame, headers: list[object], used: set[int], line: int, *, allowed: str = ALLOWED_LONG
) -> list[Problem]:
    """Problems for columns that hold data but have no role in this layout (`allowed` says which do)."""
    problems = []
    for i, header in enumerate(headers):
        if i in used or role_of(header) in ("info", "name"):
            continue
        filled = ~_is_empty(body[i]) if len(body) else pd.Series([], dtype=bool)
        if not filled.any():
            continue  # empty trailing columns Excel leaves behind
        first = int(body.index[filled.to_numpy()][0])
        if display(header):
            problems.append(
                Problem(
                    line=line,
                    column=column_label(i, header),
                    value=display(header),
                    message=f"Unbekannte Spalte „{display(header)}“. "
                    f"{'Im breiten Format erlaubt' if allowed == ALLOWED_WIDE else 'Erlaubt'} sind {allowed}. "
                    "Bitte die Spalte löschen oder passend umbenennen.",
                )
            )
        else:
            problems.append(
                Problem(
                    line=first,
                    column=column_letter(i),
                    value=display(body.at[first, i]),
                    message="Diese Spalte hat keine Überschrift, enthält aber Werte. "
                    "Bitte eine Überschrift (z. B. Kommentar) eintragen oder die Werte löschen.",
                )
            )
    return problems


@dataclass
class LongColumns:
    """Where the long layout's roles are (role -> column index), and what is wrong with the header.

    `missing` names the required roles without a column; then no record can be read (a typed
    result, so control flow never depends on the wording of a German message).
    """

    cols: dict[str, int]
    problems: list[Problem]
    missing: tuple[str, ...]


REQUIRED_LONG = (("indicator", "Indikator"), ("month", "Monat"), ("value", "Wert"))


def long_columns(headers: list[object], line: int) -> LongColumns:
    """Assign each header its role; a doubled role or a missing Indikator/Monat/Wert column is a problem."""
    problems: list[Problem] = []
    cols: dict[str, int] = {}
    for i, header in enumerate(headers):
        role = role_of(header)
        if role is None or role == "info":
            continue
        if role in cols:
            problems.append(
                Problem(
                    line=line,
                    column=column_label(i, header),
                    value=display(header),
                    message=f"Die Spalte „{display(header)}“ kommt doppelt vor (auch Spalte "
                    f"{column_letter(cols[role])}). Bitte eine der beiden löschen.",
                )
            )
            continue
        cols[role] = i
    if "indicator" not in cols and "name" in cols:
        cols["indicator"] = cols.pop("name")
    missing = tuple(role for role, _ in REQUIRED_LONG if role not in cols)
    for role, label in REQUIRED_LONG:
        if role in missing:
            message = f"Die Spalte „{label}“ fehlt in der Kopfzeile. Benötigt werden Indikator, Monat und Wert."
            problems.append(Problem(line=line, column=None, value=None, message=message))
    return LongColumns(cols, problems, missing)


def _empty_values(value: pd.Series) -> tuple[np.ndarray, pd.Series | None]:
    """Value cells that hold nothing or #NV ("not reported"); text cells come back stripped (else None)."""
    if value.dtype == object:
        return (_is_empty(value) | _na_marker(value)).to_numpy(dtype=bool), None
    # text cells: strip once, then the same two tests as _is_empty and _na_marker
    stripped = value.str.strip()
    empty_value = (stripped == "").to_numpy(dtype=bool)
    marked = stripped.str.startswith("#").to_numpy(dtype=bool)
    if marked.any():
        empty_value = empty_value | (marked & stripped.str.casefold().isin(EMPTY_MARKERS).to_numpy(dtype=bool))
    return empty_value, stripped


def _long(body: pd.DataFrame, headers: list[object], line: int) -> Extracted:
    """One record per row with a value; rows without one are counted as not reported."""
    found = long_columns(headers, line)
    problems = found.problems + _unknown_columns(body, headers, set(found.cols.values()), line)
    if found.missing:
        return Extracted(_empty_records(), "lang", line, problems)
    empty_value, stripped = _empty_values(body[found.cols["value"]])
    n_empty = int(empty_value.sum())
    rows = body.loc[~empty_value] if n_empty else body
    if stripped is None:
        value_raw = _raw_values(rows[found.cols["value"]])
    else:  # already stripped
        value_raw = (stripped[~empty_value] if n_empty else stripped).reset_index(drop=True)
    records = _long_records(rows, found.cols, headers, value_raw)
    notes = []
    if n_empty:
        notes.append(f"{n_empty} Zeile(n) ohne Wert: gelten als „nicht gemeldet“ und werden nicht gespeichert.")
    return Extracted(records, "lang", line, problems, notes, n_empty)


def _long_records(
    rows: pd.DataFrame, cols: dict[str, int], headers: list[object], value_raw: pd.Series
) -> pd.DataFrame:
    """The records of the rows with a value: text per role, one column label per role."""
    n = len(rows)

    def text(role: str) -> pd.Series:
        if role not in cols:
            return repeat_text("", n)
        return _as_text(rows[cols[role]]).reset_index(drop=True)

    def label(role: str) -> pd.Series:
        return repeat_label(column_label(cols[role], headers[cols[role]]) if role in cols else "", n)

    month_cells = rows[cols["month"]]
    month_raw = _as_text(month_cells).reset_index(drop=True)
    # text cells: month_raw is the stripped text _parse_months would compute again
    month = _parse_months(month_cells) if month_cells.dtype == object else _parse_months(month_raw, stripped=True)
    return pd.DataFrame(
        {
            "line": rows.index.to_numpy(dtype="int64"),
            "ind_raw": text("indicator"),
            "ind_col": label("indicator"),
            "month": month,
            "month_raw": month_raw,
            "month_col": label("month"),
            "value_raw": value_raw,
            "value_col": label("value"),
            "comment": text("comment"),
            "comment_col": label("comment"),
            "kommune_raw": text("kommune"),
            "kommune_col": label("kommune"),
            "source": text("source"),
        },
        index=pd.RangeIndex(n),
    )


def _raw_values(cells: pd.Series) -> pd.Series:
    """Typed XLSX cells stay Python objects (pandas must not infer datetimes from them); text is stripped."""
    if cells.dtype == object:
        return pd.Series(cells.to_numpy(), dtype=object)
    return cells.str.strip().reset_index(drop=True)


def _parse_months(cells: pd.Series, *, stripped: bool = False) -> np.ndarray:
    """datetime64 month starts (NaT = not recognised); each distinct cell is parsed once.

    `stripped`: text cells were already stripped by the caller (saves a pass over the column).
    """
    if cells.dtype == object:  # typed XLSX cells (small files): a plain lookup
        keys = [v.strip() if isinstance(v, str) else v for v in cells.tolist()]
        lookup = {k: _month64(read_month(k)) for k in dict.fromkeys(keys)}
        return np.array([lookup[k] for k in keys], dtype="datetime64[us]")
    else:
        codes, uniques = pd.factorize(cells if stripped else cells.str.strip(), use_na_sentinel=False)
        distinct = list(uniques)
    parsed = np.array([_month64(read_month(u)) for u in distinct], dtype="datetime64[us]")
    return parsed[codes] if len(parsed) else np.array([], dtype="datetime64[us]")


def _month64(month: dt.date | None) -> np.datetime64:
    return np.datetime64("NaT", "us") if month is None else np.datetime64(month, "us")


@dataclass
class WideColumns:
    """Where the wide layout's parts are: indicator column, optional comment column, month columns."""

    ind_col: int
    comment_col: int | None
    months: dict[int, dt.date]
    doubled: set[int]  # further comment columns (reported here, not again as unknown columns)
    problems: list[Problem]

    @property
    def used(self) -> set[int]:
        return {self.ind_col, *self.months, *self.doubled} | (
            {self.comment_col} if self.comment_col is not None else set()
        )


def wide_columns(headers: list[object], line: int) -> WideColumns:
    """Indicator column (an id column wins over a name column; default: the first), comment, months."""
    problems: list[Problem] = []
    ind_col: int | None = None
    comment_col: int | None = None
    doubled: set[int] = set()
    months: dict[int, dt.date] = {}
    for i, header in enumerate(headers):
        role = role_of(header)
        takes_over = ind_col is None or role_of(headers[ind_col]) == "name"
        if (role == "indicator" and takes_over) or (role == "name" and ind_col is None):
            ind_col = i
        elif role == "comment" and comment_col is None:
            comment_col = i
        elif role == "comment" and comment_col is not None:
            doubled.add(i)
            problems.append(_doubled_comment(i, header, first=comment_col, line=line))
        elif role is None and (month := read_month(header)) is not None:
            months[i] = month
    return WideColumns(0 if ind_col is None else ind_col, comment_col, months, doubled, problems)


def _doubled_comment(i: int, header: object, *, first: int, line: int) -> Problem:
    """A second Kommentar column in the wide layout: one comment per row, so the coordinator merges them."""
    return Problem(
        line=line,
        column=column_label(i, header),
        value=display(header),
        message=f"Die Spalte „{display(header)}“ kommt doppelt vor (auch Spalte "
        f"{column_letter(first)}). Im breiten Format gibt es einen Kommentar je Zeile; "
        "bitte die Kommentare in einer Spalte zusammenfassen.",
    )


def _wide(body: pd.DataFrame, headers: list[object], line: int) -> Extracted:
    """One record per filled month cell; a Kommentar column's text goes with every reading of its row."""
    found = wide_columns(headers, line)
    problems = found.problems + _unknown_columns(body, headers, found.used, line, allowed=ALLOWED_WIDE)
    if not len(body) or not found.months:
        return Extracted(_empty_records(), "breit", line, problems)
    comment_text = _as_text(body[found.comment_col]) if found.comment_col is not None else None
    parts, reported, n_empty = _wide_parts(body, headers, found, comment_text)
    notes = _wide_notes(body, headers, found, comment_text, reported)
    if not parts:
        return Extracted(_empty_records(), "breit", line, problems, notes[1:], n_empty)
    records = pd.concat(parts, ignore_index=True)
    records = records.sort_values(["line", "_order"], kind="stable", ignore_index=True).drop(columns="_order")
    if n_empty:
        notes.append(f"{n_empty} leere Zelle(n): gelten als „nicht gemeldet“ und werden nicht gespeichert.")
    return Extracted(records, "breit", line, problems, notes, n_empty)


def _wide_parts(
    body: pd.DataFrame, headers: list[object], found: WideColumns, comment_text: pd.Series | None
) -> tuple[list[pd.DataFrame], np.ndarray, int]:
    """Records per month column (to be sorted by row), rows with any value, empty cells of named indicators."""
    ind_col = found.ind_col
    ind_label = column_label(ind_col, headers[ind_col]) if display(headers[ind_col]) else column_letter(ind_col)
    comment_label = column_label(found.comment_col, headers[found.comment_col]) if found.comment_col is not None else ""
    ind_text = _as_text(body[ind_col])
    reported = np.zeros(len(body), dtype=bool)
    parts = []
    n_empty = 0
    for i, month in found.months.items():
        cells = body[i]
        empty = _is_empty(cells) | _na_marker(cells)
        n_empty += int((empty & (ind_text != "")).sum())
        keep = ~empty.to_numpy()
        if not keep.any():
            continue
        reported |= keep
        values = cells[keep]
        parts.append(
            pd.DataFrame(
                {
                    "line": values.index.to_numpy(dtype="int64"),
                    "ind_raw": ind_text[keep].to_numpy(),
                    "ind_col": ind_label,
                    "month": np.full(len(values), _month64(month)),
                    "month_raw": display(headers[i]),
                    "month_col": column_label(i, headers[i]),
                    "value_raw": _raw_values(values),
                    "value_col": column_label(i, headers[i]),
                    "comment": comment_text[keep].to_numpy() if comment_text is not None else "",
                    "comment_col": comment_label,
                    "kommune_raw": "",
                    "kommune_col": "",
                    "source": "",
                    "_order": i,
                }
            )
        )
    return parts, reported, n_empty


def _wide_notes(
    body: pd.DataFrame, headers: list[object], found: WideColumns, comment_text: pd.Series | None, reported: np.ndarray
) -> list[str]:
    """How the sheet was read; comments of rows without any value are named (they cannot be stored)."""
    n = len(found.months)
    notes = [f"Breites Format: {n} Monatsspalte{'' if n == 1 else 'n'} erkannt."]
    if comment_text is None or found.comment_col is None:
        return notes
    comment_label = column_label(found.comment_col, headers[found.comment_col])
    notes[0] = notes[0][:-1] + f"; der Kommentar aus Spalte {comment_label} gilt für jeden Wert seiner Zeile."
    orphan = (~reported) & (comment_text != "").to_numpy(dtype=bool)
    if orphan.any():  # a comment without any value of its row: nothing to attach it to
        lines = [int(x) for x in body.index[orphan]]
        shown = ", ".join(str(x) for x in lines[:10]) + (" …" if len(lines) > 10 else "")
        notes.append(
            f"{'Zeile' if len(lines) == 1 else 'Zeilen'} {shown}: Kommentar ohne Wert in derselben Zeile "
            "wird nicht gespeichert (ein Kommentar gehört zu den Werten seiner Zeile)."
        )
    return notes


def _empty_records() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in RECORD_COLUMNS})
    frame["month"] = frame["month"].astype("datetime64[us]")
    return frame
