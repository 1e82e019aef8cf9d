"""Single sign-on deep links (issue 15): after the city's login the person lands on the page asked for.

`st.login` takes no target and its callback always redirects to "/". So the page is remembered in a
short-lived signed cookie (kora.access.sessions `target_cookie`) by the route `/kora/stadt-login`
before the trip to the provider, and `/kora/weiter` consumes it after. Tested here without a
provider: the cookie, both routes, and app.py's two hops (AppTest). The whole round trip through a
mock OpenID provider in Chromium: tests/browser/test_oidc_login.py.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from kora.access.sessions import KEEPER, TARGET_COOKIE, TARGET_SECONDS, SessionKeeper
from kora.web import gate, session_routes
from tests import test_access_app
from tests.conftest import APP
from tests.test_access_app import SSO
from tests.test_access_deeplinks import deep_link

people = test_access_app.people


# --- the remembered page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/aktionsfeld?feld=C", "/aktionsfeld?feld=C"),
        ("/vorhaben?nr=2&stand=2026-10", "/vorhaben?nr=2&stand=2026-10"),
        ("https://evil.example.invalid/", "/"),
        ("//evil.example.invalid/x", "/"),
    ],
)
def test_target_cookie_round_trip_keeps_only_local_paths(target: str, expected: str) -> None:
    keeper = SessionKeeper(key="k" * 40)
    assert keeper.read_target(keeper.target_cookie(target)) == expected


def test_target_cookie_expires_and_refuses_forgeries() -> None:
    now = [time.time()]
    keeper = SessionKeeper(key="k" * 40, clock=lambda: now[0])
    value = keeper.target_cookie("/historie")
    now[0] += TARGET_SECONDS - 30
    assert keeper.read_target(value) == "/historie"
    now[0] += 60
    assert keeper.read_target(value) is None
    other = SessionKeeper(key="x" * 40)
    assert other.read_target(keeper.target_cookie("/historie")) is None  # another server's key
    assert keeper.read_target(value[:-2] + "xx") is None and keeper.read_target(None) is None
    assert keeper.read_target("a" * 5000) is None


# --- the two routes --------------------------------------------------------------------------------


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(session_routes, "_INSTALLED", [])  # keep the "installed" mark to this test
    return TestClient(Starlette(routes=session_routes.routes()), follow_redirects=False)


def test_start_route_remembers_the_page_in_an_httponly_cookie(client: TestClient) -> None:
    answer = client.get(session_routes.SSO_START_PATH, params={"weiter": "/aktionsfeld?feld=C"})
    assert answer.status_code == 303 and answer.headers["location"] == session_routes.SSO_GO
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{TARGET_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Max-Age={TARGET_SECONDS}" in cookie
    assert KEEPER.read_target(answer.cookies[TARGET_COOKIE]) == "/aktionsfeld?feld=C"


def test_resume_route_redirects_once_and_deletes_the_cookie(client: TestClient) -> None:
    client.cookies.set(TARGET_COOKIE, KEEPER.target_cookie("/aktionsfeld?feld=C"))
    answer = client.get(session_routes.RESUME_PATH)
    assert answer.status_code == 303 and answer.headers["location"] == "/aktionsfeld?feld=C"
    assert f'{TARGET_COOKIE}=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]


@pytest.mark.parametrize("value", [None, "gefaelscht.abc.def", "x" * 5000])
def test_resume_route_without_a_valid_cookie_goes_home(client: TestClient, value: str | None) -> None:
    if value is not None:
        client.cookies.set(TARGET_COOKIE, value)
    answer = client.get(session_routes.RESUME_PATH)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_start_route_is_no_open_redirect(client: TestClient) -> None:
    answer = client.get(session_routes.SSO_START_PATH, params={"weiter": "//evil.example.invalid/"})
    assert KEEPER.read_target(answer.cookies[TARGET_COOKIE]) == "/"


# --- app.py's hops (AppTest: the browser's navigation itself is the browser test's) ---------------


def _scripts(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def _sso_app(*, logged_in: bool, email: str = "kim@aachen.de") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = {"auth": SSO}
    at.user = {"is_logged_in": True, "email": email} if logged_in else {"is_logged_in": False}
    return at


def test_sso_button_on_a_deep_link_goes_through_the_start_route(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_routes, "_INSTALLED", [True])
    at = deep_link(_sso_app(logged_in=False), "aktionsfeld", feld="C")
    assert at.title[0].value == "Anmelden" and any("Aktionsfeld" in i.value for i in at.info)
    at = next(b for b in at.button if b.label == "Mit dem Stadt-Login anmelden").click().run()
    assert not at.exception
    link = next(b for b in at.get("link_button") if b.proto.label == "Weiter").proto.url
    target = urlparse(link)
    assert target.path == session_routes.SSO_START_PATH
    assert parse_qs(target.query)["weiter"] == ["/aktionsfeld?feld=C"]
    assert any("window.location.replace" in s and "/kora/stadt-login?weiter=" in s for s in _scripts(at))


def test_sso_button_on_the_login_page_starts_the_login_directly(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_routes, "_INSTALLED", [True])
    started: list[bool] = []
    monkeypatch.setattr(gate.st, "login", lambda *a, **k: started.append(True))
    at = _sso_app(logged_in=False).run()
    at = next(b for b in at.button if b.label == "Mit dem Stadt-Login anmelden").click().run()
    assert started == [True] and not any("/kora/stadt-login" in s for s in _scripts(at))


def test_the_login_page_starts_st_login_after_the_start_route(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[bool] = []
    monkeypatch.setattr(gate.st, "login", lambda *a, **k: started.append(True))
    deep_link(_sso_app(logged_in=False), "anmeldung", sso="los")
    assert started == [True]


def test_after_the_login_the_remembered_page_is_opened_once(people: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_routes, "_INSTALLED", [True])
    value = KEEPER.target_cookie("/aktionsfeld?feld=C")
    monkeypatch.setattr(gate, "_browser_cookie", lambda name="": value if name == TARGET_COOKIE else None)
    at = _sso_app(logged_in=True).run()  # Streamlit's callback lands on "/"
    assert not at.exception
    assert any(f'"{session_routes.RESUME_PATH}"' in s for s in _scripts(at))
    at.run()  # the same session again: no second hop
    assert not any(session_routes.RESUME_PATH in s for s in _scripts(at))
    assert "Angemeldet als" in test_access_app.sidebar_text(at)


def test_without_a_remembered_page_the_login_stays_on_the_uebersicht(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_routes, "_INSTALLED", [True])
    at = _sso_app(logged_in=True).run()
    assert not at.exception and not at.error
    assert not any(session_routes.RESUME_PATH in s for s in _scripts(at))
