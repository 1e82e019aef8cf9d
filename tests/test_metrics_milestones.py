"""Milestone flags at a Stand: what pages, exports and the summary count must agree."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kora import milestones
from kora.report import tables as views

MS = pd.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e"],
        "nr": [1, 1, 2, 2, 3],
        "aktionsfeld": ["A", "A", "A", "A", "B"],
        "text": ["x"] * 5,
        "due": [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 6, 30), dt.date(2026, 1, 31), None],
        "status": ["erreicht", "erreicht", "offen", "verschoben", "offen"],
        "reached_on": [dt.date(2025, 3, 20), dt.date(2025, 8, 1), None, None, None],
    }
)


@pytest.mark.parametrize(
    ("as_of", "reached", "overdue", "on_time"),
    [
        # June 2025: b is reached only in August, so it is overdue at this Stand
        (dt.date(2025, 6, 1), ["a"], ["b", "c"], ["a"]),
        (dt.date(2025, 8, 1), ["a", "b"], ["c"], ["a"]),
        (dt.date(2026, 2, 1), ["a", "b"], ["c", "d"], ["a"]),
    ],
)
def test_flags_depend_on_the_stand(as_of: dt.date, reached: list[str], overdue: list[str], on_time: list[str]) -> None:
    flags = milestones.milestone_flags(MS, as_of=as_of)
    assert list(flags.loc[flags["reached"], "id"]) == reached
    assert list(flags.loc[flags["overdue"], "id"]) == overdue
    assert list(flags.loc[flags["on_time"], "id"]) == on_time
    summary = milestones.milestone_summary(MS, as_of=as_of)
    assert summary["overdue"] == len(overdue) == views.milestone_counts(views.milestone_frame(MS, as_of))["overdue"]
    assert summary["reached"] == len(reached)


def test_table_never_shows_a_later_success_at_an_earlier_stand() -> None:
    table = views.milestone_table(views.milestone_frame(MS, dt.date(2025, 6, 1)))
    row = table.set_index("ID").loc["b"]
    assert row["Status"] == "⛔ überfällig"
    assert row["Erreicht am"] == "–"
