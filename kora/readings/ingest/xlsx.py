"""XLSX (Excel-Arbeitsmappe) -> a grid of typed cells indexed by Excel row number.

openpyxl in read-only mode with cached formula results (`data_only`). The sheet is the one
named like "Messwerte", else the first worksheet. Typed cells stay typed (numbers, dates,
booleans), so nothing is re-parsed from text. A number formatted as percent is stored as 0.45
and shown by Excel as 45 %; which of the two is meant depends on the indicator, which only the
importer knows, so such a cell is read as a `PercentCell` carrying both (see there).
`reset_dimensions()` guards against writers that store a wrong sheet size (openpyxl would
otherwise stop early and silently drop rows).
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

import pandas as pd

from kora.readings.ingest.problems import FileRejected, Problem

MAX_CELLS = 3_000_000
SHEET_HINT = "messwert"


def pick_sheet(names: list[str]) -> str:
    for name in names:
        if SHEET_HINT in name.casefold().replace(" ", ""):
            return name
    return names[0]


class PercentCell(float):
    """A number cell formatted as percent: the float is the stored value (0.45), `percent` what
    Excel shows (45). For an indicator in % the shown number is meant; for any other unit the
    cell is ambiguous (0,5 km shown as „50 %“: 0,5 or 50?) and the importer rejects it rather
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


def read_grid(data: bytes) -> tuple[pd.DataFrame, str]:
    """(grid of object cells with Excel row numbers as index, sheet name)."""
    ((name, grid),) = read_sheets(data, pick=pick_sheet)
    return grid, name


def read_sheets(data: bytes, *, pick: Callable[[list[str]], str] | None = None) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, grid) of the picked sheet, or of every worksheet when `pick` is None
    (a Maßnahmenliste workbook keeps its Ereignisse on a second sheet). MAX_CELLS counts all."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as err:
        raise FileRejected(
            Problem(
                None,
                None,
                None,
                "Die Excel-Arbeitsmappe ist beschädigt oder kann nicht gelesen werden "
                f"({type(err).__name__}). Bitte in Excel öffnen und als .xlsx neu speichern.",
            )
        ) from None
    try:
        sheets = [ws.title for ws in wb.worksheets]
        if not sheets:
            raise FileRejected(Problem(None, None, None, "Die Excel-Arbeitsmappe enthält kein Tabellenblatt."))
        names = [pick(sheets)] if pick else sheets
        out: list[tuple[str, pd.DataFrame]] = []
        cells = 0
        for name in names:
            grid, cells = _sheet_grid(wb[name], cells)
            out.append((name, grid))
    except FileRejected:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as err:
        raise FileRejected(
            Problem(
                None,
                None,
                None,
                f"Die Excel-Arbeitsmappe ist beschädigt ({type(err).__name__}). Bitte in Excel öffnen und neu speichern.",
            )
        ) from None
    finally:
        wb.close()
    return out


def _sheet_grid(ws: Any, cells: int) -> tuple[pd.DataFrame, int]:
    """One worksheet as a grid; `cells` counts cells read so far (the MAX_CELLS budget)."""
    ws.reset_dimensions()
    rows: list[list[object]] = []
    row_numbers: list[int] = []
    current = 0
    for row in ws.iter_rows():
        current += 1
        values: list[object] = []
        for cell in row:
            if getattr(cell, "row", None) is not None and cell.row != current:
                current = cell.row
            value = cell.value
            if isinstance(value, float | int) and not isinstance(value, bool):
                value = _number(float(value), getattr(cell, "number_format", None))
            elif isinstance(value, dt.time):
                value = value.isoformat()
            values.append(value)
        cells += len(values)
        if cells > MAX_CELLS:
            raise FileRejected(
                Problem(None, None, None, "Das Tabellenblatt ist zu groß. Bitte nur die Messwerte hochladen.")
            )
        rows.append(values)
        row_numbers.append(current)
    width = max((len(r) for r in rows), default=1)
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], index=row_numbers, dtype=object)
    if grid.empty:
        grid = pd.DataFrame({0: pd.Series([], dtype=object)})
    grid.columns = range(grid.shape[1])
    return grid, cells
