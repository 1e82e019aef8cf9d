"""Main dashboard flows in real Chromium: overview → Aktionsfeld → Vorhaben; every page opens."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kora import fmt
from tests.browser.conftest import Server, shot
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"] .main-svg'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def open_page(page, url: str, *, chart: bool = True) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    page.wait_for_selector('[data-testid="stMain"] h1')
    if chart:
        page.wait_for_selector(CHART)


def settle(page) -> None:  # type: ignore[no-untyped-def]
    """Let Streamlit finish the run (status widget gone) before reading or screenshotting."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def full_shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": min(max(1000, height + 40), 8000)})
    page.wait_for_timeout(500)
    shot(page, name)
    page.set_viewport_size({"width": 1600, "height": 1000})


def test_overview_to_aktionsfeld_to_vorhaben(demo_server: Server, page) -> None:  # type: ignore[no-untyped-def]
    open_page(page, demo_server.url)
    settle(page)
    assert page.locator(ERRORS).count() == 0
    assert "Beispieldaten" in page.inner_text('[data-testid="stMain"]')
    full_shot(page, "01_uebersicht")

    page.get_by_role("link", name=re.compile("Details ansehen")).nth(1).click()
    page.wait_for_url(re.compile(r"/aktionsfeld\?.*feld=B"))
    page.wait_for_selector("h1:has-text('Aktionsfeld B')")
    page.wait_for_selector(CHART)
    settle(page)
    assert page.locator(ERRORS).count() == 0
    full_shot(page, "02_aktionsfeld_B")

    page.get_by_role("link", name=re.compile("Vorhaben im Detail")).first.click()
    page.wait_for_selector("h1:has-text('Vorhaben 3')")
    settle(page)
    text = page.inner_text('[data-testid="stMain"]')
    assert "Übergeordnete Zielsetzung" in text and "Bielefeld" in text
    full_shot(page, "03_vorhaben_3")


@pytest.mark.parametrize(
    ("path", "heading", "chart"),
    [
        ("meilensteine", "Meilensteine", True),
        ("staedtenetzwerk", "Städtenetzwerk", False),
        ("aktionsfeld?feld=D", "Aktionsfeld D", True),
        ("vorhaben?nr=7", "Vorhaben 7", True),
    ],
)
def test_every_page_opens_without_error(demo_server: Server, page, path: str, heading: str, chart: bool) -> None:  # type: ignore[no-untyped-def]
    open_page(page, f"{demo_server.url}/{path}", chart=chart)
    settle(page)
    assert heading in page.inner_text("h1")
    assert page.locator(ERRORS).count() == 0
    full_shot(page, "page_" + re.sub(r"\W+", "_", path))


def test_overview_numbers_agree_with_cli_status(demo_server: Server, page) -> None:  # type: ignore[no-untyped-def]
    open_page(page, demo_server.url)
    settle(page)
    shown = page.locator('[data-testid="stMetricValue"]').all_inner_texts()[:4]
    demo_server.stop()  # DuckDB allows one writer process: let the CLI read the same file
    try:
        out = subprocess.run(
            [sys.executable, "-m", "kora", "status", "--json", "--db", str(demo_server.db)],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
    finally:
        demo_server.__init__(demo_server.db)  # type: ignore[misc]
    fields = json.loads(out.stdout)["aktionsfelder"]
    # below its start a card shows the raw, negative attainment (issue 11: "−60 %", not a flattened "0 %")
    expected = [fmt.signed_percent(fmt.shown_attainment(f["attainment"], f.get("attainment_raw"))) for f in fields]
    assert [s.replace(" ", "\u00a0") for s in shown] == expected


def test_first_request_after_start_may_be_a_deep_link(tmp_path, page) -> None:  # type: ignore[no-untyped-def]
    """A shared link opened right after a restart lands on its page, without 'Page not found'."""
    from tests.browser.conftest import kora_cli

    db = tmp_path / "fresh.duckdb"
    kora_cli("demo", db=db)
    server = Server(db)
    try:
        open_page(page, f"{server.url}/aktionsfeld?feld=C")
        settle(page)
        assert "Aktionsfeld C" in page.inner_text("h1")
        assert page.get_by_text("Page not found").count() == 0
    finally:
        server.stop()
