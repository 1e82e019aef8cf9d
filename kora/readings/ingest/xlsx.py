"""XLSX (Excel-Arbeitsmappe) -> a grid of typed cells indexed by Excel row number.

openpyxl in read-only mode with cached formula results (`data_only`). The sheet is the one
named like "Messwerte", else the first worksheet. Typed cells stay typed (numbers, dates,
booleans), so nothing is re-parsed from text. A number formatted as percent is stored as 0.45
and shown by Excel as 45 %; which of the two is meant depends on the indicator, which only the
check of values knows (`kora.readings.check_values`), so such a cell is read as a `PercentCell` carrying both (see there).
`reset_dimensions()` guards against writers that store a wrong sheet size (openpyxl would
otherwise stop early and silently drop rows).
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from kora.readings.ingest import container
from kora.readings.ingest.problems import FileRejected, Problem, column_letter
from kora.readings.ingest.sniff import MAX_LINES_NAMED, MOJIBAKE, MOJIBAKE_NOTE

MAX_CELLS = container.MAX_CELLS  # also counted in the XML before parsing; this guards what openpyxl yields
MAX_COLUMNS = 1000  # a wide layout has one column per month: 1000 is 80 years
SHEET_HINT = "messwert"


def pick_sheet(names: list[str]) -> str:
    for name in names:
        if SHEET_HINT in name.casefold().replace(" ", ""):
            return name
    return names[0]


class PercentCell(float):
    """A number cell formatted as percent: the float is the stored value (0.45), `percent` what
    Excel shows (45). For an indicator in % the shown number is meant; for any other unit the
    cell is ambiguous (0,5 km shown as „50 %“: 0,5 or 50?) and the check rejects it rather
    than guess — multiplying by 100 turned 0,5 km into 50 km."""

    __slots__ = ()

    @property
    def percent(self) -> float:
        return float(f"{float(self) * 100:.15g}")

    @property
    def excel_text(self) -> str:
        """The cell as Excel shows it, e.g. „50 %“ (German decimal comma)."""
        return f"{self.percent:.15g}".replace(".", ",") + " %"


def _number(value: float, number_format: str | None) -> float:
    value = float(f"{value:.15g}")
    if number_format and "%" in number_format:
        return PercentCell(value)
    return value


READ_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError)
UNREADABLE = (
    "Die Excel-Arbeitsmappe ist beschädigt oder kann nicht gelesen werden ({error}). "
    "Bitte in Excel öffnen und als .xlsx neu speichern."
)
DAMAGED = "Die Excel-Arbeitsmappe ist beschädigt ({error}). Bitte in Excel öffnen und neu speichern."
TOO_LARGE = "Das Tabellenblatt ist zu groß. Bitte nur die Messwerte hochladen."
TOO_WIDE = (
    "Zeile {row} des Tabellenblatts hat Inhalt in {n} Spalten (erlaubt sind höchstens {limit}). "
    "Bitte nur die Messwerte hochladen."
)


def read_grid(data: bytes) -> tuple[pd.DataFrame, str]:
    """(grid of object cells with Excel row numbers as index, sheet name).

    The zip is inspected first (`kora.readings.ingest.container`: unpacked size, XML entities,
    empty rows dropped), so openpyxl only ever sees a bounded, entity-free workbook.
    """
    wb = _open_workbook(container.inspect_workbook(data))
    try:
        sheets = [ws.title for ws in wb.worksheets]
        if not sheets:
            raise FileRejected(Problem(None, None, None, "Die Excel-Arbeitsmappe enthält kein Tabellenblatt."))
        name = pick_sheet(sheets)
        ws = wb[name]
        ws.reset_dimensions()
        rows, row_numbers = read_rows(ws.iter_rows())
    except FileRejected:
        raise
    except READ_ERRORS as err:  # a broken part of the zip shows only while the sheet is read
        raise FileRejected(Problem(None, None, None, DAMAGED.format(error=type(err).__name__))) from None
    finally:
        wb.close()
    return to_grid(rows, row_numbers), name


def read_sheets(data: bytes) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, grid) of every worksheet: a Maßnahmenliste workbook keeps its Ereignisse on a
    second sheet. MAX_CELLS bounds all sheets together, so a second sheet cannot double the memory."""
    wb = _open_workbook(data)
    out: list[tuple[str, pd.DataFrame]] = []
    budget = MAX_CELLS
    try:
        if not wb.worksheets:
            raise FileRejected(Problem(None, None, None, "Die Excel-Arbeitsmappe enthält kein Tabellenblatt."))
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows, row_numbers = read_rows(ws.iter_rows(), limit=budget)
            budget -= sum(len(r) for r in rows)
            out.append((ws.title, to_grid(rows, row_numbers)))
    except FileRejected:
        raise
    except READ_ERRORS as err:  # a broken part of the zip shows only while the sheet is read
        raise FileRejected(Problem(None, None, None, DAMAGED.format(error=type(err).__name__))) from None
    finally:
        wb.close()
    return out


def _open_workbook(data: bytes) -> Any:
    """openpyxl's read-only workbook with cached formula results; unreadable bytes are a FileRejected."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except READ_ERRORS as err:
        raise FileRejected(Problem(None, None, None, UNREADABLE.format(error=type(err).__name__))) from None


def cell_value(cell: Any) -> object:
    """A cell as the grid holds it: numbers as float (PercentCell when percent-formatted), times as text.

    The number format is looked up for numbers only (a style lookup per cell would slow big sheets).
    """
    value = cell.value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _number(float(value), getattr(cell, "number_format", None))
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def read_rows(sheet_rows: Iterable[Sequence[Any]], *, limit: int = MAX_CELLS) -> tuple[list[list[object]], list[int]]:
    """Cell values per row and each row's Excel number; more than `limit` cells is a FileRejected.

    Read-only sheets skip empty rows: a cell's own row number (when it has one) is the truth.
    Empty rows are not kept (a gap of a million rows costs nothing then).
    """
    rows: list[list[object]] = []
    row_numbers: list[int] = []
    cells = 0
    current = 0
    for row in sheet_rows:
        current += 1
        values: list[object] = []
        for cell in row:
            if getattr(cell, "row", None) is not None and cell.row != current:
                current = cell.row
            values.append(cell_value(cell))
        while values and values[-1] is None:  # styled empty cells at the end of a row hold nothing
            values.pop()
        if not values:  # an empty row (openpyxl fills gaps with them): the index keeps Excel's numbers
            continue
        if len(values) > MAX_COLUMNS:
            raise FileRejected(
                Problem(current, None, None, TOO_WIDE.format(row=current, n=len(values), limit=MAX_COLUMNS))
            )
        cells += len(values)
        if cells > limit:
            raise FileRejected(Problem(None, None, None, TOO_LARGE))
        rows.append(values)
        row_numbers.append(current)
    return rows, row_numbers


def mojibake_notes(grid: pd.DataFrame) -> list[str]:
    """The text files' mojibake warning ("StraÃŸe") for text cells of a workbook, naming the cells.

    A workbook has no encoding to guess, but its cells can hold text that was pasted in after
    it had once been decoded wrongly (a CSV opened as Windows-1252, then copied into Excel).
    Bounded: the grid is at most MAX_CELLS, the cells named at most MAX_LINES_NAMED (+ a count).
    """
    cells: list[str] = []
    found = 0
    for column in grid.columns:
        for row, value in grid[column].items():
            if isinstance(value, str) and MOJIBAKE.search(value):
                found += 1
                if len(cells) < MAX_LINES_NAMED:
                    cells.append(f"{column_letter(int(column))}{row}")
    if not found:
        return []
    more = f" (und {found - len(cells)} weiteren)" if found > len(cells) else ""
    return [MOJIBAKE_NOTE.format(where=f"Zelle {', '.join(cells)}{more}")]


def to_grid(rows: list[list[object]], row_numbers: list[int]) -> pd.DataFrame:
    """Rows padded to one width, indexed by Excel row number, columns 0..n-1 (one empty column when no rows)."""
    width = max((len(r) for r in rows), default=1)
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], index=row_numbers, dtype=object)
    if grid.empty:
        grid = pd.DataFrame({0: pd.Series([], dtype=object)})
    grid.columns = range(grid.shape[1])
    return grid
