"""Beispieldaten of the Maßnahmenliste: plausible projects consistent with the demo readings.

Built from the demo readings themselves, so switching `km_umgesetzt` or `projekte_umgesetzt`
to the list shows the same numbers: each month's finished km and number of projects become
Maßnahmen finished in that month (a month with km but no counted project still gets one).
Open projects get planned dates, some of which move later (delays for the page). The list is
"uploaded" once a month on the 5th of the following month with what was known then, so versions,
`known_at` and delays behave like a real history. Every title says „(Beispiel)“.
"""

from __future__ import annotations

import datetime as dt
import functools
import random

import pandas as pd

from kora import periods
from kora.db import Database, massnahmen_store
from kora.plan.model import Plan
from kora.readings.versions import Batch, UploadRow
from kora.samples.demo import demo_readings

STREETS = (
    "Jülicher Straße", "Eupener Straße", "Roermonder Straße", "Trierer Straße", "Krefelder Straße", "Adalbertsteinweg",
    "Vaalser Straße", "Lütticher Straße", "Monschauer Straße", "Heinrichsallee", "Wilhelmstraße", "Boxgraben",
    "Turmstraße", "Ludwigsallee", "Peterstraße", "Löhergraben", "Zollernstraße", "Viktoriaallee", "Kaiserplatz",
    "Hansemannplatz", "Ponttor", "Lousberg", "Burtscheider Markt", "Hauptbahnhof",
)  # fmt: skip
LEADS = ("A. Schmidt", "B. Meyer", "C. Yilmaz", "D. Wagner", "E. Hoffmann", None)
DEMO_USER = "Beispieldaten"
DEMO_FILE = "Beispieldaten (Maßnahmenliste)"
ARTEN = ("geschützter Radfahrstreifen", "Fahrradstraße", "Radweg", "Knotenpunkt", "sonstige")


def _iso(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _final_list(plan: Plan, today: dt.date, rng: random.Random) -> list[dict]:
    """Every Maßnahme with its final dates (month indices); `moved_at`/`first_plan` for delays."""
    readings = demo_readings(plan, today=today)
    last = readings.sort_values("recorded_at").groupby(["indicator_id", "month"]).tail(1)
    values = {(r.indicator_id, r.month): r.value for r in last.itertuples(index=False)}
    months = sorted({m for (i, m) in values if i == "km_umgesetzt"})
    out: list[dict] = []
    for month in months:
        km = float(values.get(("km_umgesetzt", month)) or 0.0)
        n = int(values.get(("projekte_umgesetzt", month)) or 0)
        n = max(n, 1 if km > 0 else 0)
        done = month.year * 12 + month.month - 1
        for k in range(n):
            decided = done - rng.randrange(4, 11)
            out.append({"done": done, "decided": decided, "start": decided - rng.randrange(18, 32),
                        "km": km if k == 0 else 0.0, "art": ARTEN[0] if k == 0 and km else ARTEN[3]})  # fmt: skip
    now = periods.last_complete_month(today)
    now_idx = now.year * 12 + now.month - 1
    for _ in range(16):  # open projects: planned in the future, some decided already
        start = now_idx - rng.randrange(2, 26)
        decided = start + rng.randrange(14, 30)
        out.append({"done": None, "decided": decided if decided <= now_idx else None, "start": start,
                    "plan_decided": decided if decided > now_idx else None,
                    "plan_done": max(decided, now_idx) + rng.randrange(4, 16),
                    "km": round(rng.uniform(0.3, 1.8), 2), "art": rng.choice(ARTEN[:3])})  # fmt: skip
    return out


def _record(i: int, m: dict, known: int, rng_seed: int) -> dict | None:
    """Maßnahme i as the list of month `known` showed it (None: not on the list yet)."""
    if m["start"] > known + 2:
        return None
    rng = random.Random(rng_seed * 1000 + i)
    plan_done = m.get("plan_done") or m["done"]
    plan_decided = m.get("plan_decided") or m["decided"]
    # delays: every 10th is moved 7 months ahead of the new date (known early), every 10th+5 late
    if plan_done is not None and ((i % 10 == 0 and known < plan_done - 8) or (i % 10 == 5 and known < plan_done - 4)):
        plan_done -= 3
    street = STREETS[i % len(STREETS)]
    return {
        "nr": f"B-{i + 1:03d}",
        "massnahme": f"{m['art'].split()[-1]} {street} (Beispiel)",
        "art": m["art"],
        "laenge_km": m["km"] or None,
        "prio_verwaltung": i + 1,
        "prio_politik": (i + 2 if i % 4 == 1 else i + 1) if i % 3 else None,
        "phase": None,
        "projektleitung": LEADS[rng.randrange(len(LEADS))] if m["start"] > 2024 * 12 + 8 or i % 2 else None,
        "steckbrief": bool(rng.random() < 0.7),
        "planungsbeginn": _iso(m["start"]) if m["start"] <= known else None,
        "beschluss_geplant": _iso(plan_decided) if plan_decided is not None else None,
        "beschluss": _iso(m["decided"]) if m["decided"] is not None and m["decided"] <= known else None,
        "fertigstellung_geplant": _iso(plan_done) if plan_done is not None else None,
        "fertigstellung": _iso(m["done"]) if m["done"] is not None and m["done"] <= known else None,
    }


def demo_list_versions(plan: Plan, *, today: dt.date) -> pd.DataFrame:
    """One row per changed Maßnahme per monthly demo upload (recorded_at: the 5th, 08:00 UTC)."""
    rng = random.Random(2613)
    final = _final_list(plan, today, rng)
    first = periods.month_start(min(today, dt.date(2025, 1, 1)))
    rows: list[dict] = []
    previous: dict[int, dict] = {}
    for month in periods.month_range(first, periods.last_complete_month(today)):
        known = month.year * 12 + month.month - 1
        stamp = dt.datetime.combine(periods.add_months(month, 1).replace(day=5), dt.time(8, 0))
        for i, m in enumerate(final):
            rec = _record(i, m, known, 7)
            if rec is not None and previous.get(i) != rec:
                rows.append({**rec, "recorded_at": stamp})
                previous[i] = rec
    return pd.DataFrame(rows)


def demo_events(versions: pd.DataFrame, plan: Plan, *, today: dt.date) -> pd.DataFrame:
    """Abstimmungsschleifen before each Beschluss, Richtungsänderungen as the demo readings count them."""
    rng = random.Random(77)
    final = versions.groupby("nr").tail(1)
    rows = []
    for r in final.itertuples(index=False):
        if isinstance(r.beschluss, str) and isinstance(r.planungsbeginn, str):
            for _ in range(rng.randrange(1, 4)):
                rows.append((r.nr, r.beschluss, "Abstimmungsschleife", "Abstimmung mit Fachbereichen (Beispiel)"))
    readings = demo_readings(plan, today=today)
    turns = (
        readings[readings["indicator_id"] == "adhoc_aenderungen"].sort_values("recorded_at").groupby("month").tail(1)
    )
    nrs = final["nr"].tolist()
    for r in turns.itertuples(index=False):
        for _ in range(int(r.value or 0)):
            rows.append((rng.choice(nrs), _iso(r.month.year * 12 + r.month.month - 1), "Richtungsänderung",
                         "politischer Antrag (Beispiel)"))  # fmt: skip
    return pd.DataFrame(rows, columns=["nr", "datum", "ereignis", "anlass"])


def batches(db: Database, plan: Plan, *, kommune: str, today: dt.date) -> list[Batch]:
    """The demo list as demo uploads, one per monthly reporting date, for
    kora.readings.versions.write_versions (Beispieldaten load them with the demo readings)."""
    versions = demo_list_versions(plan, today=today)
    events = demo_events(versions, plan, today=today)
    events["recorded_at"] = [
        dt.datetime.combine(periods.add_months(dt.date(int(d[:4]), int(d[5:7]), 1), 1).replace(day=5), dt.time(8, 0))
        for d in events["datum"]
    ]
    events["occurrence"] = events.groupby(["nr", "datum", "ereignis", "anlass"]).cumcount() + 1
    out = []
    for stamp in sorted(set(versions["recorded_at"]) | set(events["recorded_at"])):
        upload = UploadRow(kommune=kommune, kind="demo", user=DEMO_USER, at=stamp, filename=DEMO_FILE)
        part, ev = versions[versions["recorded_at"] == stamp], events[events["recorded_at"] == stamp]
        out.append(Batch(upload, before=functools.partial(_store, db, part=part, events=ev, kommune=kommune)))
    return out


def _store(db: Database, upload_id: int, *, part: pd.DataFrame, events: pd.DataFrame, kommune: str) -> None:
    """One demo upload's list versions and Ereignisse (called inside write_versions' transaction)."""
    if len(part):
        frame = part.assign(kommune=kommune, upload_id=upload_id, recorded_by=DEMO_USER, reason=None)
        frame["prio_verwaltung"] = frame["prio_verwaltung"].astype("Int32")
        frame["prio_politik"] = pd.array(frame["prio_politik"].tolist(), dtype="Int32")
        frame["laenge_km"] = pd.to_numeric(frame["laenge_km"], errors="coerce").astype("float64")
        frame["steckbrief"] = frame["steckbrief"].astype("boolean")
        massnahmen_store.insert_versions(db, frame)
    if len(events):
        massnahmen_store.insert_events(
            db, events.assign(kommune=kommune, present=True, upload_id=upload_id, recorded_by=DEMO_USER)
        )
