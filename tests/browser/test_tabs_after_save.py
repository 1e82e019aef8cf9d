"""Browser: after a save, the page reruns with its message above the tabs; the tab the user
worked in must stay open (unkeyed tabs jumped back to the first one)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Server
from tests.browser.test_dashboard import ERRORS, open_page, settle

pytestmark = pytest.mark.browser


def test_verwaltung_stays_on_the_meilensteine_tab_after_saving(demo_server: Server, page) -> None:  # type: ignore[no-untyped-def]
    open_page(page, f"{demo_server.url}/verwaltung", chart=False)
    settle(page)
    page.get_by_role("tab", name="Meilensteine").click()
    settle(page)
    page.get_by_role("textbox", name="Grund / Nachweis (Pflicht)").fill("Termin laut Lenkungskreis")
    page.get_by_role("button", name="Meilenstein speichern").click()
    settle(page)
    page.wait_for_selector('[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentInfo"]')
    assert page.locator(ERRORS).count() == 0
    assert page.get_by_role("tab", name="Meilensteine").get_attribute("aria-selected") == "true"
