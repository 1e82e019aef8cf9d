"""The .xlsx container is inspected before openpyxl parses anything (issue 15: bounded work, no XML tricks)."""

from __future__ import annotations

import io
import zipfile

import pytest

from kora.readings.ingest import FileRejected, container, read_grid
from tests.data.hostile import make_hostile as corpus


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_the_unpacked_size_is_read_from_the_directory_and_refused_above_the_limit() -> None:
    infos = [zipfile.ZipInfo("xl/sharedStrings.xml"), zipfile.ZipInfo("xl/workbook.xml")]
    infos[0].file_size, infos[1].file_size = 60 * 1024 * 1024, 50 * 1024 * 1024
    with pytest.raises(FileRejected, match=r"entpackt 110 MB.*„xl/sharedStrings\.xml“"):
        container.check_unpacked_size(infos)
    container.check_unpacked_size(infos[:1])  # 60 MB is fine


@pytest.mark.parametrize(
    ("part", "doctype"),
    [
        ("xl/worksheets/sheet1.xml", corpus.BILLION_LAUGHS),
        ("xl/workbook.xml", corpus.EXTERNAL_ENTITY),
    ],
)
def test_a_dtd_in_any_part_is_refused_naming_the_part(part: str, doctype: str) -> None:
    xml = (
        corpus.sheet_xml(corpus.data_rows(), doctype=doctype)
        if "sheet" in part
        else corpus.workbook_xml(doctype=doctype)
    )
    with pytest.raises(FileRejected, match=f"XML.*„{part}“|„{part}“.*XML"):
        container.inspect_workbook(corpus.xlsx_bytes({part: xml}))


def test_a_dtd_across_a_chunk_border_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "CHUNK", 7)
    xml = corpus.sheet_xml(corpus.data_rows(), doctype=corpus.EXTERNAL_ENTITY)
    with pytest.raises(FileRejected, match="DOCTYPE"):
        container.inspect_workbook(corpus.xlsx_bytes({"xl/worksheets/sheet1.xml": xml}))


def test_empty_rows_are_dropped_and_the_data_keeps_its_row_numbers() -> None:
    rows = '<row r="1"/><row r="2" ht="20" customHeight="1"/>' + corpus.data_rows(start=3) + '<row r="9"/>'
    data = corpus.xlsx_bytes({"xl/worksheets/sheet1.xml": corpus.sheet_xml(rows)})
    compacted = container.inspect_workbook(data)
    assert b'<row r="9"/>' not in _parts(compacted)["xl/worksheets/sheet1.xml"]
    _kind, _desc, grid = read_grid(data)
    assert grid.index.tolist() == [3, 4]
    assert grid.iloc[1, 0] == "km_umgesetzt"


def test_an_ordinary_workbook_is_passed_on_unchanged() -> None:
    data = corpus.xlsx_bytes({})
    assert container.inspect_workbook(data) is data


def test_too_many_rows_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_ROWS", 1)
    with pytest.raises(FileRejected, match="zu groß: 2 Zeilen"):
        container.inspect_workbook(corpus.xlsx_bytes({}))
