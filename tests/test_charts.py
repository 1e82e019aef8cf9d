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
    assert list(bar.customdata) == ["A", "B", "C", "D"] and list(bar.y) == [0, 1, 2, 3]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # reversed: first row on top
    words = {"im Plan", "gefährdet", "nicht im Plan", "keine Daten"}
    labels = [a.text for a in fig.layout.annotations]  # name and words above each bar
    assert len(labels) == 4 and all(t.startswith(f"<b>{c}</b><br>") for t, c in zip(labels, "ABCD", strict=True))
    assert all(any(w in t for w in words) for t in labels)
    assert all("%" in t for t in labels)
    assert fig.layout.separators == ",."
    assert fig.layout.title.text == "Zielerreichung je Aktionsfeld"


def test_attainment_bars_with_missing_attainment() -> None:
    frame = pd.DataFrame({"label": ["A"], "attainment": [None], "status": ["no_data"]})
    fig = charts.attainment_bars(frame, label_col="label")
    assert fig.data[0].x == (0.0,)
    assert "keine Daten" in fig.layout.annotations[0].text


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
    assert "Jahresziel 5 km" in names  # a legend entry: as a text in the plot it lay on the data (issue 11)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["Stand Jun 26"]  # the only text in the plot area; the warning is in the title
    assert "Frühwarnung seit Mrz 26" in fig.layout.title.text
    assert list(fig.layout.xaxis.ticktext) == ["Jan 26", "Apr", "Jul", "Okt"]
    assert len(fig.layout.shapes) == 2  # Stand line + early-warning line


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
    assert by_name == {"✅ erreicht": ["M2"], "🕒 offen": ["M3"], "↪️ verschoben": [], "⛔ überfällig": ["M1"]}


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


# --- issue 11: charts people can read at 1440 px and on the phone --------------------------------

LONG = "Öffentlich ausgetragene Differenzen der Verwaltung"


def _level_series() -> pd.DataFrame:
    months = pd.date_range("2026-01-01", periods=12, freq="MS")
    level = [9.5, 9.8, 10.0, 9.7, 9.9, 10.2, 9.6, 9.8, 9.9, 10.0, None, None]
    return pd.DataFrame({"month": months, "value": level, "running": level, "zielpfad": [12.0] * 12})


def test_long_indicator_title_is_wrapped_not_cut() -> None:
    fig = charts.indicator_chart(
        _level_series(), name=LONG, unit="Anzahl", aggregation="last", direction="down", target=2.0,
        as_of=dt.date(2026, 10, 1), status="at_risk", warning_since=dt.date(2026, 4, 1),
    )  # fmt: skip
    lines = fig.layout.title.text.split("<br>")
    assert " ".join(lines[:2]) == LONG and all(len(line) <= charts.TITLE_WIDTH for line in lines[:2])
    assert "gefährdet" in lines[-1] and "Frühwarnung seit Apr 26" in lines[-1]
    assert fig.layout.margin.t >= 50 + 22 * 2  # the extra lines get their room


@pytest.mark.parametrize(("aggregation", "rangemode"), [("sum", "tozero"), ("mean", "normal"), ("last", "normal")])
def test_y_axis_starts_at_zero_only_for_sums(aggregation: str, rangemode: str) -> None:
    """Levels of 9–10 h on a 0–12 axis were squashed at the top (issue 11); bars of sums need the 0."""
    fig = charts.indicator_chart(
        _level_series(), name="Zuarbeit", unit="Stunden", aggregation=aggregation, direction="down", target=10.0,
        as_of=dt.date(2026, 10, 1),
    )  # fmt: skip
    assert fig.layout.yaxis.rangemode == rangemode


def test_month_ticks_are_few_and_german() -> None:
    months = pd.Series(pd.date_range("2026-01-01", periods=12, freq="MS"))
    vals, texts = charts.month_ticks(months)
    assert texts == ["Jan 26", "Apr", "Jul", "Okt"]
    assert [v.month for v in vals] == [1, 4, 7, 10]


def test_no_text_but_stand_lies_in_the_plot_area() -> None:
    """Jahresziel is a legend entry and the warning a line: no label over ticks, markers or bars."""
    fig = charts.indicator_chart(
        _level_series(), name="Zuarbeit", unit="Stunden", aggregation="mean", direction="down", target=10.0,
        as_of=dt.date(2026, 10, 1), warning_since=dt.date(2026, 5, 1),
    )  # fmt: skip
    assert [a.text for a in fig.layout.annotations] == ["Stand Okt 26"]
    assert fig.layout.annotations[0].yanchor == "bottom" and fig.layout.annotations[0].y == 1  # above the plot
    assert "Jahresziel 10 Stunden" in [t.name for t in fig.data]


def test_bar_names_are_wrapped_whole_and_escaped() -> None:
    name = "2 · Standardisierung und Professionalisierung der (externen) Kommunikation <b>"
    frame = pd.DataFrame({"label": [name], "attainment": [0.5], "status": ["on_track"]})
    text = charts.attainment_bars(frame, label_col="label").layout.annotations[0].text
    head = text.split("</b>")[0].removeprefix("<b>")
    assert head.replace("<br>", " ") == name.replace("<", "&lt;").replace(">", "&gt;")  # nothing cut, no markup
    assert all(len(line) <= charts.BAR_LABEL_WIDTH + 4 for line in head.split("<br>"))


def test_bar_axis_ticks_say_0_space_percent() -> None:
    frame = pd.DataFrame({"label": ["A"], "attainment": [0.5], "status": ["on_track"]})
    fig = charts.attainment_bars(frame, label_col="label")
    assert list(fig.layout.xaxis.ticktext) == ["0\u00a0%", "25\u00a0%", "50\u00a0%", "75\u00a0%", "100\u00a0%"]
    assert fig.layout.yaxis.showticklabels is False  # names above the bars, not beside them


def _milestones(rows: list[tuple[str, int, dt.date, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "nr": [r[1] for r in rows],
            "text": ["t"] * len(rows),
            "due": [r[2] for r in rows],
            "status": [r[3] for r in rows],
            "reached_on": [None] * len(rows),
            "overdue": [False] * len(rows),
        }
    )


def test_close_milestone_labels_alternate_above_and_below() -> None:
    """M7.4/M7.5 one month apart overlapped (issue 11): the second goes below its marker."""
    frame = _milestones(
        [("M7.4", 7, dt.date(2025, 5, 31), "offen"), ("M7.5", 7, dt.date(2025, 4, 30), "offen"),
         ("M7.1", 7, dt.date(2026, 1, 31), "offen"), ("M1.1", 1, dt.date(2025, 5, 1), "offen")]
    )  # fmt: skip
    fig = charts.milestone_timeline(frame, as_of=AS_OF)
    offen = next(t for t in fig.data if t.name == "🕒 offen")
    pos = dict(zip(offen.text, offen.textposition, strict=True))
    assert pos == {"M7.4": "bottom center", "M7.5": "top center", "M7.1": "top center", "M1.1": "top center"}


def test_milestone_legend_has_verschoben_and_months_in_words() -> None:
    frame = _milestones([("M1", 1, dt.date(2025, 7, 31), "verschoben"), ("M2", 2, dt.date(2026, 3, 31), "offen")])
    fig = charts.milestone_timeline(frame, as_of=AS_OF)
    assert "↪️ verschoben" in [t.name for t in fig.data]
    ticks = list(fig.layout.xaxis.ticktext)
    assert "Juli<br>2025" in ticks and not any("/" in t for t in ticks)


@pytest.mark.parametrize(
    ("status", "overdue", "shown_as"),
    [
        ("offen", True, "⛔ überfällig"),  # Vorhaben 3 in the Beispieldaten: nothing reached, all overdue
        ("offen", False, "🕒 offen"),
        ("verschoben", False, "↪️ verschoben"),
        ("erreicht", False, "✅ erreicht"),
    ],
)
def test_milestone_timeline_draws_the_row_whatever_kind_comes_first(status: str, overdue: bool, shown_as: str) -> None:
    """Only one kind of milestone: the axes stay a category row on a date axis (the chart was empty)."""
    frame = pd.DataFrame(
        {
            "id": ["M3.1", "M3.2"],
            "nr": [3, 3],
            "text": ["a", "b"],
            "due": [dt.date(2025, 9, 30), dt.date(2026, 6, 30)],
            "status": [status, status],
            "reached_on": [dt.date(2025, 9, 1), dt.date(2026, 6, 1)] if status == "erreicht" else [None, None],
            "overdue": [overdue, overdue],
        }
    )
    fig = charts.milestone_timeline(frame, as_of=AS_OF)
    assert fig.layout.yaxis.type == "category" and list(fig.layout.yaxis.categoryarray) == ["Vorhaben 3"]
    assert fig.layout.xaxis.type == "date"
    assert {t.name: list(t.y) for t in fig.data}[shown_as] == ["Vorhaben 3", "Vorhaben 3"]
