"""Beispieldaten: plausible, deterministic readings for the Aachen catalogue.

Defined once and shared by `python -m kora demo`, the start page's "Beispieldaten laden"
button, the tests and the benchmarks (datasette's habit: one fixture, many users). Each month's
readings are recorded on the 5th of the following month, one indicator gets a later correction,
so versions, `known_at` and "what changed since" have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import pandas as pd

from kora.milestones import milestone_summary
from kora.periods import last_complete_month, month_range
from kora.plan.model import Plan

DEMO_START = dt.date(2025, 1, 1)

# month index m counts from 0 = January 2025; each profile returns the value or None (not reported)
Profile = Callable[[int, random.Random], float | None]


def _round(x: float, digits: int = 1) -> float:
    return round(x, digits)


def _two_years(first: Profile, second: Profile) -> Profile:
    """2025 behaves like `first`, 2026 onwards like `second` (the plan took hold)."""
    return lambda m, r: first(m, r) if m < 12 else second(m, r)


# Chosen so that a Stand in 2026 shows every status: B behind (ad-hoc changes, milestones),
# km and Frühwarnungen at risk, most of D on track — a realistic mix to try the dashboards on.
PROFILES: dict[str, Profile] = {
    "km_umgesetzt": _two_years(
        lambda m, r: _round(max(0.0, 0.28 + r.uniform(-0.2, 0.25)), 2) if r.random() > 0.15 else 0.0,
        lambda m, r: _round(max(0.0, 0.41 + r.uniform(-0.12, 0.12)), 2),
    ),
    "kritik_extern": _two_years(
        lambda m, r: float(max(0, round(4.6 + r.uniform(-1.5, 1.5)))),
        lambda m, r: float(max(0, round(3.0 + r.uniform(-1.0, 1.0)))),
    ),
    "differenzen_oeffentlich": lambda m, r: float(1 if r.random() < (0.45 if m < 12 else 0.1) else 0),
    "zuarbeit_stunden": _two_years(
        lambda m, r: _round(15.5 - 0.25 * m + r.uniform(-0.8, 0.8)),
        lambda m, r: _round(9.6 + r.uniform(-0.5, 0.5)),
    ),
    # "meilensteine_erreicht" is computed from the demo milestones (see _milestone_share)
    "adhoc_aenderungen": _two_years(
        lambda m, r: float(round(0.85 + r.uniform(-0.6, 0.8))),
        lambda m, r: float(1 if r.random() < 0.55 else 0),
    ),
    "abstimmungsschleifen": _two_years(
        lambda m, r: _round(3.7 - 0.12 * m + r.uniform(-0.3, 0.3)),
        lambda m, r: _round(1.9 + r.uniform(-0.2, 0.2)),
    ),
    # quarterly survey: only March, June, September, December
    "ansprechpartner_bekannt": lambda m, r: _round(45 + 1.6 * m + r.uniform(-2, 2), 0) if m % 3 == 2 else None,
    "koordination_besetzt": lambda m, r: 1.0 if m >= 15 else 0.0,
    "fruehwarnungen": _two_years(
        lambda m, r: _round(28 + 2.5 * m + r.uniform(-6, 6), 0),
        lambda m, r: _round(64 + r.uniform(-4, 4), 0),
    ),
    "projekte_umgesetzt": _two_years(
        lambda m, r: float(max(0, round(0.75 + r.uniform(-0.8, 1.0)))),
        lambda m, r: float(1 if r.random() < 0.8 else 2),
    ),
    "planungsdauer_monate": lambda m, r: _round(29.0 - 0.12 * m + r.uniform(-1.5, 1.5)),
    "formate_aktiv": lambda m, r: float(min(5, 1 + m // 5)),
    "steckbriefe_anteil": _two_years(
        lambda m, r: _round(min(100.0, 22 + 4.0 * m + r.uniform(-5, 5)), 0),
        lambda m, r: _round(68 + r.uniform(-4, 4), 0),
    ),
    "erwartungen_dokumentiert": lambda m, r: _round(min(100.0, 4 + 3.2 * m + r.uniform(-1, 1)), 0),
}

# (milestone id, status, reached on) — a plausible state of the plan
DEMO_MILESTONES: tuple[tuple[str, str, dt.date | None], ...] = (
    ("M1.1", "erreicht", dt.date(2025, 3, 20)),
    ("M2.1", "erreicht", dt.date(2025, 8, 14)),
    ("M3.1", "verschoben", None),
    ("M4.2", "erreicht", dt.date(2025, 4, 10)),
    ("M4.3", "erreicht", dt.date(2025, 7, 2)),
    ("M4.4", "erreicht", dt.date(2025, 11, 28)),
    ("M5.1", "erreicht", dt.date(2025, 6, 25)),
    ("M6.3", "erreicht", dt.date(2025, 9, 15)),
    ("M7.4", "erreicht", dt.date(2025, 5, 12)),
    ("M7.5", "erreicht", dt.date(2025, 4, 29)),
    ("M7.1", "erreicht", dt.date(2026, 2, 3)),
    ("M1.2", "erreicht", dt.date(2025, 12, 15)),
    ("M5.2", "erreicht", dt.date(2025, 12, 10)),
    ("M6.1", "erreicht", dt.date(2026, 1, 20)),
    ("M7.3", "erreicht", dt.date(2026, 3, 25)),
    ("M2.2", "erreicht", dt.date(2026, 5, 12)),
    ("M7.2", "erreicht", dt.date(2026, 6, 22)),
    ("M5.3", "erreicht", dt.date(2026, 7, 20)),
)


def recorded_at_for(month: dt.date, now: dt.datetime) -> dt.datetime:
    """Readings of a month are reported on the 5th of the following month (never in the future)."""
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=5)
    stamp = dt.datetime.combine(nxt, dt.time(9, 0))
    return min(stamp, now)


def demo_readings(plan: Plan, *, today: dt.date, seed: int = 2025) -> pd.DataFrame:
    """Versions to load as Beispieldaten: columns indicator_id, month, value, comment, recorded_at.

    Covers January 2025 up to the last complete month before `today`. Includes one correction
    (a second, later version) so the history has something to show.
    """
    now = dt.datetime.combine(today, dt.time(0, 0))
    months = month_range(DEMO_START, last_complete_month(today))
    rows: list[dict[str, object]] = []
    for ind in plan.indicators:
        profile = PROFILES.get(ind.id)
        rng = random.Random(f"{seed}-{ind.id}")
        for m, month in enumerate(months):
            value: float | None
            if ind.id == "meilensteine_erreicht":
                value = _milestone_share(plan, month)
            elif profile is None:
                value = _generic(ind.direction, ind.baseline, m, rng)
            else:
                value = profile(m, rng)
            if value is None:
                continue
            rows.append(
                {
                    "indicator_id": ind.id,
                    "month": month,
                    "value": float(value),
                    "comment": None,
                    "recorded_at": recorded_at_for(month, now),
                }
            )
    frame = pd.DataFrame(rows, columns=["indicator_id", "month", "value", "comment", "recorded_at"])
    # one correction: February 2025 km were first reported too high, corrected a month later
    mask = (frame["indicator_id"] == "km_umgesetzt") & (frame["month"] == dt.date(2025, 2, 1))
    if mask.any():
        first = frame[mask].iloc[0]
        wrong = first.copy()
        wrong["value"] = round(float(first["value"]) + 1.0, 2)
        corrected = first.copy()
        corrected["recorded_at"] = first["recorded_at"] + dt.timedelta(days=30)
        corrected["comment"] = "Korrektur: Abschnitt doppelt gezählt"
        frame = pd.concat([frame[~mask], pd.DataFrame([wrong, corrected])], ignore_index=True)
    return frame.sort_values(["recorded_at", "indicator_id", "month"], ignore_index=True)


def _milestone_share(plan: Plan, month: dt.date) -> float | None:
    """The share of milestones due by `month` that were reached on time, in % — the same rule
    as the dashboards' milestone summary, so the reported indicator agrees with it."""
    reached = {mid: (status, day) for mid, status, day in DEMO_MILESTONES}
    frame = pd.DataFrame(
        [
            {
                "id": m.id,
                "due": m.due,
                "status": reached.get(m.id, ("offen", None))[0],
                "reached_on": reached.get(m.id, ("offen", None))[1],
            }
            for v in plan.vorhaben
            for m in v.meilensteine
        ]
    )
    share = milestone_summary(frame, as_of=month)["share_on_time"]
    return None if share is None else round(share * 100, 0)


def _generic(direction: str, baseline: float | None, m: int, rng: random.Random) -> float:
    """Fallback for catalogue entries the city adds later: gentle improvement from baseline."""
    base = baseline if baseline is not None else 10.0
    if direction == "yesno":
        return 1.0 if m > 12 else 0.0
    step = -0.01 if direction == "down" else 0.01
    return _round(max(0.0, base * (1 + step * m) * (1 + rng.uniform(-0.05, 0.05))))


def demo_milestone_events(plan: Plan, *, today: dt.date) -> list[tuple[str, str, dt.date | None, dt.datetime]]:
    """(milestone id, status, reached_on, recorded_at) for milestones whose event lies before today."""
    known = {m.id for v in plan.vorhaben for m in v.meilensteine}
    out = []
    for mid, status, reached in DEMO_MILESTONES:
        if mid not in known:
            continue
        stamp_day = reached or dt.date(2025, 9, 1)
        if stamp_day >= today:
            continue
        out.append((mid, status, reached, dt.datetime.combine(stamp_day, dt.time(16, 0))))
    return out


__all__ = ["demo_milestone_events", "demo_readings"]
