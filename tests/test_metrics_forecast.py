"""One forecast: the chart's projection line ends at the status's forecast number.

`_evaluate` (the status) and the chart's projection used to write the formula twice; with
unreported months the line promised more than the number (a `sum` line filled the missing
months with the median month). Both now call `metrics._forecast_at`; these tables pin it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kora import metrics
from tests.test_metrics import YEAR, frames, indicator

JUNE = dt.date(YEAR, 6, 1)


@pytest.mark.parametrize(
    ("direction", "aggregation", "readings", "as_of", "expected_forecast"),
    [
        # 1 km Jan–Mar, nothing Apr–Jun, Stand June: 3 km + 1 km × 6 months ahead = 9 km
        ("up", "sum", {1: 1.0, 2: 1.0, 3: 1.0}, JUNE, 9.0),
        ("up", "sum", {1: 1.0, 3: 2.0}, JUNE, 3.0 + 1.5 * 6),
        ("up", "sum", {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.0}, JUNE, 12.0),
        ("down", "sum", {1: 2.0, 2: 4.0}, dt.date(YEAR, 4, 1), 6.0 + 3.0 * 8),
        ("up", "mean", {1: 10.0, 2: 12.0, 3: 14.0}, JUNE, None),
        ("up", "last", {1: 10.0, 2: 12.0, 3: 14.0}, JUNE, 14.0 + 2.0 * 9),
        ("up", "mean", {1: 10.0, 2: 12.0}, JUNE, float("nan")),
        ("up", "last", {2: 5.0}, JUNE, float("nan")),
        ("up", "sum", {5: 1.0}, dt.date(YEAR, 11, 1), 2.0),
    ],
)
def test_chart_projection_ends_at_the_status_forecast(
    direction: str, aggregation: str, readings: dict[int, float], as_of: dt.date, expected_forecast: float | None
) -> None:
    inds, tg, rd = frames(indicator(direction, aggregation, 10.0, maximum=1000.0), {YEAR: 30.0}, readings)
    row = metrics.indicator_status(inds, tg, rd, as_of=as_of).iloc[0]
    series = metrics.indicator_series("x", inds, tg, rd, as_of=as_of)
    line_end = series["forecast"].iloc[11]
    if expected_forecast is not None:
        if np.isnan(expected_forecast):
            assert np.isnan(row["forecast"]) and np.isnan(line_end)
            return
        assert row["forecast"] == pytest.approx(expected_forecast)
    assert line_end == pytest.approx(row["forecast"])
    assert series["forecast"].iloc[as_of.month - 1] == pytest.approx(row["value"])
    assert series["forecast"].iloc[: as_of.month - 1].isna().all()


@pytest.mark.parametrize(
    ("readings", "months_ahead"),
    [({1: 1.0, 2: 1.0, 3: 1.0}, range(7, 13)), ({1: 2.0, 4: 2.0}, range(7, 13))],
)
def test_sum_line_adds_the_median_month_only_for_months_still_ahead(
    readings: dict[int, float], months_ahead: range
) -> None:
    inds, tg, rd = frames(indicator("up", "sum"), {YEAR: 30.0}, readings)
    series = metrics.indicator_series("x", inds, tg, rd, as_of=JUNE)
    value = sum(readings.values())
    rate = float(np.median(list(readings.values())))
    for m in months_ahead:
        assert series["forecast"].iloc[m - 1] == pytest.approx(value + rate * (m - 6))
