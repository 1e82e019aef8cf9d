"""The plan's SQL in steps: rows built without a database, one milestone-state query for all callers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kora.db import Database, plan_store, status_store
from kora.plan.model import Plan

LOADED = dt.datetime(2026, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("table", "count_of"),
    [
        ("kommunen", lambda p: 1),
        ("aktionsfelder", lambda p: len(p.aktionsfelder)),
        ("vorhaben", lambda p: len(p.vorhaben)),
        ("vorhaben_partner", lambda p: sum(len(v.partner_cities) for v in p.vorhaben)),
        ("indicators", lambda p: len(p.indicators)),
        ("indicator_targets", lambda p: sum(len(i.targets) for i in p.indicators)),
        ("indicator_vorhaben", lambda p: sum(len(i.vorhaben) for i in p.indicators)),
        ("milestones", lambda p: sum(len(v.meilensteine) for v in p.vorhaben)),
    ],
)
def test_plan_rows_has_one_row_per_item(plan: Plan, table: str, count_of: object) -> None:
    rows = plan_store.plan_rows(plan, loaded_at=LOADED)
    assert list(rows) == [t for t in plan_store.INSERT_SQL]
    assert len(rows[table]) == count_of(plan)  # type: ignore[operator]
    placeholders = plan_store.INSERT_SQL[table].count("?")
    assert all(len(r) == placeholders and r[0] == plan.kommune for r in rows[table])


@pytest.mark.parametrize(
    ("kommune", "known_at", "params"),
    [
        ("aachen", None, {"k": "aachen", "known_at": None}),
        (None, dt.datetime(2026, 3, 1), {"k": None, "known_at": dt.datetime(2026, 3, 1)}),
    ],
)
def test_milestone_state_query_keeps_values_out_of_the_sql(
    kommune: str | None, known_at: dt.datetime | None, params: dict[str, object]
) -> None:
    sql, bound = plan_store.milestone_state_query(kommune=kommune, known_at=known_at)
    assert bound == params
    assert "aachen" not in sql and "$k" in sql and "$known_at" in sql


def _event(db: Database, status: str, at: dt.datetime, due: dt.date | None = None) -> None:
    plan_store.add_milestone_event(
        db, kommune="aachen", milestone_id="M1.1", status=status, reached_on=None, due=due, actor="t", reason="x",
        at=at,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("known_at", "status", "due"),
    [
        (None, "verschoben", dt.date(2027, 6, 30)),
        (dt.datetime(2026, 2, 15), "verschoben", dt.date(2026, 12, 31)),
        (dt.datetime(2026, 1, 15), "offen", None),
    ],
)
def test_both_stores_see_the_same_latest_event(
    db: Database, known_at: dt.datetime | None, status: str, due: dt.date | None
) -> None:
    _event(db, "verschoben", dt.datetime(2026, 2, 1), dt.date(2026, 12, 31))
    _event(db, "verschoben", dt.datetime(2026, 3, 1), dt.date(2027, 6, 30))
    plan_view = plan_store.milestones_df(db, "aachen", known_at=known_at).set_index("id").loc["M1.1"]
    status_view = status_store.milestones_df(db, "aachen", known_at=known_at).set_index("id").loc["M1.1"]
    assert plan_view["status"] == status_view["status"] == status
    expected_due = due or plan_view["due_planned"]
    assert pd.Timestamp(plan_view["due"]) == pd.Timestamp(status_view["due"]) == pd.Timestamp(expected_due)
    assert "kommune" not in plan_store.milestones_df(db, "aachen").columns
    assert "status_since" not in status_store.milestones_df(db, None).columns
