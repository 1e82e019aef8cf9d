"""AppTest of the page "Städtevergleich": first start, Beispiel-Pakete, import with problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.db import open_database
from kora.network import service
from kora.plan import setup as ops
from tests.conftest import APP, OPERATOR

PAGE = "pages/dashboard/staedtevergleich.py"
CORPUS = Path(__file__).resolve().parent / "data" / "network_broken"


@pytest.fixture(autouse=True)
def _own_is_aachen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at.switch_page(PAGE).run()


def with_samples(db_path: Path) -> None:
    db = open_database(db_path)
    ops.init(db, actor=OPERATOR)
    ops.load_demo(db, actor=OPERATOR)
    service.load_samples(db, actor=OPERATOR)
    db.close()


def test_first_start_offers_the_synthetic_packages(app_env: Path) -> None:
    at = open_page()
    assert not at.exception and not at.error
    assert any("noch keine Werte anderer Kommunen" in i.value for i in at.info)
    at.button(key="nw_samples").click().run()
    assert not at.exception
    assert not any("noch keine Werte anderer Kommunen" in i.value for i in at.info)
    assert "Karlsruhe" in at.dataframe[0].value["Kommune"].tolist()


def test_page_answers_where_we_stand_and_whom_to_ask(app_env: Path) -> None:
    with_samples(app_env)
    at = open_page()
    assert not at.exception and not at.error
    assert at.selectbox(key="nw_indicator").value == "km_umgesetzt"
    text = " ".join(m.value for m in at.markdown)
    assert "Aachen: Rang" in text and "km je 100 000 EW" in text
    assert "Von wem lernen?" in text and "Partnerstadt für Vorhaben 1" in text
    assert any("Beispieldaten" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert "► Aachen" in table["Kommune"].tolist()
    assert any("alt" in s for s in table["Stand"])  # Oldenburg's package is six months behind
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert fig["data"][0]["orientation"] == "h"


def test_other_indicator_and_year(app_env: Path) -> None:
    with_samples(app_env)
    at = open_page()
    at.selectbox(key="nw_indicator").set_value("planungsdauer_monate").run()
    assert not at.exception and not at.error
    assert any("Monate" in m.value for m in at.markdown)


def test_import_shows_every_problem_and_stores_nothing(app_env: Path) -> None:
    with_samples(app_env)
    at = open_page()
    data = (CORPUS / "wrong_definition.zip").read_bytes()
    at.file_uploader(key="nw_upload").set_value(("bonn.zip", data, "application/zip")).run()
    assert not at.exception
    assert any("abgelehnt" in e.value for e in at.error)
    assert any("Definition weicht ab" in m.value for m in at.markdown)


def test_import_of_a_valid_package(app_env: Path) -> None:
    db = open_database(app_env)
    ops.init(db, actor=OPERATOR)
    db.close()
    at = open_page()
    data = (CORPUS / "valid_bonn.zip").read_bytes()
    at.file_uploader(key="nw_upload").set_value(("bonn.zip", data, "application/zip")).run()
    assert any("11 neu" in i.value for i in at.info)
    at.button(key="nw_store").click().run()
    assert not at.exception
    assert any("gespeichert" in s.value for s in at.success)
