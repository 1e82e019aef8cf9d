"""Single sign-on end to end in Chromium: `st.login` against a local mock OpenID provider.

The test starts `oidc-provider-mock` (from the package index) on localhost in a thread and the
dashboard with a temporary secrets.toml (`STREAMLIT_SECRETS_FILES`, never the repository's
.streamlit/), clicks "Mit dem Stadt-Login anmelden", authorises on the provider's form and
lands back logged in with the role of the account that has the same e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access import accounts
from kora.db import audit_store, open_database
from kora.plan import setup
from tests.browser.conftest import Server, shot, wait_for_app
from tests.conftest import KOMMUNE, OPERATOR

pytestmark = pytest.mark.browser

KIM = {"email": "kim.meier@aachen.de", "name": "Kim Meier"}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    from oidc_provider_mock import User, run_server_in_thread

    with run_server_in_thread(port=0, user_claims=[User(sub="kim", claims=KIM)]) as server:
        yield f"http://localhost:{server.server_port}"


def start_sso_server(provider: str, folder: Path) -> Server:
    """A kora server with KORA_AUTH=oidc against the mock provider, and Kim as an SSO account (e-mail)."""
    db_path = folder / "kora.duckdb"
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
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'  # Streamlit fills in its port
        'cookie_secret = "test-only-cookie-secret-0123456789abcdef"\n'
        'client_id = "kora-test"\n'
        'client_secret = "test-only-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return Server(db_path, env={"KORA_AUTH": "oidc", "STREAMLIT_SECRETS_FILES": str(secrets)})


@pytest.fixture(scope="module")
def sso_server(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_sso_server(provider, tmp_path_factory.mktemp("sso"))
    yield server
    server.stop()


def test_sso_login_in_chromium(sso_server: Server, page, provider: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(sso_server.url)
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Anmelden')")
    shot(page, "sso_login_page")
    page.get_by_role("button", name=re.compile("Mit dem Stadt-Login anmelden")).click()
    page.wait_for_url(re.compile(re.escape(provider) + ".*authorize"))
    shot(page, "sso_mock_provider")
    page.get_by_role("button", name="kim").click()  # the mock's one-click user (claims: e-mail, name)
    page.wait_for_url(re.compile(re.escape(sso_server.url)))
    page.wait_for_selector("text=Angemeldet als")
    wait_for_app(page)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Kim M." in sidebar and "Koordinator*in" in sidebar
    assert page.get_by_role("link", name=re.compile("Messwerte hochladen")).count() == 1
    assert page.get_by_role("link", name=re.compile("Audit-Log")).count() == 0
    shot(page, "sso_logged_in_koordination")
    assert "Traceback" not in Path(sso_server.log).read_text(encoding="utf-8")
    sso_server.stop()  # DuckDB allows one process per file: read the audit log after the server
    db = open_database(sso_server.db)
    try:
        logins = audit_store.audit_df(db, action="anmeldung")
    finally:
        db.close()
    assert logins["actor"].tolist() == [KIM["email"]]
