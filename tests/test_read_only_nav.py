"""Nur-Lese-Modus through app.py (AppTest): the upload and Verwaltung pages leave the navigation, a link
to one shows the German reason instead of a form, and the dashboards stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.db import open_database
from kora.plan import setup
from tests import test_access_app
from tests.conftest import APP, OPERATOR
from tests.test_access_app import ADMIN, AUDIT, UPLOAD, login, pages, sidebar_text, start
from tests.test_access_deeplinks import deep_link

people = test_access_app.people


@pytest.fixture
def single_user(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Einzelplatz (the operator is admin): every page would be open if the file were writable."""
    monkeypatch.setenv("KORA_AUTH", "off")
    with open_database(app_env) as db:
        setup.init(db, actor=OPERATOR)
    return app_env


def _run() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30).run()


def test_writable_file_offers_upload_and_verwaltung(single_user: Path) -> None:
    at = _run()
    assert {UPLOAD, ADMIN, AUDIT} <= pages(at)


@pytest.mark.parametrize("url_path", ["upload", "verwaltung"])
def test_read_only_mode_takes_the_writing_pages_out_and_says_why(
    single_user: Path, monkeypatch: pytest.MonkeyPatch, url_path: str
) -> None:
    monkeypatch.setenv("KORA_READONLY", "1")
    at = _run()
    assert not at.exception and not at.error
    assert UPLOAD not in pages(at) and ADMIN not in pages(at)
    assert AUDIT in pages(at) and "pages/dashboard/uebersicht.py" in pages(at)  # reading stays
    at = deep_link(at, url_path)
    assert not at.exception and not at.error
    assert any("Hochladen und Ändern sind abgeschaltet" in w.value and "KORA\\_READONLY" in w.value for w in at.warning)
    assert not at.get("file_uploader") and not at.get("form")


def test_a_local_login_works_in_read_only_mode(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Logging in writes an audit row; a read-only file must not turn that into a refused login."""
    monkeypatch.setenv("KORA_READONLY", "1")
    at = login(start(), "ada")
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Angemeldet als" in sidebar_text(at)
    assert UPLOAD not in pages(at) and ADMIN not in pages(at) and AUDIT in pages(at)


def test_read_only_maßnahmen_page_draws_no_write_form(single_user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Maßnahmen page stays (reading), but its editor, upload and Quelle form are not drawn."""
    monkeypatch.setenv("KORA_READONLY", "1")
    at = _run().switch_page("pages/massnahmen/massnahmen.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert not at.get("file_uploader") and not at.get("form")
    assert not [t for t in at.toggle if t.key == "edit_on"]
    assert sum("Änderungen nein" in i.value for i in at.info) >= 2  # the reason, in the editor and upload tabs
