"""A synthetic network-scale database: many Kommunen, years of monthly readings, several versions.

KoRa is meant to grow into a Städtenetzwerk; the benchmark (bench/bench_status.py) and page
tests need a DB of that size without anyone's real data. Everything here is clearly marked
synthetic (Kommune ids `netzNN`, names "… (synthetisch)", upload user "Synthetisch") and is
deterministic for a given seed. The real Aachen plan, if loaded, is not touched.

Default: 20 Kommunen × 30 indicators × 120 months × 3 versions = 216 000 reading rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kora.db import Database, plan_store, readings_store
from kora.periods import add_months
from kora.plan.model import Aktionsfeld, Idea, Indicator, Milestone, Plan, Vorhaben

SYNTH_USER = "Synthetisch"
DEFAULT_LAST_MONTH = dt.date(2026, 10, 1)
# (direction, aggregation, unit) cycled over the indicators: every kind the catalogue knows
KINDS = (
    ("up", "sum", "km"),
    ("down", "sum", "Anzahl"),
    ("up", "mean", "%"),
    ("down", "mean", "Stunden"),
    ("up", "last", "%"),
    ("down", "last", "Monate"),
    ("yesno", "last", "ja/nein"),
)
N_VORHABEN = 6
FELDER = ("A", "B", "C")


@dataclass(frozen=True)
class NetworkInfo:
    kommunen: tuple[str, ...]
    indicators_per_kommune: int
    months: tuple[dt.date, dt.date]
    readings: int  # reading versions written


def kommune_id(i: int) -> str:
    return f"netz{i:02d}"


def _targets(kind: tuple[str, str, str], baseline: float, years: list[int]) -> dict[int, float]:
    direction, aggregation, _ = kind
    out: dict[int, float] = {}
    for j, year in enumerate(years, start=1):
        if direction == "yesno":
            out[year] = 0.0 if j == 1 else 1.0
        elif direction == "up" and aggregation == "sum":
            out[year] = round(baseline * (1 + 0.08 * j), 1)
        elif direction == "up":
            out[year] = round(min(100.0, baseline + 4.0 * j), 1)
        else:
            out[year] = round(max(baseline * 0.3, baseline * (1 - 0.04 * j)), 1)
    return out


def synthetic_plan(index: int, *, indicators: int, years: list[int], rng: np.random.Generator) -> Plan:
    """A plan with 3 Aktionsfelder, 6 Vorhaben and `indicators` indicators of every kind."""
    return Plan(
        kommune=kommune_id(index),
        kommune_name=f"Netzkommune {index:02d} (synthetisch)",
        title="Synthetischer Aktionsplan (Netzwerk-Test)",
        intro="Synthetische Daten, erzeugt von kora.samples.network.",
        credit="",
        start_month=dt.date(years[0], 1, 1),
        aktionsfelder=tuple(Aktionsfeld(code=c, title=f"Synthetisches Aktionsfeld {c}") for c in FELDER),
        vorhaben=tuple(_vorhaben(nr, last_year=years[-1]) for nr in range(1, N_VORHABEN + 1)),
        indicators=tuple(_indicator(i, years=years, rng=rng) for i in range(indicators)),
    )


def _vorhaben(nr: int, *, last_year: int) -> Vorhaben:
    """Vorhaben `nr` (two per Aktionsfeld) with two milestones due in March and September of the last year."""
    return Vorhaben(
        nr=nr,
        aktionsfeld=FELDER[(nr - 1) // 2 % len(FELDER)],
        title=f"Synthetisches Vorhaben {nr}",
        zielsetzung="Synthetische Daten für Last- und Seitentests.",
        umsetzungsideen=(Idea(text="Synthetische Umsetzungsidee"),),
        meilensteine=(
            Milestone(id=f"S{nr}.1", vorhaben=nr, text="Synthetischer Meilenstein 1", due=dt.date(last_year, 3, 31)),
            Milestone(id=f"S{nr}.2", vorhaben=nr, text="Synthetischer Meilenstein 2", due=dt.date(last_year, 9, 30)),
        ),
        indikatoren_text=("synthetisch",),
        partner_cities=(),
        vorsaetze=(),
    )


def indicator_vorhaben(i: int) -> tuple[int, ...]:
    """The Vorhaben of indicator i: one, cycling; every fifth indicator (i % 5 == 0) counts for two."""
    if i % 5:
        return (i % N_VORHABEN + 1,)
    return tuple(sorted({i % N_VORHABEN + 1, (i + 1) % N_VORHABEN + 1}))


def _indicator(i: int, *, years: list[int], rng: np.random.Generator) -> Indicator:
    """Indicator i of the kind KINDS[i % 7], with a random baseline and targets rising from it."""
    kind = KINDS[i % len(KINDS)]
    direction, aggregation, unit = kind
    if direction == "yesno":
        baseline = 0.0
    elif aggregation == "sum":
        baseline = round(float(rng.uniform(5, 60)), 1)
    else:
        baseline = round(float(rng.uniform(10, 40)), 1)
    return Indicator(
        id=f"ind{i + 1:02d}",
        name=f"Synthetischer Indikator {i + 1:02d}",
        messung="synthetisch",
        erhoben_von=SYNTH_USER,
        unit=unit,
        direction=direction,
        aggregation=aggregation,
        baseline=baseline,
        baseline_year=years[0] - 1,
        targets=_targets(kind, baseline, years),
        vorhaben=indicator_vorhaben(i),
        minimum=0.0,
        maximum=1.0 if direction == "yesno" else (100.0 if unit == "%" else None),
        integer=direction == "yesno",
        weight=2.0 if i % 10 == 0 else 1.0,
    )


def _monthly_values(ind: Indicator, months: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Plausible monthly readings: each year a random 'performance' against that year's target."""
    years = months.year.to_numpy()
    month_no = months.month.to_numpy()
    out = np.empty(len(months))
    prev_target = ind.baseline or 0.0
    for year in np.unique(years):
        sel = years == year
        target = ind.targets.get(int(year), prev_target)
        perf = rng.uniform(0.6, 1.3)
        noise = rng.normal(0.0, 1.0, sel.sum())
        if ind.direction == "yesno":
            switch = rng.integers(1, 13)
            out[sel] = np.where((target >= 1) & (month_no[sel] >= switch), 1.0, 0.0) if perf > 0.8 else 0.0
        elif ind.aggregation == "sum":
            factor = perf if ind.direction == "up" else 2.0 - perf
            out[sel] = np.maximum(0.0, target / 12 * factor * (1 + 0.3 * noise))
        else:
            path = prev_target + (target - prev_target) * perf * month_no[sel] / 12
            out[sel] = path + 0.03 * abs(target - prev_target + 1) * noise
        prev_target = target
    lo = ind.minimum if ind.minimum is not None else -np.inf
    hi = ind.maximum if ind.maximum is not None else np.inf
    return np.round(np.clip(out, lo, hi), 2)


@dataclass(frozen=True)
class _Calendar:
    """The months of the synthetic series and when each version of a month is recorded."""

    months: pd.DatetimeIndex
    years: list[int]
    last_month: dt.date
    report_day: np.ndarray  # the 5th of the following month, 9:00; version v is 12·v days later

    @classmethod
    def ending(cls, last_month: dt.date, *, years: int) -> _Calendar:
        first = add_months(last_month, -(years * 12 - 1))
        months = pd.date_range(pd.Timestamp(first), periods=years * 12, freq="MS")
        report_day = (months + pd.offsets.MonthBegin(1) + pd.Timedelta(days=4, hours=9)).to_numpy()
        return cls(months, list(range(first.year, last_month.year + 1)), last_month, report_day)


def build_network_db(
    db: Database,
    *,
    kommunen: int = 20,
    indicators: int = 30,
    years: int = 10,
    versions: int = 3,
    seed: int = 20251,
    last_month: dt.date = DEFAULT_LAST_MONTH,
) -> NetworkInfo:
    """Write `kommunen` synthetic plans and years × 12 months of readings in `versions` versions each.

    Version v of a month is recorded on the 5th of the following month plus 12·v days; the
    last version is the final value, earlier ones differ by a few percent (corrections), so
    `known_at` has something to show. Bulk-inserted; deterministic for a given seed.
    """
    rng = np.random.default_rng(seed)
    calendar = _Calendar.ending(last_month, years=years)
    ids: list[str] = []
    frames: list[pd.DataFrame] = []
    with db.write_lock, db.transaction():
        for k in range(1, kommunen + 1):
            plan = synthetic_plan(k, indicators=indicators, years=calendar.years, rng=rng)
            plan_store.write_plan(db, plan, actor=SYNTH_USER)
            ids.append(plan.kommune)
            uploads = _uploads(db, plan.kommune, calendar=calendar, indicators=indicators, versions=versions)
            frames += [
                frame for ind in plan.indicators for frame in _versions(ind, plan.kommune, uploads, calendar, rng)
            ]
            _milestone_events(db, plan.kommune, calendar=calendar, rng=rng)
        rows = pd.concat(frames, ignore_index=True)
        rows = rows.assign(comment=None, source="synthetisch", recorded_by=SYNTH_USER)
        readings_store.insert_readings(db, rows)
    first = calendar.months[0].date()
    return NetworkInfo(
        kommunen=tuple(ids), indicators_per_kommune=indicators, months=(first, last_month), readings=len(rows)
    )


def _uploads(db: Database, kommune: str, *, calendar: _Calendar, indicators: int, versions: int) -> list[int]:
    """One upload per version (the first reports everything new, later ones change everything)."""
    n_cells = indicators * len(calendar.months)
    return [
        readings_store.new_upload(
            db,
            kommune=kommune,
            kind="upload",
            user=SYNTH_USER,
            at=dt.datetime.combine(calendar.last_month, dt.time(9)) + dt.timedelta(days=35 + 12 * v),
            filename=f"synthetisch-v{v + 1}.csv",
            reason="synthetische Daten",
            n_new=n_cells if v == 0 else 0,
            n_changed=0 if v == 0 else n_cells,
        )
        for v in range(versions)
    ]


def _versions(
    ind: Indicator, kommune: str, uploads: list[int], calendar: _Calendar, rng: np.random.Generator
) -> list[pd.DataFrame]:
    """The versions of one indicator's series: the last is final, earlier ones a few percent off (not ja/nein)."""
    final = _monthly_values(ind, calendar.months, rng)
    out = []
    for v, upload_id in enumerate(uploads):
        if v == len(uploads) - 1 or ind.direction == "yesno":
            vals = final
        else:
            vals = np.round(final * (1 + rng.normal(0, 0.05, len(final))), 2)
        out.append(
            pd.DataFrame(
                {
                    "kommune": kommune,
                    "indicator_id": ind.id,
                    "month": calendar.months,
                    "value": vals,
                    "upload_id": upload_id,
                    "recorded_at": calendar.report_day + np.timedelta64(12 * v, "D"),
                    "reason": None if v == 0 else "Korrektur (synthetisch)",
                }
            )
        )
    return out


def _milestone_events(db: Database, kommune: str, *, calendar: _Calendar, rng: np.random.Generator) -> None:
    """The first milestone of each Vorhaben is reached around its due date, if that lies before the last month."""
    for nr in range(1, N_VORHABEN + 1):
        due = dt.date(calendar.years[-1], 3, 31)
        reached = due + dt.timedelta(days=int(rng.integers(-20, 40)))
        if reached <= calendar.last_month:
            plan_store.add_milestone_event(
                db,
                kommune=kommune,
                milestone_id=f"S{nr}.1",
                status="erreicht",
                reached_on=reached,
                due=None,
                actor=SYNTH_USER,
                reason="synthetisch",
                at=dt.datetime.combine(reached, dt.time(16)),
            )


__all__ = ["NetworkInfo", "build_network_db", "kommune_id", "synthetic_plan"]
