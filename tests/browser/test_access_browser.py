"""Local accounts in Chromium, as a new user meets them: the login form, a Leser*in's view
(dashboards, no upload), an Admin's Verwaltung and Audit-Log. Screenshots for people to look at."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from kora.access import accounts
from kora.db import open_database
from kora.plan import edits, setup
from kora.samples.beispieldaten import load_demo
from tests.browser.conftest import WAIT_MS, Server, fresh_page, shot, wait_for_app
from tests.browser.test_dashboard import ERRORS, settle
from tests.conftest import KOMMUNE, OPERATOR, TODAY

pytestmark = pytest.mark.browser

PASSWORD = "ein-langes-passwort"


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db_path = tmp_path_factory.mktemp("lokal") / "kora.duckdb"
    db = open_database(db_path)
    setup.init(db, actor=OPERATOR)
    load_demo(db, actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
    accounts.add_user(db, OPERATOR, "lea", role="leser", password=PASSWORD, display_name="Lea Lesend", kommune=KOMMUNE)
    accounts.add_user(
        db,
        OPERATOR,
        "kim",
        role="koordination",
        vorhaben=[2, 4],
        password=PASSWORD,
        display_name="Kim Meier",
        kommune=KOMMUNE,
    )
    accounts.add_user(db, OPERATOR, "ada", role="admin", password=PASSWORD, display_name="Ada Admin", kommune=KOMMUNE)
    edits.set_plan_value(
        db,
        OPERATOR,
        "kritik_extern",
        field="target",
        year=2026,
        value=38,
        reason="Beschluss Lenkungskreis 11/2026",
        kommune=KOMMUNE,
    )
    db.close()
    server = Server(db_path, env={"KORA_AUTH": "lokal"})
    yield server
    server.stop()


def log_in(page, url: str, user: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("Benutzername").fill(user)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_selector("text=Angemeldet als")
    wait_for_app(page)


def test_login_form_and_a_readers_view(local_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    with fresh_page(browser, width=1400, height=900) as page:
        page.goto(local_server.url)
        wait_for_app(page)
        page.wait_for_selector("h1:has-text('Anmelden')")
        page.get_by_label("Benutzername").fill("lea")
        page.get_by_label("Passwort").fill("falsch-geraten")
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_selector("text=Anmeldung fehlgeschlagen")
        shot(page, "access_login_form")
        log_in(page, local_server.url, "lea")
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Lea Lesend" in sidebar and "Leser*in" in sidebar
        assert page.get_by_role("link", name=re.compile("Übersicht")).count() == 1
        assert page.get_by_role("link", name=re.compile("Messwerte hochladen")).count() == 0
        assert page.get_by_role("link", name=re.compile("Verwaltung|Audit")).count() == 0
        page.wait_for_selector("h1:has-text('KoRa-Monitor')")  # after the login: the Übersicht
        settle(page)
        assert page.locator(ERRORS).count() == 0
        shot(page, "access_leser_view")


def test_admin_pages(local_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    with fresh_page(browser, width=1400, height=1000) as page:
        log_in(page, local_server.url, "ada")
        page.get_by_role("link", name=re.compile("Verwaltung")).click()
        page.wait_for_selector("h1:has-text('Verwaltung')")
        wait_for_app(page)
        page.wait_for_selector('[data-testid="stNumberInput"] input')
        page.wait_for_selector('[data-testid="stDataFrame"]')
        settle(page)
        assert page.locator(ERRORS).count() == 0
        shot(page, "access_admin_ziele")
        page.get_by_role("tab", name="Benutzer").click()
        wait_for_app(page)
        settle(page)
        shot(page, "access_admin_benutzer")
        page.get_by_role("link", name=re.compile("Audit-Log")).click()
        page.wait_for_selector("h1:has-text('Audit-Log')")
        wait_for_app(page)
        page.wait_for_selector('[data-testid="stDataFrame"]')
        settle(page)
        assert page.locator(ERRORS).count() == 0
        shot(page, "access_audit_log")


def test_coordinator_sees_upload_and_own_milestones(local_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    with fresh_page(browser, width=1400, height=900) as page:
        log_in(page, local_server.url, "kim")
        assert page.get_by_role("link", name=re.compile("Messwerte hochladen")).count() == 1
        page.get_by_role("link", name=re.compile("Meilensteine pflegen")).click()
        page.wait_for_selector("h1:has-text('Meilensteine pflegen')")
        wait_for_app(page)
        settle(page)
        assert page.locator(ERRORS).count() == 0
        shot(page, "access_koordination_meilensteine")


def test_login_survives_reload_and_deep_links_and_ends_with_logout(local_server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: F5 and an opened link keep a local login (HttpOnly cookie); logged-out deep links
    lead to the login and then to the requested page, never to Streamlit's "Page not found"."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{local_server.url}/aktionsfeld?feld=B")
    wait_for_app(page)
    page.wait_for_selector("text=um „Aktionsfeld“ zu öffnen")
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_label("Benutzername").wait_for()
    settle(page)
    shot(page, "access_deeplink_logged_out")
    page.get_by_label("Benutzername").fill("kim")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/aktionsfeld\?feld=B$"))
    page.wait_for_selector("h1:has-text('Aktionsfeld B')")
    wait_for_app(page)
    cookie = next(c for c in context.cookies() if c["name"] == "kora_sitzung")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert 7.5 * 3600 < cookie["expires"] - time.time() <= 8 * 3600
    assert page.evaluate("document.cookie").find("kora_sitzung") == -1  # scripts cannot read it

    page.reload()  # F5
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Aktionsfeld B')")
    assert "Kim Meier" in page.locator('[data-testid="stSidebar"]').inner_text()
    second = context.new_page()  # a link opened in a new tab
    second.goto(f"{local_server.url}/historie")
    wait_for_app(second)
    second.wait_for_selector("h1:has-text('Historie')")
    assert second.get_by_text("Page not found").count() == 0
    settle(second)
    shot(second, "access_deeplink_logged_in_new_tab")
    second.close()

    page.goto(f"{local_server.url}/anmeldung")
    wait_for_app(page)
    page.get_by_role("button", name="Abmelden").last.click()
    page.wait_for_url(re.compile(r"/anmeldung$"))
    page.wait_for_selector("h1:has-text('Anmelden')")
    assert not [c for c in context.cookies() if c["name"] == "kora_sitzung"]
    page.goto(f"{local_server.url}/aktionsfeld?feld=B")
    wait_for_app(page)
    page.wait_for_selector("text=um „Aktionsfeld“ zu öffnen")
    context.close()


@pytest.mark.parametrize("path", ["uebersicht", "vorhaben?nr=3", "upload", "verwaltung", "audit", "praesentation"])
def test_no_page_not_found_for_deep_links_while_logged_out(local_server: Server, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    with fresh_page(browser, width=1200, height=800) as page:
        page.goto(f"{local_server.url}/{path}")
        wait_for_app(page)
        page.wait_for_selector("h1:has-text('Anmelden')")
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_role("dialog").count() == 0
