"""kora.samples: the steps of the synthetic network and of loading Beispieldaten, as tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kora.db import Database, audit_store, readings_store
from kora.plan.model import Plan
from kora.samples.beispieldaten import has_demo, has_readings, milestone_batches, reading_batches
from kora.samples.demo import demo_milestone_events
from kora.samples.network import KINDS, _Calendar, _indicator, indicator_vorhaben, synthetic_plan
from tests.conftest import KOMMUNE, TODAY


@pytest.mark.parametrize(("i", "vorhaben"), [(1, (2,)), (4, (5,)), (0, (1, 2)), (5, (1, 6)), (10, (5, 6)), (7, (2,))])
def test_indicator_vorhaben(i: int, vorhaben: tuple[int, ...]) -> None:
    assert indicator_vorhaben(i) == vorhaben


@pytest.mark.parametrize(
    ("i", "direction", "unit", "maximum", "integer", "weight"),
    [
        (0, "up", "km", None, False, 2.0),
        (2, "up", "%", 100.0, False, 1.0),
        (6, "yesno", "ja/nein", 1.0, True, 1.0),
        (10, "down", "Stunden", None, False, 2.0),
    ],
)
def test_synthetic_indicator(
    i: int, direction: str, unit: str, maximum: float | None, integer: bool, weight: float
) -> None:
    ind = _indicator(i, years=[2025, 2026], rng=np.random.default_rng(1))
    assert (ind.direction, ind.unit, ind.maximum, ind.integer, ind.weight) == (
        direction,
        unit,
        maximum,
        integer,
        weight,
    )
    assert (ind.direction, ind.aggregation, ind.unit) == KINDS[i % len(KINDS)]
    assert sorted(ind.targets) == [2025, 2026] and ind.baseline_year == 2024


@pytest.mark.parametrize(
    ("last", "years", "first", "n"),
    [(dt.date(2026, 10, 1), 1, dt.date(2025, 11, 1), 12), (dt.date(2026, 10, 1), 2, dt.date(2024, 11, 1), 24)],
)
def test_calendar(last: dt.date, years: int, first: dt.date, n: int) -> None:
    calendar = _Calendar.ending(last, years=years)
    assert calendar.months[0].date() == first and calendar.months[-1].date() == last and len(calendar.months) == n
    assert calendar.years == list(range(first.year, last.year + 1))
    assert pd.Timestamp(calendar.report_day[0]) == pd.Timestamp(first) + pd.offsets.MonthBegin(1) + pd.Timedelta(
        days=4, hours=9
    )


@pytest.mark.parametrize("indicators", [1, 7, 12])
def test_synthetic_plan_is_deterministic_for_a_seed(indicators: int) -> None:
    a = synthetic_plan(3, indicators=indicators, years=[2025, 2026], rng=np.random.default_rng(5))
    b = synthetic_plan(3, indicators=indicators, years=[2025, 2026], rng=np.random.default_rng(5))
    assert a == b and a.kommune == "netz03" and len(a.indicators) == indicators and len(a.vorhaben) == 6


@pytest.mark.parametrize(
    ("stamps", "uploads"),
    [
        (["2025-02-05 09:00", "2025-02-05 09:00", "2025-03-05 09:00"], [2, 1]),
        (["2025-02-05 09:00"], [1]),
    ],
)
def test_reading_batches_one_upload_per_reporting_date(stamps: list[str], uploads: list[int]) -> None:
    frame = pd.DataFrame(
        {
            "indicator_id": ["km"] * len(stamps),
            "month": pd.to_datetime(["2025-01-01"] * len(stamps)),
            "value": [1.0] * len(stamps),
            "comment": [None, "Korrektur", None][: len(stamps)],
            "recorded_at": pd.to_datetime(stamps),
        }
    )
    batches = reading_batches(frame, kommune="aachen")
    assert [b.upload.n_new for b in batches] == uploads
    assert all(b.upload.kind == "demo" and b.upload.user == "Beispieldaten" for b in batches)
    rows = batches[0].readings(41) if batches[0].readings else None
    assert rows is not None and set(rows["upload_id"]) == {41} and rows["reason"].tolist() == rows["comment"].tolist()


@pytest.mark.parametrize("today", [dt.date(2025, 1, 15), TODAY])
def test_milestone_batches_match_the_demo_events(plan: Plan, today: dt.date) -> None:
    batches = milestone_batches(plan, kommune="aachen", today=today)
    events = demo_milestone_events(plan, today=today)
    assert [(b.milestones[0].milestone_id, b.upload.at) for b in batches] == [(e[0], e[3]) for e in events]


def test_demo_load_is_one_write_with_one_audit_row(demo_db: Database) -> None:
    assert has_demo(demo_db, kommune=KOMMUNE) and has_readings(demo_db, kommune=KOMMUNE)
    log = audit_store.audit_df(demo_db, action="beispieldaten_geladen")
    assert len(log) == 1
    uploads = readings_store.uploads_df(demo_db, kommune="aachen")
    assert set(uploads["kind"]) == {"demo"}
    assert int(demo_db.scalar("SELECT count(*) FROM milestone_events WHERE upload_id IS NOT NULL")) > 0
