"""Goal attainment from the database: `build_status` feeds `kora.metrics` and packs a report.

The same `StatusReport` serves the dashboards, the exports and `python -m kora status --json`,
so a number can never differ between them. Two time axes: `as_of` (the reporting month looked
at) and `known_at` (which reading versions count — as the data was known then), so a chart
shown at a Brownbag with "Stand 31.03." can be reproduced after later corrections.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kora import metrics, periods, rollups
from kora.db import Database, status_store
from kora.errors import NotFoundError
from kora.massnahmen.quelle import with_quelle
from kora.milestones import milestone_summary
from kora.periods import normalize_known_at
from kora.tracking.results import StatusReport


def _as_of(as_of: dt.date | None) -> dt.date:
    if as_of is None:
        return periods.last_complete_month()
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    return as_of.replace(day=1)


def _inputs(
    db: Database, kommune: str | None, as_of: dt.date, known_at: dt.datetime | None, indicator_id: str | None = None
) -> dict[str, pd.DataFrame]:
    indicators = status_store.indicators_df(db, kommune)
    if kommune is not None and indicators.empty:
        raise NotFoundError(
            f"Für die Kommune „{kommune}“ ist kein Plan mit Indikatoren geladen. Bitte zuerst: python -m kora init"
        )
    readings = status_store.readings_df(
        db,
        kommune,
        first_month=dt.date(as_of.year, 1, 1),
        last_month=as_of,
        known_at=known_at,
        indicator_id=indicator_id,
    )
    targets = status_store.targets_df(db, kommune, as_of.year)
    if known_at is not None:
        indicators, targets = _plan_as_known(
            indicators, targets, status_store.plan_values_before(db, kommune, known_at)
        )
    return {"indicators": indicators, "targets": targets, "readings": readings}


def _plan_as_known(
    indicators: pd.DataFrame, targets: pd.DataFrame, before: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Undo admin edits of baselines, targets and weights made after `known_at`, so a report
    "Stand 31.03." shows the targets it showed then (plan_changes keep every old value)."""
    if before.empty:
        return indicators, targets
    indicators, targets = indicators.copy(), targets.copy()
    by_kommune = "kommune" in indicators.columns
    for change in before.itertuples(index=False):
        same = indicators["id"] == change.indicator_id
        if by_kommune:
            same &= indicators["kommune"] == change.kommune
        old = np.nan if pd.isna(change.old_value) else float(change.old_value)
        if change.field in ("baseline", "baseline_year", "weight"):
            indicators[change.field] = indicators[change.field].astype(float)
            indicators.loc[same, change.field] = old
            continue
        hit = (targets["indicator_id"] == change.indicator_id) & (targets["year"] == change.year)
        if "kommune" in targets.columns:
            hit &= targets["kommune"] == change.kommune
        if np.isnan(old):
            targets = targets[~hit]
        elif hit.any():
            targets.loc[hit, "target"] = old
        else:
            row = {"indicator_id": change.indicator_id, "year": change.year, "target": old}
            if "kommune" in targets.columns:
                row["kommune"] = change.kommune
            targets = pd.concat([targets, pd.DataFrame([row])], ignore_index=True)
    return indicators, targets


def build_status(
    db: Database,
    *,
    kommune: str | None,
    as_of: dt.date | None = None,
    known_at: dt.datetime | dt.date | None = None,
) -> StatusReport:
    """Status of every indicator, Vorhaben, Aktionsfeld and the plan at `as_of` (default: the
    last complete month), counting reading versions recorded up to `known_at` (default: all).
    `kommune=None`: all Kommunen at once (every frame has a `kommune` column)."""
    month = _as_of(as_of)
    known = normalize_known_at(known_at)
    inputs = _inputs(db, kommune, month, known)
    ind = metrics.indicator_status(inputs["indicators"], inputs["targets"], inputs["readings"], as_of=month)
    ind = with_quelle(db, ind, known_at=known)  # where each indicator's values come from (kora.massnahmen)
    links = status_store.indicator_vorhaben_df(db, kommune)
    vorhaben = rollups.vorhaben_rollup(ind, links, status_store.vorhaben_df(db, kommune), inputs["indicators"])
    felder = rollups.aktionsfeld_rollup(
        vorhaben, status_store.aktionsfelder_df(db, kommune), ind_status=ind, indicator_vorhaben=links
    )
    milestones = status_store.milestones_df(db, kommune, known_at=known)
    report = StatusReport(
        kommune=kommune,
        as_of=month,
        known_at=known,
        indicators=ind,
        vorhaben=vorhaben,
        aktionsfelder=felder,
        plan=rollups.plan_rollup(felder, ind),
        milestones=milestone_summary(milestones, as_of=month),
        indicator_vorhaben=links,
        demo=bool(ind["demo"].any()) if len(ind) else False,
    )
    if kommune is None:
        report.kommunen = rollups.kommune_rollup(felder, ind)
    return report


def series(
    db: Database,
    indicator_id: str,
    *,
    kommune: str,
    as_of: dt.date | None = None,
    known_at: dt.datetime | dt.date | None = None,
) -> pd.DataFrame:
    """`metrics.indicator_series` for one indicator of one Kommune (chart data for the as-of year)."""
    month = _as_of(as_of)
    inputs = _inputs(db, kommune, month, normalize_known_at(known_at), indicator_id)
    if indicator_id not in set(inputs["indicators"]["id"]):
        raise NotFoundError(f"Den Indikator „{indicator_id}“ gibt es im Katalog von „{kommune}“ nicht.")
    return metrics.indicator_series(
        indicator_id, inputs["indicators"], inputs["targets"], inputs["readings"], as_of=month
    )


def all_series(
    db: Database,
    *,
    kommune: str,
    as_of: dt.date | None = None,
    known_at: dt.datetime | dt.date | None = None,
) -> dict[str, pd.DataFrame]:
    """`series` of every indicator of one Kommune, from one read of its inputs.

    Why: a dashboard page draws a chart per indicator; reading the inputs once for all of them
    replaces three queries per chart, and the indicators are evaluated together (the frames equal
    `series` one by one).
    """
    month = _as_of(as_of)
    inputs = _inputs(db, kommune, month, normalize_known_at(known_at))
    return metrics.every_indicator_series(inputs["indicators"], inputs["targets"], inputs["readings"], as_of=month)


__all__ = ["all_series", "build_status", "series"]
