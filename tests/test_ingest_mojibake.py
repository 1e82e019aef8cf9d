"""Mojibake in a workbook's text cells ("StraÃŸe"): the text files' warning, naming the cells (issue 15)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kora.readings.ingest import read_upload
from kora.readings.ingest.xlsx import mojibake_notes
from tests.data.hostile import make_hostile as corpus

GERMAN = "abcdefghijklmnopqrstuvwxyz ABCÄÖÜäöüß€„“–0123456789.,;"


def _grid(cells: dict[tuple[int, int], object], rows: int = 3, cols: int = 4) -> pd.DataFrame:
    grid = pd.DataFrame([[None] * cols for _ in range(rows)], index=range(1, rows + 1), dtype=object)
    for (row, col), value in cells.items():
        grid.loc[row, col] = value
    return grid


@pytest.mark.parametrize(
    ("cells", "named"),
    [
        ({}, None),
        ({(2, 3): "Straße über Lütticher Str."}, None),
        ({(2, 3): 1.5, (3, 0): "km_umgesetzt"}, None),
        ({(2, 3): "StraÃŸe Ã¼"}, "Zelle D2"),
        ({(3, 1): "Kosten in â‚¬"}, "Zelle B3"),
        ({(1, 0): "â€žZitatâ€œ", (3, 3): "GrÃ¼n"}, "Zelle A1, D3"),
    ],
)
def test_cells_with_mojibake_are_named(cells: dict, named: str | None) -> None:
    notes = mojibake_notes(_grid(cells))
    if named is None:
        assert notes == []
    else:
        assert len(notes) == 1 and f"In {named} stehen" in notes[0]


def test_many_cells_are_counted_not_listed() -> None:
    grid = _grid({(r, 0): "Ã¼" for r in range(1, 21)}, rows=20, cols=1)
    (note,) = mojibake_notes(grid)
    assert "A1, A2, A3, A4, A5 (und 15 weiteren)" in note


@given(st.text(alphabet=GERMAN, max_size=40))
def test_correct_german_text_is_never_flagged(text: str) -> None:
    assert mojibake_notes(_grid({(1, 0): text}, rows=1, cols=1)) == []


@given(st.text(alphabet=GERMAN, max_size=20), st.sampled_from("äöüÄÖÜß€„“"), st.text(alphabet=GERMAN, max_size=20))
def test_utf8_read_as_windows_1252_is_always_flagged(before: str, umlaut: str, after: str) -> None:
    mangled = (before + umlaut + after).encode("utf-8").decode("cp1252", errors="replace")
    assert mojibake_notes(_grid({(1, 0): mangled}, rows=1, cols=1))


def test_the_corpus_workbook_warns_through_read_upload() -> None:
    upload = read_upload(corpus.BUILDERS["mojibake_cells.xlsx"]("test"))
    assert upload.kind == "xlsx"
    assert any("Zelle D2" in note for note in upload.extracted.notes), upload.extracted.notes
