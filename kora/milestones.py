"""Milestones as of a Stand: which were due, reached, reached on time, overdue.

Pure (pandas in, pandas/dicts out) like `kora.metrics`: the dashboards, the Brownbag deck and
the demo data generator count milestones the same way, and a past Stand never shows a
milestone as reached that was reached later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kora.periods import month_start


def _milestone_ids(frame: pd.DataFrame) -> list[str]:
    """Milestone ids; prefixed 'kommune:' when several Kommunen are summarised together."""
    ids = frame["id"].astype(str)
    if "kommune" in frame.columns and frame["kommune"].nunique() > 1:
        ids = frame["kommune"].astype(str) + ":" + ids
    return ids.tolist()


def milestone_flags(milestones: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """The milestones with the flags the summary counts, as of the end of the as-of month.

    reached: status erreicht and reached_on ≤ month end (or no date); due: planned due date
    (``due_planned`` if present, else ``due``) on or before the month's end; on_time: due,
    reached, and reached on or before the planned date — a postponement does not make a
    milestone "on time"; overdue: the current due date has passed by the month's end and the
    milestone was not reached by then. Pages and exports show these flags, so a past Stand
    never shows a milestone as reached that was reached later.
    """
    end = pd.Timestamp(month_start(as_of)) + pd.offsets.MonthEnd(0)
    out = milestones.copy()
    due_now = pd.to_datetime(out["due"])
    planned = pd.to_datetime(out["due_planned"]) if "due_planned" in out else due_now
    planned = planned.fillna(due_now)
    reached_on = pd.to_datetime(out["reached_on"])
    out["reached"] = (out["status"] == "erreicht") & (reached_on.isna() | (reached_on <= end))
    out["due_by_stand"] = planned.notna() & (planned <= end)
    out["on_time"] = out["due_by_stand"] & out["reached"] & reached_on.notna() & (reached_on <= planned)
    out["overdue"] = due_now.notna() & (due_now <= end) & ~out["reached"]
    return out


def milestone_summary(milestones: pd.DataFrame, *, as_of: dt.date) -> dict[str, Any]:
    """Counts over `milestone_flags`: due, reached, reached on time, share on time, overdue.

    share_on_time = reached_on_time / due (None when nothing is due). A reached milestone
    without a date counts as reached, not on time.
    """
    if milestones.empty:
        return {
            "due": 0, "reached": 0, "reached_on_time": 0, "share_on_time": None, "overdue": 0,
            "overdue_ids": [], "total": 0,
        }  # fmt: skip
    flags = milestone_flags(milestones, as_of=as_of)
    n_due = int(flags["due_by_stand"].sum())
    return {
        "due": n_due,
        "reached": int(flags["reached"].sum()),
        "reached_on_time": int(flags["on_time"].sum()),
        "share_on_time": (float(flags["on_time"].sum()) / n_due) if n_due else None,
        "overdue": int(flags["overdue"].sum()),
        "overdue_ids": _milestone_ids(flags.loc[flags["overdue"]]),
        "total": len(flags),
    }


__all__ = ["milestone_flags", "milestone_summary"]
