"""Upload templates (CSV and XLSX), pre-filled with the indicators and the months that are due.

A coordinator who starts from the template cannot get the header, the indicator ids or the
month format wrong. "Due" = months from the plan start to the last complete month in which an
indicator has no value yet and is due (quarterly indicators only at quarter end; at most the
last 24 months); when everything is reported, the last complete month, so the template is
never empty. The CSV is what German Excel opens with a double click: UTF-8 with BOM,
semicolons, CRLF.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd

from kora import fmt
from kora.db import Database, import_store
from kora.readings.catalogue import Catalogue, last_reportable_month

MAX_MONTHS = 24
HEADER = ("Indikator", "Name", "Einheit", "Monat", "Wert", "Kommentar")


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def due_cells(db: Database, *, kommune: str, today: dt.date | None = None) -> pd.DataFrame:
    """indicator_id, name, unit, month of every cell still to report (catalogue order, month order)."""
    catalogue = Catalogue.from_db(db, kommune=kommune)
    last = last_reportable_month(today)
    months = _months(catalogue.plan_start, last)[-MAX_MONTHS:] if catalogue.plan_start <= last else []
    reported = import_store.reported_cells(db, kommune=kommune)
    done = {(r.indicator_id, pd.Timestamp(r.month).date()) for r in reported.itertuples(index=False)}
    rows = [(r.id, r.name, r.unit, m) for m in months for r in catalogue.rules if r.due_in(m) and (r.id, m) not in done]
    if not rows and months:
        rows = [(r.id, r.name, r.unit, months[-1]) for r in catalogue.rules if r.due_in(months[-1])]
    return pd.DataFrame(rows, columns=["indicator_id", "name", "unit", "month"])


def template_csv(db: Database, *, kommune: str, today: dt.date | None = None) -> bytes:
    cells = due_cells(db, kommune=kommune, today=today)
    lines = [";".join(HEADER)]
    for r in cells.itertuples(index=False):
        lines.append(";".join((r.indicator_id, _csv(r.name), _csv(r.unit), fmt.month_numeric(r.month), "", "")))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _csv(text: str) -> str:
    if any(ch in text for ch in ';"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def template_xlsx(db: Database, *, kommune: str, today: dt.date | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    cells = due_cells(db, kommune=kommune, today=today)
    catalogue = Catalogue.from_db(db, kommune=kommune)
    wb = Workbook()
    ws = wb.active
    ws.title = "Messwerte"
    ws.append(list(HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    yesno = DataValidation(type="list", formula1='"ja,nein"', allow_blank=True)
    ws.add_data_validation(yesno)
    yesno_ids = {r.id for r in catalogue.rules if r.direction == "yesno"}
    for i, r in enumerate(cells.itertuples(index=False), start=2):
        _text(ws.cell(i, 1), r.indicator_id)
        _text(ws.cell(i, 2), r.name)
        _text(ws.cell(i, 3), r.unit)
        month_cell = ws.cell(i, 4, dt.datetime(r.month.year, r.month.month, 1))
        month_cell.number_format = "mm.yyyy"
        if r.indicator_id in yesno_ids:
            yesno.add(f"E{i}")
    for col, width in zip("ABCDEF", (26, 52, 10, 10, 12, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"

    info = wb.create_sheet("Indikatoren")
    info.append(["Indikator", "Name", "Einheit", "Minimum", "Maximum", "Ganze Zahl", "Hinweis"])
    for cell in info[1]:
        cell.font = Font(bold=True)
    for r in catalogue.rules:
        hint = "ja oder nein eintragen" if r.direction == "yesno" else "Zahl ohne Einheit, Dezimalkomma erlaubt"
        row = [r.id, r.name, r.unit, r.minimum, r.maximum, "ja" if r.integer else "nein", hint]
        info.append(row)
    for col, width in zip("ABCDEFG", (26, 52, 10, 10, 10, 10, 40), strict=True):
        info.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(cell: Any, value: str) -> None:
    """Write text that spreadsheet programs must never run as a formula."""
    cell.value = value
    cell.data_type = "s"
