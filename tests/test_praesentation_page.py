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


def slide_index(at: AppTest, slide_title: str) -> int:
    """Index of the slide with this title in the picker ("3. Erfolge"): continuation slides shift numbers."""
    return next(i for i, o in enumerate(at.selectbox(key="praes_slide").options) if o.split(". ", 1)[1] == slide_title)


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
    at.selectbox(key="praes_slide").set_value(slide_index(at, "Wo wir Unterstützung brauchen")).run()
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
    changes = "Was hat sich seit dem letzten Termin geändert?"
    at.selectbox(key="praes_slide").set_value(slide_index(at, changes)).run()
    assert not at.exception
    assert title(at) == changes
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts["Neue Messwerte"] + counts["Korrekturen"] == 1  # first report or correction, by calendar
    listed = ""
    parts = [i for i, o in enumerate(at.selectbox(key="praes_slide").options) if changes in o]
    for i in parts:  # the lists may continue on "(Fortsetzung)" slides, below the chart they did not fit
        at.selectbox(key="praes_slide").set_value(i).run()
        listed += "".join(section(at, h) for h in ("Neue Messwerte", "Korrekturen") if f"### {h}" in markdown(at))
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


@pytest.mark.parametrize(("param", "expected"), [(None, True), ("1", True), ("0", False)])
def test_vollbild_query_parameter_sets_fullscreen(app_env: Path, param: str | None, expected: bool) -> None:
    """A bookmark on the meeting-room PC, `/praesentation?vollbild=1`, opens in Vollbild (issue 11)."""
    with_demo(app_env)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    if param is not None:
        at.query_params["vollbild"] = param
    at.run()
    assert not at.exception
    assert at.toggle(key="praes_fullscreen").value is expected


def test_vollbild_carries_long_slides_on_and_page_keys_move(app_env: Path) -> None:
    """Issue 11: long slides continue on "(Fortsetzung)" slides; PageUp/PageDown (presenter remotes)
    move like ← →; in Vollbild the downloads and notes sit in popovers of the hidden strips."""
    with_demo(app_env)
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    at.query_params["vollbild"] = "1"
    at.run()
    assert not at.exception
    options = at.selectbox(key="praes_slide").options
    assert any(o.endswith("(Fortsetzung)") for o in options), options
    at.button(key="praes_page_down").click().run()
    assert title(at) == "Aktionsfeld A: Umgang mit Zivilgesellschaft"
    at.button(key="praes_page_up").click().run()
    assert title(at) == "KoRa-Monitor Stadt Aachen"
    assert len(at.get("download_button")) == 3
    assert not [e for e in at.get("expander") if "Hinweise" in e.proto.label]  # notes not on the slide
    continued = next(i for i, o in enumerate(options) if o.endswith("(Fortsetzung)"))
    at.selectbox(key="praes_slide").set_value(continued).run()
    assert title(at).endswith("(Fortsetzung)") and not at.exception
