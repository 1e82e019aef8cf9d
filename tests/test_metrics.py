"""Goal attainment as pure functions: hand-computed cases and properties (no database)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kora import metrics, milestones, rollups
from kora.metrics import STATUS_ORDER
from kora.rollups import STATUS_SCORES

YEAR = 2025


def indicator(
    direction: str = "up",
    aggregation: str = "sum",
    baseline: float | None = None,
    *,
    id: str = "x",
    minimum: float | None = None,
    maximum: float | None = None,
    weight: float = 1.0,
    baseline_year: int = 2024,
) -> dict[str, Any]:
    return {
        "id": id,
        "name": f"Indikator {id}",
        "unit": "Anzahl",
        "direction": direction,
        "aggregation": aggregation,
        "baseline": np.nan if baseline is None else baseline,
        "baseline_year": baseline_year,
        "minimum": np.nan if minimum is None else minimum,
        "maximum": np.nan if maximum is None else maximum,
        "weight": weight,
    }


def frames(
    ind: dict[str, Any], targets: dict[int, float], readings: dict[int, float], year: int = YEAR
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    inds = pd.DataFrame([ind])
    tg = pd.DataFrame(
        [{"indicator_id": ind["id"], "year": y, "target": t} for y, t in targets.items()],
        columns=["indicator_id", "year", "target"],
    )
    rd = pd.DataFrame(
        [{"indicator_id": ind["id"], "month": dt.date(year, m, 1), "value": v} for m, v in readings.items()],
        columns=["indicator_id", "month", "value"],
    )
    return inds, tg, rd


def status_row(
    ind: dict[str, Any], target: float | None, readings: dict[int, float], as_of: int, year: int = YEAR, **more: float
) -> pd.Series:
    targets = {} if target is None else {year: target}
    targets.update({int(k[1:]): v for k, v in more.items()})  # e.g. y2025=60.0
    inds, tg, rd = frames(ind, targets, readings, year)
    out = metrics.indicator_status(inds, tg, rd, as_of=dt.date(year, as_of, 1))
    assert len(out) == 1
    return out.iloc[0]


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def check(row: pd.Series, expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        got = row[key]
        if want is None:
            assert missing(got), f"{key}: expected missing, got {got!r}"
        elif isinstance(want, float):
            assert got == pytest.approx(want, abs=1e-9), f"{key}: {got!r} != {want!r}"
        else:
            assert got == want, f"{key}: {got!r} != {want!r}"


KM_YEAR = {1: 0.25, 2: 0.0, 3: 0.5, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.25, 8: 0.0, 9: 0.0, 10: 0.0, 11: 0.0, 12: 0.0}
ALTERNATING = {m: (2.5 if m % 2 else 3.5) for m in range(1, 13)}  # mean 3
NINE_OF_TWELVE = {m: (1.0 if m <= 9 else 0.0) for m in range(1, 13)}  # sum 9

# (case, indicator, target, readings {month: value}, as-of month, expected columns)
CASES = [
    (
        "1 von 5 km (Dezember)",
        indicator("up", "sum", 1.0),
        5.0,
        KM_YEAR,
        12,
        {
            "value": 1.0,
            "start": 0.0,
            "attainment": 0.2,
            "attainment_raw": 0.2,
            "expected": 5.0,
            "gap": -4.0,
            "needed_per_month": None,
            "status": "off_track",
            "months_reported": 12,
            "completeness": 1.0,
        },
    ),
    (
        "km im Juni: 0,75 von 5",
        indicator("up", "sum", 1.0),
        5.0,
        {m: v for m, v in KM_YEAR.items() if m <= 6},
        6,
        {
            "value": 0.75,
            "attainment": 0.15,
            "expected": 2.5,
            "gap": -1.75,
            "needed_per_month": (5 - 0.75) / 6,
            "progress": 0.3,
            "status": "off_track",
            "will_reach": False,
        },
    ),
    (
        "Abstimmungsschleifen 4 → 2, Mittel 3",
        indicator("down", "mean", 4.0),
        2.0,
        ALTERNATING,
        12,
        {
            "value": 3.0,
            "start": 4.0,
            "attainment": 0.5,
            "expected": 2.0,
            "needed_per_month": None,
            "status": "off_track",
        },
    ),
    (
        "Ad-hoc-Änderungen 12 → 6, 9 im Jahr (Budget)",
        indicator("down", "sum", 12.0),
        6.0,
        NINE_OF_TWELVE,
        12,
        {"value": 9.0, "start": 12.0, "attainment": 0.5, "expected": 6.0, "forecast": 9.0, "status": "off_track"},
    ),
    (
        "Budget im Juni genau im Soll",
        indicator("down", "sum", 12.0),
        6.0,
        {1: 1.0, 2: 0.0, 3: 1.0, 4: 0.0, 5: 1.0, 6: 0.0},
        6,
        {
            "value": 3.0,
            "attainment": 1.0,
            "expected": 3.0,
            "gap": 0.0,
            "needed_per_month": 0.5,
            "forecast": 6.0,
            "will_reach": True,
            "status": "on_track",
        },
    ),
    (
        "Budget mit Lücke: nicht gemeldet ist nicht 0",
        indicator("down", "sum", 12.0),
        6.0,
        {1: 1.0, 3: 1.0},
        3,
        {"value": 2.0, "attainment": 0.0, "months_reported": 2, "months_due": 3, "completeness": 2 / 3},
    ),
    (
        "Budget überzogen: nichts mehr erlaubt",
        indicator("down", "sum", 12.0),
        6.0,
        {1: 4.0, 2: 4.0},
        2,
        {
            "value": 8.0,
            "attainment": 0.0,
            "attainment_raw": (12 - 48) / 6,
            "needed_per_month": 0.0,
            "status": "off_track",
        },
    ),
    (
        "ja/nein erfüllt",
        indicator("yesno", "last", 0.0),
        1.0,
        {1: 0.0, 2: 1.0},
        2,
        {"value": 1.0, "attainment": 1.0, "expected": None, "forecast": 1.0, "status": "on_track"},
    ),
    (
        "ja/nein noch nicht erfüllt (März): gefährdet",
        indicator("yesno", "last", 0.0),
        1.0,
        {1: 0.0, 2: 0.0, 3: 0.0},
        3,
        {"value": 0.0, "attainment": 0.0, "status": "at_risk", "will_reach": False},
    ),
    (
        "ja/nein im Dezember nicht erfüllt: nicht im Plan",
        indicator("yesno", "last", 0.0),
        1.0,
        {m: 0.0 for m in range(1, 13)},
        12,
        {"attainment": 0.0, "status": "off_track"},
    ),
    (
        "kein Ziel für das Jahr",
        indicator("up", "sum"),
        None,
        {1: 2.0},
        1,
        {
            "value": 2.0,
            "attainment": None,
            "expected": None,
            "needed_per_month": None,
            "status": "no_data",
            "will_reach": None,
        },
    ),
    (
        "keine Messwerte",
        indicator("up", "mean", 10.0),
        20.0,
        {},
        4,
        {
            "value": None,
            "attainment": None,
            "forecast": None,
            "status": "no_data",
            "months_reported": 0,
            "completeness": 0.0,
            "last_month": None,
            "expected": 10.0 + 10 * 4 / 12,
        },
    ),
    (
        "Ziel = Start, gehalten",
        indicator("up", "mean", 50.0),
        50.0,
        {1: 55.0, 2: 55.0, 3: 55.0},
        3,
        {"attainment": 1.0, "attainment_raw": 1.0, "status": "on_track"},
    ),
    (
        "Ziel = Start, verfehlt",
        indicator("up", "mean", 50.0),
        50.0,
        {1: 45.0, 2: 45.0, 3: 45.0},
        3,
        {"attainment": 0.0, "status": "off_track"},
    ),
    (
        "weniger ist besser, Ziel = Start, gehalten",
        indicator("down", "last", 8.0),
        8.0,
        {1: 7.0, 2: 7.0, 3: 7.0},
        3,
        {"attainment": 1.0, "status": "on_track"},
    ),
    (
        "ohne Baseline: bestanden/nicht bestanden gegen das Ziel",
        indicator("down", "mean"),
        10.0,
        {1: 9.0, 2: 9.0, 3: 9.0},
        3,
        {"start": None, "attainment": 1.0},
    ),
    (
        "Mittel mit Lücke: Mittel der gemeldeten Monate",
        indicator("up", "mean", 0.0),
        10.0,
        {1: 2.0, 3: 4.0},
        3,
        {"value": 3.0, "months_reported": 2, "last_month": dt.date(YEAR, 3, 1)},
    ),
    (
        "letzter Stand mit Lücke: zuletzt gemeldeter Monat",
        indicator("up", "last", 0.0),
        60.0,
        {1: 20.0, 2: 30.0},
        4,
        {"value": 30.0, "attainment": 0.5, "last_month": dt.date(YEAR, 2, 1), "months_due": 4, "completeness": 0.5},
    ),
    (
        "Summe: Prognose mit Median-Monatswert",
        indicator("up", "sum", 0.0),
        24.0,
        {1: 1.0, 2: 1.0, 3: 1.0, 4: 10.0},
        4,
        {"value": 13.0, "forecast": 13.0 + 1.0 * 8, "will_reach": False},
    ),
    (
        "Summe: nur die kommenden Monate werden fortgeschrieben, eine vergangene Lücke nicht",
        indicator("up", "sum", 0.0),
        12.0,
        {1: 1.0, 3: 1.0},
        3,
        {"value": 2.0, "forecast": 2.0 + 1.0 * 9, "will_reach": False},
    ),
    (
        "Summe im Dezember: die Prognose ist der Wert, auch mit Lücken",
        indicator("up", "sum", 0.0),
        6.0,
        {m: 0.5 for m in range(1, 7)},
        12,
        {"value": 3.0, "forecast": 3.0, "will_reach": False},
    ),
    (
        "Meilensteinquote über Plan",
        indicator("up", "last", 0.0),
        60.0,
        {1: 10.0, 2: 20.0, 3: 30.0},
        3,
        {"expected": 15.0, "progress": 2.0, "forecast": 30.0 + 10 * 9, "will_reach": True, "status": "on_track"},
    ),
]


@pytest.mark.parametrize(("case", "ind", "target", "readings", "as_of", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hand_computed(
    case: str, ind: dict[str, Any], target: float | None, readings: dict[int, float], as_of: int, expected: dict
) -> None:
    check(status_row(ind, target, readings, as_of), expected)


def test_later_plan_year_starts_at_previous_target() -> None:
    """2026's Zielpfad for a share starts at the 2025 target, not at the 2024 baseline 0 %."""
    ind = indicator("up", "last", 0.0, baseline_year=2024)
    row = status_row(ind, 75.0, {1: 67.5}, 1, year=2026, y2025=60.0)
    check(row, {"start": 60.0, "attainment": 0.5, "expected": 60.0 + 15 / 12})
    # a baseline measured in 2025 wins over the 2025 target
    row = status_row(indicator("up", "last", 50.0, baseline_year=2025), 75.0, {1: 62.5}, 1, year=2026, y2025=60.0)
    check(row, {"start": 50.0, "attainment": 0.5})


def test_readings_outside_the_year_and_after_as_of_do_not_count() -> None:
    inds, tg, _ = frames(indicator("up", "sum"), {YEAR: 10.0}, {})
    rd = pd.DataFrame(
        {
            "indicator_id": ["x"] * 4,
            "month": [dt.date(YEAR - 1, 12, 1), dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 1), dt.date(YEAR, 3, 1)],
            "value": [100.0, 1.0, 2.0, 100.0],
        }
    )
    row = metrics.indicator_status(inds, tg, rd, as_of=dt.date(YEAR, 2, 1)).iloc[0]
    check(row, {"value": 3.0, "months_reported": 2})


def test_withdrawn_readings_are_missing() -> None:
    inds, tg, rd = frames(indicator("up", "mean", 0.0), {YEAR: 10.0}, {1: 4.0, 2: 6.0})
    rd.loc[1, "value"] = np.nan
    check(
        metrics.indicator_status(inds, tg, rd, as_of=dt.date(YEAR, 2, 1)).iloc[0], {"value": 4.0, "months_reported": 1}
    )


# --- forecast ---------------------------------------------------------------------------------


def test_theil_sen_ignores_an_outlier() -> None:
    """A least-squares line or a line through the last two points would follow the outlier."""
    row = status_row(indicator("up", "last", 0.0), 30.0, {1: 10, 2: 11, 3: 12, 4: 13, 5: 100, 6: 15}, 6)
    assert 20.0 <= row["forecast"] <= 22.0  # 15 + 6 months × ~1


def test_no_trend_from_two_points() -> None:
    """Two readings give no honest trend: mean/last have no forecast before December."""
    for aggregation in ("mean", "last"):
        row = status_row(indicator("up", aggregation, 0.0), 60.0, {1: 10.0, 2: 40.0}, 2)
        check(row, {"forecast": None, "will_reach": None, "warning_since": None})
        assert row["status"] == "on_track"  # progress 25 / 10 ≫ 0.95: judged on progress alone


def test_mean_forecast_projects_remaining_months() -> None:
    # 1, 2, 3 … per month: Theil–Sen slope 1, months 4..12 projected as 4..12 → year mean 6.5
    row = status_row(indicator("up", "mean", 0.0), 10.0, {1: 1.0, 2: 2.0, 3: 3.0}, 3)
    check(row, {"value": 2.0, "forecast": 6.5, "will_reach": False})


def test_forecast_stays_within_catalogue_bounds() -> None:
    row = status_row(indicator("up", "last", 0.0, maximum=100.0), 100.0, {1: 60.0, 2: 75.0, 3: 90.0}, 3)
    check(row, {"forecast": 100.0, "will_reach": True})


@pytest.mark.parametrize(
    ("readings", "as_of", "warning"),
    [
        # target 12: forecasts 12, 12, 11.5, 9, 7 → missed since March
        ({1: 1.0, 2: 1.0, 3: 0.5, 4: 0.5, 5: 0.5}, 5, dt.date(YEAR, 3, 1)),
        # back on track in April: the run is broken, no warning
        ({1: 1.0, 2: 1.0, 3: 0.5, 4: 3.0}, 4, None),
        # missed from the first month on
        ({1: 0.1, 2: 0.1}, 2, dt.date(YEAR, 1, 1)),
    ],
)
def test_early_warning(readings: dict[int, float], as_of: int, warning: dt.date | None) -> None:
    row = status_row(indicator("up", "sum", 0.0), 12.0, readings, as_of)
    assert row["warning_since"] == warning


# --- series -----------------------------------------------------------------------------------


def test_indicator_series_for_the_chart() -> None:
    inds, tg, rd = frames(indicator("up", "sum", 1.0), {YEAR: 5.0}, {1: 0.25, 2: 0.0, 3: 0.5, 4: 0.0})
    series = metrics.indicator_series("x", inds, tg, rd, as_of=dt.date(YEAR, 4, 1))
    row = metrics.indicator_status(inds, tg, rd, as_of=dt.date(YEAR, 4, 1)).iloc[0]
    assert list(series["month"]) == [dt.date(YEAR, m, 1) for m in range(1, 13)]
    assert series["running"].tolist()[:4] == [0.25, 0.25, 0.75, 0.75]
    assert series["running"].iloc[4:].isna().all()
    assert series["value"].iloc[4:].isna().all()
    assert series["zielpfad"].tolist() == pytest.approx([5 * m / 12 for m in range(1, 13)])
    assert series["forecast"].iloc[:3].isna().all()
    assert series["forecast"].iloc[3] == 0.75
    assert series["forecast"].iloc[11] == pytest.approx(row["forecast"])
    assert series.attrs["target"] == 5.0 and (series["target"] == 5.0).all()


@pytest.mark.parametrize("aggregation", ["mean", "last"])
def test_series_forecast_ends_at_the_status_forecast(aggregation: str) -> None:
    readings = {1: 20.0, 2: 24.0, 3: 23.0, 4: 30.0, 5: 31.0}
    inds, tg, rd = frames(indicator("up", aggregation, 10.0), {YEAR: 60.0}, readings)
    as_of = dt.date(YEAR, 5, 1)
    series = metrics.indicator_series("x", inds, tg, rd, as_of=as_of)
    row = metrics.indicator_status(inds, tg, rd, as_of=as_of).iloc[0]
    assert series["forecast"].iloc[11] == pytest.approx(row["forecast"])
    assert series["running"].iloc[4] == pytest.approx(row["value"])


# --- roll-ups ---------------------------------------------------------------------------------


def test_vorhaben_rollup_weights_and_no_data() -> None:
    ind = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "attainment": [0.2, 0.8, np.nan, 0.5],
            "status": ["off_track", "on_track", "no_data", "at_risk"],
            "weight": [1.0, 3.0, 5.0, 1.0],
        }
    )
    links = pd.DataFrame({"indicator_id": ["a", "b", "c", "c", "d"], "nr": [1, 1, 1, 2, 3]})
    vorhaben = pd.DataFrame(
        {"nr": [1, 2, 3, 4], "aktionsfeld": ["A", "A", "B", "B"], "title": ["V1", "V2", "V3", "V4"]}
    )
    out = rollups.vorhaben_rollup(ind, links, vorhaben).set_index("nr")
    assert out.loc[1, "attainment"] == pytest.approx((0.2 + 3 * 0.8) / 4)
    assert out.loc[1, "score"] == pytest.approx(0.75) and out.loc[1, "status"] == "on_track"
    assert (out.loc[1, "n_on_track"], out.loc[1, "n_off_track"], out.loc[1, "n_no_data"]) == (1, 1, 1)
    assert math.isnan(out.loc[2, "attainment"]) and out.loc[2, "status"] == "no_data"
    assert out.loc[3, "status"] == "at_risk"
    assert out.loc[4, "status"] == "no_data" and out.loc[4, "n_no_data"] == 0  # no indicators at all
    felder = rollups.aktionsfeld_rollup(
        out.reset_index(), pd.DataFrame({"code": ["A", "B"], "title": ["AF A", "AF B"]})
    )
    felder = felder.set_index("code")
    assert felder.loc["A", "attainment"] == pytest.approx(0.65)  # V2 has none: ignored
    assert felder.loc["A", "status"] == "on_track" and felder.loc["A", "n_no_data"] == 1  # Vorhaben counts
    felder = rollups.aktionsfeld_rollup(
        out.reset_index(), pd.DataFrame({"code": ["A", "B"], "title": ["AF A", "AF B"]}), ind_status=ind,
        indicator_vorhaben=links,
    ).set_index("code")  # fmt: skip
    # indicator counts: c serves V1 and V2, both in A, and counts once
    assert [felder.loc["A", f"n_{s}"] for s in STATUS_ORDER] == [1, 0, 1, 1]
    assert [felder.loc["A", f"nv_{s}"] for s in STATUS_ORDER] == [1, 0, 0, 1]
    assert [felder.loc["B", f"n_{s}"] for s in STATUS_ORDER] == [0, 1, 0, 0]
    plan = rollups.plan_rollup(felder.reset_index())
    assert plan["attainment"] == pytest.approx((0.65 + 0.5) / 2)
    assert plan["status"] == "on_track"  # A on_track (1), B at_risk (0.5): mean 0.75 is on the on_track boundary


def test_rollup_status_thresholds() -> None:
    def plan_of(statuses: list[str]) -> str:
        frame = pd.DataFrame({"attainment": [0.5] * len(statuses), "status": statuses})
        return rollups.plan_rollup(frame)["status"]

    assert plan_of(["on_track", "on_track", "at_risk"]) == "on_track"  # 0.83
    assert plan_of(["on_track", "at_risk"]) == "on_track"  # 0.75
    assert plan_of(["on_track", "off_track"]) == "at_risk"  # 0.5
    assert plan_of(["at_risk", "off_track"]) == "off_track"  # 0.25
    assert plan_of(["on_track", "off_track", "off_track"]) == "off_track"  # 0.33
    assert plan_of(["no_data", "no_data"]) == "no_data"
    assert plan_of(["no_data", "at_risk"]) == "at_risk"


# --- milestones -------------------------------------------------------------------------------


def test_milestone_summary() -> None:
    d = dt.date
    ms = pd.DataFrame(
        [
            # id, due (current), due_planned, status, reached_on
            ("M1", d(2025, 3, 31), d(2025, 3, 31), "erreicht", d(2025, 3, 20)),  # on time
            ("M2", d(2025, 6, 30), d(2025, 3, 31), "erreicht", d(2025, 6, 1)),  # late (postponed first)
            ("M3", d(2025, 5, 31), d(2025, 5, 31), "offen", None),  # overdue
            ("M4", d(2025, 9, 30), d(2025, 5, 31), "verschoben", None),  # due as planned, not overdue now
            ("M5", d(2025, 12, 31), d(2025, 12, 31), "offen", None),  # not yet due
            ("M6", None, None, "offen", None),  # no date
            ("M7", d(2025, 4, 30), d(2025, 4, 30), "erreicht", d(2025, 7, 1)),  # reached after the Stand
        ],
        columns=["id", "due", "due_planned", "status", "reached_on"],
    )
    out = milestones.milestone_summary(ms, as_of=dt.date(2025, 6, 1))
    assert out["due"] == 5  # M1, M2, M3, M4, M7 (planned dates)
    assert out["reached_on_time"] == 1
    assert out["share_on_time"] == pytest.approx(1 / 5)
    assert out["overdue"] == 2 and out["overdue_ids"] == ["M3", "M7"]
    assert out["reached"] == 2
    empty = milestones.milestone_summary(ms.iloc[0:0], as_of=dt.date(2025, 6, 1))
    assert empty["share_on_time"] is None and empty["overdue"] == 0


# --- several Kommunen at once -------------------------------------------------------------------


def test_several_kommunen_are_keyed_by_kommune() -> None:
    ind = pd.DataFrame([{**indicator("up", "sum"), "kommune": k} for k in ("a", "b")])
    tg = pd.DataFrame({"kommune": ["a", "b"], "indicator_id": ["x", "x"], "year": [YEAR, YEAR], "target": [10.0, 20.0]})
    rd = pd.DataFrame(
        {"kommune": ["a", "b"], "indicator_id": ["x", "x"], "month": [dt.date(YEAR, 1, 1)] * 2, "value": [5.0, 5.0]}
    )
    out = metrics.indicator_status(ind, tg, rd, as_of=dt.date(YEAR, 12, 1)).set_index("kommune")
    assert out.loc["a", "attainment"] == 0.5 and out.loc["b", "attainment"] == 0.25


# --- properties -------------------------------------------------------------------------------

finite = st.floats(min_value=0.0, max_value=1000.0, allow_nan=False, allow_infinity=False)
month_values = st.dictionaries(st.integers(1, 12), finite, min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    direction=st.sampled_from(["up", "down"]),
    aggregation=st.sampled_from(["sum", "mean", "last"]),
    baseline=st.one_of(st.none(), finite),
    target=finite,
    readings=month_values,
    as_of=st.integers(1, 12),
    pick=st.integers(0, 11),
    delta=st.floats(min_value=0.001, max_value=100.0),
)
def test_attainment_moves_the_right_way(
    direction: str,
    aggregation: str,
    baseline: float | None,
    target: float,
    readings: dict[int, float],
    as_of: int,
    pick: int,
    delta: float,
) -> None:
    """Improving one reading (more for 'up', less for 'down') never lowers attainment or status."""
    ind = indicator(direction, aggregation, baseline)
    month = sorted(readings)[pick % len(readings)]
    better = dict(readings)
    better[month] = readings[month] + (delta if direction == "up" else -delta)
    before = status_row(ind, target, readings, as_of)
    after = status_row(ind, target, better, as_of)
    if missing(before["attainment_raw"]):
        assert missing(after["attainment_raw"])
        return
    assert after["attainment_raw"] >= before["attainment_raw"] - 1e-9
    assert 0.0 <= after["attainment"] <= 1.0
    assert 0 <= after["months_reported"] <= after["months_due"] == as_of


@settings(max_examples=100, deadline=None)
@given(
    children=st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0.0, 1.0)),
            st.sampled_from(STATUS_ORDER),
            st.floats(0.1, 10.0),
            st.integers(1, 4),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_rollup_stays_within_its_children(children: list[tuple[float | None, str, float, int]]) -> None:
    """Attainment and status score of a Vorhaben lie within the range of its indicators'."""
    ids = [f"i{i}" for i in range(len(children))]
    ind = pd.DataFrame(
        {
            "id": ids,
            "attainment": [np.nan if a is None else a for a, *_ in children],
            # an indicator without attainment has no data: keep the two consistent
            "status": ["no_data" if a is None else (s if s != "no_data" else "at_risk") for a, s, *_ in children],
            "weight": [w for _, _, w, _ in children],
        }
    )
    links = pd.DataFrame({"indicator_id": ids, "nr": [nr for *_, nr in children]})
    vorhaben = pd.DataFrame({"nr": [1, 2, 3, 4], "aktionsfeld": ["A", "A", "B", "B"], "title": list("1234")})
    out = rollups.vorhaben_rollup(ind, links, vorhaben)
    for row in out.itertuples(index=False):
        mine = ind[links["nr"] == row.nr]
        att = mine["attainment"].dropna()
        scores = mine["status"].map(STATUS_SCORES).dropna()
        if att.empty:
            assert math.isnan(row.attainment)
        else:
            assert att.min() <= row.attainment <= att.max()
        if scores.empty:
            assert row.status == "no_data"
        else:
            assert scores.min() <= STATUS_SCORES[row.status] <= scores.max()
    felder = rollups.aktionsfeld_rollup(out, pd.DataFrame({"code": ["A", "B"], "title": ["a", "b"]}))
    for row in felder.itertuples(index=False):
        att = out.loc[out["aktionsfeld"] == row.code, "attainment"].dropna()
        if not att.empty:
            assert att.min() <= row.attainment <= att.max()
    plan = rollups.plan_rollup(felder)
    att = felder["attainment"].dropna()
    if not att.empty:
        assert att.min() <= plan["attainment"] <= att.max()


def test_a_year_without_targets_is_no_data_not_a_crash() -> None:
    """The catalogue's targets end in 2027; a Stand in 2028 must still render."""
    import datetime as dt

    import pandas as pd

    from kora import metrics

    indicators = pd.DataFrame(
        [{"id": "km", "name": "km", "unit": "km", "direction": "up", "aggregation": "sum", "baseline": 1.0}]
    )
    targets = pd.DataFrame([{"indicator_id": "km", "year": 2027, "target": 5.0}])
    readings = pd.DataFrame([{"indicator_id": "km", "month": dt.date(2028, 1, 1), "value": 0.4}])
    out = metrics.indicator_status(indicators, targets, readings, as_of=dt.date(2028, 2, 1))
    row = out.iloc[0]
    assert row["status"] == "no_data"
    assert pd.isna(row["target"]) and row["value"] == 0.4
