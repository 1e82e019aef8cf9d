"""Goal maths' input as arrays: one row per (kommune?, indicator), twelve months of readings.

`kora.metrics` evaluates every indicator of every Kommune at once with numpy; this module lines
the inputs up for it: the year's target and the previous year's target (where a later plan year
starts) joined onto the indicators, and the readings of the as-of year up to the as-of month in
an (n, 12) matrix (NaN = not reported). Pure: pandas and numpy only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kora.frame_keys import index_of, joint_keys
from kora.periods import month_start


@dataclass
class SeriesMatrix:
    meta: pd.DataFrame  # one row per series, in the order of `indicators`, with target columns
    key_cols: list[str]
    year: int
    k: int  # as-of month number (1..12)
    values: np.ndarray  # (n, 12) monthly readings, NaN = not reported or after as_of
    demo: np.ndarray  # (n,) any Beispieldaten reading among them


def _with_targets(meta: pd.DataFrame, targets: pd.DataFrame, key_cols: list[str], year: int) -> pd.DataFrame:
    """`target` of the year, and `_prev_target`/`_prev_year`: the latest earlier year's target."""
    n = len(meta)
    tkeys = [c for c in key_cols if c in targets.columns]
    meta = meta.assign(target=np.nan, _prev_target=np.nan, _prev_year=np.nan)
    if not (len(targets) and n):
        return meta
    meta_keys, t_keys = joint_keys(meta, [*tkeys, "id"], targets, [*tkeys, "indicator_id"])
    t_year = targets["year"].to_numpy(dtype=np.int64)
    t_val = targets["target"].to_numpy(dtype=float)
    this = t_year == year
    if this.any():  # a year beyond the catalogue's targets has none: status no_data
        pos = index_of(t_keys[this], meta_keys)
        meta["target"] = np.where(pos >= 0, t_val[this][np.clip(pos, 0, None)], np.nan)
    before = np.flatnonzero(t_year < year)
    before = before[np.argsort(t_year[before], kind="stable")]  # last duplicate = latest earlier year
    pos = index_of(t_keys[before], meta_keys)
    take = before[np.clip(pos, 0, None)] if len(before) else np.zeros(n, dtype=np.int64)
    meta["_prev_target"] = np.where(pos >= 0, t_val[take] if len(before) else np.nan, np.nan)
    meta["_prev_year"] = np.where(pos >= 0, t_year[take].astype(float) if len(before) else np.nan, np.nan)
    return meta


def _reading_matrix(
    meta: pd.DataFrame, readings: pd.DataFrame, key_cols: list[str], year: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """(n, 12) readings of `year` up to month k, and whether any of them is Beispieldaten."""
    n = len(meta)
    values = np.full((n, 12), np.nan)
    demo = np.zeros(n, dtype=bool)
    if not (len(readings) and n):
        return values, demo
    value = readings["value"].to_numpy(dtype=float)
    months = pd.DatetimeIndex(pd.to_datetime(readings["month"]))
    r_year, r_month = months.year.to_numpy(), months.month.to_numpy()
    keep = ~np.isnan(value) & (r_year == year) & (r_month <= k)
    if keep.any():
        rkeys = [c for c in key_cols if c in readings.columns]
        meta_keys, r_keys = joint_keys(meta, [*rkeys, "id"], readings, [*rkeys, "indicator_id"])
        pos = index_of(meta_keys, r_keys[keep])
        ok = pos >= 0
        values[pos[ok], r_month[keep][ok] - 1] = value[keep][ok]
        if "is_demo" in readings.columns:
            flags = readings["is_demo"].fillna(False).to_numpy(dtype=bool)[keep][ok]
            np.logical_or.at(demo, pos[ok], flags)
    return values, demo


def series_matrix(
    indicators: pd.DataFrame, targets: pd.DataFrame, readings: pd.DataFrame, *, as_of: dt.date
) -> SeriesMatrix:
    """The inputs of `kora.metrics` lined up for the year and month of `as_of`."""
    as_of = month_start(as_of)
    year, k = as_of.year, as_of.month
    key_cols = ["kommune"] if "kommune" in indicators.columns else []
    meta = _with_targets(indicators.reset_index(drop=True).copy(), targets, key_cols, year)
    values, demo = _reading_matrix(meta, readings, key_cols, year, k)
    return SeriesMatrix(meta=meta, key_cols=key_cols, year=year, k=k, values=values, demo=demo)
