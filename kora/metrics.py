"""Goal attainment: where does each indicator stand, and will it make its Jahresziel?

Pure functions — DataFrames in, DataFrames/dicts out, no I/O — so every number on the dashboards, in exports and in
`python -m kora status` is computed once, here, and tested with hand-computed cases. `kora.tracking.status` feeds
them from the database.

**Definitions** (agreed with the lead engineer; the tests in tests/test_metrics.py pin them)

*Year, as-of month.* Everything refers to the calendar year of ``as_of``; k = ``as_of.month`` is the number of
months elapsed. Only readings with month in [January, as_of] count. Months without a reading are *missing*, never 0.

*Value* (year to date, by the indicator's ``aggregation``): ``sum`` = sum of the reported months, ``mean`` = mean of
the reported months, ``last`` = the latest reported month.

*Start.* 0 for ``sum`` indicators where more is better (km accumulate towards the Jahresziel); otherwise the
baseline — or, in a later plan year, the previous year's target (where the plan meant to stand when the year began;
a baseline measured in or after that year wins). Without this a 2026 Zielpfad for "share of milestones reached"
would restart at the 2024 baseline 0 %. No baseline (or a target on the wrong side of the start for the direction,
e.g. "up" with target below baseline): the indicator is judged pass/fail against the target, exactly like target ==
start below.

*Attainment* = (value − start) / (target − start), reported unclamped (``attainment_raw``) and clamped to [0, 1]
(``attainment``). It moves the right way for both directions: 1 km of 5 → 0.2; Abstimmungsschleifen baseline 4,
target 2, mean 3 → 0.5. A ``sum`` indicator where less is better is a *budget*: the year to date is annualised as
value · 12 / n (n = months reported; equals k when reporting is complete — dividing by the elapsed months instead
would count unreported months as 0): (start − value·12/n) / (start − target). Ad-hoc changes baseline 12, target 6,
9 counted in 12 months → 0.5. yes/no: 1 if value ≥ target, else 0. target == start: 1 if the value is at least as
good as the target (direction-aware), else 0. No target for the year → attainment None, status ``no_data``. No
readings → value None, status ``no_data``.

*Expected by now* (Zielpfad) at month k: ``sum``: target · k / 12; otherwise start + (target − start) · k / 12
(yes/no: none). ``gap`` = value − expected (its sign is read with the direction). ``needed_per_month`` (``sum``
only; None in December): (target − value) / (12 − k), floored at 0 — for a budget it is what may still be spent per
month. km as of June with 0.75 km: expected 2.5, needed (5 − 0.75) / 6 ≈ 0.708.

*Below the start (regression).* A value on the wrong side of its start has a negative ``attainment_raw``
(Fristgerechte Meilensteine 48 % against start 60 %, target 80 %: −60 %). ``attainment`` stays clamped at 0, but
roll-ups also carry ``attainment_raw`` (the same means of raw values capped at 1 — an overshoot cannot cover a
regression — with no floor), and every view shows it as "−60 % (unter Startwert)" with a bar left of 0: "nothing
happened" ≠ "went backwards".

*Soll* = the attainment the Zielpfad asks for by month k, on the attainment's scale: k / 12 with a Zielpfad
((expected − start) / (target − start)), 1 for a budget (already annualised), None for yes/no, pass/fail, no reading
or no target. Roll-ups average ``soll`` over the indicators that have one. Views say "x Pp. hinter/vor dem Zielpfad"
= shown attainment − Soll (shown = raw where it lies below the clamped value, else clamped: `fmt.shown_attainment`,
so a total is the mean of the parts shown): 42 % in March
against Soll 25 % is ahead.

*Forecast* of the year-end value, robust and from this year's readings only: ``sum``: value + median monthly reading
× (12 − k), the months still ahead (a month that is over but unreported is not filled in: the forecast must not
promise what the year can no longer deliver, and the completeness shows the gap; in December the forecast is the
value); ``mean``: the mean of the reported months and of the months still to come, projected by a Theil–Sen line
(median of all pairwise slopes, median intercept); ``last``: the latest reading continued to December with the
Theil–Sen slope (a fitted line alone would ignore a recent step, e.g. a new format started). A trend needs at least
3 readings — never a line through two points: with fewer, ``mean``/``last`` have no forecast (None) before December
and the status rests on progress alone. Projections stay within the catalogue's min/max. yes/no: the last value.
``will_reach``: the forecast is at least as good as the target (None without forecast). ``warning_since``: the first
month of the current unbroken run of months whose forecast (recomputed from the readings up to that month, as known
at ``known_at``) missed the target — from when the miss was foreseeable.

*Status* (``STATUS_ORDER``). Progress ratio p = (value − start) / (expected − start) — the share of the Zielpfad's
way covered, direction-aware; for a budget p = attainment_raw. Forecast shortfall s = how far the forecast falls
short of the target, as a share of |target − start|.

* ``on_track``: p ≥ 0.95 and the forecast does not miss the target (or there is none yet); ``off_track``: p < 0.75
  or s > 0.10; ``at_risk``: everything in between;
* yes/no: met → ``on_track``; not met → ``at_risk`` before December, ``off_track`` in December;
* ``no_data``: no reading this year or no target for the year.

*Completeness*: months reported / months due. Monthly indicators are due every month up to k; quarterly ones
(catalogue ``meldung = "quartalsweise"``) only in March, June, September and December, so a quarterly survey is
complete with 3 readings in October.

*Roll-ups* (Vorhaben, Aktionsfeld, plan, Kommune) live in `kora.rollups`; milestone counts in `kora.milestones`.
Several Kommunen at once: give ``indicators`` (and ``targets``, ``readings``, …) a ``kommune`` column and rows are
keyed by (kommune, id). Without it, rows are keyed by id and the inputs must belong to one Kommune.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kora.frame_keys import numbers
from kora.series_matrix import SeriesMatrix, series_matrix

STATUS_ORDER = ("on_track", "at_risk", "off_track", "no_data")

# Thresholds (see module docstring).
ON_TRACK_PROGRESS = 0.95
OFF_TRACK_PROGRESS = 0.75
OFF_TRACK_SHORTFALL = 0.10
MIN_TREND_POINTS = 3

INDICATOR_STATUS_COLUMNS = (
    "id", "name", "unit", "year", "direction", "aggregation", "value", "baseline", "start", "target", "attainment",
    "attainment_raw", "soll", "expected", "gap", "progress", "needed_per_month", "forecast", "will_reach", "warning_since",
    "status", "months_reported", "months_due", "completeness", "last_month", "weight", "demo",
)  # fmt: skip

_MONTHS = np.arange(1, 13, dtype=float)
_PAIR_I, _PAIR_J = np.triu_indices(12, k=1)  # all (i < j) month pairs for Theil–Sen slopes


# --- small numeric helpers -------------------------------------------------------------------


def _nanmedian_rows(a: np.ndarray) -> np.ndarray:
    """Row-wise median ignoring NaN (NaN for empty rows); faster than np.nanmedian on small rows."""
    if a.shape[1] == 0:
        return np.full(a.shape[0], np.nan)
    s = np.sort(a, axis=1)  # NaN sorts last
    cnt = np.sum(~np.isnan(a), axis=1)
    rows = np.arange(a.shape[0])
    lo = np.clip((cnt - 1) // 2, 0, a.shape[1] - 1)
    hi = np.clip(cnt // 2, 0, a.shape[1] - 1)
    med = (s[rows, lo] + s[rows, hi]) / 2.0
    return np.where(cnt > 0, med, np.nan)


def _eps(target: np.ndarray) -> np.ndarray:
    return 1e-9 * np.maximum(1.0, np.abs(np.nan_to_num(target)))


# --- the core: every figure for all series at one cut-off month c -----------------------------


class _Arrays:
    """Per-series constants as numpy arrays."""

    def __init__(self, meta: pd.DataFrame) -> None:
        direction = meta["direction"].astype(str).to_numpy()
        aggregation = meta["aggregation"].astype(str).to_numpy()
        self.up = direction == "up"
        self.down = direction == "down"
        self.yesno = direction == "yesno"
        self.agg_sum = aggregation == "sum"
        self.agg_mean = aggregation == "mean"
        self.agg_last = ~(self.agg_sum | self.agg_mean)
        self.baseline = numbers(meta, "baseline")
        self.target = numbers(meta, "target")
        self.lo = np.nan_to_num(numbers(meta, "minimum"), nan=-np.inf)
        self.hi = np.nan_to_num(numbers(meta, "maximum"), nan=np.inf)
        self.budget = self.agg_sum & self.down
        # a later plan year starts where the plan meant to be: last year's target, unless the
        # baseline was measured in or after that year
        prev_target, prev_year = numbers(meta, "_prev_target"), numbers(meta, "_prev_year")
        baseline_year = numbers(meta, "baseline_year")
        use_prev = ~np.isnan(prev_target) & (np.isnan(self.baseline) | ~(baseline_year >= prev_year))
        self.start = np.where(self.agg_sum & self.up, 0.0, np.where(use_prev, prev_target, self.baseline))
        # without a start the path is flat at the target: judged pass/fail
        self.s_eff = np.where(np.isnan(self.start), self.target, self.start)
        self.proper = (self.up & (self.target > self.s_eff)) | (self.down & (self.target < self.s_eff))
        scale = np.abs(self.target - self.s_eff)
        self.scale = np.where(scale > 0, scale, np.where(np.abs(self.target) > 0, np.abs(self.target), 1.0))


def _at_least_as_good(a: _Arrays, value: np.ndarray, target: np.ndarray) -> np.ndarray:
    eps = _eps(target)
    return np.where(a.down, value <= target + eps, value >= target - eps)


@dataclass
class _YearToDate:
    """The readings up to cut-off month c, reduced per series."""

    c: int
    n_rep: np.ndarray  # months reported
    has: np.ndarray  # any reading
    sum_v: np.ndarray
    last_v: np.ndarray
    last_month: np.ndarray  # 1..12, 0 = none
    value: np.ndarray  # by the indicator's aggregation


@dataclass
class _Trend:
    """What the forecast extrapolates from: the median month and a Theil–Sen line."""

    rate: np.ndarray  # median monthly reading
    slope: np.ndarray  # Theil–Sen slope per month (0 without trend)
    projected: np.ndarray  # (n, 12) Theil–Sen projection of monthly values (clipped)
    trend: np.ndarray  # bool: enough readings for a trend


@dataclass
class _Eval:
    ytd: _YearToDate
    tr: _Trend
    raw: np.ndarray
    expected: np.ndarray
    progress: np.ndarray
    needed: np.ndarray
    forecast: np.ndarray
    will_reach: np.ndarray  # 1 = yes, 0 = no, -1 = unknown
    shortfall: np.ndarray
    status: np.ndarray  # index into STATUS_ORDER


def _year_to_date(values: np.ndarray, a: _Arrays, c: int) -> _YearToDate:
    """Sum, mean and last reading of months 1..c; unreported months are missing, never 0."""
    n = values.shape[0]
    yc = values[:, :c]
    rep = ~np.isnan(yc)
    n_rep = rep.sum(axis=1)
    has = n_rep > 0
    sum_v = np.where(has, np.nansum(yc, axis=1), np.nan)
    mean_v = sum_v / np.where(has, n_rep, 1)
    last_idx = c - 1 - np.argmax(rep[:, ::-1], axis=1)
    last_v = np.where(has, yc[np.arange(n), last_idx], np.nan)
    value = np.where(a.agg_sum, sum_v, np.where(a.agg_mean, mean_v, last_v))
    return _YearToDate(c, n_rep, has, sum_v, last_v, np.where(has, last_idx + 1, 0), value)


def _trend(values: np.ndarray, ytd: _YearToDate, a: _Arrays) -> _Trend:
    """Median month and Theil–Sen line (median pairwise slope) from at least MIN_TREND_POINTS readings."""
    c = ytd.c
    yc = values[:, :c]
    pair = c > _PAIR_J
    slopes = (values[:, _PAIR_J[pair]] - values[:, _PAIR_I[pair]]) / (_PAIR_J[pair] - _PAIR_I[pair])
    trend = ytd.n_rep >= MIN_TREND_POINTS
    slope = np.where(trend, _nanmedian_rows(slopes), 0.0)
    intercept = _nanmedian_rows(yc - slope[:, None] * _MONTHS[None, :c])
    projected = np.clip(intercept[:, None] + slope[:, None] * _MONTHS[None, :], a.lo[:, None], a.hi[:, None])
    return _Trend(rate=_nanmedian_rows(yc), slope=slope, projected=projected, trend=trend)


def _forecast_at(a: _Arrays, ytd: _YearToDate, tr: _Trend, m: int) -> np.ndarray:
    """THE forecast: the running value expected at month m ≥ c (m = 12 is the status's forecast).

    The chart's forecast line and the status number both come from here, so the line always
    ends at the number. `sum` adds the median month for the months still ahead only (m − c): a
    month that is over but unreported is not filled in. `mean` averages the reported months
    and the Theil–Sen months ahead; `last` continues the latest reading along the slope. Without
    a trend, `mean`/`last` have no forecast unless nothing lies ahead.
    """
    c = ytd.c
    ahead = m - c
    nothing_ahead = ahead == 0
    f_sum = ytd.sum_v + tr.rate * ahead
    f_mean = np.where(
        tr.trend | nothing_ahead, (ytd.sum_v + tr.projected[:, c:m].sum(axis=1)) / (ytd.n_rep + ahead), np.nan
    )
    f_last = np.where(
        tr.trend,
        np.clip(ytd.last_v + tr.slope * (m - ytd.last_month), a.lo, a.hi),
        np.where(nothing_ahead | (ytd.last_month == m), ytd.last_v, np.nan),
    )
    forecast = np.where(a.agg_sum, f_sum, np.where(a.agg_mean, f_mean, f_last))
    forecast = np.where(a.yesno, ytd.value, forecast)
    return np.where(ytd.has, forecast, np.nan)


def _attainment(a: _Arrays, ytd: _YearToDate) -> np.ndarray:
    """(value − start) / (target − start), unclamped; a budget is annualised; pass/fail otherwise."""
    target = a.target
    v_cmp = np.where(a.budget, ytd.sum_v * 12.0 / np.where(ytd.has, ytd.n_rep, 1), ytd.value)
    binary = np.where(_at_least_as_good(a, v_cmp, target), 1.0, 0.0)
    yes = np.where(ytd.value >= target - _eps(target), 1.0, 0.0)
    raw = np.where(a.proper, (v_cmp - a.s_eff) / (target - a.s_eff), binary)
    raw = np.where(a.yesno, yes, raw)
    return np.where(ytd.has & ~np.isnan(target), raw, np.nan)


def _zielpfad(a: _Arrays, ytd: _YearToDate) -> tuple[np.ndarray, np.ndarray]:
    """Expected value at month c on the straight path to the target, and what is needed per month."""
    c, target = ytd.c, a.target
    expected = np.where(a.agg_sum, target * c / 12.0, a.s_eff + (target - a.s_eff) * c / 12.0)
    expected = np.where(a.yesno | np.isnan(target), np.nan, expected)
    needed = np.where(a.agg_sum & (c < 12), np.maximum(0.0, (target - ytd.value) / max(12 - c, 1)), np.nan)
    return expected, np.where(ytd.has & ~np.isnan(target), needed, np.nan)


def _soll(a: _Arrays, e: _Eval) -> np.ndarray:
    """The attainment the Zielpfad asks for by now, on the attainment's scale (see *Soll* above)."""
    soll = np.where(a.budget, 1.0, e.ytd.c / 12.0)
    return np.where(a.proper & ~a.yesno & ~np.isnan(e.raw), soll, np.nan)


def _reach(a: _Arrays, ytd: _YearToDate, forecast: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Will the forecast make the target (1/0/−1 unknown), and by how much does it fall short."""
    target = a.target
    has_fc = ytd.has & ~np.isnan(target) & ~np.isnan(forecast)
    reach = np.where(a.yesno, ytd.value >= target - _eps(target), _at_least_as_good(a, forecast, target))
    will_reach = np.where(has_fc, reach.astype(int), -1)
    short = np.where(a.down, forecast - target, target - forecast)
    return will_reach, np.where(has_fc, np.maximum(0.0, short) / a.scale, np.nan)


def _status(
    a: _Arrays, ytd: _YearToDate, raw: np.ndarray, expected: np.ndarray, will_reach: np.ndarray, shortfall: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Progress along the Zielpfad and the status index (thresholds in the module docstring)."""
    known = ytd.has & ~np.isnan(a.target)
    progress = np.where(a.proper, (ytd.value - a.s_eff) / (expected - a.s_eff), raw)
    progress = np.where(a.budget | a.yesno, raw, progress)
    progress = np.where(known, progress, np.nan)
    on = (progress >= ON_TRACK_PROGRESS) & (will_reach != 0)
    off = (progress < OFF_TRACK_PROGRESS) | (shortfall > OFF_TRACK_SHORTFALL)
    status = np.where(on, 0, np.where(off, 2, 1))
    status = np.where(a.yesno, np.where(raw >= 1.0, 0, 1 if ytd.c < 12 else 2), status)
    return progress, np.where(known, status, 3)


def _evaluate(values: np.ndarray, a: _Arrays, c: int) -> _Eval:
    """Every figure for all series at cut-off month c, step by step."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        ytd = _year_to_date(values, a, c)
        tr = _trend(values, ytd, a)
        raw = _attainment(a, ytd)
        expected, needed = _zielpfad(a, ytd)
        forecast = _forecast_at(a, ytd, tr, 12)
        will_reach, shortfall = _reach(a, ytd, forecast)
        progress, status = _status(a, ytd, raw, expected, will_reach, shortfall)
    return _Eval(ytd, tr, raw, expected, progress, needed, forecast, will_reach, shortfall, status)


def _warning_since(history: list[np.ndarray], year: int) -> list[dt.date | None]:
    """First month of the unbroken run of missed forecasts that ends at the as-of month."""
    h = np.stack(history, axis=1)  # (n, k) of will_reach codes
    k = h.shape[1]
    not_missed = h != 0
    # index of the last month whose forecast did not miss (−1 if none)
    last_ok = np.where(not_missed.any(axis=1), k - 1 - np.argmax(not_missed[:, ::-1], axis=1), -1)
    first = last_ok + 1
    return [dt.date(year, int(f) + 1, 1) if f < k else None for f in first]


def _objects(items: list[Any]) -> np.ndarray:
    """A 1-d object array (dates and None stay Python objects)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _date_list(year: int, months: np.ndarray) -> list[dt.date | None]:
    return [dt.date(year, int(m), 1) if m > 0 else None for m in months]


# --- public: indicators ------------------------------------------------------------------------


def indicator_status(
    indicators: pd.DataFrame, targets: pd.DataFrame, readings: pd.DataFrame, *, as_of: dt.date
) -> pd.DataFrame:
    """One row per (kommune?, indicator) for the year of `as_of`; columns INDICATOR_STATUS_COLUMNS.

    `indicators`: id, name, unit, direction, aggregation, baseline, minimum, maximum, weight
    (plan_store.indicators_df); `targets`: indicator_id, year, target; `readings`:
    indicator_id, month, value (readings_store.current_readings_df). A `kommune` column on
    `indicators` keys everything by (kommune, id).
    """
    prep = series_matrix(indicators, targets, readings, as_of=as_of)
    meta, k, n = prep.meta, prep.k, len(prep.meta)
    a = _Arrays(meta)
    data: dict[str, Any] = {c: meta[c].to_numpy() for c in prep.key_cols}
    data["id"] = meta["id"].to_numpy()
    data["name"] = meta["name"].to_numpy() if "name" in meta else data["id"]
    data["unit"] = meta["unit"].to_numpy() if "unit" in meta else np.full(n, "", dtype=object)
    data["year"] = np.full(n, prep.year, dtype=np.int64)
    data["direction"] = meta["direction"].to_numpy()
    data["aggregation"] = meta["aggregation"].to_numpy()
    if n == 0:
        return pd.DataFrame({**data, **{c: [] for c in INDICATOR_STATUS_COLUMNS if c not in data}})
    history = [_evaluate(prep.values, a, c) for c in range(1, k + 1)]
    e = history[-1]
    weight = numbers(meta, "weight", 1.0)
    frequency = (
        meta["frequency"].to_numpy(dtype=object) if "frequency" in meta else np.full(n, "monatlich", dtype=object)
    )
    quarterly = frequency == "quartalsweise"
    due = np.where(quarterly, k // 3, k).astype(np.int64)
    due_month = np.where(quarterly, (k // 3) * 3, k)  # newest month a reading is due for
    data.update(
        {
            "value": e.ytd.value,
            "baseline": a.baseline,
            "start": a.start,
            "target": a.target,
            "attainment": np.clip(e.raw, 0.0, 1.0) + 0.0,  # + 0.0 turns -0.0 into 0.0
            "attainment_raw": e.raw + 0.0,
            "soll": _soll(a, e),
            "expected": e.expected,
            "gap": e.ytd.value - e.expected,
            "progress": e.progress + 0.0,
            "needed_per_month": e.needed,
            "forecast": e.forecast,
            "will_reach": _objects([None if w < 0 else bool(w) for w in e.will_reach]),
            "warning_since": _objects(_warning_since([h.will_reach for h in history], prep.year)),
            "status": np.asarray(STATUS_ORDER, dtype=object)[e.status],
            "months_reported": e.ytd.n_rep.astype(np.int64),
            "months_due": due,
            "completeness": np.where(due > 0, np.minimum(e.ytd.n_rep, due) / np.maximum(due, 1), np.nan),
            "due_month": _objects(_date_list(prep.year, np.where(due_month > 0, due_month, -1))),
            "frequency": frequency,
            "last_month": _objects(_date_list(prep.year, e.ytd.last_month)),
            "weight": np.where(np.isnan(weight), 1.0, weight),
            "demo": prep.demo,
        }
    )
    return pd.DataFrame(data)


def _one_indicator(
    indicator_id: str, indicators: pd.DataFrame, targets: pd.DataFrame, readings: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The rows of one indicator (of its Kommune, when the frames carry several)."""
    ind = indicators[indicators["id"] == indicator_id]
    if ind.empty:
        raise KeyError(indicator_id)
    ind = ind.iloc[:1]
    if "kommune" in ind.columns:
        kommune = ind["kommune"].iloc[0]
        targets = targets[targets["kommune"] == kommune] if "kommune" in targets.columns else targets
        readings = readings[readings["kommune"] == kommune] if "kommune" in readings.columns else readings
    return ind, targets[targets["indicator_id"] == indicator_id], readings[readings["indicator_id"] == indicator_id]


def _forecast_lines(a: _Arrays, e: _Eval) -> np.ndarray:
    """(n, 12): NaN before the as-of month c, the running value at c, then `_forecast_at` (rows with reports)."""
    c = e.ytd.c
    lines = np.full((len(e.ytd.n_rep), 12), np.nan)
    rows = e.ytd.n_rep > 0
    lines[rows, c - 1] = e.ytd.value[rows]
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        for m in range(c + 1, 13):
            lines[rows, m - 1] = _forecast_at(a, e.ytd, e.tr, m)[rows]
    return lines


def _series_frames(prep: SeriesMatrix) -> list[pd.DataFrame]:
    """One chart frame per row of `prep`, every row evaluated at once (12 evaluations in all)."""
    a = _Arrays(prep.meta)
    k = prep.k
    evals = [_evaluate(prep.values, a, c) for c in range(1, 13)]
    forecasts = _forecast_lines(a, evals[k - 1])
    months = [dt.date(prep.year, m, 1) for m in range(1, 13)]
    frames = []
    for i, row in enumerate(prep.meta.to_dict("records")):
        frame = pd.DataFrame(
            {
                "month": months,
                "value": prep.values[i],
                "running": [float(evals[c - 1].ytd.value[i]) if c <= k else np.nan for c in range(1, 13)],
                "zielpfad": [float(ev.expected[i]) for ev in evals],
                "forecast": forecasts[i].tolist(),
                "target": a.target[i],
            }
        )
        frame.attrs.update(
            {
                "indicator_id": row["id"],
                "year": prep.year,
                "as_of": dt.date(prep.year, k, 1),
                "target": None if np.isnan(a.target[i]) else float(a.target[i]),
                "start": None if np.isnan(a.start[i]) else float(a.start[i]),
                "direction": row["direction"],
                "aggregation": row["aggregation"],
                "unit": row.get("unit", ""),
            }
        )
        frames.append(frame)
    return frames


def indicator_series(
    indicator_id: str,
    indicators: pd.DataFrame,
    targets: pd.DataFrame,
    readings: pd.DataFrame,
    *,
    as_of: dt.date,
) -> pd.DataFrame:
    """Twelve rows (every month of the as-of year) for one indicator's chart.

    month (date), value (monthly reading or NaN), running (value as of that month: YTD sum, mean so far or last;
    NaN after as_of), zielpfad (expected at that month), forecast (the projected running value: equal to running
    at as_of, NaN before, and in December the status's forecast), target (constant).
    `attrs` holds indicator_id, target, start, year, as_of, direction, aggregation, unit.
    """
    prep = series_matrix(*_one_indicator(indicator_id, indicators, targets, readings), as_of=as_of)
    return _series_frames(prep)[0]


def every_indicator_series(
    indicators: pd.DataFrame, targets: pd.DataFrame, readings: pd.DataFrame, *, as_of: dt.date
) -> dict[str, pd.DataFrame]:
    """`indicator_series` of every indicator of ONE Kommune's frames, evaluated together (a page's charts)."""
    prep = series_matrix(indicators, targets, readings, as_of=as_of)
    return {frame.attrs["indicator_id"]: frame for frame in _series_frames(prep)}


__all__ = ["INDICATOR_STATUS_COLUMNS", "STATUS_ORDER", "every_indicator_series", "indicator_series", "indicator_status"]
