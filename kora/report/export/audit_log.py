"""The audit log as a file to hand on: semicolon CSV for German Excel and a one-sheet XLSX.

Why here and not in kora.access: access decides *who* may read the log and builds the German
table (kora.access.audit.entries); turning a table into file bytes is presentation, and the
Excel cell writer it reuses (`kora.report.export.xlsx.put`) lives in this package. Both formats
are formula-safe: a cell that starts with =, +, -, @, tab or CR stays text in Excel (a name
like "=HYPERLINK(…)" is not executed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kora import fmt, periods
from kora.report.export.xlsx import put

COLUMN_WIDTHS = {"Nr": 8, "Zeitpunkt": 20, "Wer": 26, "Aktion": 24, "Objekt": 36, "Ergebnis": 22, "Grund": 40}


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(fmt.FORMULA_START):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """Semicolon CSV in UTF-8 with BOM (opens in German Excel as is), formula-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow([_safe_text(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, *, title: str = "Audit-Log KoRa-Monitor") -> bytes:
    """One sheet, every text cell stored as text (never a formula), numbers numeric."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Audit-Log"
    put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    put(ws, 2, 1, f"Exportiert am {periods.now_local().strftime('%d.%m.%Y %H:%M')} · {len(frame)} Einträge")
    for j, name in enumerate(frame.columns, start=1):
        put(ws, 4, j, name)
        ws.cell(row=4, column=j).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = COLUMN_WIDTHS.get(name, 60)
    for i, row in enumerate(frame.itertuples(index=False), start=5):
        for j, value in enumerate(row, start=1):
            put(ws, i, j, value)
    ws.freeze_panes = "A5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def file_name(ext: str, *, today: dt.date | None = None) -> str:
    return f"KoRa_Audit-Log_{(today or periods.today_local()).isoformat()}.{ext}"
