"""Slide "Wo stehen wir im Netzwerk?" and sheet "Städtevergleich" in the Brownbag exports."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from kora.db import Database
from kora.network import service
from kora.report import export, tables
from kora.report import network as views
from kora.samples import partner_packages
from kora.tracking.stand import gather
from tests.conftest import OPERATOR, TODAY

AS_OF = TODAY.replace(month=10, day=1)


@pytest.fixture(autouse=True)
def _own_is_aachen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)


@pytest.fixture
def network_db(demo_db: Database) -> Database:
    partner_packages.load_samples(demo_db, actor=OPERATOR, today=TODAY)
    return demo_db


def test_slide_and_sheet_show_the_page_numbers(network_db: Database) -> None:
    bundle = export.make_bundle(gather(network_db, kommune="aachen", as_of=AS_OF, made_on=TODAY))
    slide = bundle.deck.slide("netzwerk")
    assert slide.title == "Wo stehen wir im Netzwerk?"
    page = service.comparison(network_db, indicator_id="km_umgesetzt", year=2026, as_of=AS_OF)
    assert [row[1].removeprefix("► ") for row in slide.table.rows] == page.table["name"].tolist()
    assert any(row[1] == "► Aachen" for row in slide.table.rows)
    ask = {row[1]: row[4] for row in slide.table.rows}
    assert ask["Karlsruhe"] == "fragen (Vorhaben 1)" and ask["► Aachen"] == ""
    assert "synthetisch" in slide.subtitle
    wb = load_workbook(io.BytesIO(export.render("xlsx", bundle)))
    ws = wb["Städtevergleich"]
    header = [c.value for c in ws[4]]
    values = {row[1]: row for row in ws.iter_rows(min_row=5, values_only=True) if row[1]}
    km_col = header.index("km je 100 000 EW")
    assert values["Aachen"][km_col] == pytest.approx(float(page.table.set_index("name").loc["Aachen", "compared"]))
    assert isinstance(values["Karlsruhe"][km_col], float)  # numbers stay numbers


@pytest.mark.parametrize("fmt_key", ["pptx", "html"])
def test_the_slide_renders_in_every_format(network_db: Database, fmt_key: str) -> None:
    bundle = export.make_bundle(gather(network_db, kommune="aachen", as_of=AS_OF, made_on=TODAY))
    data = export.render(fmt_key, bundle)
    if fmt_key == "pptx":
        text = b"".join(
            zipfile.ZipFile(io.BytesIO(data)).read(n)
            for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
            if n.startswith("ppt/slides/slide")
        ).decode("utf-8")
    else:
        text = data.decode("utf-8")
    assert "Wo stehen wir im Netzwerk?" in text and "Karlsruhe" in text


def test_no_slide_and_no_sheet_without_network_data(demo_db: Database) -> None:
    bundle = export.make_bundle(gather(demo_db, kommune="aachen", as_of=AS_OF, made_on=TODAY))
    assert "netzwerk" not in [s.key for s in bundle.deck.slides]
    assert "Städtevergleich" not in load_workbook(io.BytesIO(export.render("xlsx", bundle))).sheetnames


def test_whom_to_ask_is_escaped_once_on_the_page(network_db: Database) -> None:
    """learn_from_lines is plain text; bullet_markdown escapes it once (no visible backslashes)."""
    c = service.comparison(network_db, indicator_id="km_umgesetzt", year=2026, as_of=AS_OF)
    lines = views.learn_from_lines(c)
    assert lines and all("\\" not in line for line in lines)
    assert tables.bullet_markdown(lines).count("\\(") == len(lines)
