"""Single sign-on deep link in Chromium (issue 15): /aktionsfeld?feld=C while logged out, the city's
login (a local mock OpenID provider), and the browser ends on Aktionsfeld C — not on the Übersicht."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access import accounts
from kora.access.sessions import TARGET_COOKIE
from kora.db import open_database
from kora.plan import setup
from tests.browser.conftest import Server, shot, wait_for_app
from tests.browser.test_oidc_login import KIM, provider
from tests.conftest import KOMMUNE, OPERATOR

pytestmark = pytest.mark.browser
__all__ = ["provider"]  # the mock provider fixture, shared with test_oidc_login


@pytest.fixture
def sso_deeplink_server(provider: str, tmp_path: Path) -> Iterator[Server]:
    db_path = tmp_path / "kora.duckdb"
    db = open_database(db_path)
    setup.init(db, actor=OPERATOR)
    accounts.add_user(
        db,
        OPERATOR,
        "kim",
        role="koordination",
        vorhaben=[2],
        email=KIM["email"],
        display_name="Kim M.",
        kommune=KOMMUNE,
    )
    db.close()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-only-cookie-secret-0123456789abcdef"\n'
        'client_id = "kora-test"\n'
        'client_secret = "test-only-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    server = Server(db_path, env={"KORA_AUTH": "oidc", "STREAMLIT_SECRETS_FILES": str(secrets)})
    yield server
    server.stop()


def test_sso_login_returns_to_the_deep_link(sso_deeplink_server: Server, page, provider: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{sso_deeplink_server.url}/aktionsfeld?feld=C")
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Anmelden')")
    page.get_by_role("button", name=re.compile("Mit dem Stadt-Login anmelden")).click()
    page.wait_for_url(re.compile(re.escape(provider) + ".*authorize"))
    page.get_by_role("button", name="kim").click()
    page.wait_for_url(re.compile(re.escape(sso_deeplink_server.url) + r"/aktionsfeld\?feld=C"), timeout=60_000)
    wait_for_app(page)
    page.wait_for_selector("text=Angemeldet als")
    page.wait_for_selector("h1:has-text('Aktionsfeld C')")
    shot(page, "sso_deeplink_aktionsfeld_c")
    assert not [c for c in page.context.cookies() if c["name"] == TARGET_COOKIE]  # consumed once
    assert "Traceback" not in Path(sso_deeplink_server.log).read_text(encoding="utf-8")
