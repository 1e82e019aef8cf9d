"""Issue 11: importer messages that say exactly what is wrong (plural, impossible dates,
negative counts, the real size of a file that is too large)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kora.cli.main import main
from kora.readings.check_columns import check_months
from kora.readings.check_values import range_message
from kora.readings.ingest import MAX_UPLOAD_BYTES, read_upload
from tests.test_importer_checks import ANZAHL, CATALOGUE, LAST, messages, records


@pytest.mark.parametrize(
    ("cell", "fragment", "absent"),
    [
        ("31.02.2025", "Das Datum „31.02.2025“ gibt es nicht: Februar 2025 hat 28 Tage", "nicht erkannt"),
        ("29.02.2024", None, None),  # a leap day exists: read as February 2024 (then "vor dem Start")
        ("31.04.2025", "April 2025 hat 30 Tage", "nicht erkannt"),
        ("Frühjahr", "nicht erkannt", "gibt es nicht"),
    ],
)
def test_impossible_dates_say_so(cell: str, fragment: str | None, absent: str | None) -> None:
    _, finding = check_months(records(f"km;{cell};1;;"), CATALOGUE, last=LAST)
    texts = messages(finding.problems)
    if fragment is None:
        assert not any("gibt es nicht" in t or "nicht erkannt" in t for t in texts)
        return
    assert len(texts) == 1 and fragment in texts[0]
    assert absent not in texts[0]


def test_negative_count_hint_is_unambiguous() -> None:
    text = range_message(ANZAHL, -2.0)
    assert "kann nicht negativ sein" in text
    assert "ohne Minuszeichen oder 0" not in text  # "drop the sign or enter 0?" read two ways
    assert "ab 0" in text


@pytest.mark.parametrize(
    ("months", "note"), [(["Jan 25"], "1 Monatsspalte erkannt"), (["Jan 25", "Feb 25"], "2 Monatsspalten erkannt")]
)
def test_wide_format_note_in_proper_german(months: list[str], note: str) -> None:
    csv = "Indikator;" + ";".join(months) + "\r\nkm;" + ";".join("1" for _ in months) + "\r\n"
    notes = read_upload(csv.encode("cp1252")).extracted.notes
    assert any(note in n for n in notes), notes
    assert not any("(n)" in n for n in notes)


def test_cli_names_the_real_size_of_a_large_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "gross.csv"
    with big.open("wb") as f:
        f.truncate(int(24.5 * 1024 * 1024))  # sparse: 24,5 MB without writing them
    code = main(["import", str(big), "--dry-run", "--db", str(tmp_path / "k.duckdb")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Die Datei ist 24,5 MB groß; erlaubt sind höchstens 5,0 MB" in err
    assert MAX_UPLOAD_BYTES == 5 * 1024 * 1024
