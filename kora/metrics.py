"""Goal attainment: where does each indicator stand, and will it make its Jahresziel?

Pure functions — DataFrames in, DataFrames/dicts out, no I/O — so every number on the
dashboards, in exports and in `python -m kora status` is computed once, here, and tested with
hand-computed cases. `kora.tracking.status` feeds them from the database.

Definitions (agreed with the lead engineer; the tests in tests/test_metrics.py pin them)
--------------------------------------------------------------------------------------

*Year, as-of month.* Everything refers to the calendar year of ``as_of``; k = ``as_of.month``
is the number of months elapsed. Only readings with month in [January, as_of] count.
Months without a reading are *missing*, never 0.

*Value* (year to date, by the indicator's ``aggregation``): ``sum`` = sum of the reported
months, ``mean`` = mean of the reported months, ``last`` = the latest reported month.

*Start.* 0 for ``sum`` indicators where more is better (km accumulate towards the Jahresziel);
otherwise the baseline — or, in a later plan year, the previous year's target (where the plan
meant to stand when the year began; a baseline measured in or after that year wins). Without
this a 2026 Zielpfad for "share of milestones reached" would restart at the 2024 baseline 0 %. No baseline (or a target on the wrong side of the start for the
direction, e.g. "up" with target below baseline): the indicator is judged pass/fail against
the target, exactly like target == start below.

*Attainment* = (value − start) / (target − start), reported unclamped (``attainment_raw``)
and clamped to [0, 1] (``attainment``). It moves the right way for both directions:
1 km of 5 → 0.2; Abstimmungsschleifen baseline 4, target 2, mean 3 → 0.5.
A ``sum`` indicator where less is better is a *budget*: the year to date is annualised as
value · 12 / n (n = months reported; equals k when reporting is complete — dividing by the
elapsed months instead would count unreported months as 0): (start − value·12/n) / (start −
target). Ad-hoc changes baseline 12, target 6, 9 counted in 12 months → 0.5.
yes/no: 1 if value ≥ target, else 0. target == start: 1 if the value is at least as good as
the target (direction-aware), else 0. No target for the year → attainment None, status
``no_data``. No readings → value None, status ``no_data``.

*Expected by now* (Zielpfad) at month k: ``sum``: target · k / 12; otherwise
start + (target − start) · k / 12 (yes/no: none). ``gap`` = value − expected (its sign is
read with the direction). ``needed_per_month`` (``sum`` only; None in December):
(target − value) / (12 − k), floored at 0 — for a budget it is what may still be spent per
month. km as of June with 0.75 km: expected 2.5, needed (5 − 0.75) / 6 ≈ 0.708.

*Forecast* of the year-end value, robust and from this year's readings only:
``sum``: value + median monthly reading × (12 − k), the months still ahead (a month that is
over but unreported is not filled in: the forecast must not promise what the year can no
longer deliver, and the completeness shows the gap; in December the forecast is the value);
``mean``: the mean of the reported months and of the months
still to come, projected by a Theil–Sen line (median of all pairwise slopes, median
intercept); ``last``: the latest reading continued to December with the Theil–Sen slope (a
fitted line alone would ignore a recent step, e.g. a new format started). A trend needs at
least 3 readings — never a line through two points: with fewer, ``mean``/``last`` have no
forecast (None) before December and the status rests on progress alone. Projections stay
within the catalogue's min/max. yes/no: the last value. ``will_reach``: the forecast is at
least as good as the target (None without forecast). ``warning_since``: the first month of
the current unbroken run of months whose forecast (recomputed from the readings up to that
month, as known at ``known_at``) missed the target — from when the miss was foreseeable.

*Status* (``STATUS_ORDER``). Progress ratio p = (value − start) / (expected − start) — the
share of the Zielpfad's way covered, direction-aware; for a budget p = attainment_raw.
Forecast shortfall s = how far the forecast falls short of the target, as a share of
|target − start|.

* ``on_track``: p ≥ 0.95 and the forecast does not miss the target (or there is none yet);
* ``off_track``: p < 0.75 or s > 0.10;
* ``at_risk``: everything in between;
* yes/no: met → ``on_track``; not met → ``at_risk`` before December, ``off_track`` in December;
* ``no_data``: no reading this year or no target for the year.

*Completeness*: months reported / months due. Monthly indicators are due every month up to k;
quarterly ones (catalogue ``meldung = "quartalsweise"``) only in March, June, September and
December, so a quarterly survey is complete with 3 readings in October.

*Roll-ups*. Vorhaben = weighted mean of its indicators' clamped attainment (catalogue
``weight``, ignoring indicators without attainment); Aktionsfeld = mean of its Vorhaben;
plan = mean of the Aktionsfelder. Roll-up status from the (weighted) mean status score
(on_track 1, at_risk 0.5, off_track 0; no_data ignored): ≥ 0.75 on_track, ≥ 0.4 at_risk,
else off_track; all children no_data → no_data. Both are means mapped monotonically, so a
roll-up never leaves the range of its children.

Several Kommunen at once: give ``indicators`` (and ``targets``, ``readings``, …) a
``kommune`` column and rows are keyed by (kommune, id). Without it, rows are keyed by id and
the inputs must belong to one Kommune.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

STATUS_ORDER = ("on_track", "at_risk", "off_track", "no_data")
STATUS_SCORES = {"on_track": 1.0, "at_risk": 0.5, "off_track": 0.0}

# Thresholds (see module docstring).
ON_TRACK_PROGRESS = 0.95
OFF_TRACK_PROGRESS = 0.75
OFF_TRACK_SHORTFALL = 0.10
ROLLUP_ON_TRACK = 0.75
ROLLUP_AT_RISK = 0.4
MIN_TREND_POINTS = 3

INDICATOR_STATUS_COLUMNS = (
    "id",
    "name",
    "unit",
    "year",
    "direction",
    "aggregation",
    "value",
    "baseline",
    "start",
    "target",
    "attainment",
    "attainment_raw",
    "expected",
    "gap",
    "progress",
    "needed_per_month",
    "forecast",
    "will_reach",
    "warning_since",
    "status",
    "months_reported",
    "months_due",
    "completeness",
    "last_month",
    "weight",
    "demo",
)

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


def _month_start(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.replace(day=1)


def _key_strings(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    key = frame[cols[0]].astype(str)
    for c in cols[1:]:
        key = key + "\x1f" + frame[c].astype(str)
    return key.to_numpy(dtype=object)


def _index_of(parents: np.ndarray, children: np.ndarray) -> np.ndarray:
    """Position in `parents` of every key in `children` (−1 when absent; last duplicate wins)."""
    if len(parents) == 0 or len(children) == 0:
        return np.full(len(children), -1, dtype=np.int64)
    index = pd.Index(parents)
    if not index.is_unique:
        lookup = {key: i for i, key in enumerate(parents)}
        return np.fromiter((lookup.get(k, -1) for k in children), dtype=np.int64, count=len(children))
    return index.get_indexer(children).astype(np.int64)


def _positions(parent_keys: pd.DataFrame, child_keys: pd.DataFrame) -> np.ndarray:
    """Row position in `parent_keys` of every row of `child_keys` (−1 when absent)."""
    if len(parent_keys) == 0 or len(child_keys) == 0:
        return np.full(len(child_keys), -1, dtype=np.int64)
    return _index_of(
        _key_strings(parent_keys, list(parent_keys.columns)), _key_strings(child_keys, list(child_keys.columns))
    )


# --- preparation: one row per (kommune?, indicator), a 12-month matrix of readings ----------


@dataclass
class _Prepared:
    meta: pd.DataFrame  # one row per series, in the order of `indicators`
    key_cols: list[str]
    year: int
    k: int  # as-of month number (1..12)
    values: np.ndarray  # (n, 12) monthly readings, NaN = not reported or after as_of
    demo: np.ndarray  # (n,) any Beispieldaten reading among them


def _col(frame: pd.DataFrame, name: str, default: Any = np.nan) -> np.ndarray:
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.full(len(frame), default, dtype=float)


def _prepare(indicators: pd.DataFrame, targets: pd.DataFrame, readings: pd.DataFrame, as_of: dt.date) -> _Prepared:
    as_of = _month_start(as_of)
    year, k = as_of.year, as_of.month
    key_cols = ["kommune"] if "kommune" in indicators.columns else []
    meta = indicators.reset_index(drop=True).copy()
    n = len(meta)

    # target of the year, and the previous year's target (the start of a later plan year)
    tkeys = [c for c in key_cols if c in targets.columns]
    meta = meta.assign(target=np.nan, _prev_target=np.nan, _prev_year=np.nan)
    if len(targets) and n:
        meta_keys = _key_strings(meta, [*tkeys, "id"])
        t_year = targets["year"].to_numpy(dtype=np.int64)
        t_keys = _key_strings(targets, [*tkeys, "indicator_id"])
        t_val = targets["target"].to_numpy(dtype=float)
        this = t_year == year
        if this.any():  # a year beyond the catalogue's targets has none: status no_data
            pos = _index_of(t_keys[this], meta_keys)
            meta["target"] = np.where(pos >= 0, t_val[this][np.clip(pos, 0, None)], np.nan)
        before = np.flatnonzero(t_year < year)
        before = before[np.argsort(t_year[before], kind="stable")]  # last duplicate = latest earlier year
        pos = _index_of(t_keys[before], meta_keys)
        take = before[np.clip(pos, 0, None)] if len(before) else np.zeros(n, dtype=np.int64)
        meta["_prev_target"] = np.where(pos >= 0, t_val[take] if len(before) else np.nan, np.nan)
        meta["_prev_year"] = np.where(pos >= 0, t_year[take].astype(float) if len(before) else np.nan, np.nan)

    values = np.full((n, 12), np.nan)
    demo = np.zeros(n, dtype=bool)
    if len(readings) and n:
        value = readings["value"].to_numpy(dtype=float)
        months = pd.DatetimeIndex(pd.to_datetime(readings["month"]))
        r_year, r_month = months.year.to_numpy(), months.month.to_numpy()
        keep = ~np.isnan(value) & (r_year == year) & (r_month <= k)
        if keep.any():
            rkeys = [c for c in key_cols if c in readings.columns]
            pos = _index_of(_key_strings(meta, [*rkeys, "id"]), _key_strings(readings, [*rkeys, "indicator_id"])[keep])
            ok = pos >= 0
            values[pos[ok], r_month[keep][ok] - 1] = value[keep][ok]
            if "is_demo" in readings.columns:
                flags = readings["is_demo"].fillna(False).to_numpy(dtype=bool)[keep][ok]
                np.logical_or.at(demo, pos[ok], flags)
    return _Prepared(meta=meta, key_cols=key_cols, year=year, k=k, values=values, demo=demo)


# --- the core: every figure for all series at one cut-off month c -----------------------------


@dataclass
class _Eval:
    c: int
    n_rep: np.ndarray
    value: np.ndarray
    last_month: np.ndarray  # 1..12, 0 = none
    start: np.ndarray
    raw: np.ndarray
    expected: np.ndarray
    progress: np.ndarray
    needed: np.ndarray
    forecast: np.ndarray
    will_reach: np.ndarray  # 1 = yes, 0 = no, -1 = unknown
    shortfall: np.ndarray
    status: np.ndarray  # index into STATUS_ORDER
    sum_v: np.ndarray
    last_v: np.ndarray
    slope: np.ndarray  # Theil–Sen slope per month (0 without trend)
    rate: np.ndarray  # median monthly reading
    projected: np.ndarray  # (n, 12) Theil–Sen projection of monthly values (clipped)
    trend: np.ndarray  # bool: enough readings for a trend


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
        self.baseline = _col(meta, "baseline")
        self.target = _col(meta, "target")
        self.lo = np.nan_to_num(_col(meta, "minimum"), nan=-np.inf)
        self.hi = np.nan_to_num(_col(meta, "maximum"), nan=np.inf)
        self.budget = self.agg_sum & self.down
        # a later plan year starts where the plan meant to be: last year's target, unless the
        # baseline was measured in or after that year
        prev_target, prev_year = _col(meta, "_prev_target"), _col(meta, "_prev_year")
        baseline_year = _col(meta, "baseline_year")
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


def _evaluate(values: np.ndarray, a: _Arrays, c: int) -> _Eval:
    n = values.shape[0]
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yc = values[:, :c]
        rep = ~np.isnan(yc)
        n_rep = rep.sum(axis=1)
        has = n_rep > 0
        sum_v = np.where(has, np.nansum(yc, axis=1), np.nan)
        mean_v = sum_v / np.where(has, n_rep, 1)
        last_idx = c - 1 - np.argmax(rep[:, ::-1], axis=1)
        last_v = np.where(has, yc[np.arange(n), last_idx], np.nan)
        last_month = np.where(has, last_idx + 1, 0)
        value = np.where(a.agg_sum, sum_v, np.where(a.agg_mean, mean_v, last_v))

        target = a.target
        known = has & ~np.isnan(target)
        # attainment
        v_cmp = np.where(a.budget, sum_v * 12.0 / np.where(has, n_rep, 1), value)
        binary = np.where(_at_least_as_good(a, v_cmp, target), 1.0, 0.0)
        yes = np.where(value >= target - _eps(target), 1.0, 0.0)
        raw = np.where(a.proper, (v_cmp - a.s_eff) / (target - a.s_eff), binary)
        raw = np.where(a.yesno, yes, raw)
        raw = np.where(known, raw, np.nan)

        # Zielpfad
        expected = np.where(a.agg_sum, target * c / 12.0, a.s_eff + (target - a.s_eff) * c / 12.0)
        expected = np.where(a.yesno, np.nan, expected)
        needed = np.where(a.agg_sum & (c < 12), np.maximum(0.0, (target - value) / max(12 - c, 1)), np.nan)
        needed = np.where(known, needed, np.nan)

        # forecast
        rate = _nanmedian_rows(yc)
        pair = c > _PAIR_J
        slopes = (values[:, _PAIR_J[pair]] - values[:, _PAIR_I[pair]]) / (_PAIR_J[pair] - _PAIR_I[pair])
        trend = n_rep >= MIN_TREND_POINTS
        slope = np.where(trend, _nanmedian_rows(slopes), 0.0)
        intercept = _nanmedian_rows(yc - slope[:, None] * _MONTHS[None, :c])
        projected = np.clip(intercept[:, None] + slope[:, None] * _MONTHS[None, :], a.lo[:, None], a.hi[:, None])
        fc_sum = sum_v + rate * (12 - c)  # only the months still ahead; December's forecast is the value
        year_over = c == 12
        fc_mean = np.where(trend | year_over, (sum_v + projected[:, c:].sum(axis=1)) / (n_rep + 12 - c), np.nan)
        fc_last = np.where(
            trend,
            np.clip(last_v + slope * (12 - last_month), a.lo, a.hi),
            np.where(year_over | (last_month == 12), last_v, np.nan),
        )
        forecast = np.where(a.agg_sum, fc_sum, np.where(a.agg_mean, fc_mean, fc_last))
        forecast = np.where(a.yesno, value, forecast)
        forecast = np.where(has, forecast, np.nan)

        has_fc = known & ~np.isnan(forecast)
        reach = np.where(a.yesno, value >= target - _eps(target), _at_least_as_good(a, forecast, target))
        will_reach = np.where(has_fc, reach.astype(int), -1)
        short = np.where(a.down, forecast - target, target - forecast)
        shortfall = np.where(has_fc, np.maximum(0.0, short) / a.scale, np.nan)

        # progress along the Zielpfad
        progress = np.where(a.proper, (value - a.s_eff) / (expected - a.s_eff), raw)
        progress = np.where(a.budget | a.yesno, raw, progress)
        progress = np.where(known, progress, np.nan)

        on = (progress >= ON_TRACK_PROGRESS) & (will_reach != 0)
        off = (progress < OFF_TRACK_PROGRESS) | (shortfall > OFF_TRACK_SHORTFALL)
        status = np.where(on, 0, np.where(off, 2, 1))
        status_yesno = np.where(raw >= 1.0, 0, 1 if c < 12 else 2)
        status = np.where(a.yesno, status_yesno, status)
        status = np.where(known, status, 3)
    return _Eval(
        c=c,
        n_rep=n_rep,
        value=value,
        last_month=last_month,
        start=a.start,
        raw=raw,
        expected=np.where(np.isnan(target), np.nan, expected),
        progress=progress,
        needed=needed,
        forecast=forecast,
        will_reach=will_reach,
        shortfall=shortfall,
        status=status,
        sum_v=sum_v,
        last_v=last_v,
        slope=slope,
        rate=rate,
        projected=projected,
        trend=trend,
    )


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
    prep = _prepare(indicators, targets, readings, as_of)
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
    weight = _col(meta, "weight", 1.0)
    frequency = (
        meta["frequency"].to_numpy(dtype=object) if "frequency" in meta else np.full(n, "monatlich", dtype=object)
    )
    quarterly = frequency == "quartalsweise"
    due = np.where(quarterly, k // 3, k).astype(np.int64)
    due_month = np.where(quarterly, (k // 3) * 3, k)  # newest month a reading is due for
    data.update(
        {
            "value": e.value,
            "baseline": a.baseline,
            "start": e.start,
            "target": a.target,
            "attainment": np.clip(e.raw, 0.0, 1.0) + 0.0,  # + 0.0 turns -0.0 into 0.0
            "attainment_raw": e.raw + 0.0,
            "expected": e.expected,
            "gap": e.value - e.expected,
            "progress": e.progress + 0.0,
            "needed_per_month": e.needed,
            "forecast": e.forecast,
            "will_reach": _objects([None if w < 0 else bool(w) for w in e.will_reach]),
            "warning_since": _objects(_warning_since([h.will_reach for h in history], prep.year)),
            "status": np.asarray(STATUS_ORDER, dtype=object)[e.status],
            "months_reported": e.n_rep.astype(np.int64),
            "months_due": due,
            "completeness": np.where(due > 0, np.minimum(e.n_rep, due) / np.maximum(due, 1), np.nan),
            "due_month": _objects(_date_list(prep.year, np.where(due_month > 0, due_month, -1))),
            "frequency": frequency,
            "last_month": _objects(_date_list(prep.year, e.last_month)),
            "weight": np.where(np.isnan(weight), 1.0, weight),
            "demo": prep.demo,
        }
    )
    return pd.DataFrame(data)


def indicator_series(
    indicator_id: str,
    indicators: pd.DataFrame,
    targets: pd.DataFrame,
    readings: pd.DataFrame,
    *,
    as_of: dt.date,
) -> pd.DataFrame:
    """Twelve rows (every month of the as-of year) for one indicator's chart.

    month (date), value (monthly reading or NaN), running (value as of that month: YTD sum,
    mean so far or last; NaN after as_of), zielpfad (expected at that month), forecast (the
    projected running value: equal to running at as_of, NaN before), target (constant).
    `attrs` holds target, start, year, as_of, direction, aggregation, unit.
    """
    ind = indicators[indicators["id"] == indicator_id]
    if ind.empty:
        raise KeyError(indicator_id)
    ind = ind.iloc[:1]
    if "kommune" in ind.columns:
        kommune = ind["kommune"].iloc[0]
        if "kommune" in targets.columns:
            targets = targets[targets["kommune"] == kommune]
        if "kommune" in readings.columns:
            readings = readings[readings["kommune"] == kommune]
    targets = targets[targets["indicator_id"] == indicator_id]
    readings = readings[readings["indicator_id"] == indicator_id]
    prep = _prepare(ind, targets, readings, as_of)
    a = _Arrays(prep.meta)
    k = prep.k
    evals = [_evaluate(prep.values, a, c) for c in range(1, 13)]
    e = evals[k - 1]
    running = [float(evals[c - 1].value[0]) if c <= k else np.nan for c in range(1, 13)]
    zielpfad = [float(ev.expected[0]) for ev in evals]
    forecast = [np.nan] * 12
    if e.n_rep[0] > 0:
        forecast[k - 1] = running[k - 1]
        for m in range(k + 1, 13):
            forecast[m - 1] = float(_project(a, e, m)[0])
    frame = pd.DataFrame(
        {
            "month": [dt.date(prep.year, m, 1) for m in range(1, 13)],
            "value": prep.values[0],
            "running": running,
            "zielpfad": zielpfad,
            "forecast": forecast,
            "target": a.target[0],
        }
    )
    row = prep.meta.iloc[0]
    frame.attrs.update(
        {
            "indicator_id": indicator_id,
            "year": prep.year,
            "as_of": dt.date(prep.year, k, 1),
            "target": None if np.isnan(a.target[0]) else float(a.target[0]),
            "start": None if np.isnan(a.start[0]) else float(a.start[0]),
            "direction": row["direction"],
            "aggregation": row["aggregation"],
            "unit": row.get("unit", ""),
        }
    )
    return frame


def _project(a: _Arrays, e: _Eval, m: int) -> np.ndarray:
    """Projected running value at month m > c (the forecast line; equals `forecast` at 12)."""
    c = e.c
    with np.errstate(invalid="ignore", divide="ignore"):
        p_sum = e.sum_v + e.rate * (m - e.n_rep)
        p_mean = np.where(e.trend, (e.sum_v + e.projected[:, c:m].sum(axis=1)) / (e.n_rep + m - c), np.nan)
        p_last = np.where(e.trend, np.clip(e.last_v + e.slope * (m - e.last_month), a.lo, a.hi), np.nan)
        out = np.where(a.agg_sum, p_sum, np.where(a.agg_mean, p_mean, p_last))
        return np.where(a.yesno, e.value, out)


# --- public: roll-ups -------------------------------------------------------------------------


def _status_scores(status: np.ndarray) -> np.ndarray:
    score = np.full(len(status), np.nan)
    for name, value in STATUS_SCORES.items():
        score[status == name] = value
    return score


def _score_status(score: np.ndarray) -> np.ndarray:
    out = np.where(score >= ROLLUP_ON_TRACK, "on_track", np.where(score >= ROLLUP_AT_RISK, "at_risk", "off_track"))
    return np.where(np.isnan(score), "no_data", out).astype(object)


def _rollup(
    parents: pd.DataFrame, pos: np.ndarray, attainment: np.ndarray, status: np.ndarray, weight: np.ndarray
) -> pd.DataFrame:
    """`parents` plus attainment, status, score, n_* from the children at positions `pos`.

    Weighted means, clipped to the children's [min, max] so floating-point rounding can never
    push a roll-up outside its children's range.
    """
    g = len(parents)
    ok = pos >= 0
    score = _status_scores(status)
    a_ok = ok & ~np.isnan(attainment)
    s_ok = ok & ~np.isnan(score)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(pos[mask], weights=values[mask], minlength=g)

    def clipped_mean(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        den = total(mask, weight)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(den > 0, total(mask, weight * np.nan_to_num(values)) / np.where(den > 0, den, 1), np.nan)
        lo, hi = np.full(g, np.inf), np.full(g, -np.inf)
        np.minimum.at(lo, pos[mask], values[mask])
        np.maximum.at(hi, pos[mask], values[mask])
        return np.where(den > 0, np.clip(mean, lo, hi), np.nan)

    roll_score = clipped_mean(s_ok, score)
    data = {c: parents[c].to_numpy() for c in parents.columns}
    data["attainment"] = clipped_mean(a_ok, attainment)
    data["status"] = _score_status(roll_score)
    data["score"] = roll_score
    for name in STATUS_ORDER:
        data[f"n_{name}"] = np.bincount(pos[ok & (status == name)], minlength=g).astype(int)
    return pd.DataFrame(data)


def _numbers(frame: pd.DataFrame, col: str, default: float = np.nan) -> np.ndarray:
    return _col(frame, col, default)


def vorhaben_rollup(
    ind_status: pd.DataFrame,
    indicator_vorhaben: pd.DataFrame,
    vorhaben: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Vorhaben: nr, aktionsfeld, title, attainment, status, score, n_on_track … n_no_data.

    Weights: the catalogue's `weight` (from `indicators`, else `ind_status`), 1 otherwise. An
    indicator serving two Vorhaben counts fully in both. n_* count indicators per status.
    """
    kc = ["kommune"] if all("kommune" in f.columns for f in (ind_status, indicator_vorhaben, vorhaben)) else []
    links = indicator_vorhaben.reset_index(drop=True)
    child = _positions(ind_status[[*kc, "id"]], links[[*kc, "indicator_id"]])
    found = child >= 0
    take = np.clip(child, 0, None)
    if indicators is not None and "weight" in indicators.columns:
        wk = [c for c in kc if c in indicators.columns]
        wpos = _positions(indicators[[*wk, "id"]], links[[*wk, "indicator_id"]])
        w_all = _numbers(indicators, "weight", 1.0)
        weight = np.where(wpos >= 0, w_all[np.clip(wpos, 0, None)], 1.0)
    else:
        weight = _numbers(ind_status, "weight", 1.0)[take] if len(ind_status) else np.ones(len(links))
    weight = np.where(np.isnan(weight), 1.0, weight)
    attainment = _numbers(ind_status, "attainment")[take] if len(ind_status) else np.full(len(links), np.nan)
    status = ind_status["status"].to_numpy(dtype=object)[take] if len(ind_status) else np.full(len(links), "no_data")
    attainment = np.where(found, attainment, np.nan)
    status = np.where(found, status, None)
    parents = vorhaben[[*kc, "nr", "aktionsfeld", "title"]].reset_index(drop=True)
    pos = _positions(parents[[*kc, "nr"]], links[[*kc, "nr"]])
    pos = np.where(found, pos, -1)
    return _rollup(parents, pos, attainment, status, weight)


def _indicator_counts(
    parents: pd.DataFrame, parent_cols: list[str], child_keys: pd.DataFrame, status: np.ndarray
) -> dict[str, np.ndarray]:
    """n_<status>: how many distinct indicators (rows of `child_keys`) of each parent have that status."""
    keys = child_keys.assign(_status=status).drop_duplicates().reset_index(drop=True)
    pos = _positions(parents[parent_cols], keys[parent_cols])
    st = keys["_status"].to_numpy(dtype=object)
    ok = pos >= 0
    return {f"n_{s}": np.bincount(pos[ok & (st == s)], minlength=len(parents)).astype(int) for s in STATUS_ORDER}


def _indicator_areas(
    ind_status: pd.DataFrame, indicator_vorhaben: pd.DataFrame, vorhaben: pd.DataFrame, kc: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """(kommune?, aktionsfeld, id) for every indicator through its Vorhaben, with its status."""
    links = indicator_vorhaben.reset_index(drop=True)
    vpos = _positions(vorhaben[[*kc, "nr"]], links[[*kc, "nr"]])
    ipos = _positions(ind_status[[*kc, "id"]], links[[*kc, "indicator_id"]])
    ok = (vpos >= 0) & (ipos >= 0)
    keys = pd.DataFrame(
        {
            **{c: links[c].to_numpy()[ok] for c in kc},
            "code": vorhaben["aktionsfeld"].to_numpy()[vpos[ok]],
            "id": links["indicator_id"].to_numpy()[ok],
        }
    )
    return keys, ind_status["status"].to_numpy(dtype=object)[ipos[ok]]


def aktionsfeld_rollup(
    vorhaben_status: pd.DataFrame,
    aktionsfelder: pd.DataFrame,
    *,
    ind_status: pd.DataFrame | None = None,
    indicator_vorhaben: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Aktionsfelder: code, title, attainment, status, score, n_*, nv_* (equal weights over Vorhaben).

    n_* count the distinct indicators of the Aktionsfeld per status when `ind_status` and
    `indicator_vorhaben` are given (else Vorhaben, like nv_* always do).
    """
    kc = ["kommune"] if "kommune" in vorhaben_status.columns and "kommune" in aktionsfelder.columns else []
    parents = aktionsfelder[[*kc, "code", "title"]].reset_index(drop=True)
    children = vorhaben_status.reset_index(drop=True)
    pos = _positions(parents[[*kc, "code"]], children[[*kc, "aktionsfeld"]])
    out = _rollup(
        parents,
        pos,
        _numbers(children, "attainment"),
        children["status"].to_numpy(dtype=object),
        np.ones(len(children)),
    )
    for s in STATUS_ORDER:
        out[f"nv_{s}"] = out[f"n_{s}"]
    if ind_status is not None and indicator_vorhaben is not None:
        ikc = kc if all("kommune" in f.columns for f in (ind_status, indicator_vorhaben)) else []
        keys, status = _indicator_areas(ind_status, indicator_vorhaben, vorhaben_status, ikc)
        for col, counts in _indicator_counts(out, [*ikc, "code"], keys, status).items():
            out[col] = counts
    return out


def plan_rollup(aktionsfeld_status: pd.DataFrame, ind_status: pd.DataFrame | None = None) -> dict[str, Any]:
    """The whole plan: {attainment, status, score, n_*} (equal weights over Aktionsfelder).

    n_* count indicators per status when `ind_status` is given (else Aktionsfelder).
    """
    n = len(aktionsfeld_status)
    row = _rollup(
        pd.DataFrame({"_all": [0]}),
        np.zeros(n, dtype=np.int64),
        _numbers(aktionsfeld_status, "attainment"),
        aktionsfeld_status["status"].to_numpy(dtype=object),
        np.ones(n),
    ).iloc[0]
    counts = {f"n_{s}": int(row[f"n_{s}"]) for s in STATUS_ORDER}
    if ind_status is not None:
        counts = {f"n_{s}": int((ind_status["status"] == s).sum()) for s in STATUS_ORDER}
    return {
        "attainment": None if pd.isna(row["attainment"]) else float(row["attainment"]),
        "status": row["status"],
        "score": None if pd.isna(row["score"]) else float(row["score"]),
        **counts,
    }


def kommune_rollup(aktionsfeld_status: pd.DataFrame, ind_status: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per Kommune (network view): kommune, attainment, status, score over its Aktionsfelder;
    n_* count its indicators per status when `ind_status` (with `kommune`) is given."""
    frame = aktionsfeld_status.reset_index(drop=True)
    parents = pd.DataFrame({"kommune": pd.unique(frame["kommune"])})
    pos = _positions(parents, frame[["kommune"]])
    out = _rollup(
        parents, pos, _numbers(frame, "attainment"), frame["status"].to_numpy(dtype=object), np.ones(len(frame))
    )
    if ind_status is not None and "kommune" in ind_status.columns:
        keys = ind_status[["kommune", "id"]].reset_index(drop=True)
        status = ind_status["status"].to_numpy(dtype=object)
        for col, counts in _indicator_counts(out, ["kommune"], keys, status).items():
            out[col] = counts
    return out


# --- public: milestones -----------------------------------------------------------------------


def _milestone_ids(frame: pd.DataFrame) -> list[str]:
    """Milestone ids; prefixed 'kommune:' when several Kommunen are summarised together."""
    ids = frame["id"].astype(str)
    if "kommune" in frame.columns and frame["kommune"].nunique() > 1:
        ids = frame["kommune"].astype(str) + ":" + ids
    return ids.tolist()


def milestone_flags(milestones: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """The milestones with the flags the summary counts, as of the end of the as-of month.

    reached: status erreicht and reached_on ≤ month end (or no date); due: planned due date
    (``due_planned`` if present, else ``due``) on or before the month's end; on_time: due,
    reached, and reached on or before the planned date — a postponement does not make a
    milestone "on time"; overdue: the current due date has passed by the month's end and the
    milestone was not reached by then. Pages and exports show these flags, so a past Stand
    never shows a milestone as reached that was reached later.
    """
    end = pd.Timestamp(_month_start(as_of)) + pd.offsets.MonthEnd(0)
    out = milestones.copy()
    due_now = pd.to_datetime(out["due"])
    planned = pd.to_datetime(out["due_planned"]) if "due_planned" in out else due_now
    planned = planned.fillna(due_now)
    reached_on = pd.to_datetime(out["reached_on"])
    out["reached"] = (out["status"] == "erreicht") & (reached_on.isna() | (reached_on <= end))
    out["due_by_stand"] = planned.notna() & (planned <= end)
    out["on_time"] = out["due_by_stand"] & out["reached"] & reached_on.notna() & (reached_on <= planned)
    out["overdue"] = due_now.notna() & (due_now <= end) & ~out["reached"]
    return out


def milestone_summary(milestones: pd.DataFrame, *, as_of: dt.date) -> dict[str, Any]:
    """Counts over `milestone_flags`: due, reached, reached on time, share on time, overdue.

    share_on_time = reached_on_time / due (None when nothing is due). A reached milestone
    without a date counts as reached, not on time.
    """
    if milestones.empty:
        return {
            "due": 0, "reached": 0, "reached_on_time": 0, "share_on_time": None, "overdue": 0,
            "overdue_ids": [], "total": 0,
        }  # fmt: skip
    flags = milestone_flags(milestones, as_of=as_of)
    n_due = int(flags["due_by_stand"].sum())
    return {
        "due": n_due,
        "reached": int(flags["reached"].sum()),
        "reached_on_time": int(flags["on_time"].sum()),
        "share_on_time": (float(flags["on_time"].sum()) / n_due) if n_due else None,
        "overdue": int(flags["overdue"].sum()),
        "overdue_ids": _milestone_ids(flags.loc[flags["overdue"]]),
        "total": len(flags),
    }


__all__ = [
    "STATUS_ORDER",
    "aktionsfeld_rollup",
    "indicator_series",
    "indicator_status",
    "kommune_rollup",
    "milestone_flags",
    "milestone_summary",
    "plan_rollup",
    "vorhaben_rollup",
]
