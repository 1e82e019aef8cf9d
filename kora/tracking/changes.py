"""What changed since the last Brownbag: new readings, corrections, status changes, milestones.

Readings and milestone events are append-only, so "since the last Termin" is exact: the data
*as known at the end of that day* against the data as known now (or at the export's
`known_at`). Comparing statuses compares what the audience saw then with what they see now:
the Stand then is the last complete month before the Termin (never later than the Stand now),
the data then is what had been recorded by the end of that day.

The comparisons are pure functions in `kora.tracking.compare`; `build_changes` only fetches
their inputs and packs a `kora.tracking.results.Changes`.
"""

from __future__ import annotations

import datetime as dt

from kora import fmt, periods
from kora.db import Database, changes_store, plan_store
from kora.errors import KoraError
from kora.periods import normalize_known_at
from kora.tracking.compare import (
    classify_readings,
    compare_indicators,
    compare_milestones,
    compare_rollup,
    previous_as_of,
)
from kora.tracking.results import Changes, StatusReport
from kora.tracking.status import build_status


def _to_day(since: dt.date | dt.datetime) -> dt.date:
    return since.date() if isinstance(since, dt.datetime) else since


def build_changes(
    db: Database,
    *,
    kommune: str,
    as_of: dt.date,
    since: dt.date | dt.datetime,
    known_at: dt.datetime | dt.date | None = None,
    report: StatusReport | None = None,
) -> Changes:
    """Changes between the end of the day `since` and `known_at` (default: now), Stand `as_of`.

    `report` (build_status for the same as_of/known_at) may be passed to avoid computing it twice.
    """
    as_of = periods.month_start(as_of)
    since_at = normalize_known_at(since)
    assert since_at is not None
    until = normalize_known_at(known_at)
    if until is not None and since_at >= until:
        assert known_at is not None  # until is known_at, normalised
        raise KoraError(
            f"Der letzte Termin ({fmt.date(_to_day(since))}) muss vor dem Datenstand "
            f"({fmt.date(_to_day(known_at))}) liegen."
        )
    prev_month = previous_as_of(_to_day(since), as_of)
    now = report or build_status(db, kommune=kommune, as_of=as_of, known_at=until)
    then = build_status(db, kommune=kommune, as_of=prev_month, known_at=since_at)
    comparable = prev_month.year == as_of.year
    touched = changes_store.touched_cells_df(db, kommune=kommune, after=since_at, until=until, last_month=as_of)
    new, corrections = classify_readings(touched, now.indicators)
    ms_then = plan_store.milestones_df(db, kommune, known_at=since_at)
    ms_now = plan_store.milestones_df(db, kommune, known_at=until)
    return Changes(
        kommune=kommune,
        since=_to_day(since),
        since_at=since_at,
        until=until,
        as_of=as_of,
        previous_as_of=prev_month,
        new_readings=new,
        corrections=corrections,
        indicators=compare_indicators(then.indicators, now.indicators, comparable=comparable),
        aktionsfelder=compare_rollup(then.aktionsfelder, now.aktionsfelder, "code", comparable=comparable),
        milestones=compare_milestones(ms_then, ms_now),
        milestone_state=ms_now,
        plan_before=then.plan,
        plan_after=now.plan,
        comparable=comparable,
    )
