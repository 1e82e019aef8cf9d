"""Browser: upload the Maßnahmenliste in the page, switch km_umgesetzt to the list, see the
derived number on the dashboard and the Maßnahmen behind it. Screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import Server, kora_cli
from tests.browser.test_dashboard import CHART, ERRORS, full_shot, open_page, settle
from tests.test_massnahmen_import import EVENTS, HEADER

pytestmark = pytest.mark.browser

ROWS = [
    "M-01;Radfahrstreifen Jülicher Straße;geschützter Radfahrstreifen;1,2;1;2;umgesetzt;A. Schmidt;ja;01.2025;05.2025;04.2025;09.2025;15.09.2025",
    "M-02;Fahrradstraße Eupener Straße;Fahrradstraße;2,5;2;1;;B. Meyer;ja;03.2025;08.2025;07.2025;10.2026;10.2026",
    "M-03;Knoten Kaiserplatz;Knotenpunkt;;3;;Entwurf;;ja;März 2025;03.2027;;12.2027;",
]


@pytest.fixture
def plan_server(tmp_path) -> Server:  # type: ignore[no-untyped-def]
    db = tmp_path / "massnahmen.duckdb"
    kora_cli("init", db=db)
    server = Server(db)
    yield server
    server.stop()


def select(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'[data-testid="stSelectbox"]:has(label:has-text("{label}"))').click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_upload_list_switch_source_and_see_the_derived_number(plan_server: Server, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    liste = tmp_path / "Maßnahmenliste.csv"
    liste.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    events = tmp_path / "Ereignisse.csv"
    events.write_bytes(EVENTS.encode("cp1252"))
    open_page(page, f"{plan_server.url}/massnahmen", chart=False)
    settle(page)
    page.get_by_role("tab", name="Hochladen").click()
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', [str(liste), str(events)])
    page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Neue Ereignisse")')
    settle(page)
    full_shot(page, "massnahmen_01_vorschau")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_selector("text=Gespeichert als Upload")
    settle(page)
    assert page.locator(ERRORS).count() == 0

    page.get_by_role("tab", name="Quellen").click()
    select(page, "Neue Quelle", "Maßnahmenliste")
    page.get_by_role("textbox", name="Grund (Pflicht)").fill("Liste ist die Quelle")
    page.get_by_role("button", name="Quelle umstellen").click()
    page.wait_for_selector("text=umgestellt")
    settle(page)
    assert page.locator(ERRORS).count() == 0
    page.get_by_role("tab", name="Zeitschiene").click()
    page.wait_for_selector(CHART)
    settle(page)
    full_shot(page, "massnahmen_02_zeitschiene")

    page.get_by_role("link", name=re.compile("Übersicht")).click()
    page.wait_for_selector(CHART)
    settle(page)
    full_shot(page, "massnahmen_03_uebersicht")
    assert page.locator(ERRORS).count() == 0

    open_page(page, f"{plan_server.url}/aktionsfeld?feld=A")
    settle(page)
    main = page.inner_text('[data-testid="stMain"]').replace("\xa0", " ")
    assert "2,5 km" in main  # October's derived value (M-02) on the Aktionsfeld page
    link = page.get_by_role("link", name=re.compile("Welche Maßnahmen"))
    assert link.count() == 1
    full_shot(page, "massnahmen_04_aktionsfeld")
    link.click()
    page.wait_for_selector("text=Hinter „km_umgesetzt“")
    settle(page)
    assert "M-02" in page.inner_text('[data-testid="stMain"]')
    full_shot(page, "massnahmen_05_dahinter")


@pytest.fixture
def list_server(tmp_path) -> Server:  # type: ignore[no-untyped-def]
    """A stored list (imported before the server starts: one writing process per DB file)."""
    db = tmp_path / "liste.duckdb"
    kora_cli("init", db=db)
    liste = tmp_path / "Maßnahmenliste.csv"
    liste.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    kora_cli("massnahmen", "import", str(liste), db=db)
    server = Server(db)
    yield server
    server.stop()


CELL_EDITOR = "#portal .gdg-input"


def edit_cell(page, grid, *, row: int, right: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Open a cell's editor the way a user does (select, Enter), wait until it is there, type, commit.

    The grid is a canvas: a click lands on a cell only once the grid has been laid out, and keys
    typed before the overlay editor opened are lost (seen on a loaded machine: the first digit went
    missing, or the whole edit). So the editor's textarea is waited for, and the selection retried.
    """
    y = 35 + 35 * (row - 1) + 17  # rows are 35 px below a 35 px header
    for _attempt in range(4):
        settle(page)
        grid.click(position={"x": 20, "y": y})
        for _ in range(right):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            page.wait_for_selector(CELL_EDITOR, state="visible", timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - the grid was not ready; select the cell again
            page.keyboard.press("Escape")
    editor = page.locator(CELL_EDITOR)
    editor.fill(text)
    assert editor.input_value() == text
    page.keyboard.press("Enter")


def test_edit_a_maßnahme_in_the_table_editor(list_server: Server, page) -> None:  # type: ignore[no-untyped-def]
    open_page(page, f"{list_server.url}/massnahmen", chart=False)
    settle(page)
    page.get_by_role("tab", name="Bearbeiten").click()
    page.get_by_text("Maßnahmen bearbeiten").click()
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("canvas")).first
    grid.wait_for()
    settle(page)
    full_shot(page, "massnahmen_06_bearbeiten")
    edit_cell(page, grid, row=3, right=3, text="0,6")  # M-03, Nr -> Maßnahme -> Art -> Länge km
    page.wait_for_selector("text=Vorschau: 1 Maßnahmen geändert", timeout=60_000)  # slow under a loaded machine
    settle(page)
    page.get_by_role("textbox", name="Korrekturgrund (Pflicht)").fill("Zeitplan laut Ausschuss")
    hint = page.locator('[data-testid="InputInstructions"]')  # Streamlit's English "Press Enter to apply"
    assert hint.count() == 1 and not hint.is_visible()  # rendered while typing, hidden by the app's style
    full_shot(page, "massnahmen_07_vorschau_bearbeitung")
    page.get_by_role("button", name="Änderungen speichern").click()
    page.wait_for_selector("text=Gespeichert als Upload")
    settle(page)
    # the tab worked in stays open after the save (it jumped back to "Zeitschiene")
    assert page.get_by_role("tab", name="Bearbeiten").get_attribute("aria-selected") == "true"
    full_shot(page, "massnahmen_08_gespeichert")
    assert page.locator(ERRORS).count() == 0
