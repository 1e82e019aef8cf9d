"""Issue 15, sessions and login: signed expiring session cookies and their revocation, the cookie
routes (HttpOnly, no open redirect), the brake on guessing per account+client, per client and
globally (without locking out the right password), and one audit row per burst of braked attempts."""

from __future__ import annotations

import base64
import json
import time

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from kora.access import accounts, login
from kora.access.login import LoginFailed
from kora.access.sessions import COOKIE_NAME, SESSION_HOURS, SessionKeeper, key_problem, safe_next
from kora.access.throttle import LoginThrottle
from kora.db import Database, audit_store
from kora.web import session_routes
from tests.conftest import KOMMUNE, OPERATOR

PASSWORD = "richtig-langes-pw"


@pytest.fixture
def kim(db: Database) -> Database:
    accounts.add_user(db, OPERATOR, "kim", role="koordination", vorhaben=[2], password=PASSWORD, kommune=KOMMUNE)
    return db


# --- the session cookie --------------------------------------------------------------------------


def test_cookie_round_trip_holds_only_name_session_and_fingerprint(kim: Database) -> None:
    keeper = SessionKeeper(key="k" * 40)
    grant = keeper.grant(kim, "kim")
    value = keeper.cookie_value(grant)
    read = keeper.check(kim, keeper.read_cookie(value))
    assert read is not None and (read.username, read.sid, read.fingerprint) == ("kim", grant.sid, grant.fingerprint)
    payload = value.split(".")[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"u", "s", "f"}  # no password, no hash, no role
    stored_hash = kim.scalar("SELECT password_hash FROM users WHERE username = 'kim'")
    assert stored_hash not in value and PASSWORD not in value


def test_forged_or_foreign_cookies_are_refused(kim: Database) -> None:
    keeper = SessionKeeper(key="k" * 40)
    value = keeper.cookie_value(keeper.grant(kim, "kim"))
    other = SessionKeeper(key="x" * 40)
    assert other.read_cookie(value) is None  # signed with another key (e.g. before a restart)
    assert keeper.read_cookie(value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None
    forged = base64.urlsafe_b64encode(json.dumps({"u": "admin", "s": "x", "f": "y"}).encode()).decode().rstrip("=")
    assert keeper.read_cookie(forged + "." + value.split(".", 1)[1]) is None
    assert keeper.read_cookie("") is None and keeper.read_cookie("a" * 5000) is None


def test_cookie_expires_after_the_session_hours(kim: Database) -> None:
    now = [time.time()]
    keeper = SessionKeeper(key="k" * 40, clock=lambda: now[0])
    value = keeper.cookie_value(keeper.grant(kim, "kim"))
    now[0] += SESSION_HOURS * 3600 - 60
    assert keeper.check(kim, keeper.read_cookie(value)) is not None
    now[0] += 120
    assert keeper.check(kim, keeper.read_cookie(value)) is None


def test_cookie_dies_with_logout_new_password_and_disabled_account(kim: Database) -> None:
    keeper = SessionKeeper(key="k" * 40)
    first, second = keeper.grant(kim, "kim"), keeper.grant(kim, "kim")
    keeper.revoke(first.sid)  # logout in one browser
    assert keeper.check(kim, keeper.read_cookie(keeper.cookie_value(first))) is None
    assert keeper.check(kim, keeper.read_cookie(keeper.cookie_value(second))) is not None
    accounts.change_password(kim, OPERATOR, "kim", "ganz-neues-passwort", kommune=KOMMUNE)
    assert keeper.check(kim, keeper.read_cookie(keeper.cookie_value(second))) is None
    third = keeper.grant(kim, "kim")
    assert keeper.check(kim, third) is not None
    accounts.set_disabled(kim, OPERATOR, "kim", kommune=KOMMUNE)
    assert keeper.check(kim, third) is None


def test_tickets_are_one_time_and_short_lived(kim: Database) -> None:
    now = [1000.0]
    keeper = SessionKeeper(key="k" * 40, clock=lambda: now[0])
    grant = keeper.grant(kim, "kim")
    ticket = keeper.issue_ticket(grant)
    assert keeper.redeem_ticket(ticket) == keeper.cookie_value(grant)
    assert keeper.redeem_ticket(ticket) is None
    late = keeper.issue_ticket(grant)
    now[0] += 61
    assert keeper.redeem_ticket(late) is None
    assert keeper.redeem_ticket("geraten") is None and keeper.redeem_ticket(None) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/aktionsfeld?feld=B", "/aktionsfeld?feld=B"),
        ("/", "/"),
        ("https://evil.example.invalid/", "/"),
        ("//evil.example.invalid/x", "/"),
        ("/\\evil.example.invalid", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_safe_next_allows_only_local_paths(target: object, expected: str) -> None:
    assert safe_next(target) == expected


def test_short_configured_key_is_named() -> None:
    assert "zu kurz" in (key_problem({"KORA_SITZUNGSSCHLUESSEL": "kurz"}) or "")
    assert key_problem({}) is None and key_problem({"KORA_SITZUNGSSCHLUESSEL": "z" * 40}) is None


# --- the cookie routes --------------------------------------------------------------------------


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """`routes()` marks the cookie flow as installed for the whole process; keep that mark to this test,
    or every later AppTest login would send its browser to a cookie route that AppTest cannot follow."""
    monkeypatch.setattr(session_routes, "_INSTALLED", [])
    return TestClient(Starlette(routes=session_routes.routes()), follow_redirects=False)


def test_cookie_route_sets_an_httponly_cookie_and_returns_to_the_page(kim: Database, client: TestClient) -> None:
    from kora.access.sessions import KEEPER

    grant = KEEPER.grant(kim, "kim")
    ticket = KEEPER.issue_ticket(grant)
    answer = client.get(session_routes.LOGIN_PATH, params={"ticket": ticket, "weiter": "/aktionsfeld?feld=B"})
    assert answer.status_code == 303 and answer.headers["location"] == "/aktionsfeld?feld=B"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Max-Age={SESSION_HOURS * 3600}" in cookie and "Path=/" in cookie
    assert answer.headers["referrer-policy"] == "no-referrer"
    again = client.get(session_routes.LOGIN_PATH, params={"ticket": ticket, "weiter": "/"})
    assert again.headers["location"] == "/anmeldung" and "set-cookie" not in again.headers
    evil = client.get(
        session_routes.LOGIN_PATH, params={"ticket": KEEPER.issue_ticket(grant), "weiter": "//evil.example.invalid"}
    )
    assert evil.headers["location"] == "/"


def test_logout_route_revokes_and_deletes_the_cookie(kim: Database, client: TestClient) -> None:
    from kora.access.sessions import KEEPER

    grant = KEEPER.grant(kim, "kim")
    client.cookies.set(COOKIE_NAME, KEEPER.cookie_value(grant))
    answer = client.get(session_routes.LOGOUT_PATH)
    assert answer.status_code == 303 and answer.headers["location"] == "/anmeldung"
    assert f'{COOKIE_NAME}=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert KEEPER.check(kim, grant) is None


# --- the brake on guessing ----------------------------------------------------------------------


def test_one_client_guessing_many_names_is_braked_others_are_not(kim: Database) -> None:
    throttle = LoginThrottle(free=5, client_free=10, base_wait=30)
    for i in range(10):
        with pytest.raises(LoginFailed, match="falsch"):
            login.login_local(kim, f"name{i}", "geraten-geraten", client="198.51.100.7", throttle=throttle)
    with pytest.raises(LoginFailed, match="von diesem Gerät"):
        login.login_local(kim, "kim", PASSWORD, client="198.51.100.7", throttle=throttle)
    assert login.login_local(kim, "kim", PASSWORD, client="10.0.0.5", throttle=throttle).name == "kim"


def test_global_cap_brakes_unknown_clients_but_not_known_good_ones(kim: Database) -> None:
    throttle = LoginThrottle(global_cap=8, global_window=60)
    login.login_local(kim, "kim", PASSWORD, client="10.0.0.5", throttle=throttle)  # the usual machine
    for i in range(8):  # a spread-out guess: one try per address
        with pytest.raises(LoginFailed, match="falsch"):
            login.login_local(kim, "kim", "geraten-geraten", client=f"192.0.2.{i}", throttle=throttle)
    with pytest.raises(LoginFailed, match="sehr viele Fehlversuche"):
        login.login_local(kim, "kim", PASSWORD, client="192.0.2.200", throttle=throttle)
    assert login.login_local(kim, "kim", PASSWORD, client="10.0.0.5", throttle=throttle).name == "kim"


def test_braked_attempts_are_audited_once_per_burst_with_a_count(kim: Database) -> None:
    now = [1000.0]
    throttle = LoginThrottle(free=2, base_wait=30, clock=lambda: now[0])
    for _ in range(2):
        with pytest.raises(LoginFailed, match="falsch"):
            login.login_local(kim, "kim", "geraten-geraten", client="198.51.100.7", throttle=throttle)
    before = len(audit_store.audit_df(kim, action="anmeldung"))
    for _ in range(50):
        with pytest.raises(LoginFailed, match="Zu viele Fehlversuche"):
            login.login_local(kim, "kim", "geraten-geraten", client="198.51.100.7", throttle=throttle)
    assert len(audit_store.audit_df(kim, action="anmeldung")) == before  # the burst is still running
    now[0] += 31
    assert login.login_local(kim, "kim", PASSWORD, client="198.51.100.7", throttle=throttle).name == "kim"
    rows = audit_store.audit_df(kim, action="anmeldung")
    assert len(rows) == before + 2  # one row for the burst, one for the successful login
    burst = [json.loads(d) for d in rows["detail"] if "gebremst" in d]
    assert len(burst) == 1
    assert burst[0]["abgewiesene_versuche"] == 50 and burst[0]["bremse"] == "konto"
    assert burst[0]["client"] == "198.51.100.7"


def test_a_too_short_session_key_fails_closed() -> None:
    from kora.access.modes import resolve_access

    config = resolve_access(
        {"KORA_AUTH": "lokal", "KORA_SITZUNGSSCHLUESSEL": "kurz"},
        auth_section=None,
        login_accounts=1,
        address="0.0.0.0",
    )
    assert config.problem and "KORA_SITZUNGSSCHLUESSEL ist zu kurz" in config.problem
