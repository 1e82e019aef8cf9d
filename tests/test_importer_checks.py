"""The named steps of `kora.readings.check.check_upload`, each on its own table of cases.

A small hand-made catalogue (no DB, no plan files) and records read from a CSV as German Excel
writes it, so every case shows the cells a coordinator would type.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kora import fmt
from kora.readings.catalogue import Catalogue, Rule, match_key
from kora.readings.check import check_upload
from kora.readings.check_columns import check_comments, check_indicators, check_kommune, check_months
from kora.readings.check_values import check_ranges, read_values, typed_value
from kora.readings.duplicates import cell_keys, merge_duplicates
from kora.readings.findings import column_order, sorted_problems
from kora.readings.ingest import Problem, read_upload
from kora.readings.ingest.xlsx import PercentCell

KM = Rule("km", "Radwege umgesetzt", "km", "up", 0.0, None, False)
ANZAHL = Rule("anzahl", "Beschwerden", "Anzahl", "down", 0.0, None, True)
ANTEIL = Rule("anteil", "Anteil Radverkehr", "%", "up", 0.0, 100.0, False)
BESCHLUSS = Rule("beschluss", "Ratsbeschluss", "ja/nein", "yesno", 0.0, 1.0, True)
CATALOGUE = Catalogue("aachen", "Aachen", dt.date(2025, 1, 1), (KM, ANZAHL, ANTEIL, BESCHLUSS))
LAST = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 26)


def records(*rows: str, header: str = "Indikator;Monat;Wert;Kommentar;Kommune") -> pd.DataFrame:
    data = (header + "\r\n" + "".join(r + "\r\n" for r in rows)).encode("cp1252")
    return read_upload(data).records.reset_index(drop=True)


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


@pytest.mark.parametrize(
    ("cell", "expected_id", "fragment"),
    [
        ("km", "km", None),
        ("KM", "km", None),
        ("Radwege  umgesetzt", "km", None),  # by name, case and spaces do not matter
        ("radwege umgesetzt", "km", None),
        ("", "", "Indikator fehlt"),
        ("kmm", "", "Meinten Sie „km“"),
        ("Beschwerde", "", "Meinten Sie „anzahl“ (Beschwerden)"),
        ("xyz123", "", "Unbekannter Indikator „xyz123“."),
    ],
)
def test_check_indicators(cell: str, expected_id: str, fragment: str | None) -> None:
    found, finding = check_indicators(records(f"{cell};03.2025;1;;"), CATALOGUE)
    assert found.ids.tolist() == [expected_id]
    assert finding.bad.tolist() == [fragment is not None]
    assert bool(found.known[0]) is (fragment is None)
    if fragment is None:
        assert finding.problems == []
    else:
        assert len(finding.problems) == 1 and fragment in finding.problems[0].message
        assert finding.problems[0].line == 2 and finding.problems[0].column.startswith("A")


@pytest.mark.parametrize(
    ("cell", "month", "fragment"),
    [
        ("03.2025", dt.date(2025, 3, 1), None),
        ("Jan 25", dt.date(2025, 1, 1), None),
        ("2026-10", dt.date(2026, 10, 1), None),  # the last complete month is reportable
        ("", None, "Monat fehlt."),
        ("Frühjahr", None, "Monat „Frühjahr“ nicht erkannt."),
        ("03/04/2025", None, "mehrdeutig"),
        ("12.2024", dt.date(2024, 12, 1), "liegt vor dem Start des Aktionsplans (01/2025)"),
        ("2026-11", dt.date(2026, 11, 1), "ist noch nicht abgeschlossen"),
    ],
)
def test_check_months(cell: str, month: dt.date | None, fragment: str | None) -> None:
    months, finding = check_months(records(f"km;{cell};1;;"), CATALOGUE, last=LAST)
    shown = months.iloc[0]
    assert (None if pd.isna(shown) else shown.date()) == month
    assert finding.bad.tolist() == [fragment is not None]
    assert [fragment in m for m in messages(finding.problems)] == ([True] if fragment else [])


@pytest.mark.parametrize(
    ("row", "value", "fragment"),
    [
        ("km;03.2025;12,5;;", 12.5, None),
        ("km;03.2025;1.234,5;;", 1234.5, None),
        ("anteil;03.2025;45 %;;", 45.0, None),  # "45 %" for a % indicator means 45
        ("km;03.2025;45 %;;", None, "ist keine Zahl"),
        ("km;03.2025;12 km;;", None, "Bitte nur die Zahl ohne Einheit"),
        ("km;03.2025;01.03.2025;;", None, "sieht aus wie ein Datum"),
        ("km;03.2025;#DIV/0!;;", None, "Excel-Formelfehler"),
        ("beschluss;03.2025;ja;;", 1.0, None),
        ("beschluss;03.2025;Nein;;", 0.0, None),
        ("beschluss;03.2025;vielleicht;;", None, "bitte „ja“ oder „nein“"),
        ("unbekannt;03.2025;5;;", None, None),  # unknown indicator: not read here (check_indicators reports it)
    ],
)
def test_read_values(row: str, value: float | None, fragment: str | None) -> None:
    frame = records(row)
    found, _ = check_indicators(frame, CATALOGUE)
    read, finding = read_values(frame, found)
    assert (None if np.isnan(read.values[0]) else read.values[0]) == value
    assert finding.bad.tolist() == [fragment is not None]
    assert [fragment in m for m in messages(finding.problems)] == ([True] if fragment else [])


@pytest.mark.parametrize(
    ("cell", "rule", "expected"),
    [
        (True, BESCHLUSS, 1.0),
        (False, BESCHLUSS, 0.0),
        (True, KM, "kein WAHR/FALSCH"),
        (PercentCell(0.45), ANTEIL, 45.0),
        (PercentCell(0.5), KM, "als Prozent formatiert (angezeigt 50 %, gespeichert 0,5)"),
        (3, KM, 3.0),
        (2.5, KM, 2.5),
        (dt.datetime(2025, 3, 1), KM, "als Datum gespeichert"),
        (dt.time(12, 0), KM, "keine Zahl"),
    ],
)
def test_typed_value(cell: object, rule: Rule, expected: float | str) -> None:
    got = typed_value(cell, rule, yesno=rule.direction == "yesno", percent=rule.unit == "%")
    if isinstance(expected, str):
        assert isinstance(got, str) and expected in got
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("km;03.2025;12,5;;", None),
        ("km;03.2025;-1;;", "kann nicht negativ sein (-1)"),
        ("anteil;03.2025;120;;", "120 % liegt außerhalb von 0 bis 100 %"),
        ("anteil;03.2025;100;;", None),
        ("anzahl;03.2025;2,5;;", "wird gezählt (Anzahl)"),
        ("anzahl;03.2025;3;;", None),
        ("beschluss;03.2025;1;;", None),
        ("km;03.2025;0,0000001;;", None),
        ("unbekannt;03.2025;5;;", "no value"),  # no usable value: bad without a problem of its own
    ],
)
def test_check_ranges(row: str, fragment: str | None) -> None:
    frame = records(row)
    found, _ = check_indicators(frame, CATALOGUE)
    read, _ = read_values(frame, found)
    finding = check_ranges(frame, found, read.values)
    assert finding.bad.tolist() == [fragment is not None]
    if fragment == "no value":
        assert finding.problems == []
    else:
        assert [fragment in m for m in messages(finding.problems)] == ([True] if fragment else [])


@pytest.mark.parametrize(
    ("cell", "bad"),
    [("", False), ("aachen", False), ("AACHEN", False), ("Aachen", False), ("Köln", True), ("netz01", True)],
)
def test_check_kommune(cell: str, bad: bool) -> None:
    finding = check_kommune(records(f"km;03.2025;1;;{cell}"), CATALOGUE)
    assert finding.bad.tolist() == [bad]
    assert [("anderen Kommune" in m) for m in messages(finding.problems)] == ([True] if bad else [])


@pytest.mark.parametrize(
    ("cell", "stored", "bad"),
    [
        ("", "", False),
        ("  geprüft  ", "geprüft", False),
        ('"Zeile 1\r\nZeile 2"', "Zeile 1\nZeile 2", False),
        ("x" * 1000, "x" * 1000, False),
        ("x" * 1001, "x" * 1001, True),
    ],
)
def test_check_comments(cell: str, stored: str, bad: bool) -> None:
    comments, finding = check_comments(records(f"km;03.2025;1;{cell};"))
    assert comments.tolist() == [stored]
    assert finding.bad.tolist() == [bad]
    assert [("länger als 1000 Zeichen" in m) for m in messages(finding.problems)] == ([True] if bad else [])


@pytest.mark.parametrize(
    ("rows", "kept", "fragment", "note"),
    [
        (["km;03.2025;1;;", "km;04.2025;1;;"], 2, None, None),
        (["km;03.2025;1;;", "km;03.2025;1;;"], 1, None, "1 doppelte Zeile(n)"),
        (["km;03.2025;1;;", "km;03.2025;1;geprüft;"], 1, None, "1 doppelte Zeile(n)"),
        (["km;03.2025;1;;", "km;03.2025;2;;"], 1, "mit unterschiedlichen Werten (1 und 2)", None),
        (["km;03.2025;1;a;", "km;03.2025;1;b;"], 1, "mit unterschiedlichen Kommentaren", None),
    ],
)
def test_merge_duplicates(rows: list[str], kept: int, fragment: str | None, note: str | None) -> None:
    checked = check_upload(
        read_upload(("Indikator;Monat;Wert;Kommentar\r\n" + "\r\n".join(rows)).encode()), CATALOGUE, today=TODAY
    )
    assert len(checked.readings) == kept
    assert [fragment in m for m in messages(checked.problems)] == ([True] if fragment else [])
    assert [note in n for n in checked.notes if "doppelt" in n] == ([True] if note else [])
    if fragment:
        assert checked.problems[0].line == 3  # the second row is the one to delete


@pytest.mark.parametrize(
    ("positions", "months", "duplicate"),
    [
        ([0, 0], ["2025-03-01", "2025-04-01"], False),
        ([0, 1], ["2025-03-01", "2025-03-01"], False),
        ([1, 1], ["2025-03-01", "2025-03-01"], True),
    ],
)
def test_cell_keys_are_equal_exactly_for_the_same_cell(
    positions: list[int], months: list[str], duplicate: bool
) -> None:
    keys = cell_keys(np.array(positions, dtype="int64"), pd.Series(pd.to_datetime(months)).astype("datetime64[us]"))
    assert bool(keys[0] == keys[1]) is duplicate
    merged = merge_duplicates(pd.DataFrame({"indicator_id": [], "month": []}), {}, np.array([], dtype="int64"))
    assert merged.problems == []


@pytest.mark.parametrize(
    ("label", "order"), [(None, -1), ("", -1), ("A (Indikator)", 1), ("C", 3), ("AA (Wert)", 27), ("1 x", 0)]
)
def test_column_order(label: str | None, order: int) -> None:
    assert column_order(label) == order


def test_problems_are_sorted_by_row_then_column_and_stay_stable() -> None:
    problems = [
        Problem(3, "C (Wert)", "x", "a"),
        Problem(2, "B", "y", "b"),
        Problem(2, "A", "z", "c"),
        Problem(3, "C (Wert)", "x", "d"),
    ]
    assert [p.message for p in sorted_problems(problems)] == ["c", "b", "a", "d"]


@pytest.mark.parametrize(
    ("text", "key"), [("Km", "km"), ("  Radwege   umgesetzt ", "radwege umgesetzt"), ("STRASSE", "strasse")]
)
def test_match_key(text: str, key: str) -> None:
    assert match_key(text) == key


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        (0.0, "0"),
        (1234.0, "1.234"),
        (-5.0, "-5"),
        (1234.5678, "1.234,5678"),
        (0.0000001, "0"),
        (0.049, "0,049"),
        (1e16, "10.000.000.000.000.000"),
    ],
)
def test_exact_number(value: float | None, text: str) -> None:
    assert fmt.exact_number(value) == text


def test_check_upload_reports_every_step_in_row_order() -> None:
    """One file, one problem per step: all reported, sorted by row, nothing stored."""
    data = (
        "Indikator;Monat;Wert;Kommentar;Kommune\r\n"
        "kmm;03.2025;1;;\r\n"
        "km;2030-01;1;;\r\n"
        "km;04.2025;abc;;\r\n"
        "anteil;04.2025;120;;\r\n"
        "km;05.2025;1;;Köln\r\n"
        f"km;06.2025;1;{'x' * 1001};\r\n"
        "km;07.2025;2;;\r\n"
    ).encode()
    checked = check_upload(read_upload(data), CATALOGUE, today=TODAY)
    assert [p.line for p in checked.problems] == [2, 3, 4, 5, 6, 7]
    assert checked.readings["month"].dt.month.tolist() == [7]


def test_many_bad_cells_are_listed_up_to_a_cap_and_counted() -> None:
    """Issue 15: 300 unreadable values give 20 located problems plus one count, not 300 lines."""
    from kora.readings.findings import MAX_PER_KIND

    rows = [f"km;03.2025;x{i};" for i in range(300)]
    checked = check_upload(
        read_upload(("Indikator;Monat;Wert;Kommentar\r\n" + "\r\n".join(rows)).encode()), CATALOGUE, today=TODAY
    )
    assert len(checked.problems) == MAX_PER_KIND + 1
    assert checked.problems[-1].line is None
    assert "280 weitere Fehler" in checked.problems[-1].message


def test_a_duplicate_flood_names_the_first_lines_only() -> None:
    """Issue 15: every message listed every line (quadratic); now the first ten lines and a count."""
    rows = [f"km;03.2025;{i};" for i in range(500)]
    checked = check_upload(
        read_upload(("Indikator;Monat;Wert;Kommentar\r\n" + "\r\n".join(rows)).encode()), CATALOGUE, today=TODAY
    )
    assert len(checked.problems) <= 25
    assert all(len(p.message) < 600 for p in checked.problems)
    assert "(490 weitere)" in checked.problems[0].message
    assert "weitere Fehler" in checked.problems[-1].message


PLAUSIBLE = Catalogue(
    "aachen",
    "Aachen",
    dt.date(2025, 1, 1),
    (Rule("km", "Radwege umgesetzt", "km", "up", 0.0, None, False, plausible_max=5.0), ANZAHL),
)


@pytest.mark.parametrize(
    ("value", "problem", "note"),
    [
        ("3", None, None),
        ("1.234", None, "über dem plausiblen Monatswert"),  # German thousands: 1234 km in a month
        ("5.001", "nicht plausibel", None),  # 5001 km: beyond 1000 × 5 km
        ("1e308", "nicht plausibel", None),
        ("1e309", "zu groß", None),  # was stored as inf
        ("-1e309", "zu groß", None),
    ],
)
def test_values_must_be_finite_and_plausible(value: str, problem: str | None, note: str | None) -> None:
    checked = check_upload(
        read_upload(f"Indikator;Monat;Wert;Kommentar\r\nkm;03.2025;{value};\r\n".encode()), PLAUSIBLE, today=TODAY
    )
    assert [problem in m for m in messages(checked.problems)] == ([True] if problem else [])
    assert [note in n for n in checked.notes] == ([True] if note else [])


def test_without_a_plausible_maximum_only_absurd_values_are_refused() -> None:
    checked = check_upload(
        read_upload(b"Indikator;Monat;Wert;Kommentar\r\nanzahl;03.2025;1e13;\r\nanzahl;04.2025;999999;\r\n"),
        PLAUSIBLE,
        today=TODAY,
    )
    assert [p.line for p in checked.problems] == [2]
    assert "nicht plausibel" in checked.problems[0].message
