"""AppTest for the Präsentationsmodus: slides, navigation, 'since last time', downloads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora import periods
from kora.db import open_database
from kora.plan import setup
from kora.samples.beispieldaten import load_demo
from tests.conftest import APP, KOMMUNE, OPERATOR, ROOT, TODAY
from tests.test_changes import add_reading

PAGE = "pages/vortrag/praesentation.py"
REGISTERED = f'"{PAGE}"' in (ROOT / "app.py").read_text("utf-8")


def open_page() -> AppTest:
    """Through app.py (sidebar, error guard) once the page is registered there; the script alone before."""
    if REGISTERED:
        at = AppTest.from_file(APP, default_timeout=30).run()
        return at.switch_page(PAGE).run()
    return AppTest.from_file(str(ROOT / PAGE), default_timeout=30).run()


def with_demo(path: Path) -> None:
    db = open_database(path)
    setup.init(db, actor=OPERATOR)
    load_demo(db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    db.close()


def plain(text: str) -> str:
    """Markdown as the page writes it (every punctuation escaped) back to what the user reads."""
    return text.replace("\\", "")


def markdown(at: AppTest) -> list[str]:
    return [plain(m.value) for m in at.markdown]


def section(at: AppTest, heading: str) -> str:
    """The markdown written under one section heading of the current slide."""
    texts = markdown(at)
    start = texts.index(f"### {heading}") + 1
    end = next((i for i in range(start, len(texts)) if texts[i].startswith("### ")), len(texts))
    return "\n".join(texts[start:end])


def title(at: AppTest) -> str:
    return next(m for m in markdown(at) if m.startswith("# "))[2:]


def test_buttons_walk_through_the_slides(app_env: Path) -> None:
    with_demo(app_env)
    at = open_page()
    assert not at.exception and not at.error
    assert title(at) == "KoRa-Monitor Stadt Aachen"
    assert at.metric[0].label == "Zielerreichung gesamt"
    at.button(key="praes_next").click().run()
    assert title(at) == "Aktionsfeld A: Umgang mit Zivilgesellschaft"
    at.button(key="praes_next").click().run()
    at.button(key="praes_back").click().run()
    assert title(at) == "Aktionsfeld A: Umgang mit Zivilgesellschaft"
    at.selectbox(key="praes_slide").set_value(8).run()
    assert title(at) == "Wo wir Unterstützung brauchen"
    at.button(key="praes_next").click().run()  # the last slide stays the last
    assert title(at) == "Wo wir Unterstützung brauchen" and not at.exception
    at.button(key="praes_back").click().run()
    assert title(at) == "Maßnahmenliste"  # the Beispieldaten's list, after "Was hat sich … geändert?"


def test_since_last_time_lists_readings_added_after_the_chosen_date(app_env: Path) -> None:
    with_demo(app_env)
    stand = periods.last_complete_month()  # the page's Stand without the sidebar: the last complete month
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db = open_database(app_env)
    add_reading(db, "projekte_umgesetzt", stand, 3.0, at=now - dt.timedelta(hours=1), comment="<b>Neu</b> =1+1")
    add_reading(db, "km_umgesetzt", stand, 0.5, at=now - dt.timedelta(days=10))  # before the chosen Termin
    db.close()
    at = open_page()
    at.date_input(key="praes_since").set_value(dt.date.today() - dt.timedelta(days=3)).run()
    at.selectbox(key="praes_slide").set_value(6).run()
    assert not at.exception
    assert title(at) == "Was hat sich seit dem letzten Termin geändert?"
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts["Neue Messwerte"] + counts["Korrekturen"] == 1  # first report or correction, by calendar
    listed = section(at, "Neue Messwerte") + section(at, "Korrekturen")
    assert "Umgesetzte Radverkehrsprojekte" in listed
    assert "Umgesetzte km" not in listed  # stored before the chosen Termin
    assert "Kommentar: <b>Neu</b> =1+1" in listed  # shown as typed ...
    assert all("<b>" not in m.value for m in at.markdown)  # ... because every character is escaped


def test_settings_autoplay_and_downloads(app_env: Path) -> None:
    with_demo(app_env)
    at = open_page()
    at.toggle(key="praes_autoplay").set_value(True).run()
    at.number_input(key="praes_seconds").set_value(10).run()
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 3
    labels = [d.proto.label for d in downloads]
    assert labels == ["⬇️ PowerPoint (PPTX)", "⬇️ HTML-Bericht", "⬇️ Excel (XLSX)"]


def test_empty_database_shows_the_plan_without_numbers(app_env: Path) -> None:
    at = open_page()
    assert not at.exception and not at.error
    assert any("noch keine Messwerte" in i.value for i in at.info)
    assert title(at) == "KoRa-Monitor Stadt Aachen"


@pytest.mark.skipif(not REGISTERED, reason="Seite noch nicht in app.py eingetragen")
def test_page_is_reachable_through_the_app(app_env: Path) -> None:
    with_demo(app_env)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.selectbox(key="stand").set_value(dt.date(2025, 6, 1)).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any("Stand Juni 2025" in m for m in markdown(at))
