"""What changed since the last Brownbag, as pure comparisons of two Stände.

Readings and milestone events are append-only, so "since the last Termin" is exact: the data
as known at the end of that day against the data as known now. These functions compare the
frames (tested with hand-made frames); `kora.tracking.changes.build_changes` fetches them.
No database here: `kora.report` uses these functions and types directly.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from kora import periods
from kora.fmt import is_missing, shown_attainment
from kora.rollups import STATUS_SCORES

DEFAULT_GAP = dt.timedelta(days=28)  # Brownbags are roughly monthly
IMPROVED_MIN = 0.005  # half a percentage point: less is rounding noise on a slide


def default_since(today: dt.date | None = None) -> dt.date:
    """Date of the last Termin when nobody says otherwise: four weeks ago."""
    return (today or periods.today_local()) - DEFAULT_GAP


def previous_as_of(since: dt.date, as_of: dt.date) -> dt.date:
    """The Stand shown at the last Termin: the last complete month then, at most today's Stand."""
    return min(periods.last_complete_month(since), periods.month_start(as_of))


def _same(a: Any, b: Any) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def _fraction(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def text_or_none(value: Any) -> str | None:
    """A comment or name as text; missing (None, NaN, NA) stays None."""
    return None if is_missing(value) else str(value)


def local_time(stamp: Any) -> dt.datetime | None:
    """Naive UTC (as stored) → naive local wall time (kora.periods.to_local)."""
    return periods.to_local(stamp)


# --- readings ---------------------------------------------------------------------------------

NEW_COLUMNS = [
    "indicator_id", "name", "unit", "direction", "month", "value", "comment",
    "recorded_at", "recorded_by", "is_demo",
]  # fmt: skip
CORRECTION_COLUMNS = [
    "indicator_id", "name", "unit", "direction", "month", "value_before", "value_after", "comment_before",
    "comment", "recorded_at", "recorded_by", "reason", "withdrawn", "value_changed", "n_versions", "is_demo",
]  # fmt: skip


def _meta(indicators: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("id", "name", "unit", "direction") if c in indicators.columns]
    return indicators[cols].drop_duplicates("id").rename(columns={"id": "indicator_id"})


def classify_readings(touched: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split touched cells (changes_store.touched_cells_df) into (new readings, corrections).

    New: the cell had no value before (never reported, or withdrawn) and has one now.
    Correction: the cell had a value and now has another value, none (withdrawn) or the same
    value with a different comment. A cell reported and withdrawn within the window, or
    re-sent unchanged, is no change for the audience and is left out.
    """
    if touched.empty:
        return pd.DataFrame(columns=NEW_COLUMNS), pd.DataFrame(columns=CORRECTION_COLUMNS)
    t = touched.merge(_meta(indicators), on="indicator_id", how="left")
    t["name"] = t["name"].where(t["name"].notna(), t["indicator_id"])
    for col, default in (("unit", ""), ("direction", "up")):
        t[col] = t[col].where(t[col].notna(), default)
    before = t["value_before"].map(lambda v: not is_missing(v)) & t["had_before"].astype(bool)
    after = t["value_after"].map(lambda v: not is_missing(v))
    new = t[~before & after].rename(columns={"value_after": "value", "comment_after": "comment"})
    cand = t[before].copy()
    cand["withdrawn"] = ~after[before]
    cand["value_changed"] = [not _same(a, b) for a, b in zip(cand["value_before"], cand["value_after"], strict=True)]
    comment_changed = [
        text_or_none(a) != text_or_none(b) for a, b in zip(cand["comment_before"], cand["comment_after"], strict=True)
    ]
    corr = cand[cand["value_changed"] | cand["withdrawn"] | pd.Series(comment_changed, index=cand.index, dtype=bool)]
    corr = corr.rename(columns={"comment_after": "comment"})
    return (
        new[NEW_COLUMNS].sort_values(["recorded_at", "indicator_id", "month"], kind="stable").reset_index(drop=True),
        corr[CORRECTION_COLUMNS]
        .sort_values(["recorded_at", "indicator_id", "month"], kind="stable")
        .reset_index(drop=True),
    )


# --- status ---------------------------------------------------------------------------------

STATUS_CHANGE_COLUMNS = [
    "id", "name", "status_before", "status_after", "attainment_before", "attainment_after", "delta", "better",
]  # fmt: skip


def _score(status: Any) -> float | None:
    return STATUS_SCORES.get(str(status)) if not is_missing(status) else None


def compare_indicators(before: pd.DataFrame, after: pd.DataFrame, *, comparable: bool) -> pd.DataFrame:
    """Every indicator of `after` with its status and attainment then and now.

    Attainment as the dashboards show it (below the start the raw, negative value: "−40 % → −10 %",
    not "0 % → 0 %"). delta = attainment now − then (None when the two Stände lie in different years: a new
    Jahresziel restarts attainment, so the difference would mean nothing). better: True/False
    when the status score rose/fell, None when equal or when either side has no data.
    """
    prev = before.set_index("id") if len(before) else pd.DataFrame(columns=["status", "attainment"])
    rows = []
    for r in after.itertuples(index=False):
        s_before = prev["status"].get(r.id) if r.id in prev.index else None
        a_before = _shown(prev.loc[r.id].to_dict()) if r.id in prev.index else None  # as the dashboards show it
        a_after = _shown(r._asdict())
        delta = a_after - a_before if comparable and a_before is not None and a_after is not None else None
        sb, sa = _score(s_before), _score(r.status)
        better = None if sb is None or sa is None or sb == sa else sa > sb
        rows.append(
            {
                "id": r.id,
                "name": r.name,
                "status_before": s_before if not is_missing(s_before) else "no_data",
                "status_after": r.status,
                "attainment_before": a_before,
                "attainment_after": a_after,
                "delta": delta,
                "better": better,
            }
        )
    return pd.DataFrame(rows, columns=STATUS_CHANGE_COLUMNS)


def status_changes(comparison: pd.DataFrame) -> pd.DataFrame:
    """Indicators whose status differs then and now (better first, then worse, then the rest)."""
    changed = comparison[comparison["status_before"] != comparison["status_after"]].copy()
    order = changed["better"].map({True: 0, False: 1}).fillna(2)
    return changed.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def improved(comparison: pd.DataFrame) -> pd.DataFrame:
    """Indicators that got better: a better status, or (same year) at least +0,5 Pp. attainment
    without a worse status. Largest gain first."""
    better = comparison["better"].map(lambda b: b is True)
    worse = comparison["better"].map(lambda b: b is False)
    gained = comparison["delta"].map(lambda d: not is_missing(d) and d >= IMPROVED_MIN)
    out = comparison[better | (gained & ~worse)].copy()
    out["_d"] = out["delta"].map(lambda d: -1.0 if is_missing(d) else float(d))
    return out.sort_values("_d", ascending=False, kind="stable").drop(columns="_d").reset_index(drop=True)


def _shown(row: dict[str, Any]) -> float | None:
    """Attainment as the dashboards show it: below the start the raw, negative value (issue 11),
    so a then-and-now chart never reads "0 % → 0 %" for a field that went backwards."""
    return shown_attainment(row.get("attainment"), row.get("attainment_raw"))


def compare_rollup(before: pd.DataFrame, after: pd.DataFrame, key: str, *, comparable: bool) -> pd.DataFrame:
    """Aktionsfelder (key 'code') or Vorhaben (key 'nr') then and now."""
    prev = before.set_index(key) if len(before) else pd.DataFrame(columns=["status", "attainment"])
    rows = []
    for r in after.to_dict("records"):
        k = r[key]
        a_before = _shown(prev.loc[k].to_dict()) if k in prev.index else None
        a_after = _shown(r)
        rows.append(
            {
                key: k,
                "title": r["title"],
                "status_before": prev["status"].get(k) if k in prev.index else "no_data",
                "status_after": r["status"],
                "attainment_before": a_before,
                "attainment_after": a_after,
                "delta": a_after - a_before if comparable and a_before is not None and a_after is not None else None,
            }
        )
    return pd.DataFrame(rows, columns=[key, "title", *STATUS_CHANGE_COLUMNS[2:7]])


# --- milestones -----------------------------------------------------------------------------

MILESTONE_COLUMNS = [
    "id", "nr", "aktionsfeld", "text", "status_before", "status_after", "reached_on", "due_before", "due_after",
    "status_since",
]  # fmt: skip


def compare_milestones(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Milestones whose status or due date changed (plan_store.milestones_df then and now).
    Reached ones first."""
    if after.empty:
        return pd.DataFrame(columns=MILESTONE_COLUMNS)
    prev = before.set_index("id")
    rows = []
    for r in after.to_dict("records"):
        old = prev.loc[r["id"]] if r["id"] in prev.index else None
        s_before = "offen" if old is None else old["status"]
        d_before = None if old is None else old["due"]
        due_changed = not (is_missing(d_before) and is_missing(r["due"])) and (
            is_missing(d_before) or is_missing(r["due"]) or pd.Timestamp(d_before) != pd.Timestamp(r["due"])
        )
        if s_before == r["status"] and not due_changed:
            continue
        rows.append(
            {
                "id": r["id"],
                "nr": int(r["nr"]),
                "aktionsfeld": r["aktionsfeld"],
                "text": r["text"],
                "status_before": s_before,
                "status_after": r["status"],
                "reached_on": r.get("reached_on"),
                "due_before": d_before,
                "due_after": r["due"],
                "status_since": r.get("status_since"),
            }
        )
    frame = pd.DataFrame(rows, columns=MILESTONE_COLUMNS)
    order = (frame["status_after"] != "erreicht").astype(int)
    return frame.assign(_o=order).sort_values(["_o", "nr"], kind="stable").drop(columns="_o").reset_index(drop=True)


def reached_in_year(milestones: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Milestones reached in the Stand's year up to the end of the Stand month (newest first)."""
    if milestones.empty:
        return milestones
    end = pd.Timestamp(as_of) + pd.offsets.MonthEnd(0)
    start = pd.Timestamp(dt.date(as_of.year, 1, 1))
    reached_on = pd.to_datetime(milestones["reached_on"])
    mask = (milestones["status"] == "erreicht") & reached_on.notna() & (reached_on >= start) & (reached_on <= end)
    return milestones[mask].assign(_r=reached_on[mask]).sort_values("_r", ascending=False).drop(columns="_r")
