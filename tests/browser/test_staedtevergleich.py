"""Städtevergleich in real Chromium: the answer in one look, and the way to the Städtenetzwerk."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.conftest import Server, kora_cli
from tests.browser.test_dashboard import CHART, ERRORS, full_shot, settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("e2e_network") / "kora.duckdb"
    kora_cli("demo", db=db)
    kora_cli("netzwerk", "beispiel", db=db)
    server = Server(db, env={"KORA_KOMMUNE": "aachen"})
    yield server
    server.stop()


def test_staedtevergleich_answers_in_one_look(network_server: Server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{network_server.url}/staedtevergleich")
    page.wait_for_selector("h1:has-text('Städtevergleich')")
    page.wait_for_selector(CHART)
    settle(page)
    assert page.locator(ERRORS).count() == 0
    main = page.inner_text('[data-testid="stMain"]')
    assert re.search(r"Aachen: Rang \d von \d", main)
    assert "km je 100 000 EW" in main and "Von wem lernen?" in main and "Karlsruhe" in main
    assert "Einwohner: data/kommunen.toml, Stand 15.05.2022" in main  # Stichtag of the denominators shown
    bars = page.locator(f"{CHART} .bars .point")
    assert bars.count() >= 6
    full_shot(page, "20_staedtevergleich_km")

    page.locator('[data-testid="stSelectbox"]').filter(has_text="Gemeinsamer Indikator").click()
    page.get_by_role("option", name=re.compile("Planungsdauer")).click()
    # the select box shows "Monate" at once; the rerun is done when the headline names the indicator
    page.wait_for_function("() => document.body.innerText.includes('bei Planungsdauer')")
    settle(page)
    assert page.locator(ERRORS).count() == 0
    full_shot(page, "21_staedtevergleich_planungsdauer")

    page.get_by_role("link", name=re.compile("Städtenetzwerk-Matrix")).click()
    page.wait_for_url(re.compile(r"/staedtenetzwerk"))
    page.wait_for_selector("h1:has-text('Städtenetzwerk')")
