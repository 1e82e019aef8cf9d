"""From the coordinator's German Excel CSV in the browser to the changed dashboard."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import WAIT_MS, Server, kora_cli, shot
from tests.browser.test_dashboard import CHART, ERRORS, open_page, settle

pytestmark = pytest.mark.browser

# As German Excel saves "CSV (Trennzeichen-getrennt)": Windows-1252, ';', decimal comma, CRLF.
CSV = "Indikator;Monat;Wert;Kommentar\r\nkm_umgesetzt;Okt 26;3,5;Abschnitt Nord nachgemeldet (ÄÖÜ €)\r\n".encode(
    "cp1252"
)


def text_input(page, label: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="stTextInput"] input[aria-label^="{label}"]')


@pytest.fixture
def fresh_demo_server(tmp_path) -> Server:  # type: ignore[no-untyped-def]
    db = tmp_path / "upload.duckdb"
    kora_cli("demo", db=db)
    server = Server(db)
    yield server
    server.stop()


def test_csv_upload_changes_the_overview(fresh_demo_server: Server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    open_page(page, fresh_demo_server.url)
    settle(page)
    before = page.locator('[data-testid="stMetricValue"]').first.inner_text()

    page.get_by_role("link", name=re.compile("Messwerte hochladen")).click()
    page.wait_for_selector("h1:has-text('Messwerte hochladen')")
    page.wait_for_selector('[data-testid="stFileUploader"]')
    settle(page)
    name = text_input(page, "Ihr Name")
    if name.count():  # the name field exists only where no login tells us who uploads
        name.fill("Erika Koordinatorin")
        name.press("Enter")
        settle(page)
    path = tmp_path / "Messwerte Oktober.csv"
    path.write_bytes(CSV)
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))
    page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Geändert")')
    settle(page)
    reason = text_input(page, "Korrekturgrund")
    reason.fill("Nachmeldung Abschnitt Nord")
    reason.press("Enter")
    settle(page)
    shot(page, "upload_preview")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_selector("text=gespeichert")
    settle(page)
    assert page.locator(ERRORS).count() == 0
    shot(page, "upload_saved")

    page.get_by_role("link", name=re.compile("Übersicht")).click()
    page.wait_for_selector(CHART)
    settle(page)
    after = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert after != before, "the overview must show the new number at once"
    print(f"CSV → Dashboard im Browser: {time.monotonic() - started:.1f} s")  # reported, not asserted


def test_first_click_saves_after_typing_a_korrekturgrund(fresh_demo_server: Server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: type the Korrekturgrund without Enter, click "Speichern" once → saved (no lost click)."""
    open_page(page, fresh_demo_server.url + "/upload", chart=False)
    page.wait_for_selector('[data-testid="stFileUploader"]')
    settle(page)
    path = tmp_path / "Korrektur.csv"
    path.write_bytes(CSV)
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))
    page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Geändert")')
    settle(page)
    text_input(page, "Korrekturgrund").fill("Nachmeldung Abschnitt Nord")  # no Enter, no blur
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_selector("text=gespeichert", timeout=WAIT_MS)
    settle(page)
    assert page.locator(ERRORS).count() == 0
    shot(page, "upload_first_click_saved")


def test_the_template_offered_beside_the_errors_downloads(fresh_demo_server: Server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A file without a header: the error table offers the template, and the click gives the workbook
    (its copy of the button lost the Kommune and failed when clicked)."""
    open_page(page, fresh_demo_server.url + "/upload", chart=False)
    page.wait_for_selector('[data-testid="stFileUploader"]')
    settle(page)
    path = tmp_path / "ohne Kopfzeile.csv"
    path.write_bytes(b"1;2;3\r\n4;5;6\r\n")
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(path))
    button = page.get_by_role("button", name="Vorlage herunterladen (.xlsx)")
    button.wait_for()
    settle(page)
    with page.expect_download() as download:
        button.click()
    saved = tmp_path / "vorlage.xlsx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"  # an xlsx workbook
