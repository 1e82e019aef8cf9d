"""AppTest: every page renders without exception (empty DB and Beispieldaten)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP

PAGES = ["pages/uebersicht.py"]


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_empty_db(app_env: Path, page: str) -> None:
    at = run_app().switch_page(page).run()
    assert not at.exception
    assert not at.error


def test_start_page_offers_beispieldaten_and_loads_them(app_env: Path) -> None:
    at = run_app()
    assert any("noch keine Messwerte" in i.value for i in at.info)
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert any("Beispieldaten" in w.value for w in at.warning)
    assert "Aktionsfeld A: Umgang mit Zivilgesellschaft" in [s.value for s in at.subheader]
