"""Chart builders tested on their figures: traces, target line, German labels, status words."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kora.db import Database
from kora.report import charts
from kora.tracking.status import build_status, series
from tests.conftest import KOMMUNE

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def report(demo_db: Database):
    return build_status(demo_db, as_of=AS_OF, kommune=KOMMUNE)


def test_attainment_bars_show_status_words_and_colours(report) -> None:
    frame = report.aktionsfelder.assign(label=report.aktionsfelder["code"])
    fig = charts.attainment_bars(frame, label_col="label", title="Zielerreichung je Aktionsfeld")
    bar = fig.data[0]
    assert list(bar.y) == ["D", "C", "B", "A"]  # first row on top
    words = {"im Plan", "gefährdet", "nicht im Plan", "keine Daten"}
    labels = fig.data[1]  # the labels: a text trace right of each bar
    assert all(any(w in t for w in words) for t in labels.text)
    assert all("%" in t for t in labels.text)
    assert fig.layout.separators == ",."
    assert fig.layout.title.text == "Zielerreichung je Aktionsfeld"


def test_attainment_bars_with_missing_attainment() -> None:
    frame = pd.DataFrame({"label": ["A"], "attainment": [None], "status": ["no_data"]})
    fig = charts.attainment_bars(frame, label_col="label")
    assert fig.data[0].x == (0.0,)
    assert "keine Daten" in fig.data[1].text[0]


def test_indicator_chart_for_a_sum_indicator(demo_db: Database, report) -> None:
    row = report.indicators.set_index("id").loc["km_umgesetzt"]
    fig = charts.indicator_chart(
        series(demo_db, "km_umgesetzt", as_of=AS_OF, kommune=KOMMUNE),
        name=row["name"], unit="km", aggregation="sum", direction="up", target=5.0, as_of=AS_OF,
        warning_since=dt.date(2026, 3, 1), status=row["status"],
    )  # fmt: skip
    names = [t.name for t in fig.data]
    assert names[:2] == ["Monatswert", "Summe seit Jahresbeginn"]
    assert "Zielpfad" in names
    assert fig.data[0].type == "bar"
    texts = [a.text for a in fig.layout.annotations]
    assert "Jahresziel 5 km" in texts
    assert any("Frühwarnung seit Mrz 26" in t for t in texts)
    assert any(t.startswith("Stand Jun 26") for t in texts)
    assert list(fig.layout.xaxis.ticktext)[:3] == ["Jan 26", "Feb 26", "Mrz 26"]
    assert len(fig.layout.shapes) >= 2  # target line + Stand line


def test_indicator_chart_for_yes_no(demo_db: Database) -> None:
    fig = charts.indicator_chart(
        series(demo_db, "koordination_besetzt", as_of=AS_OF, kommune=KOMMUNE),
        name="Koordinierungsstelle besetzt", unit="ja/nein", aggregation="last", direction="yesno", target=1.0,
        as_of=AS_OF,
    )  # fmt: skip
    assert list(fig.layout.yaxis.ticktext) == ["nein", "ja"]
    assert fig.data[1].line.shape == "hv"


def test_milestone_timeline_flags_overdue() -> None:
    frame = pd.DataFrame(
        {
            "id": ["M1", "M2", "M3"],
            "nr": [1, 1, 2],
            "text": ["a", "b", "c"],
            "due": [dt.date(2025, 1, 31), dt.date(2025, 3, 31), dt.date(2027, 1, 1)],
            "status": ["offen", "erreicht", "offen"],
            "reached_on": [None, dt.date(2025, 3, 1), None],
            "overdue": [True, False, False],
        }
    )
    fig = charts.milestone_timeline(frame, as_of=AS_OF)
    by_name = {t.name: list(t.text) for t in fig.data}
    assert by_name == {"✅ erreicht": ["M2"], "🕒 offen": ["M3"], "⛔ überfällig": ["M1"]}


def test_milestone_timeline_empty() -> None:
    empty = pd.DataFrame(columns=["id", "nr", "text", "due", "status", "reached_on", "overdue"])
    fig = charts.milestone_timeline(empty, as_of=AS_OF)
    assert fig.layout.annotations[0].text == "Keine Meilensteine"


def test_hover_names_months_in_german(demo_db: Database) -> None:
    fig = charts.indicator_chart(
        series(demo_db, "km_umgesetzt", as_of=AS_OF, kommune=KOMMUNE),
        name="km", unit="km", aggregation="sum", direction="up", target=5.0, as_of=AS_OF,
    )  # fmt: skip
    running = next(t for t in fig.data if t.name == "Summe seit Jahresbeginn")
    assert running.customdata[2] == "März 2026"
    assert "%{customdata}" in running.hovertemplate and "%m/%Y" not in running.hovertemplate


@pytest.mark.parametrize(
    ("aggregation", "direction", "expected"),
    [
        ("sum", "up", "Summe seit Jahresbeginn"),
        ("sum", "down", "Summe seit Jahresbeginn"),
        ("mean", "down", "Jahreswert (Mittel)"),
        ("last", "up", "Jahreswert (letzter Stand)"),
        ("last", "yesno", "Stand"),
    ],
)
def test_running_line_name(aggregation: str, direction: str, expected: str) -> None:
    assert charts.running_name(aggregation, direction) == expected


@pytest.mark.parametrize(("unit", "label"), [("km", " km"), ("%", " %"), ("Anzahl", ""), ("ja/nein", "")])
def test_unit_label(unit: str, label: str) -> None:
    assert charts.unit_label(unit) == label
