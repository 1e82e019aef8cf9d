"""The HTML report in real Chromium with the network cut off; the Präsentationsmodus by keyboard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kora.db import open_database
from kora.plan import setup as ops
from kora.report import export
from kora.samples.beispieldaten import load_demo
from kora.tracking.stand import gather
from tests.browser.conftest import Server, shot
from tests.browser.test_dashboard import settle
from tests.conftest import KOMMUNE, OPERATOR, ROOT, TODAY
from tests.test_changes import add_reading

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
EVIL = '=HYPERLINK("http://x","y")'
PAGE = "pages/vortrag/praesentation.py"
REGISTERED = f'"{PAGE}"' in (ROOT / "app.py").read_text("utf-8")


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    db = open_database(tmp_path / "kora.duckdb")
    ops.init(db, actor=OPERATOR)
    load_demo(db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    at = dt.datetime(2026, 11, 20, 10)
    add_reading(db, "formate_aktiv", dt.date(2026, 10, 1), 4.0, at=at, comment=SCRIPT)
    add_reading(db, "kritik_extern", dt.date(2026, 10, 1), 5.0, at=at, comment=EVIL)
    bundle = export.make_bundle(
        gather(db, as_of=dt.date(2026, 10, 1), since=dt.date(2026, 11, 10), made_on=TODAY, kommune=KOMMUNE)
    )
    db.close()
    path = tmp_path / "bericht.html"
    path.write_bytes(export.render("html", bundle))
    return path


def test_html_report_renders_offline_and_shows_user_text_as_text(page, report_file: Path) -> None:  # type: ignore[no-untyped-def]
    requests: list[str] = []
    dialogs: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # no network at all
    page.goto(report_file.as_uri())
    page.wait_for_selector("section.slide")
    assert page.locator("section.slide").count() == 9
    assert page.title() == "KoRa-Monitor Stadt Aachen · Stand Oktober 2026"
    # charts are drawn: every SVG has bars with a width
    assert page.locator("svg").count() == 7
    widths = page.eval_on_selector_all("svg rect", "els => els.map(e => e.getBoundingClientRect().width)")
    assert max(widths) > 100
    # user text is shown as typed, never executed
    changes = page.locator("#folie-7").inner_text()
    assert f"Kommentar: {SCRIPT}" in changes
    assert dialogs == [] and page.locator("script").count() == 0
    assert [u for u in requests if not u.startswith("file:")] == []
    assert problems == []
    assert "Stand: Oktober 2026" in page.locator("#folie-1 footer").inner_text()
    shot(page, "export_html_report")
    page.locator("#folie-7").scroll_into_view_if_needed()
    page.locator("#folie-7").screenshot(path=str(shot_path("export_html_folie_7_aenderungen")))
    page.locator("#folie-2").screenshot(path=str(shot_path("export_html_folie_2_aktionsfeld_A")))


def shot_path(name: str) -> Path:
    from tests.browser.conftest import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{name}.png"


def test_html_report_prints_one_slide_per_page(page, report_file: Path) -> None:  # type: ignore[no-untyped-def]
    """'Drucken → Als PDF speichern' is how people get a PDF: the print layout must hold."""
    page.goto(report_file.as_uri())
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 8 <= pages <= 16


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db_path = tmp_path_factory.mktemp("praes") / "kora.duckdb"
    db = open_database(db_path)
    ops.init(db, actor=OPERATOR)
    load_demo(db, actor=OPERATOR, kommune=KOMMUNE)
    db.close()
    server = Server(db_path)
    yield server
    server.stop()


@pytest.mark.skipif(not REGISTERED, reason="Seite noch nicht in app.py eingetragen")
def test_praesentationsmodus_with_arrow_keys_on_a_projector(demo_app: Server, page) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{demo_app.url}/praesentation?vollbild=0")  # with its buttons on screen (Vollbild hides them)
    heading = page.locator('[data-testid="stMain"] h1').first
    heading.wait_for()
    assert heading.inner_text() == "KoRa-Monitor Stadt Aachen"
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg')
    shot(page, "praesentation_01_titel", full_page=False)
    heading.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText.startsWith('Aktionsfeld A')"
    )
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText.startsWith('KoRa')")
    for _ in range(12):  # wait for each slide before the next click: a click during a rerun may be dropped
        settle(page)  # the footer shows before the slide's charts: let the run end (failed in CI under load)
        if heading.inner_text().startswith("Was hat sich"):  # after Erfolge and its "(Fortsetzung)" slides
            break
        number = int(re.search(r"Folie (\d+) /", page.locator(".st-key-praes_body").inner_text())[1])  # type: ignore[index]
        page.get_by_role("button", name=re.compile("Weiter")).click()
        page.wait_for_function(  # the footer, not the title: "Erfolge (Fortsetzung)" may follow itself
            "(n) => (document.querySelector('.st-key-praes_body')?.innerText || '').includes(`Folie ${n} /`)",
            arg=number + 1,
        )
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText.startsWith('Was hat sich')"
    )
    page.wait_for_timeout(800)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "praesentation_07_aenderungen", full_page=False)
