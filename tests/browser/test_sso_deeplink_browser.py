"""Single sign-on deep link in Chromium (issue 15): /aktionsfeld?feld=C while logged out, the city's
login (a local mock OpenID provider), and the browser ends on Aktionsfeld C — not on the Übersicht."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access.sessions import TARGET_COOKIE
from tests.browser.conftest import Server, shot, wait_for_app
from tests.browser.test_oidc_login import provider, start_sso_server

pytestmark = pytest.mark.browser
__all__ = ["provider"]  # the mock provider fixture, shared with test_oidc_login


@pytest.fixture
def sso_deeplink_server(provider: str, tmp_path: Path) -> Iterator[Server]:
    server = start_sso_server(provider, tmp_path)
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
