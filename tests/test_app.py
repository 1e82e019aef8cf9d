"""AppTest: every page renders without exception (empty DB and Beispieldaten); errors stay German."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.db import open_database
from kora.plan import setup
from kora.samples.beispieldaten import load_demo
from tests.conftest import APP, KOMMUNE, OPERATOR, ROOT

# Every page the Einzelplatz mode (the default in tests: no accounts, localhost) navigates to;
# the login page exists only with accounts or SSO and is tested in tests/test_access_app.py.
PAGES = sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py") if p.relative_to(ROOT).parts[1] != "konto"
)


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


def with_demo(db_path: Path) -> None:
    db = open_database(db_path)
    setup.init(db, actor=OPERATOR)
    load_demo(db, actor=OPERATOR, kommune=KOMMUNE)
    db.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_empty_db(app_env: Path, page: str) -> None:
    at = run_app().switch_page(page).run()
    assert not at.exception
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_beispieldaten(app_env: Path, page: str) -> None:
    with_demo(app_env)
    at = run_app().switch_page(page).run()
    assert not at.exception
    assert not at.error


def test_start_page_offers_beispieldaten_and_loads_them(app_env: Path) -> None:
    at = run_app()
    assert any("noch keine Messwerte" in i.value for i in at.info)
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert any("Beispieldaten" in w.value for w in at.warning)
    assert [m.label for m in at.metric][:1] == ["Zielerreichung"]


def test_stand_selector_changes_the_numbers(app_env: Path) -> None:
    with_demo(app_env)
    at = run_app()
    before = [m.value for m in at.metric]
    at.selectbox(key="stand").set_value(dt.date(2025, 6, 1)).run()
    assert not at.exception
    assert [m.value for m in at.metric] != before
    assert any("Stand Juni 2025" in c.value for c in at.caption)


def test_deep_link_opens_the_right_aktionsfeld(app_env: Path) -> None:
    with_demo(app_env)
    at = run_app()
    at.query_params["feld"] = "B"
    at.switch_page("pages/dashboard/aktionsfeld.py").run()
    assert not at.exception
    assert at.title[0].value == "Aktionsfeld B: Umgang mit Politik"


def test_unexpected_error_shows_german_message_not_traceback(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kora.report import tables

    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(tables, "headline", boom)
    with_demo(app_env)
    at = run_app()
    assert not at.exception
    assert "unerwarteter Fehler" in at.error[0].value
    assert "kaputt" not in at.error[0].value
