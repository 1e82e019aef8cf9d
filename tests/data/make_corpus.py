"""Regenerate the test corpus: `python -m tests.data.make_corpus` (files are committed).

- tests/data/broken/: malformed files as coordinators really produce them, each listed in
  broken/expected.toml with the line, column and message fragment the importer must report.
- tests/data/good/: the same readings (GOOD_READINGS) in every supported format and dialect;
  each must parse to exactly GOOD_READINGS.

The tests run with today = 2026-11-26, so the last reportable month is 10/2026.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from kora.fmt import MONTHS, MONTHS_SHORT

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "broken"
GOOD = HERE / "good"
FIXED_TIME = dt.datetime(2026, 11, 1, 12, 0)

# (indicator id, month, value) — None = not reported (empty cell). Covers thousands separators,
# decimals, yes/no, percentages and an empty cell.
GOOD_READINGS: list[tuple[str, dt.date, float | None]] = [
    ("kritik_extern", dt.date(2025, 1, 1), 4.0),
    ("kritik_extern", dt.date(2025, 2, 1), 5.0),
    ("kritik_extern", dt.date(2025, 3, 1), 1234.0),
    ("km_umgesetzt", dt.date(2025, 1, 1), 0.25),
    ("km_umgesetzt", dt.date(2025, 2, 1), 1.5),
    ("km_umgesetzt", dt.date(2025, 3, 1), 12.75),
    ("koordination_besetzt", dt.date(2025, 1, 1), 0.0),
    ("koordination_besetzt", dt.date(2025, 2, 1), 0.0),
    ("koordination_besetzt", dt.date(2025, 3, 1), 1.0),
    ("meilensteine_erreicht", dt.date(2025, 1, 1), 45.0),
    ("meilensteine_erreicht", dt.date(2025, 2, 1), 50.5),
    ("meilensteine_erreicht", dt.date(2025, 3, 1), 100.0),
    ("zuarbeit_stunden", dt.date(2025, 1, 1), 15.5),
    ("zuarbeit_stunden", dt.date(2025, 2, 1), None),
    ("zuarbeit_stunden", dt.date(2025, 3, 1), 14.0),
]
COMMENTS = {("km_umgesetzt", dt.date(2025, 2, 1)): 'Abschnitt Lütticher Str.; "vorläufig"'}
NAMES = {
    "kritik_extern": "Kritische Rückmeldungen externer Akteure",
    "km_umgesetzt": "Umgesetzte km geschützter Radfahrstreifen",
    "koordination_besetzt": "Koordinierungsstelle besetzt",
    "meilensteine_erreicht": "Fristgerecht erreichte Meilensteine",
    "zuarbeit_stunden": "Zuarbeit der Planer*innen für Kommunikation",
}
ABBR = MONTHS_SHORT  # as German Excel shows months (kora.fmt)
FULL = MONTHS
YESNO = {"koordination_besetzt"}


# --- formatting helpers (also used by the property test) -----------------------------------------


def german_number(value: float, *, grouping: bool = True) -> str:
    if float(value).is_integer():
        text = f"{int(value):,}" if grouping else str(int(value))
        return text.replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if grouping else f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def point_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


MONTH_STYLES = {
    "mmm_yy": lambda m: f"{ABBR[m.month - 1]} {m.year % 100:02d}",
    "monat_yyyy": lambda m: f"{FULL[m.month - 1]} {m.year}",
    "iso": lambda m: f"{m.year}-{m.month:02d}",
    "mm_slash_yyyy": lambda m: f"{m.month:02d}/{m.year}",
    "mm_dot_yyyy": lambda m: f"{m.month:02d}.{m.year}",
    "dd_mm_yyyy": lambda m: f"01.{m.month:02d}.{m.year}",
    "iso_date": lambda m: f"{m.year}-{m.month:02d}-01",
    "mmm_dash_yy": lambda m: f"{ABBR[m.month - 1]}-{m.year % 100:02d}",
}


def value_text(indicator: str, value: float | None, decimal: str, *, grouping: bool = True) -> str:
    if value is None:
        return ""
    if indicator in YESNO:
        return "ja" if value == 1.0 else "nein"
    return german_number(value, grouping=grouping) if decimal == "," else point_number(value)


def write_csv(rows: list[list[str]], *, delimiter: str, encoding: str, newline: str = "\r\n") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def long_rows(
    readings: list[tuple[str, dt.date, float | None]],
    *,
    decimal: str = ",",
    month_style: str = "mm_dot_yyyy",
    header: tuple[str, ...] = ("Indikator", "Monat", "Wert", "Kommentar"),
    by_name: bool = False,
    comments: dict | None = None,
    grouping: bool = True,
) -> list[list[str]]:
    comments = COMMENTS if comments is None else comments
    rows = [list(header)]
    for ind, month, value in readings:
        rows.append(
            [
                NAMES.get(ind, ind) if by_name else ind,
                MONTH_STYLES[month_style](month),
                value_text(ind, value, decimal, grouping=grouping),
                comments.get((ind, month), ""),
            ]
        )
    return rows


def wide_rows(
    readings: list[tuple[str, dt.date, float | None]],
    *,
    decimal: str = ",",
    month_style: str = "mmm_yy",
    first_header: str = "Indikator",
    grouping: bool = True,
) -> list[list[str]]:
    months = sorted({m for _, m, _ in readings})
    indicators = list(dict.fromkeys(i for i, _, _ in readings))
    cell = {(i, m): v for i, m, v in readings}
    rows = [[first_header, *(MONTH_STYLES[month_style](m) for m in months)]]
    for ind in indicators:
        rows.append([ind, *(value_text(ind, cell.get((ind, m)), decimal, grouping=grouping) for m in months)])
    return rows


def xlsx_bytes(sheets: list[tuple[str, list[list[object]]]], *, formats: dict | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for (r, c), fmt in (formats or {}).get(title, {}).items():
            ws.cell(r, c).number_format = fmt
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- good corpus -----------------------------------------------------------------------------------


def good_files() -> dict[str, bytes]:
    r = GOOD_READINGS
    files: dict[str, bytes] = {}
    files["long_cp1252_semicolon.csv"] = write_csv(long_rows(r), delimiter=";", encoding="cp1252")
    files["long_utf8_bom_mmm_yy.csv"] = write_csv(
        long_rows(r, month_style="mmm_yy"), delimiter=";", encoding="utf-8-sig"
    )
    files["long_utf8_comma_point_iso.csv"] = write_csv(
        long_rows(r, decimal=".", month_style="iso", header=("indicator", "month", "value", "comment")),
        delimiter=",",
        encoding="utf-8",
        newline="\n",
    )
    files["long_utf16_tab_unicode_text.txt"] = write_csv(
        long_rows(r, month_style="dd_mm_yyyy"), delimiter="\t", encoding="utf-16"
    )
    files["long_names_uppercase_headers.csv"] = write_csv(
        long_rows(r, by_name=True, month_style="monat_yyyy", header=("INDIKATOR", "MONAT", "WERT", "KOMMENTAR")),
        delimiter=";",
        encoding="cp1252",
    )
    files["long_period_alias_slash.csv"] = write_csv(
        long_rows(r, month_style="mm_slash_yyyy", header=("Indicator", "Period", "Value", "Comment")),
        delimiter=";",
        encoding="utf-8",
    )
    # Excel leftovers: a title row, blank lines, trailing empty columns, extra Kommune/Quelle columns
    header = ["Indikator", "Monat", "Wert", "Kommentar", "Kommune", "Quelle", "", ""]
    padded = [["Messwerte KoRa", *[""] * 7], [""] * 8, header]
    for i, row in enumerate(long_rows(r)[1:]):
        padded.append([*row, "Aachen", "FB 61", "", ""])
        if i % 4 == 3:
            padded.append([""] * 8)
    files["long_title_blank_lines_trailing_columns.csv"] = write_csv(padded, delimiter=";", encoding="cp1252")
    files["wide_cp1252_mmm_yy.csv"] = write_csv(wide_rows(r), delimiter=";", encoding="cp1252")
    files["wide_utf8_monat_yyyy.csv"] = write_csv(
        wide_rows(r, month_style="monat_yyyy"), delimiter=";", encoding="utf-8-sig"
    )
    files["wide_iso.csv"] = write_csv(wide_rows(r, month_style="iso", first_header=""), delimiter=";", encoding="utf-8")
    files["wide_slash.csv"] = write_csv(wide_rows(r, month_style="mm_slash_yyyy"), delimiter=";", encoding="utf-8")
    files["wide_dot.csv"] = write_csv(wide_rows(r, month_style="mm_dot_yyyy"), delimiter=";", encoding="utf-8")
    files["wide_full_date.csv"] = write_csv(wide_rows(r, month_style="dd_mm_yyyy"), delimiter=";", encoding="utf-8")
    files["wide_tab_utf16.txt"] = write_csv(wide_rows(r, month_style="mmm_dash_yy"), delimiter="\t", encoding="utf-16")
    files["wide_comma_point.csv"] = write_csv(
        wide_rows(r, decimal=".", month_style="iso"), delimiter=",", encoding="utf-8", newline="\n"
    )

    # XLSX: typed numbers and dates, like Excel stores them
    def typed_value(ind: str, value: float | None) -> object:
        if value is None:
            return None
        if ind in YESNO:
            return "ja" if value else "nein"
        return int(value) if float(value).is_integer() else value

    long_typed: list[list[object]] = [["Indikator", "Monat", "Wert", "Kommentar"]]
    for ind, month, value in r:
        long_typed.append(
            [ind, dt.datetime(month.year, month.month, 1), typed_value(ind, value), COMMENTS.get((ind, month))]
        )
    files["long_typed.xlsx"] = xlsx_bytes([("Tabelle1", long_typed)])
    files["long_messwerte_second_sheet.xlsx"] = xlsx_bytes(
        [("Hinweise", [["Bitte Blatt Messwerte ausfüllen"]]), ("Messwerte", long_typed)]
    )
    months = sorted({m for _, m, _ in r})
    wide_typed: list[list[object]] = [["Indikator", *(dt.datetime(m.year, m.month, 1) for m in months)]]
    cell = {(i, m): v for i, m, v in r}
    for ind in dict.fromkeys(i for i, _, _ in r):
        wide_typed.append([ind, *(typed_value(ind, cell.get((ind, m))) for m in months)])
    files["wide_date_headers.xlsx"] = xlsx_bytes([("Tabelle1", wide_typed)])
    # percentages formatted as % in Excel: stored 0.45, shown 45 %
    pct_rows = [list(row) for row in long_typed]
    formats = {}
    for i, row in enumerate(pct_rows[1:], start=2):
        if row[0] == "meilensteine_erreicht" and row[2] is not None:
            row[2] = row[2] / 100
            formats[(i, 3)] = "0.0%"
    files["long_percent_format.xlsx"] = xlsx_bytes([("Tabelle1", pct_rows)], formats={"Tabelle1": formats})
    # text cells in XLSX (coordinators paste text)
    text_rows = [["Indikator", "Monat", "Wert", "Kommentar"]] + [
        [row[0], row[1], row[2], row[3]] for row in long_rows(r, month_style="mmm_yy")[1:]
    ]
    files["long_text_cells.xlsx"] = xlsx_bytes([("Tabelle1", text_rows)])
    return files


# --- broken corpus -----------------------------------------------------------------------------------

H = "Indikator;Monat;Wert;Kommentar\r\n"


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return (H + "".join(line + "\r\n" for line in lines)).encode(encoding)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 12, 0, 0))
            zf.writestr(info, data)
    return out.getvalue()


def broken_files() -> list[tuple[str, bytes, dict[str, object]]]:
    """(file name, content, expected {line?, column?, message}) — message is a fragment."""
    ok_row = "kritik_extern;03.2025;5;"
    xlsx_ok = xlsx_bytes([("Tabelle1", [["Indikator", "Monat", "Wert"], ["kritik_extern", "03.2025", 5]])])
    cases: list[tuple[str, bytes, dict[str, object]]] = [
        # not a table at all
        ("empty.csv", b"", {"message": "Die Datei ist leer"}),
        ("only_blank_lines.csv", b"\r\n\r\n   \r\n", {"message": "Die Datei ist leer"}),
        ("only_bom.csv", b"\xef\xbb\xbf", {"message": "Die Datei ist leer"}),
        ("only_separators.csv", b";;;\r\n;;;\r\n", {"message": "keine Daten"}),
        ("report.pdf.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", {"message": "PDF"}),
        ("screenshot.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), {"message": "PNG"}),
        ("photo.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40), {"message": "JPEG"}),
        ("old_format.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), {"message": "alten Excel-Format"}),
        ("old_format_renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), {"message": ".xls"}),
        ("archive.zip", _zip({"messwerte.csv": _csv(ok_row)}), {"message": "ZIP-Archiv"}),
        ("letter.xlsx", _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), {"message": "Word"}),
        (
            "libreoffice.xlsx",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            {"message": ".ods"},
        ),
        ("truncated.xlsx", xlsx_ok[: len(xlsx_ok) // 2], {"message": "beschädigt"}),
        ("compressed.csv.gz", b"\x1f\x8b\x08\x00" + bytes(30), {"message": "gzip"}),
        ("binary.csv", bytes(range(256)) * 4, {"message": "Binärdaten"}),
        ("rich_text.csv", b"{\\rtf1\\ansi Indikator;Monat;Wert}", {"message": "RTF"}),
        ("bad_bytes.csv", H.encode() + b"kritik_extern;03.2025;5;caf\x81\x8d\r\n", {"message": "Zeichenkodierung"}),
        # header problems
        (
            "no_header.csv",
            b"kritik_extern;03.2025;5;\r\nkm_umgesetzt;03.2025;1,5;\r\n",
            {"line": 1, "message": "Keine Kopfzeile"},
        ),
        (
            "html_saved_as_xls.xls",
            b"<html><body><table><tr><td>Indikator</td><td>Monat</td></tr></table></body></html>",
            {"line": 1, "message": "Keine Kopfzeile"},
        ),
        ("header_only.csv", H.encode(), {"message": "keine Messwerte"}),
        (
            "all_values_empty.csv",
            _csv("kritik_extern;03.2025;;", "km_umgesetzt;03.2025;;"),
            {"message": "keine Messwerte"},
        ),
        (
            "missing_value_column.csv",
            b"Indikator;Monat;Kommentar\r\nkritik_extern;03.2025;x\r\n",
            {"line": 1, "message": "„Wert“ fehlt"},
        ),
        (
            "missing_month_column.csv",
            b"Indikator;Wert\r\nkritik_extern;5\r\n",
            {"line": 1, "message": "„Monat“ fehlt"},
        ),
        (
            "duplicate_value_column.csv",
            b"Indikator;Monat;Wert;Wert\r\nkritik_extern;03.2025;5;6\r\n",
            {"line": 1, "column": "D (Wert)", "message": "doppelt"},
        ),
        (
            "unknown_column.csv",
            b"Indikator;Monat;Wert;Ziel\r\nkritik_extern;03.2025;5;48\r\n",
            {"line": 1, "column": "D (Ziel)", "message": "Unbekannte Spalte"},
        ),
        (
            "unnamed_column_with_data.csv",
            b"Indikator;Monat;Wert;\r\nkritik_extern;03.2025;5;\r\nkm_umgesetzt;03.2025;1,5;siehe Mail\r\n",
            {"line": 3, "column": "D", "message": "keine Überschrift"},
        ),
        (
            "unclosed_quote.csv",
            _csv(ok_row, 'km_umgesetzt;04.2025;"1,5;offen', "km_umgesetzt;05.2025;2;"),
            {"line": 3, "message": "Anführungszeichen"},
        ),
        # indicator problems
        (
            "unknown_indicator.csv",
            _csv(ok_row, "kritk_extern;04.2025;5;"),
            {"line": 3, "column": "A (Indikator)", "message": "Meinten Sie „kritik_extern“"},
        ),
        (
            "unknown_indicator_name_cp1252.csv",
            _csv("Öffentlich ausgetragene Differenz der Verwaltung;03.2025;1;", encoding="cp1252"),
            {"line": 2, "column": "A (Indikator)", "message": "Meinten Sie „differenzen_oeffentlich“"},
        ),
        (
            "missing_indicator.csv",
            _csv(ok_row, ";04.2025;5;"),
            {"line": 3, "column": "A", "message": "Indikator fehlt"},
        ),
        # month problems
        (
            "bad_month.csv",
            _csv("kritik_extern;Mrzz 25;5;"),
            {"line": 2, "column": "B (Monat)", "message": "nicht erkannt"},
        ),
        (
            "month_13.csv",
            _csv(ok_row, "kritik_extern;13.2025;5;"),
            {"line": 3, "column": "B", "message": "nicht erkannt"},
        ),
        (
            "future_month.csv",
            _csv("kritik_extern;2030-01;5;"),
            {"line": 2, "column": "B", "message": "noch nicht abgeschlossen"},
        ),
        (
            "current_month.csv",
            _csv(ok_row, "kritik_extern;11.2026;5;"),
            {"line": 3, "column": "B", "message": "bis einschließlich 10/2026"},
        ),
        ("before_plan_start.csv", _csv("kritik_extern;12.2024;5;"), {"line": 2, "message": "vor dem Start"}),
        ("ambiguous_us_date.csv", _csv("kritik_extern;3/1/2025;5;"), {"line": 2, "message": "mehrdeutig"}),
        ("missing_month.csv", _csv(ok_row, "kritik_extern;;5;"), {"line": 3, "column": "B", "message": "Monat fehlt"}),
        # value problems
        (
            "value_text.csv",
            _csv("kritik_extern;03.2025;viele;"),
            {"line": 2, "column": "C (Wert)", "message": "keine Zahl"},
        ),
        (
            "value_with_unit.csv",
            _csv("km_umgesetzt;03.2025;3,5 km;"),
            {"line": 2, "column": "C", "message": "ohne Einheit"},
        ),
        ("value_two_commas.csv", _csv("km_umgesetzt;03.2025;1,2,3;"), {"line": 2, "message": "keine Zahl"}),
        (
            "value_became_date.csv",
            _csv("km_umgesetzt;03.2025;01.03.2025;"),
            {"line": 2, "column": "C", "message": "sieht aus wie ein Datum"},
        ),
        (
            "mixed_decimal_styles.csv",
            _csv("km_umgesetzt;03.2025;12,5;", "km_umgesetzt;04.2025;0.25;"),
            {"line": 3, "column": "C", "message": "Dezimaltrennzeichen"},
        ),
        (
            "negative_count.csv",
            _csv("kritik_extern;03.2025;-3;"),
            {"line": 2, "column": "C", "message": "nicht negativ"},
        ),
        (
            "percent_over_100.csv",
            _csv("meilensteine_erreicht;03.2025;120;"),
            {"line": 2, "column": "C", "message": "außerhalb von 0 bis 100"},
        ),
        (
            "percent_negative.csv",
            _csv("steckbriefe_anteil;03.2025;-5 %;"),
            {"line": 2, "message": "außerhalb von 0 bis 100"},
        ),
        (
            "yesno_other.csv",
            _csv("koordination_besetzt;03.2025;vielleicht;"),
            {"line": 2, "message": "„ja“ oder „nein“"},
        ),
        ("yesno_number.csv", _csv("koordination_besetzt;03.2025;2;"), {"line": 2, "message": "„ja“ oder „nein“"}),
        (
            "fractional_count.csv",
            _csv("kritik_extern;03.2025;2,5;"),
            {"line": 2, "column": "C", "message": "ganze Zahl"},
        ),
        ("excel_error.csv", _csv("zuarbeit_stunden;03.2025;#DIV/0!;"), {"line": 2, "message": "Formelfehler"}),
        (
            "duplicate_conflict.csv",
            _csv(ok_row, "km_umgesetzt;03.2025;1;", "kritik_extern;Mrz 25;6;"),
            {"line": 4, "column": "C", "message": "mehrfach"},
        ),
        (
            "duplicate_comment_conflict.csv",
            _csv("kritik_extern;03.2025;5;Presse", "kritik_extern;03.2025;5;Beschwerden"),
            {"line": 3, "message": "unterschiedlichen Kommentaren"},
        ),
        (
            "wrong_kommune.csv",
            b"Kommune;Indikator;Monat;Wert\r\nAachen;kritik_extern;03.2025;5\r\nK\xf6ln;kritik_extern;04.2025;5\r\n",
            {"line": 3, "column": "A (Kommune)", "message": "anderen Kommune"},
        ),
        (
            "comment_too_long.csv",
            _csv("kritik_extern;03.2025;5;" + "x" * 1200),
            {"line": 2, "column": "D", "message": "länger als"},
        ),
        # wide layout
        (
            "wide_unknown_indicator.csv",
            b"Indikator;Jan 25;Feb 25\r\nkritik_extern;4;5\r\nkm_umgesezt;0,5;1\r\n",
            {"line": 3, "column": "A (Indikator)", "message": "Meinten Sie „km_umgesetzt“"},
        ),
        (
            "wide_bad_value.csv",
            b"Indikator;Jan 25;Feb 25\r\nkritik_extern;4;abc\r\n",
            {"line": 2, "column": "C (Feb 25)", "message": "keine Zahl"},
        ),
        (
            "wide_future_month.csv",
            b"Indikator;Okt 26;Nov 26;Dez 26\r\nkritik_extern;4;;5\r\n",
            {"line": 2, "column": "D (Dez 26)", "message": "noch nicht abgeschlossen"},
        ),
        (
            "wide_sum_column.csv",
            b"Indikator;Jan 25;Feb 25;Summe\r\nkritik_extern;4;5;9\r\n",
            {"line": 1, "column": "D (Summe)", "message": "Unbekannte Spalte"},
        ),
        (
            "wide_utf16_negative.txt",
            "Indikator\tJan 25\tFeb 25\r\nkritik_extern\t4\t-5\r\n".encode("utf-16"),
            {"line": 2, "column": "C (Feb 25)", "message": "nicht negativ"},
        ),
        # XLSX
        (
            "xlsx_unknown_indicator.xlsx",
            xlsx_bytes(
                [
                    (
                        "Tabelle1",
                        [["Indikator", "Monat", "Wert"], ["kritik_extern", "03.2025", 5], ["kritk", "04.2025", 5]],
                    )
                ]
            ),
            {"line": 3, "column": "A (Indikator)", "message": "Unbekannter Indikator"},
        ),
        (
            "xlsx_text_value.xlsx",
            xlsx_bytes(
                [("Tabelle1", [["Indikator", "Monat", "Wert"], ["kritik_extern", dt.datetime(2025, 3, 1), "fünf"]])]
            ),
            {"line": 2, "column": "C (Wert)", "message": "keine Zahl"},
        ),
        (
            "xlsx_boolean_for_number.xlsx",
            xlsx_bytes(
                [("Tabelle1", [["Indikator", "Monat", "Wert"], ["kritik_extern", dt.datetime(2025, 3, 1), True]])]
            ),
            {"line": 2, "column": "C", "message": "WAHR/FALSCH"},
        ),
        (
            "xlsx_date_in_value.xlsx",
            xlsx_bytes(
                [
                    (
                        "Tabelle1",
                        [
                            ["Indikator", "Monat", "Wert"],
                            ["km_umgesetzt", dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 1)],
                        ],
                    )
                ]
            ),
            {"line": 2, "column": "C", "message": "als Datum gespeichert"},
        ),
        (
            "xlsx_no_header.xlsx",
            xlsx_bytes([("Tabelle1", [["kritik_extern", "03.2025", 5]])]),
            {"line": 1, "message": "Keine Kopfzeile"},
        ),
        ("xlsx_empty_sheet.xlsx", xlsx_bytes([("Tabelle1", [])]), {"message": "keine Daten"}),
        (
            "xlsx_excel_error.xlsx",
            xlsx_bytes([("Tabelle1", [["Indikator", "Monat", "Wert"], ["zuarbeit_stunden", "03.2025", "#DIV/0!"]])]),
            {"line": 2, "message": "Formelfehler"},
        ),
    ]
    return cases


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    BROKEN.mkdir(parents=True, exist_ok=True)
    GOOD.mkdir(parents=True, exist_ok=True)
    for old in [*BROKEN.iterdir(), *GOOD.iterdir()]:
        old.unlink()
    lines = [
        "# Expected error per malformed file (generated by python -m tests.data.make_corpus).",
        "# line/column as Excel shows them; message is a fragment of the German message.",
        "",
    ]
    for name, data, expected in broken_files():
        (BROKEN / name).write_bytes(data)
        lines.append(f"[{_toml_str(name)}]")
        for key in ("line", "column", "message"):
            if key in expected:
                value = expected[key]
                lines.append(f"{key} = {value if isinstance(value, int) else _toml_str(str(value))}")
        lines.append("")
    (BROKEN / "expected.toml").write_text("\n".join(lines), encoding="utf-8")
    for name, data in good_files().items():
        (GOOD / name).write_bytes(data)
    print(f"{len(broken_files())} broken files, {len(good_files())} good files written to {HERE}")


if __name__ == "__main__":
    main()
