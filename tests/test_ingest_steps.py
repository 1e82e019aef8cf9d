"""The named steps of the layouts (long/wide column finding) and of the XLSX grid reader, as tables."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from kora.readings.ingest import FileRejected
from kora.readings.ingest.header import normalise_header, role_of
from kora.readings.ingest.layout import _empty_values, extract, long_columns, wide_columns
from kora.readings.ingest.xlsx import MAX_CELLS, MAX_COLUMNS, PercentCell, cell_value, read_rows, to_grid


@pytest.mark.parametrize(
    ("headers", "cols", "missing", "problems"),
    [
        (["Indikator", "Monat", "Wert", "Kommentar"], {"indicator": 0, "month": 1, "value": 2, "comment": 3}, (), 0),
        (["Name", "Monat", "Wert"], {"indicator": 0, "month": 1, "value": 2}, (), 0),  # a name column stands in
        (["Indikator", "Einheit", "Monat", "Wert"], {"indicator": 0, "month": 2, "value": 3}, (), 0),
        (["Indikator", "Wert"], {"indicator": 0, "value": 1}, ("month",), 1),
        (["Indikator", "Monat", "Wert", "Wert"], {"indicator": 0, "month": 1, "value": 2}, (), 1),  # doubled
        (["Kommentar", "Wert"], {"comment": 0, "value": 1}, ("indicator", "month"), 2),
        # a header that merely contains the word "fehlt" no longer decides anything
        (["Indikator", "Monat", "Wert", "fehlt"], {"indicator": 0, "month": 1, "value": 2}, (), 0),
    ],
)
def test_long_columns(headers: list[object], cols: dict[str, int], missing: tuple[str, ...], problems: int) -> None:
    found = long_columns(headers, 1)
    assert found.cols == cols and found.missing == missing and len(found.problems) == problems
    assert sum("fehlt in der Kopfzeile" in p.message for p in found.problems) == len(missing)


def test_a_missing_long_column_yields_no_records_but_every_header_problem() -> None:
    grid = pd.DataFrame([["Indikator", "Wert", "Farbe"], ["km", "1", "x"]], index=[1, 2])
    grid.columns = range(3)
    result = extract(grid)
    assert result.records.empty
    assert [p.message.split(" ")[0:3] for p in result.problems] == [
        ["Die", "Spalte", "„Monat“"],
        ["Unbekannte", "Spalte", "„Farbe“."],
    ]


@pytest.mark.parametrize(
    ("headers", "ind_col", "comment_col", "months", "doubled"),
    [
        (["Indikator", "Jan 25", "Feb 25"], 0, None, [1, 2], set()),
        (["Name", "Indikator", "2025-03"], 1, None, [2], set()),  # an id column wins over a name column
        (["Indikator", "Name", "2025-03"], 0, None, [2], set()),
        (["", "Jan 25"], 0, None, [1], set()),  # no indicator header: the first column
        (["Indikator", "Jan 25", "Kommentar", "Bemerkung"], 0, 2, [1], {3}),
    ],
)
def test_wide_columns(
    headers: list[object], ind_col: int, comment_col: int | None, months: list[int], doubled: set[int]
) -> None:
    found = wide_columns(headers, 1)
    assert (found.ind_col, found.comment_col, sorted(found.months), found.doubled) == (
        ind_col,
        comment_col,
        months,
        doubled,
    )
    assert len(found.problems) == len(doubled)
    assert found.used == {ind_col, *months, *doubled} | ({comment_col} if comment_col is not None else set())


@pytest.mark.parametrize(
    ("cells", "empty", "stripped"),
    [
        (
            pd.Series([" 1 ", "", "#NV", "  ", "#N/A", "#WERT!"], dtype="str"),
            [False, True, True, True, True, False],
            ["1", "", "#NV", "", "#N/A", "#WERT!"],
        ),
        (pd.Series([1.0, None, "#nv", " ", "x"], dtype=object), [False, True, True, True, False], None),
    ],
)
def test_empty_values(cells: pd.Series, empty: list[bool], stripped: list[str] | None) -> None:
    mask, text = _empty_values(cells)
    assert mask.tolist() == empty
    assert (None if text is None else text.tolist()) == stripped


@pytest.mark.parametrize(
    ("header", "normalised", "role"),
    [
        ("Wert (km)", "wert", "value"),
        ("INDIKATOR_ID", "indikator id", "indicator"),
        ("Berichtsmonat:", "berichtsmonat", "month"),
        ("Bemerkungen", "bemerkungen", "comment"),
        ("Jan 25", "jan 25", None),
        (None, "", None),
    ],
)
def test_header_roles(header: object, normalised: str, role: str | None) -> None:
    assert normalise_header(header) == normalised and role_of(header) == role


def cell(value: object, number_format: str = "General", row: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(value=value, number_format=number_format, row=row)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (cell(3), 3.0),
        (cell(0.1 + 0.2), 0.3),  # Excel's 15 significant digits
        (cell(0.45, "0%"), PercentCell(0.45)),
        (cell(True), True),
        (cell(dt.time(8, 30)), "08:30:00"),
        (cell(dt.datetime(2025, 3, 1)), dt.datetime(2025, 3, 1)),
        (cell("km"), "km"),
        (cell(None), None),
    ],
)
def test_cell_value(source: SimpleNamespace, expected: object) -> None:
    got = cell_value(source)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("rows", "values", "numbers"),
    [
        ([[cell("a"), cell(1)], [cell("b"), cell(2)]], [["a", 1.0], ["b", 2.0]], [1, 2]),
        ([[cell("a", row=1)], [cell("b", row=5)]], [["a"], ["b"]], [1, 5]),  # read-only sheets skip empty rows
        ([[]], [], []),  # empty rows are not kept (issue 15: a million of them cost 20 s)
    ],
)
def test_read_rows(rows: list[list[SimpleNamespace]], values: list[list[object]], numbers: list[int]) -> None:
    assert read_rows(rows) == (values, numbers)


def test_read_rows_refuses_a_sheet_above_the_cell_limit() -> None:
    wide = [[cell(1.0)] * 1000 for _ in range(MAX_CELLS // 1000 + 1)]
    with pytest.raises(FileRejected, match="zu groß"):
        read_rows(wide)


def test_read_rows_drops_trailing_empty_cells_and_refuses_too_many_columns() -> None:
    assert read_rows([[cell("a"), cell(None), cell(None)]]) == ([["a"]], [1])
    with pytest.raises(FileRejected, match="Spalten"):
        read_rows([[cell(1.0)] * (MAX_COLUMNS + 1)])


@pytest.mark.parametrize(
    ("rows", "numbers", "shape"),
    [
        ([["a", 1.0], ["b"]], [1, 3], (2, 2)),
        ([], [], (0, 1)),
    ],
)
def test_to_grid(rows: list[list[object]], numbers: list[int], shape: tuple[int, int]) -> None:
    grid = to_grid(rows, numbers)
    assert grid.shape == shape and list(grid.columns) == list(range(shape[1]))
    assert grid.index.tolist() == numbers and (grid.dtypes == np.dtype(object)).all()


def test_mixed_encodings_are_read_line_by_line_and_reported() -> None:
    from kora.readings.ingest import sniff

    data = "a;Straße ü\r\n".encode() + "b;Lärm\r\n".encode("cp1252")
    decoded = sniff.decode_text(data)
    assert decoded.text == "a;Straße ü\r\nb;Lärm\r\n"
    assert (
        len(decoded.notes) == 1
        and "Zeichenkodierungen: UTF-8 in Zeile 1 und Windows-1252 in Zeile 2" in decoded.notes[0]
    )
    assert sniff.decode_text("b;Lärm\r\n".encode("cp1252")).notes == ()


@pytest.mark.parametrize(
    ("text", "warned"), [("StraÃŸe", True), ("GrÃ¼n", True), ("5 â‚¬", True), ("Straße", False), ("Ära", False)]
)
def test_mojibake_is_reported(text: str, warned: bool) -> None:
    from kora.readings.ingest import sniff

    notes = sniff.decode_text(f"x;y\r\nkm;{text}\r\n".encode()).notes
    assert [("Zeile 2" in n and "Ã¼" in n) for n in notes] == ([True] if warned else [])
