"""The Verwaltung's accounts tab in a shared installation, in Chromium: München's Admin sees
München's accounts only. Screenshot for people to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from kora.access import accounts
from kora.db import open_database
from kora.network import service
from kora.plan import setup
from tests.browser.conftest import Server, fresh_page, shot, wait_for_app
from tests.browser.test_access_browser import PASSWORD, log_in
from tests.browser.test_dashboard import ERRORS, settle
from tests.conftest import OPERATOR, TODAY
from tests.test_accounts_kommune import PEOPLE, _second_plan
from tests.test_received_packages import BONN

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("geteilt")
    db = open_database(folder / "kora.duckdb")
    setup.init(db, actor=OPERATOR)
    setup.init(db, plan_path=_second_plan(folder), actor=OPERATOR)
    for name, (role, kommune) in PEOPLE.items():
        accounts.add_user(db, OPERATOR, name, role=role, password=PASSWORD, display_name=name.title(), kommune=kommune)
    outcome = service.import_package(db, BONN.read_bytes(), filename="bonn.zip", actor=OPERATOR, today=TODAY)
    assert outcome.ok, outcome.errors
    db.close()
    server = Server(folder / "kora.duckdb", env={"KORA_AUTH": "lokal"})
    yield server
    server.stop()


def test_second_kommunes_admin_sees_only_its_accounts(shared_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    with fresh_page(browser, width=1400, height=900) as page:
        log_in(page, shared_server.url, "mia")
        page.get_by_role("link", name=re.compile("Verwaltung")).click()
        page.wait_for_selector("h1:has-text('Verwaltung')")
        page.get_by_role("tab", name="Benutzer").click()
        page.wait_for_selector("text=Konten der Kommune München")
        wait_for_app(page)
        table = page.locator('[data-testid="stDataFrame"]:visible').first
        table.wait_for()
        settle(page)
        shot(page, "accounts_kommune_muenchen_admin")
        assert page.locator(ERRORS).count() == 0
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Konten der Kommune München" in text


def test_historie_lists_a_received_package_read_only(shared_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    with fresh_page(browser, width=1400, height=900) as page:
        log_in(page, shared_server.url, "mia")
        page.get_by_role("link", name=re.compile("Historie")).click()
        page.wait_for_selector("h1:has-text('Historie')")
        page.wait_for_selector("text=Pakete der Partnerstädte")
        page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()
        settle(page)
        shot(page, "historie_received_packages")
        assert page.locator(ERRORS).count() == 0
