"""Comparison maths for the Städtevergleich — pure functions, DataFrames in and out.

Definitions (pinned by tests/test_network_compare.py)
- *Year value* per Kommune: the months of `year` up to `as_of`, aggregated as the catalogue says
  (sum / mean / last reported month) — the same rule the Aachen dashboards use for "value".
- *Compared value*: per 100 000 Einwohner for "je_100k" indicators, else the year value.
- *Rank*: 1 = best; "up" and "yesno": higher is better, "down": lower is better; ties share the
  better rank. Kommunen without a value get no rank.
- *Median and quartiles* of the compared values (linear interpolation, like pandas' quantile).
- *Stand*: the newest month a Kommune reported up to `as_of`; older than STALE_MONTHS → old.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from kora.network.indicators import normalise
from kora.periods import add_months

STALE_MONTHS = 3
TREND_MONTHS = 12

COLUMNS = ["kommune", "value", "months", "stand", "compared", "per_100k", "rank"]


def year_values(readings: pd.DataFrame, *, aggregation: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per Kommune: the year's value, months reported and Stand (newest month ≤ as_of).

    `readings`: kommune, month (date), value — one indicator.
    """
    if readings.empty:
        return pd.DataFrame(columns=["kommune", "value", "months", "stand"])
    frame = readings.assign(month=pd.to_datetime(readings["month"]).dt.date)
    frame = frame[frame["value"].notna() & (frame["month"] <= as_of)]
    stand = frame.groupby("kommune")["month"].max()
    in_year = frame[[m.year == year for m in frame["month"]]].sort_values(["kommune", "month"])
    grouped = in_year.groupby("kommune")["value"]
    if aggregation == "sum":
        value = grouped.sum()
    elif aggregation == "mean":
        value = grouped.mean()
    else:
        value = grouped.last()
    out = pd.DataFrame({"value": value, "months": grouped.size()}).reindex(stand.index)
    out["stand"] = stand
    out["months"] = out["months"].fillna(0).astype(int)
    return out.reset_index()


def rank(values: pd.Series, *, direction: str) -> pd.Series:
    """1 = best, ties share the better rank, missing values get no rank (nullable Int64)."""
    ranked = values.rank(method="min", ascending=direction == "down", na_option="keep")
    return ranked.astype("Int64")


def quartiles(values: Iterable[float | None]) -> dict[str, float | None]:
    """Network median and quartiles of the compared values (None without values)."""
    clean = pd.Series([v for v in values if v is not None and v == v], dtype=float)
    if clean.empty:
        return {"q1": None, "median": None, "q3": None}
    q = clean.quantile([0.25, 0.5, 0.75])
    return {"q1": float(q.loc[0.25]), "median": float(q.loc[0.5]), "q3": float(q.loc[0.75])}


def comparison_table(
    readings: pd.DataFrame,
    *,
    einwohner: Mapping[str, int],
    aggregation: str,
    direction: str,
    normalisation: str,
    year: int,
    as_of: dt.date,
) -> pd.DataFrame:
    """One row per Kommune with a value: value, per_100k, compared, rank, months, stand, stand_old."""
    known = readings[readings["kommune"].isin(list(einwohner))]
    table = year_values(known, aggregation=aggregation, year=year, as_of=as_of)
    if table.empty:
        return pd.DataFrame(columns=[*COLUMNS, "stand_old"])
    table["compared"] = [
        normalise(v, einwohner=einwohner[k], normalisation=normalisation)
        for k, v in zip(table["kommune"], table["value"], strict=True)
    ]
    table["per_100k"] = table["compared"] if normalisation == "je_100k" else None
    table["rank"] = rank(table["compared"].astype(float), direction=direction)
    table["stand_old"] = [s < add_months(as_of, -STALE_MONTHS) for s in table["stand"]]
    return table.sort_values(["rank", "kommune"], na_position="last").reset_index(drop=True)


def trends(
    readings: pd.DataFrame, *, einwohner: Mapping[str, int], normalisation: str, as_of: dt.date
) -> dict[str, list[float | None]]:
    """Per Kommune the last TREND_MONTHS monthly values (normalised), None where not reported."""
    months = [add_months(as_of, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    out: dict[str, list[float | None]] = {}
    frame = readings.assign(month=pd.to_datetime(readings["month"]).dt.date)
    for kommune, part in frame.groupby("kommune"):
        if kommune not in einwohner:
            continue
        by_month = dict(zip(part["month"], part["value"], strict=True))
        out[str(kommune)] = [
            normalise(by_month.get(m), einwohner=einwohner[str(kommune)], normalisation=normalisation) for m in months
        ]
    return out


def better_partners(table: pd.DataFrame, *, own: str, partners: Mapping[str, Iterable[int]]) -> list[dict[str, Any]]:
    """ "Von wem lernen?": partner cities of the indicator's Vorhaben that rank better than `own`.

    `partners`: Kommune id → the Vorhaben numbers whose partner list names the city. Without an
    own rank every partner with a value is listed (best first).
    """
    ranked = table[table["rank"].notna()]
    own_rows = ranked[ranked["kommune"] == own]
    limit = int(own_rows["rank"].iloc[0]) if not own_rows.empty else np.inf
    out = []
    for row in ranked.itertuples(index=False):
        if row.kommune != own and row.kommune in partners and int(row.rank) < limit:
            out.append(
                {
                    "kommune": row.kommune,
                    "rank": int(row.rank),
                    "compared": float(row.compared),
                    "vorhaben": sorted(set(partners[row.kommune])),
                }
            )
    return out
