"""The Excel workbook people keep: plan, indicators, reading versions, attainment, changes.

Numbers are stored as numbers (attainment as a fraction formatted '0 %', dates as dates), so
the workbook can be filtered and calculated with. Every text cell is stored as text: a cell
starting with = + - @ tab CR or LF gets Excel's quotePrefix ("show as typed") style, and no
cell is ever written as a formula — a comment like =HYPERLINK(…) stays the words somebody
typed. Each sheet names the Stand and the filters in its first rows.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kora import fmt
from kora.fmt import as_date, is_missing
from kora.labels import AGGREGATION_LABELS, DIRECTION_LABELS, KIND_LABELS
from kora.report import massnahmen, network
from kora.report.export.bundle import Bundle
from kora.report.export.common import xml_safe
from kora.tracking.change_table import change_rows, status_word
from kora.tracking.compare import local_time

MAX_CELL = 32_767  # Excel's limit for one cell
HEADER_ROW = 4
HEADER_FILL = PatternFill("solid", fgColor="0072B2")
HEADER_FONT = Font(bold=True, color="FFFFFF")
PERCENT = "0 %"
DATE = "DD.MM.YYYY"
MONTH = "MM.YYYY"
STAMP = "DD.MM.YYYY HH:MM"


@dataclass(frozen=True)
class Col:
    header: str
    width: float = 14
    number_format: str | None = None


def put(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None = None) -> None:
    """Write one cell safely: numbers numeric, dates as dates, everything else as plain text."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    if is_missing(value):
        return
    if isinstance(value, bool | np.bool_):
        text: Any = "ja" if value else "nein"
    elif isinstance(value, int | np.integer):
        cell.value = int(value)
        text = None
    elif isinstance(value, float | np.floating):
        v = float(value)
        if math.isinf(v):
            return
        cell.value = v
        text = None
    elif isinstance(value, pd.Timestamp):
        cell.value = value.to_pydatetime()
        text = None
    elif isinstance(value, dt.date):
        cell.value = value
        text = None
    else:
        text = str(value)
    if text is not None:
        text = xml_safe(text)[:MAX_CELL]
        cell.value = text
        cell.data_type = "s"  # openpyxl would read a leading '=' as a formula
        if text.startswith(fmt.FORMULA_START):
            cell.quotePrefix = True
    elif number_format:
        cell.number_format = number_format


def _sheet(
    wb: Workbook, name: str, title: str, bundle: Bundle, cols: Sequence[Col], rows: Iterable[Sequence[Any]]
) -> Worksheet:
    ws = wb.create_sheet(name)
    put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    put(ws, 2, 1, bundle.deck.footer)
    ws.cell(row=2, column=1).font = Font(italic=True, color="555555")
    for j, col in enumerate(cols, start=1):
        put(ws, HEADER_ROW, j, col.header)
        cell = ws.cell(row=HEADER_ROW, column=j)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = col.width
    n = 0
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        n += 1
        for j, (col, value) in enumerate(zip(cols, row, strict=True), start=1):
            put(ws, i, j, value, col.number_format)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    last = get_column_letter(len(cols))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(n, 1)}"
    return ws


# --- sheets ----------------------------------------------------------------------------------


def _info(wb: Workbook, bundle: Bundle) -> None:
    ws = wb.active
    ws.title = "Info"
    deck = bundle.deck
    put(ws, 1, 1, f"{deck.title} · Export")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    rows: list[tuple[str, Any]] = [(label, value) for label, value in deck.filters]
    rows += [
        ("Stand (Monat)", deck.as_of),
        ("Aktionsplan", deck.plan_title),
        ("", ""),
        (
            "Blatt „Zielerreichung“",
            "je Indikator: Wert seit Jahresbeginn, Jahresziel, Zielerreichung, Soll, Prognose, Status",
        ),
        (
            "Blatt „Aktionsfelder und Vorhaben“",
            "Zielerreichung und Status der Roll-ups (Plan, Aktionsfelder, Vorhaben)",
        ),
        ("Blatt „Änderungen“", f"alles, was seit dem letzten Termin ({fmt.date(deck.since)}) gespeichert wurde"),
        ("Blatt „Plan“ / „Meilensteine“", "Aktionsfelder, Vorhaben, Partnerstädte, Meilensteine mit Status"),
        ("Blatt „Indikatoren“", "Indikatorenkatalog mit Ausgangswerten und Jahreszielen"),
        (
            "Blatt „Messwerte mit Versionen“",
            "jede gespeicherte Version jedes Messwerts bis zum Stand (aktuell = die gültige Version)",
        ),
        ("", ""),
        ("Zahlen", "Zielerreichung als Anteil (0–1, als % angezeigt); Werte in der Einheit des Indikators."),
        ("Texte", "Kommentare sind als Text gespeichert, nie als Formel (auch wenn sie mit = beginnen)."),
    ]
    for i, (label, value) in enumerate(rows, start=3):
        put(ws, i, 1, label)
        ws.cell(row=i, column=1).font = Font(bold=True)
        put(ws, i, 2, value, MONTH if isinstance(value, dt.date) else None)
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 110


def _attainment(wb: Workbook, bundle: Bundle) -> None:
    report = bundle.report
    links = report.indicator_vorhaben
    cols = [
        Col("ID", 24), Col("Indikator", 42), Col("Einheit", 10), Col("Vorhaben", 10), Col("Status", 14),
        Col("Wert seit Jahresbeginn", 14), Col("Start", 10), Col("Jahresziel", 11),
        Col("Zielerreichung", 13, PERCENT), Col("Zielerreichung (ungekappt)", 14, PERCENT),
        Col("Soll laut Zielpfad", 13), Col("Abweichung zum Soll", 13), Col("Nötig je Monat", 13),
        Col("Prognose Jahresende", 13), Col("Ziel erreichbar", 11), Col("Frühwarnung seit", 13, MONTH),
        Col("Gemeldete Monate", 11), Col("Fällige Monate", 11), Col("Letzter Monat", 12, MONTH), Col("Jahr", 8),
        Col("Richtung", 18), Col("Aggregation", 22), Col("Beispieldaten", 12),
    ]  # fmt: skip
    rows = []
    for r in report.indicators.itertuples(index=False):
        nrs = sorted(int(n) for n in links.loc[links["indicator_id"] == r.id, "nr"])
        rows.append(
            [
                r.id, r.name, r.unit, ", ".join(str(n) for n in nrs), status_word(r.status),
                r.value, r.start, r.target, r.attainment, r.attainment_raw, r.expected, r.gap,
                r.needed_per_month, r.forecast, None if is_missing(r.will_reach) else bool(r.will_reach),
                as_date(r.warning_since), r.months_reported, r.months_due, as_date(r.last_month), r.year,
                DIRECTION_LABELS.get(r.direction, r.direction), AGGREGATION_LABELS.get(r.aggregation, r.aggregation),
                bool(r.demo),
            ]
        )  # fmt: skip
    _sheet(
        wb, "Zielerreichung", f"Zielerreichung je Indikator · Stand {fmt.month_name(report.as_of)}", bundle, cols, rows
    )


def _rollups(wb: Workbook, bundle: Bundle) -> None:
    report = bundle.report
    counts = ["n_on_track", "n_at_risk", "n_off_track", "n_no_data"]
    cols = [
        Col("Ebene", 12), Col("Kennung", 9), Col("Titel", 60), Col("Aktionsfeld", 11),
        Col("Zielerreichung", 13, PERCENT), Col("Zielerreichung (ungekappt)", 14, PERCENT), Col("Status", 14),
        Col("im Plan", 9), Col("gefährdet", 10), Col("nicht im Plan", 12), Col("keine Daten", 11),
    ]  # fmt: skip
    # "ungekappt": the mean of the parts' raw values, which the dashboards show once a part lies below
    # its start (Gesamt 40 %, not the clamped 65 %) — as the indicator sheet has both columns
    plan = report.plan
    rows: list[list[Any]] = [
        ["Plan", "", bundle.deck.plan_title, "", plan.get("attainment"), plan.get("attainment_raw"),
         status_word(plan.get("status"))] + [plan.get(c) for c in counts]
    ]  # fmt: skip
    for r in report.aktionsfelder.to_dict("records"):
        rows.append(
            ["Aktionsfeld", r["code"], r["title"], r["code"], r["attainment"], r.get("attainment_raw"),
             status_word(r["status"])] + [r.get(c) for c in counts]
        )  # fmt: skip
    for r in report.vorhaben.to_dict("records"):
        rows.append(
            ["Vorhaben", int(r["nr"]), r["title"], r["aktionsfeld"], r["attainment"], r.get("attainment_raw"),
             status_word(r["status"])] + [r.get(c) for c in counts]
        )  # fmt: skip
    _sheet(wb, "Aktionsfelder und Vorhaben", "Zielerreichung der Aktionsfelder und Vorhaben", bundle, cols, rows)


def _changes(wb: Workbook, bundle: Bundle) -> None:
    cols = [
        Col("Art", 20), Col("Was", 48), Col("Monat", 10, MONTH), Col("Vorher", 14), Col("Nachher", 14),
        Col("Einheit", 10), Col("Kommentar", 48), Col("Gespeichert (Ortszeit)", 17, STAMP), Col("Von", 18),
    ]  # fmt: skip
    keys = ["Art", "Was", "Monat", "Vorher", "Nachher", "Einheit", "Kommentar", "Gespeichert", "Von"]
    rows = [[row[k] for k in keys] for row in change_rows(bundle.changes)]
    c = bundle.changes
    _sheet(
        wb,
        "Änderungen",
        f"Änderungen seit dem {fmt.date(c.since)} (damals Stand {fmt.month_name(c.previous_as_of)}, "
        f"jetzt Stand {fmt.month_name(c.as_of)})",
        bundle,
        cols,
        rows,
    )


def _plan(wb: Workbook, bundle: Bundle) -> None:
    plan = bundle.plan
    fields = {f["code"]: f["title"] for f in plan["aktionsfelder"]}
    names = {i["id"]: i["name"] for i in plan["indicators"]}
    cols = [
        Col("Aktionsfeld", 11), Col("Aktionsfeld-Titel", 34), Col("Vorhaben", 10), Col("Titel", 60),
        Col("Zielsetzung", 70), Col("Partnerstädte", 40), Col("Indikatoren", 60),
    ]  # fmt: skip
    rows = [
        [
            v["aktionsfeld"], fields.get(v["aktionsfeld"], ""), v["nr"], v["title"], v["zielsetzung"],
            ", ".join(v["partner_cities"]), "; ".join(names.get(i, i) for i in v["indicators"]),
        ]
        for v in plan["vorhaben"]
    ]  # fmt: skip
    _sheet(wb, "Plan", f"Aktionsplan: {plan['title']}", bundle, cols, rows)


def _milestones(wb: Workbook, bundle: Bundle) -> None:
    frame = bundle.changes.milestone_state
    cols = [
        Col("ID", 8), Col("Vorhaben", 10), Col("Aktionsfeld", 11), Col("Meilenstein", 70),
        Col("Fällig", 12, DATE), Col("Fällig laut Plan", 14, DATE), Col("Status", 12), Col("Erreicht am", 12, DATE),
    ]  # fmt: skip
    rows = [
        [
            r["id"],
            int(r["nr"]),
            r["aktionsfeld"],
            r["text"],
            as_date(r["due"]),
            as_date(r["due_planned"]),
            r["status"],
            as_date(r["reached_on"]),
        ]
        for r in frame.to_dict("records")
    ]
    _sheet(wb, "Meilensteine", "Meilensteine (Status wie zum Datenstand bekannt)", bundle, cols, rows)


def _indicators(wb: Workbook, bundle: Bundle) -> None:
    catalogue = bundle.plan["indicators"]
    years = sorted({y for i in catalogue for y in i["targets"]})
    cols = [
        Col("ID", 24), Col("Name", 42), Col("Messung", 50), Col("Erhoben von", 24), Col("Einheit", 10),
        Col("Richtung", 18), Col("Aggregation", 22), Col("Ausgangswert", 12), Col("Ausgangsjahr", 12),
        *(Col(f"Jahresziel {y}", 12) for y in years),
        Col("Vorhaben", 10), Col("Gewicht", 9), Col("Annahme", 10), Col("Quelle", 40),
    ]  # fmt: skip
    rows = [
        [
            i["id"], i["name"], i["messung"], i["erhoben_von"], i["unit"],
            DIRECTION_LABELS.get(i["direction"], i["direction"]), AGGREGATION_LABELS.get(i["aggregation"], i["aggregation"]),
            i["baseline"], i["baseline_year"], *(i["targets"].get(y) for y in years),
            ", ".join(str(n) for n in i["vorhaben"]), i["weight"], bool(i["annahme"]), i["quelle_text"],
        ]
        for i in catalogue
    ]  # fmt: skip
    _sheet(wb, "Indikatoren", "Indikatorenkatalog", bundle, cols, rows)


def _versions(wb: Workbook, bundle: Bundle) -> None:
    frame = bundle.versions
    names = {i["id"]: i["name"] for i in bundle.plan["indicators"]}
    units = {i["id"]: i["unit"] for i in bundle.plan["indicators"]}
    cols = [
        Col("ID", 24), Col("Indikator", 40), Col("Monat", 10, MONTH), Col("Version", 9), Col("Wert", 12),
        Col("Einheit", 10), Col("Aktuell", 9), Col("Kommentar", 48), Col("Quelle", 20),
        Col("Gespeichert (Ortszeit)", 17, STAMP), Col("Gespeichert von", 18), Col("Grund", 30),
        Col("Upload", 9), Col("Art", 14), Col("Datei", 30),
    ]  # fmt: skip
    rows = [
        [
            r["indicator_id"], names.get(r["indicator_id"], r["indicator_id"]), as_date(r["month"]), r["version"],
            r["value"], units.get(r["indicator_id"], ""), bool(r["is_current"]), r["comment"], r["source"],
            local_time(r["recorded_at"]), r["recorded_by"], r["reason"], r["upload_id"],
            KIND_LABELS.get(r["kind"], r["kind"]), r["filename"],
        ]
        for r in frame.to_dict("records")
    ]  # fmt: skip
    _sheet(
        wb,
        "Messwerte mit Versionen",
        f"Messwerte mit allen Versionen bis {fmt.month_name(bundle.deck.as_of)} (leerer Wert = zurückgezogen)",
        bundle,
        cols,
        rows,
    )


def _network(wb: Workbook, bundle: Bundle) -> None:
    """Sheet "Städtevergleich" (kora.report.network), numbers numeric; absent without network data."""
    c = bundle.network
    if c is None:
        return
    cols = [
        Col("Rang", 7),
        Col("Kommune", 22),
        Col("Eigene Kommune", 10),
        Col(f"Wert {c.year} ({c.indicator.unit})", 16, "#,##0.00"),
        Col(c.indicator.unit_compared, 18, "#,##0.00"),
        Col("Stand", 10, MONTH),
        Col("Stand alt", 9),
        Col("Einwohner", 12, "#,##0"),
        Col("Herkunft", 34),
    ]
    rows = [
        (
            r["rang"],
            r["kommune"],
            r["eigene"],
            r["wert"],
            r["vergleichswert"],
            r["stand"],
            r["alt"],
            r["einwohner"],
            r["herkunft"],
        )
        for r in network.export_rows(c)
    ]
    title = f"Städtevergleich: {c.indicator.name} {c.year} (Median {fmt.number(c.stats['median'], 2)})"
    _sheet(wb, "Städtevergleich", title, bundle, cols, rows)


def _massnahmen(wb: Workbook, bundle: Bundle) -> None:
    if bundle.massnahmen is not None and len(bundle.massnahmen):
        cols = [Col(name, width) for name, width in massnahmen.SHEET_COLUMNS]
        _sheet(
            wb,
            "Maßnahmen",
            "Maßnahmenliste (wie zum Datenstand bekannt)",
            bundle,
            cols,
            massnahmen.sheet_rows(bundle.massnahmen),
        )


def build_xlsx(bundle: Bundle) -> bytes:
    """The workbook as .xlsx bytes."""
    wb = Workbook()
    _info(wb, bundle)
    _attainment(wb, bundle)
    _rollups(wb, bundle)
    _changes(wb, bundle)
    _plan(wb, bundle)
    _milestones(wb, bundle)
    _indicators(wb, bundle)
    _versions(wb, bundle)
    _network(wb, bundle)
    _massnahmen(wb, bundle)
    wb.properties.title = f"{bundle.deck.title} · Stand {fmt.month_name(bundle.deck.as_of)}"
    wb.properties.creator = "KoRa-Monitor"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
