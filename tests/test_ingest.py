"""kora.readings.ingest: bytes -> records, as German Excel writes them (no DB involved).

Tables of month spellings, number spellings, encodings and layouts; the good-file corpus in
tests/data/good (same readings in every format) must parse to exactly the same readings.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kora.periods import read_month as parse_month
from kora.plan.model import Plan
from kora.readings.catalogue import Catalogue
from kora.readings.check import parse_file
from kora.readings.ingest import (
    FileRejected,
    column_letter,
    detect_decimal,
    normalise,
    parse_numbers,
    read_upload,
)
from kora.readings.ingest.sniff import MAX_UPLOAD_BYTES, check_size, decode_text, kind_of
from kora.readings.ingest.text import sniff_delimiter
from tests.conftest import TODAY
from tests.data.make_corpus import COMMENTS, GOOD, GOOD_READINGS, xlsx_bytes

M = dt.date


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("Jan 25", M(2025, 1, 1)),
        ("Mrz 25", M(2025, 3, 1)),
        ("Mär. 25", M(2025, 3, 1)),
        ("März 2025", M(2025, 3, 1)),
        ("maerz 2025", M(2025, 3, 1)),
        ("Mar-25", M(2025, 3, 1)),
        ("Okt 26", M(2026, 10, 1)),
        ("Dez. 2025", M(2025, 12, 1)),
        ("Mai 25", M(2025, 5, 1)),
        ("May 2025", M(2025, 5, 1)),
        ("2025-03", M(2025, 3, 1)),
        ("2025-03-01", M(2025, 3, 1)),
        ("2025-03-31 00:00:00", M(2025, 3, 1)),
        ("2025/03", M(2025, 3, 1)),
        ("03/2025", M(2025, 3, 1)),
        ("3/2025", M(2025, 3, 1)),
        ("03.2025", M(2025, 3, 1)),
        ("03-2025", M(2025, 3, 1)),
        ("01.03.2025", M(2025, 3, 1)),
        ("31.3.25", M(2025, 3, 1)),
        ("01.03.2025 00:00", M(2025, 3, 1)),
        ("  Jan 25 ", M(2025, 1, 1)),
        (dt.datetime(2025, 3, 15, 0, 0), M(2025, 3, 1)),
        (dt.date(2025, 3, 1), M(2025, 3, 1)),
    ],
)
def test_month_spellings(text: object, month: dt.date) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize(
    "text", ["", "13.2025", "2025-13", "31.02.2025", "Mrzz 25", "Summe", "3/1/2025", "45658", 45658.0, None, True]
)
def test_not_a_month(text: object) -> None:
    assert parse_month(text) is None


@pytest.mark.parametrize(
    ("values", "decimal"),
    [
        (["1.234,5", "12"], ","),
        (["12,5"], ","),
        (["1.234"], ","),  # no evidence: German reading (one thousand two hundred thirty-four)
        (["1,234"], ","),
        (["0.25", "12"], "."),
        (["1,234.5"], "."),
        (["12,5", "0.25"], ","),  # mixed: German wins, 0.25 is then an error
        (["12"], ","),
    ],
)
def test_decimal_style(values: list[str], decimal: str) -> None:
    assert detect_decimal(normalise(pd.Series(values, dtype="str"))) == decimal


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [
        ("1.234,5", ",", 1234.5),
        ("1.234", ",", 1234.0),
        ("1 234,5", ",", 1234.5),
        ("1\u00a0234,5", ",", 1234.5),
        ("1'234", ",", 1234.0),
        ("12,75", ",", 12.75),
        ("-3", ",", -3.0),
        ("\u22123", ",", -3.0),
        ("+5", ",", 5.0),
        ("0", ",", 0.0),
        ("1.234.567,89", ",", 1234567.89),
        ("1,234.5", ".", 1234.5),
        ("0.25", ".", 0.25),
        ("1e3", ".", 1000.0),
        ("12,5,3", ",", None),
        ("1.23,4", ",", None),
        ("0.25", ",", None),
        ("3,5 km", ",", None),
        ("zwölf", ",", None),
        ("12.5", ",", None),
    ],
)
def test_number_spellings(text: str, decimal: str, value: float | None) -> None:
    parsed = parse_numbers(normalise(pd.Series([text], dtype="str")), decimal).iloc[0]
    if value is None:
        assert pd.isna(parsed)
    else:
        assert parsed == pytest.approx(value)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Indikator;Wert\r\nÖffentlich;€\r\n".encode("cp1252"), "Windows-1252"),
        ("Indikator;Wert\r\nÖffentlich;€\r\n".encode(), "UTF-8"),
        ("Indikator;Wert\r\nÖffentlich;€\r\n".encode("utf-8-sig"), "UTF-8 mit BOM"),
        ("Indikator\tWert\r\nÖffentlich\t€\r\n".encode("utf-16"), "UTF-16 (Unicode-Text)"),
        ("Indikator\tWert\r\nÖffentlich\t€\r\n".encode("utf-16-le"), "UTF-16 ohne BOM"),
    ],
)
def test_encodings_are_decided_by_content(data: bytes, encoding: str) -> None:
    decoded = decode_text(data)
    assert decoded.encoding == encoding
    assert "Öffentlich" in decoded.text and "€" in decoded.text


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [
        ("Indikator;Monat;Wert;Kommentar", ";"),
        ("Indikator\tMonat\tWert", "\t"),
        ("indicator,month,value,comment", ","),
        ('Indikator;Monat;Wert;"Kommentar, lang"', ";"),
        ("Messwerte;;;", ";"),
    ],
)
def test_delimiter(first_line: str, delimiter: str) -> None:
    assert sniff_delimiter(first_line + "\r\nx\r\n") == delimiter


def test_format_is_decided_by_content_not_extension() -> None:
    assert kind_of((GOOD / "long_typed.xlsx").read_bytes()) == "xlsx"
    with pytest.raises(FileRejected, match="beschädigt"):
        kind_of(b"PK\x03\x04" + b"\x00" * 30)
    with pytest.raises(FileRejected, match="PDF"):
        kind_of(b"%PDF-1.4 ...")
    assert kind_of(b"Indikator;Monat;Wert") == "text"


def test_size_limit_is_checked_before_reading() -> None:
    with pytest.raises(FileRejected, match="höchstens 5,0 MB"):
        check_size(b"x" * (MAX_UPLOAD_BYTES + 1))
    check_size(b"x" * 100)


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == ["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]


def test_rows_keep_excel_numbers_with_blank_lines_and_quoted_newlines() -> None:
    data = 'Indikator;Monat;Wert;Kommentar\r\n\r\nkritik_extern;03.2025;5;"zwei\r\nZeilen"\r\n\r\nkm_umgesetzt;03.2025;1,5;\r\n'
    records = read_upload(data.encode("utf-8")).records
    assert records["line"].tolist() == [3, 5]
    assert records["comment"].iloc[0] == "zwei\r\nZeilen"


def test_empty_value_means_not_reported_never_zero() -> None:
    data = b"Indikator;Monat;Wert\r\nkritik_extern;03.2025;\r\nkritik_extern;04.2025;#NV\r\nkritik_extern;05.2025;0\r\n"
    upload = read_upload(data)
    assert upload.extracted.n_empty == 2
    assert upload.records["line"].tolist() == [4]


def test_wide_layout_records_name_the_month_column() -> None:
    data = "Indikator;Name;Jan 25;Feb 25;Mrz 25\r\nkritik_extern;Kritik;4;;6\r\n".encode("cp1252")
    upload = read_upload(data)
    assert upload.extracted.layout == "breit"
    assert upload.records["value_col"].tolist() == ["C (Jan 25)", "E (Mrz 25)"]
    assert upload.extracted.n_empty == 1


def test_wide_layout_comment_column_applies_to_every_reading_of_its_row() -> None:
    """A trailing Kommentar column of a wide sheet is one comment per indicator row."""
    data = (
        "Indikator;Jan 25;Feb 25;Mrz 25;Kommentar\r\n"
        "kritik_extern;4;;6;Zählung Bürgerbüro\r\n"
        "km_umgesetzt;0,5;1;;\r\n"
        "formate_aktiv;;;;nur Kommentar\r\n"
    ).encode("cp1252")
    upload = read_upload(data)
    assert upload.extracted.problems == []
    records = upload.records
    assert records["comment"].tolist() == ["Zählung Bürgerbüro", "Zählung Bürgerbüro", "", ""]
    assert records["comment_col"].astype(str).tolist()[:2] == ["E (Kommentar)", "E (Kommentar)"]
    assert any("Zeile 4" in n and "Kommentar" in n for n in upload.extracted.notes)  # said, not silently lost


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Indikator;Jan 25;Feb 25;Ziel", "Unbekannte Spalte „Ziel“. Im breiten Format erlaubt sind"),
        ("Indikator;Jan 25;Kommentar;Bemerkung", "kommt doppelt vor"),
    ],
)
def test_wide_layout_column_messages_do_not_contradict_themselves(header: str, message: str) -> None:
    upload = read_upload((header + "\r\nkritik_extern;4;5;x\r\n").encode("cp1252"))
    assert [p.message for p in upload.extracted.problems] == [
        p.message for p in upload.extracted.problems if message in p.message
    ]
    assert len(upload.extracted.problems) == 1
    text = upload.extracted.problems[0].message
    if "erlaubt sind" in text:  # what it lists is what this layout takes: no "Monat, Wert", and not the refused column
        allowed = text.split("erlaubt sind", 1)[1]
        assert "Wert," not in allowed and "„Ziel“" not in allowed and "Kommentar" in allowed


@pytest.mark.parametrize(
    ("indicator", "stored", "fmt", "value", "problem"),
    [
        ("meilensteine_erreicht", 0.45, "0%", 45.0, None),  # Excel shows 45 %: a percentage means 45
        ("meilensteine_erreicht", 0.455, "0.0%", 45.5, None),
        ("meilensteine_erreicht", 45, "General", 45.0, None),
        ("km_umgesetzt", 0.5, "0%", None, "als Prozent formatiert"),  # shows 50 %: 0,5 km or 50 km?
        ("km_umgesetzt", 0.5, "0.00", 0.5, None),
        ("kritik_extern", 1, "0%", None, "als Prozent formatiert"),
    ],
)
def test_percent_formatted_xlsx_cells_count_as_percent_only_for_percent_indicators(
    plan: Plan, indicator: str, stored: float, fmt: str, value: float | None, problem: str | None
) -> None:
    rows = [["Indikator", "Monat", "Wert", "Kommentar"], [indicator, "03.2025", stored, None]]
    data = xlsx_bytes([("Messwerte", rows)], formats={"Messwerte": {(2, 3): fmt}})
    checked = parse_file(data, Catalogue.from_plan(plan), today=TODAY)
    if problem is None:
        assert checked.problems == []
        assert checked.readings["value"].tolist() == [value]
    else:
        assert checked.readings.empty
        [found] = checked.problems
        assert (found.line, found.column) == (2, "C (Wert)")
        assert problem in found.message and "%" in (found.value or "")


def _canonical(frame: pd.DataFrame) -> list[tuple[str, dt.date, float]]:
    return sorted((r.indicator_id, pd.Timestamp(r.month).date(), float(r.value)) for r in frame.itertuples())


GOOD_FILES = sorted(p.name for p in GOOD.iterdir())
EXPECTED = sorted((i, m, v) for i, m, v in GOOD_READINGS if v is not None)


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_corpus_parses_to_the_same_readings(plan: Plan, name: str) -> None:
    checked = parse_file((GOOD / name).read_bytes(), Catalogue.from_plan(plan), today=TODAY)
    assert checked.problems == []
    assert _canonical(checked.readings) == EXPECTED
    if checked.layout == "lang":
        comments = {(r.indicator_id, pd.Timestamp(r.month).date()): r.comment for r in checked.readings.itertuples()}
        for key, text in COMMENTS.items():
            assert comments[key] == text
    assert checked.n_empty == 1  # zuarbeit_stunden 02/2025 is not reported, never 0


def test_good_corpus_covers_every_format() -> None:
    assert len(GOOD_FILES) >= 15
    joined = " ".join(GOOD_FILES)
    for needle in ("cp1252", "utf8_bom", "utf16", "comma_point", "wide", ".xlsx", ".txt"):
        assert needle in joined


def test_parse_is_fast_enough_to_stay_vectorised(plan: Plan) -> None:
    """Not a timing test: 20 000 rows must parse through the vectorised path without errors."""
    rows = ["Indikator;Monat;Wert;Kommentar"]
    months = [f"{m:02d}.{y}" for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10)]
    ids = [i.id for i in plan.indicators if i.direction != "yesno"]
    for month in months:
        for ind in ids:
            rows.append(f"{ind};{month};1.234;")
    checked = parse_file(("\r\n".join(rows) + "\r\n").encode("cp1252"), Catalogue.from_plan(plan), today=TODAY)
    bad = [p for p in checked.problems if "außerhalb" not in p.message and not p.message.startswith("… und ")]
    assert bad == []
