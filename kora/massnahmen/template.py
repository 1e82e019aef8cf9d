"""Templates of the Maßnahmenliste: the headers the check expects, pre-filled with the stored list.

Coordinators download the template, update dates and phases in Excel and upload it again, so
the template carries the current list (a re-upload of an untouched template is a no-op). CSV is
German-Excel style (`;`, UTF-8 with BOM); XLSX has the list on sheet „Maßnahmen“ and the
Ereignisse on sheet „Ereignisse“. Text cells are written as text (never formulas).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from kora.massnahmen import rules
from kora.massnahmen.rules import EVENT_COLUMNS, LIST_COLUMNS, LIST_FIELDS, show
from kora.readings.templates import _csv, _text

FORMATS = ("csv", "xlsx")


def cells(frame: pd.DataFrame) -> list[list[str]]:
    """The stored cells as text; the phase as written (an empty phase stays empty: the dates decide it).

    The template files and the page's table editor (kora.massnahmen.edit) show these cells."""
    written = "phase_angegeben" if "phase_angegeben" in frame.columns else "phase"
    return [[show(f, r[written if f == "phase" else f]) for f in LIST_FIELDS] for r in frame.to_dict("records")]


def csv_line(values: Sequence[str]) -> str:
    """One CSV line as German Excel writes it (`;`, quoted where needed)."""
    return ";".join(_csv(v) for v in values)


def template_csv(frame: pd.DataFrame) -> bytes:
    """The list as German Excel's CSV UTF-8 (Ereignisse go in a second file, see template_events_csv)."""
    lines = [csv_line([c.header for c in LIST_COLUMNS])]
    lines += [csv_line(row) for row in cells(frame)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def template_events_csv(events: pd.DataFrame) -> bytes:
    lines = [";".join(c.header for c in EVENT_COLUMNS)]
    for r in events.to_dict("records"):
        lines.append(
            ";".join(_csv(v) for v in (r["nr"], rules.show_date(r["datum"]), r["ereignis"], r["anlass"] or ""))
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def template_xlsx(frame: pd.DataFrame, events: pd.DataFrame) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Maßnahmen"
    ws.append([c.header for c in LIST_COLUMNS])
    phases = DataValidation(type="list", formula1='"' + ",".join(rules.PHASES) + '"', allow_blank=True)
    yesno = DataValidation(type="list", formula1='"ja,nein"', allow_blank=True)
    ws.add_data_validation(phases)
    ws.add_data_validation(yesno)
    phases.add("G2:G5000")
    yesno.add("I2:I5000")
    for i, row in enumerate(cells(frame), start=2):
        for j, value in enumerate(row, start=1):
            if value:
                _text(ws.cell(i, j), value)
    sheet = wb.create_sheet("Ereignisse")
    sheet.append([c.header for c in EVENT_COLUMNS])
    kinds = DataValidation(type="list", formula1='"' + ",".join(rules.EVENT_KINDS) + '"', allow_blank=True)
    sheet.add_data_validation(kinds)
    kinds.add("C2:C20000")
    for i, r in enumerate(events.to_dict("records"), start=2):
        for j, value in enumerate((r["nr"], rules.show_date(r["datum"]), r["ereignis"], r["anlass"] or ""), start=1):
            if value:
                _text(sheet.cell(i, j), value)
    for target in (ws, sheet):
        for cell in target[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
        target.freeze_panes = "A2"
        for col in "ABCDEFGHIJKLMN":
            target.column_dimensions[col].width = 16
    ws.column_dimensions["B"].width = 44
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
