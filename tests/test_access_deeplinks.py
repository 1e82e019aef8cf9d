"""Issue 15 through app.py (AppTest): deep links while logged out lead to the login and then to the
requested page (no "Page not found"), a role that lacks a page gets a German note, the login hands
the session to the cookie route, and a tab's login ends with logout, a new password elsewhere or a
disabled account. The real cookie in Chromium: tests/browser/test_access_browser.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from kora.access import accounts
from kora.access.sessions import KEEPER
from kora.db import open_database
from kora.web import gate, session_routes
from tests import test_access_app
from tests.conftest import KOMMUNE, OPERATOR
from tests.test_access_app import login, start

people = test_access_app.people  # the fixture: Leser*in lea, Koordinator*in kim (Vorhaben 2), Admin ada

URL_PATHS = {
    "uebersicht": "Übersicht",
    "aktionsfeld": "Aktionsfeld",
    "vorhaben": "Vorhaben",
    "meilensteine": "Meilensteine",
    "staedtenetzwerk": "Städtenetzwerk",
    "upload": "Messwerte hochladen",
    "historie": "Historie",
    "praesentation": "Präsentationsmodus",
    "verwaltung": "Verwaltung",
    "audit": "Audit-Log",
}


def deep_link(at: AppTest, url_path: str, **query: str) -> AppTest:
    """What a browser opening /url_path?query does: the run resolves the page by its URL path."""
    at._page_hash = calc_hash(url_path)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("url_path", sorted(URL_PATHS))
def test_every_deep_link_while_logged_out_shows_the_login_for_that_page(people: Path, url_path: str) -> None:
    at = deep_link(start(), url_path)
    assert not at.exception and not at.error
    assert at.title[0].value == "Anmelden"
    assert any(f"„{URL_PATHS[url_path]}“ zu öffnen" in i.value for i in at.info)
    assert at.text_input(key="login_password")


def test_after_the_login_the_deep_link_opens_with_its_parameters(people: Path) -> None:
    at = deep_link(start(), "aktionsfeld", feld="C")
    at = login(at, "lea")
    assert not at.exception and not at.error
    assert at.title[0].value.startswith("Aktionsfeld C")


def test_a_role_without_the_page_gets_a_german_note(people: Path) -> None:
    at = login(start(), "lea")
    at = deep_link(at, "upload")
    assert not at.exception and not at.error
    assert at.title[0].value == "Messwerte hochladen"
    assert any("nur für Koordinator*innen und Admins" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    at = deep_link(at, "audit")
    assert any("nur für Admins" in w.value for w in at.warning)


def test_login_hands_the_session_to_the_cookie_route(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_routes, "_INSTALLED", [True])
    at = deep_link(start(), "aktionsfeld", feld="B")
    at = login(at, "kim")
    assert not at.exception
    link = next(b for b in at.get("link_button") if b.proto.label == "Weiter").proto.url
    target = urlparse(link)
    assert target.path == session_routes.LOGIN_PATH
    params = parse_qs(target.query)
    assert params["weiter"] == ["/aktionsfeld?feld=B"]
    value = KEEPER.redeem_ticket(params["ticket"][0])
    assert value is not None and KEEPER.read_cookie(value).username == "kim"  # type: ignore[union-attr]
    scripts = [h.proto.body for h in at.get("html")]
    assert any("window.location.replace" in s and "/kora/sitzung?ticket=" in s for s in scripts)


def test_logout_revokes_the_tabs_session(people: Path) -> None:
    at = login(start(), "kim")
    grant = at.session_state[gate.GRANT_KEY]
    at = at.switch_page("pages/konto/anmeldung.py").run()
    at = at.button(key="logout").click().run()
    assert not at.exception and at.title[0].value == "Anmelden"
    db = open_database(people)
    try:
        assert KEEPER.check(db, grant) is None
    finally:
        db.close()


@pytest.mark.parametrize("change", ["password", "disabled"])
def test_a_new_password_or_a_disabled_account_ends_open_tabs(people: Path, change: str) -> None:
    at = login(start(), "kim")
    assert "Angemeldet als" in " ".join(c.value for c in at.sidebar.caption)
    db = open_database(people)
    try:
        if change == "password":
            accounts.change_password(db, OPERATOR, "kim", "ganz-neues-passwort", kommune=KOMMUNE)
        else:
            accounts.set_disabled(db, OPERATOR, "kim", kommune=KOMMUNE)
    finally:
        db.close()
    at = at.run()
    assert not at.exception
    assert at.title[0].value == "Anmelden"
    assert any("abgelaufen oder wurde beendet" in w.value for w in at.warning)


def test_own_password_change_keeps_this_tab_logged_in(people: Path) -> None:
    at = login(start(), "kim").switch_page("pages/konto/anmeldung.py").run()
    at.text_input(key="pw_old").input("ein-langes-passwort")
    at.text_input(key="pw_new").input("ganz-neues-passwort")
    at.text_input(key="pw_again").input("ganz-neues-passwort")
    at = next(b for b in at.button if b.label == "Passwort ändern").click().run()
    assert not at.exception and any("Passwort geändert" in s.value for s in at.success)
    at = at.run()
    assert at.title[0].value == "Mein Konto"
