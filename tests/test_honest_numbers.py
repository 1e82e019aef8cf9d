"""Issue 11, item 1: numbers people can trust — regression below the start, the Soll (Zielpfad)
as a gap, the empty database, and card details that never contradict themselves."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kora import fmt, metrics, rollups
from kora.db import Database
from kora.report import charts
from kora.report import tables as views
from kora.tracking.status import build_status
from tests.conftest import KOMMUNE
from tests.test_metrics import frames, indicator

AS_OF = dt.date(2026, 10, 1)


def _status(ind: dict, targets: dict[int, float], readings: dict[int, float], month: int) -> pd.Series:
    return metrics.indicator_status(*frames(ind, targets, readings), as_of=dt.date(2025, month, 1)).iloc[0]


# --- the rule: raw attainment below the start, Soll on the attainment's scale --------------------


@pytest.mark.parametrize(
    ("case", "ind", "targets", "readings", "month", "attainment", "raw", "soll"),
    [
        # Fristgerechte Meilensteine: 48 % against a start of 60 %, target 80 % → −60 %, not 0 %
        ("below start", indicator("up", "last", 60.0), {2025: 80.0}, {1: 55.0, 2: 48.0}, 2, 0.0, -0.6, 2 / 12),
        # exactly at the start: nothing happened, 0 % both ways
        ("at start", indicator("up", "last", 60.0), {2025: 80.0}, {1: 60.0}, 1, 0.0, 0.0, 1 / 12),
        # less is better, the mean got worse than the baseline: 5 against start 4, target 2 → −50 %
        ("down below start", indicator("down", "mean", 4.0), {2025: 2.0}, {1: 5.0, 2: 5.0}, 2, 0.0, -0.5, 2 / 12),
        # incomplete reporting: km in Jan–Mar only, Stand June: Soll is the path by June (6/12)
        ("incomplete", indicator("up", "sum"), {2025: 12.0}, {1: 1.0, 2: 1.0, 3: 1.0}, 6, 0.25, 0.25, 0.5),
        # a budget (sum, less is better): on the path means the annualised rate within the target → Soll 1
        ("budget", indicator("down", "sum", 12.0), {2025: 6.0}, {1: 0.5, 2: 0.5}, 2, 1.0, 1.0, 1.0),
        # no target for the year: no attainment, no Soll, no_data
        ("no target", indicator("up", "sum"), {2024: 12.0}, {1: 1.0}, 3, None, None, None),
        # yes/no has no Zielpfad
        ("yes/no", indicator("yesno", "last"), {2025: 1.0}, {1: 0.0}, 1, 0.0, 0.0, None),
    ],
)
def test_raw_attainment_and_soll(case, ind, targets, readings, month, attainment, raw, soll) -> None:
    row = _status(ind, targets, readings, month)
    for column, want in (("attainment", attainment), ("attainment_raw", raw), ("soll", soll)):
        if want is None:
            assert pd.isna(row[column]), (case, column)
        else:
            assert row[column] == pytest.approx(want), (case, column)
    if case == "no target":
        assert row["status"] == "no_data"


def _rollup_of(*rows: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    ind = pd.DataFrame(rows).assign(weight=1.0, status="at_risk")
    links = pd.DataFrame({"indicator_id": ind["id"], "nr": 1})
    vorhaben = pd.DataFrame({"nr": [1], "aktionsfeld": ["B"], "title": ["Politik"]})
    v = rollups.vorhaben_rollup(ind, links, vorhaben)
    return v, rollups.aktionsfeld_rollup(v, pd.DataFrame({"code": ["B"], "title": ["Politik"]}))


def test_rollup_keeps_the_regression_visible() -> None:
    v, f = _rollup_of({"id": "m", "attainment": 0.0, "attainment_raw": -0.6, "soll": 0.75})
    for frame in (v, f):
        assert frame["attainment"].iloc[0] == 0.0  # progress stays clamped …
        assert frame["attainment_raw"].iloc[0] == pytest.approx(-0.6)  # … the regression is not hidden
        assert frame["soll"].iloc[0] == pytest.approx(0.75)


def test_rollup_overshoot_cannot_cover_a_regression() -> None:
    v, _ = _rollup_of(
        {"id": "a", "attainment": 1.0, "attainment_raw": 1.8, "soll": 0.5},
        {"id": "b", "attainment": 0.0, "attainment_raw": -0.4, "soll": 0.5},
    )
    assert v["attainment_raw"].iloc[0] == pytest.approx(0.3)  # (1 + −0.4) / 2, not (1.8 − 0.4) / 2


def test_soll_only_over_indicators_with_a_zielpfad() -> None:
    v, _ = _rollup_of(
        {"id": "a", "attainment": 0.4, "attainment_raw": 0.4, "soll": 0.25},
        {"id": "yesno", "attainment": 0.0, "attainment_raw": 0.0, "soll": np.nan},
    )
    assert v["soll"].iloc[0] == pytest.approx(0.25)


# --- words -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clamped", "raw", "text"),
    [
        (0.0, -0.6, "\u221260\u00a0% (unter Startwert)"),
        (0.0, 0.0, "0\u00a0%"),
        (0.0, -0.004, "0\u00a0%"),  # rounds to 0: no regression to speak of
        (0.42, 0.42, "42\u00a0%"),
        (1.0, 1.3, "100\u00a0%"),
        (None, None, "–"),
        (0.5, None, "50\u00a0%"),
    ],
)
def test_attainment_text(clamped, raw, text) -> None:
    assert fmt.attainment(clamped, raw) == text


@pytest.mark.parametrize(
    ("gap", "text"),
    [
        (-0.05, "5\u00a0Pp. hinter dem Zielpfad"),
        (0.17, "17\u00a0Pp. vor dem Zielpfad"),
        (0.004, "auf dem Zielpfad"),
        (None, ""),
        (math.nan, ""),
    ],
)
def test_zielpfad_gap_text(gap, text) -> None:
    assert fmt.zielpfad_gap(gap) == text


@pytest.mark.parametrize(
    ("clamped", "raw", "soll", "text"),
    [
        (0.42, 0.42, 0.25, "Soll 25\u00a0% · 17\u00a0Pp. vor dem Zielpfad"),  # March: ahead, not alarming
        # a roll-up pulled down by a part below its start shows its raw mean (50 %), and the gap from it
        (0.65, 0.5, 0.87, "Soll 87\u00a0% · 37\u00a0Pp. hinter dem Zielpfad"),
        (0.0, -1.0, 0.92, "Soll 92\u00a0% · 192\u00a0Pp. hinter dem Zielpfad"),  # below start: raw is shown
        (0.5, 0.5, None, None),  # a year with no target / no Zielpfad: no Soll
        (None, None, 0.5, None),  # empty DB
    ],
)
def test_soll_text_is_the_difference_of_what_is_shown(clamped, raw, soll, text) -> None:
    assert fmt.soll_text(clamped, raw, soll) == text


# --- what the Übersicht says ---------------------------------------------------------------------


def test_empty_db_headline_does_not_claim_on_track(db: Database) -> None:
    report = build_status(db, as_of=AS_OF, kommune=KOMMUNE)
    text = views.headline(report)
    assert "im Plan" not in text
    assert "keine Daten für 2026: alle Aktionsfelder" in text
    overdue = report.milestones["overdue"]
    assert overdue > 0 and f"{overdue} Meilensteine überfällig" in text
    for card in views.field_cards(report, None):
        assert card["best"] is None and card["worst"] is None
        assert card["soll_text"] is None


@pytest.fixture
def report(demo_db: Database):
    return build_status(demo_db, as_of=AS_OF, kommune=KOMMUNE)


def test_cards_show_soll_and_gap(report) -> None:
    cards = views.field_cards(report, None)
    assert any(c["soll_text"] for c in cards)
    for card in cards:
        if card["soll_text"]:
            assert card["soll_text"].startswith("Soll ")
            assert "Zielpfad" in card["soll_text"]


def test_headline_says_the_gap_to_the_zielpfad(report) -> None:
    assert "Zielpfad" in views.headline(report).split(" · ")[0]


def test_aktionsfeld_b_below_start_is_a_regression(report) -> None:
    """Beispieldaten: B's only indicator (Fristgerechte Meilensteine) lies below its start."""
    b = report.aktionsfelder.set_index("code").loc["B"]
    if not b["attainment_raw"] < 0:
        pytest.skip("Beispieldaten changed: B is no longer below its start")
    card = {c["code"]: c for c in views.field_cards(report, None)}["B"]
    assert card["below_start"] and card["attainment_text"].startswith("\u2212")
    assert "unter Startwert" in views.headline(report)
    fig = charts.attainment_bars(views.labelled(report.aktionsfelder, "code", "title"), label_col="label")
    bar = fig.data[0]
    value_b = list(bar.x)[[str(n).startswith("B") for n in bar.customdata].index(True)]
    assert value_b < 0  # the bar points the other way
    assert fig.layout.xaxis.range[0] < 0


def test_no_contradicting_badges(demo_db: Database, report) -> None:
    previous = build_status(demo_db, as_of=dt.date(2026, 9, 1), kommune=KOMMUNE)
    for card in views.field_cards(report, previous):
        if card["delta"] is not None and round(card["delta"] * 100) == 0:
            assert card["delta_color"] == "off" and card["delta_arrow"] == "off"
        if card["best"]:
            assert not card["best"].endswith(": 0\u00a0%")
            assert "unter Startwert" not in card["best"]


@pytest.mark.parametrize(
    ("rows", "best", "worst"),
    [
        ([("a", 0.0, 0.0)], None, None),  # one indicator: no best/worst
        ([("a", 0.0, 0.0), ("b", 0.0, -0.2)], None, "b: \u221220\u00a0% (unter Startwert)"),  # 0 % is no best
        ([("a", 0.3, 0.3), ("b", 0.3, 0.3)], None, None),  # all equal
        ([("a", 0.8, 0.8), ("b", 0.1, 0.1)], "a: 80\u00a0%", "b: 10\u00a0%"),
    ],
)
def test_best_worst(rows, best, worst) -> None:
    mine = pd.DataFrame(rows, columns=["name", "attainment", "attainment_raw"])
    assert views._best_worst(mine) == (best, worst)


def test_bars_carry_a_soll_marker() -> None:
    frame = pd.DataFrame(
        {
            "label": ["A", "B"],
            "attainment": [0.42, 0.0],
            "attainment_raw": [0.42, -0.3],
            "status": ["on_track", "off_track"],
            "soll": [0.25, 0.25],
        }
    )
    fig = charts.attainment_bars(frame, label_col="label")
    assert list(fig.data[0].x) == [0.42, -0.3]  # row 0 on top (the y axis is reversed)
    labels = [a.text.replace("<br>", " ") for a in fig.layout.annotations]  # above each bar, wrapped
    assert "55\u00a0Pp. hinter dem Zielpfad" in labels[1] and "unter Startwert" in labels[1]
    assert "17\u00a0Pp. vor dem Zielpfad" in labels[0]
    marker = fig.data[1]
    assert marker.name.startswith("Soll") and list(marker.x) == [0.25, 0.25]
    assert all("\u00a0%" in t for t in fig.layout.xaxis.ticktext)  # "0 %", as in the texts
