"""The plan's process indicators, derived from the Maßnahmenliste — pure functions, no DB.

Definitions (month = calendar month of a date; whole months = difference of year·12 + month):
- km_umgesetzt (m): sum of `Länge km` of the Maßnahmen with Fertigstellung in m.
- projekte_umgesetzt (m): number of Maßnahmen with Fertigstellung in m.
- planungsdauer_monate (m): mean, over the Maßnahmen with Beschluss in m (and a
  Planungsbeginn), of the whole months from Planungsbeginn to Beschluss.
- abstimmungsschleifen (m): mean, over the Maßnahmen with Beschluss in m, of their
  Abstimmungsschleife events dated in or before their Beschluss month.
- adhoc_aenderungen (m): number of Richtungsänderung events dated in m.
- steckbriefe_anteil (m): % of the Maßnahmen with Planungsbeginn in m that have Steckbrief = ja
  and a Projektleitung.
- fruehwarnungen (m): % of the delays that became known in m that were known early (see `delays`).
- meilensteine_erreicht (m): % of the milestones due by the end of m reached on time
  (kora.metrics.milestone_summary, the same numbers the milestone page shows).
Sums and counts are 0 in a month without Maßnahmen; means and shares have no denominator then and
are "not reported" (NaN), never 0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kora.periods import LOCAL_TZ
from kora.plan.quellen import DERIVED

COUNTS = ("km_umgesetzt", "projekte_umgesetzt", "adhoc_aenderungen")
EARLY_MONTHS = 3
"""A delay is known early when reported at least this many months before the old planned month."""


def month_idx(values: pd.Series) -> np.ndarray:
    """ISO date text ('2025-03' or '2025-03-14') -> year·12 + month − 1 as float (NaN when empty)."""
    text = values.astype("str") if len(values) else pd.Series([], dtype="str")
    ok = text.str.len().fillna(0).to_numpy() >= 7
    out = np.full(len(text), np.nan)
    if ok.any():
        part = text[ok]
        out[ok] = part.str[:4].astype("int64").to_numpy() * 12 + part.str[5:7].astype("int64").to_numpy() - 1
    return out


def months_of(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Month indices of a date column: `<column>_idx` when the store computed it, else from the text."""
    if f"{column}_idx" in frame.columns:
        return pd.to_numeric(frame[f"{column}_idx"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return month_idx(frame[column])


def idx_of(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def upload_month_idx(recorded_at: pd.Series) -> np.ndarray:
    """The Aachen calendar month in which each version was recorded (stored as naive UTC).

    An upload stamps all its versions alike: the time zone is applied to the distinct stamps only.
    """
    stamps = pd.to_datetime(recorded_at).to_numpy(dtype="datetime64[us]")
    if not len(stamps):
        return np.array([], dtype=float)
    unique, inverse = np.unique(stamps, return_inverse=True)
    local = pd.DatetimeIndex(unique).tz_localize("UTC").tz_convert(LOCAL_TZ)
    months = (local.year * 12 + local.month - 1).to_numpy(dtype=float)
    return months[inverse]


def _per_month(keys: np.ndarray, values: np.ndarray, how: str) -> pd.Series:
    """Sum or mean of `values` per month index in `keys` (NaN keys skipped); months with rows only.

    np.bincount over the few hundred months spanned: a pandas group-by costs more in set-up than
    the sums themselves on every upload's re-derivation."""
    ok = ~np.isnan(keys)
    if not ok.any():
        return pd.Series(dtype=float)
    k = keys[ok].astype("int64")
    first = int(k.min())
    v = values[ok].astype(float)
    counts = np.bincount(k - first)
    sums = np.bincount(k - first, weights=v)
    present = np.nonzero(counts)[0]
    out = sums[present] if how == "sum" else sums[present] / counts[present]
    return pd.Series(out, index=present + first, dtype=float)


def _schleifen_per_massnahme(current: pd.DataFrame, events: pd.DataFrame, beschluss: np.ndarray) -> np.ndarray:
    """Per Maßnahme: its Abstimmungsschleife events in or before its Beschluss month."""
    loops = events[events["ereignis"] == "Abstimmungsschleife"]
    if loops.empty or current.empty:
        return np.zeros(len(current))
    pos = pd.Index(current["nr"]).get_indexer(loops["nr"])  # row of the Maßnahme, -1 when unknown
    when = months_of(loops, "datum")
    known = pos >= 0
    with np.errstate(invalid="ignore"):
        counted = known & (when <= np.where(known, beschluss[np.maximum(pos, 0)], np.nan))
    return np.bincount(pos[counted], minlength=len(current)).astype(float)


def _has_lead(current: pd.DataFrame) -> np.ndarray:
    """A Projektleitung is named (`has_lead` when the store computed it, else from the text)."""
    if "has_lead" in current.columns:
        return current["has_lead"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return current["projektleitung"].fillna("").astype("str").str.strip().ne("").to_numpy()


def list_values(current: pd.DataFrame, events: pd.DataFrame) -> dict[str, pd.Series]:
    """Per indicator of DERIVED except fruehwarnungen: month index -> value (months with data only)."""
    fertig = months_of(current, "fertigstellung")
    beschluss = months_of(current, "beschluss")
    beginn = months_of(current, "planungsbeginn")
    km = pd.to_numeric(current["laenge_km"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    dauer = np.where(np.isnan(beginn), np.nan, beschluss - beginn)
    steckbrief = current["steckbrief"].astype("boolean").fillna(False).to_numpy(dtype=bool) & _has_lead(current)
    turns = events[events["ereignis"] == "Richtungsänderung"]
    return {
        "km_umgesetzt": _per_month(fertig, km, "sum"),
        "projekte_umgesetzt": _per_month(fertig, np.ones(len(current)), "sum"),
        "planungsdauer_monate": _per_month(np.where(np.isnan(dauer), np.nan, beschluss), dauer, "mean"),
        "abstimmungsschleifen": _per_month(beschluss, _schleifen_per_massnahme(current, events, beschluss), "mean"),
        "adhoc_aenderungen": _per_month(months_of(turns, "datum"), np.ones(len(turns)), "sum"),
        "steckbriefe_anteil": _per_month(beginn, steckbrief * 100.0, "mean"),
    }


def delays(versions: pd.DataFrame) -> pd.DataFrame:
    """Every delay of a planned Beschluss or Fertigstellung, with the month it became known.

    `versions`: all versions (nr, recorded_at, withdrawn, <planned>, <actual>) ordered by Nr and
    time. A delay is
    - "verschoben": a version plans a later month than the version before, while the date was
      not yet reached and the old month had not passed when the upload came; known in the
      upload's month, early when that is at least EARLY_MONTHS before the old planned month;
    - "verstrichen": a planned month that was in effect when it ended, without the date being
      reached by then (per the newest version) — known late, in the month after it passed.
    A move reported after the old month passed is the same delay as that passing, counted once.
    Columns: nr, termin, how, known (month index), planned_old, planned_new (month indices), early.
    """
    parts: list[pd.DataFrame] = []
    v = versions[~versions["withdrawn"].astype(bool)] if len(versions) else versions
    if v.empty:
        return _empty_delays()
    codes, names = pd.factorize(v["nr"], sort=False)  # integers: comparing 120 000 strings is slow
    nr = np.asarray(names, dtype=object)[codes]
    upload = upload_month_idx(v["recorded_at"])
    same_prev = np.r_[False, codes[1:] == codes[:-1]]
    same_next = np.r_[codes[1:] == codes[:-1], False]
    for termin in ("beschluss", "fertigstellung"):
        parts += _termin_delays(v, termin, codes=codes, nr=nr, upload=upload, same_prev=same_prev, same_next=same_next)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["known", "nr", "termin"], kind="stable", ignore_index=True)


def _termin_delays(
    v: pd.DataFrame,
    termin: str,
    *,
    codes: np.ndarray,
    nr: np.ndarray,
    upload: np.ndarray,
    same_prev: np.ndarray,
    same_next: np.ndarray,
) -> list[pd.DataFrame]:
    """The moved and the passed delays of one Termin (beschluss or fertigstellung), see `delays`."""
    out: list[pd.DataFrame] = []
    planned = months_of(v, f"{termin}_geplant")
    actual = months_of(v, termin)
    prev_planned = np.where(same_prev, np.r_[np.nan, planned[:-1]], np.nan)
    prev_actual = np.where(same_prev, np.r_[np.nan, actual[:-1]], np.nan)
    with np.errstate(invalid="ignore"):
        moved = (planned > prev_planned) & np.isnan(prev_actual) & (upload <= prev_planned)
    final_actual = np.full(int(codes.max()) + 1, np.nan)
    final_actual[codes[~same_next]] = actual[~same_next]  # the newest version's actual date
    reached = final_actual[codes]
    next_upload = np.where(same_next, np.r_[upload[1:], np.inf], np.inf)
    with np.errstate(invalid="ignore"):
        passed = (
            ~np.isnan(planned)
            & (upload <= planned)
            & (next_upload > planned)
            & (np.isnan(reached) | (reached > planned))
        )
    out.append(
        pd.DataFrame(
            {
                "nr": nr[moved],
                "termin": termin,
                "how": "verschoben",
                "known": upload[moved],
                "planned_old": prev_planned[moved],
                "planned_new": planned[moved],
                "early": (prev_planned[moved] - upload[moved]) >= EARLY_MONTHS,
            }
        )
    )
    out.append(
        pd.DataFrame(
            {
                "nr": nr[passed],
                "termin": termin,
                "how": "verstrichen",
                "known": planned[passed] + 1,
                "planned_old": planned[passed],
                "planned_new": np.nan,
                "early": np.zeros(int(passed.sum()), dtype=bool),
            }
        )
    )
    return out


def _empty_delays() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nr": pd.Series([], dtype=object),
            "termin": pd.Series([], dtype=object),
            "how": pd.Series([], dtype=object),
            "known": pd.Series([], dtype=float),
            "planned_old": pd.Series([], dtype=float),
            "planned_new": pd.Series([], dtype=float),
            "early": pd.Series([], dtype=bool),
        }
    )


def early_share(delay_frame: pd.DataFrame) -> pd.Series:
    """fruehwarnungen: month index -> % of that month's newly known delays that were known early."""
    if delay_frame.empty:
        return pd.Series(dtype=float)
    return delay_frame.groupby(delay_frame["known"].astype("int64"))["early"].mean() * 100.0


def milestone_values(milestones: pd.DataFrame, months: list[dt.date]) -> pd.Series:
    """meilensteine_erreicht: month index -> % of the milestones due by then reached on time.

    The flags of kora.metrics.milestone_flags (planned due date, reached by the month's end and
    on or before the planned date), evaluated for all months at once: one comparison matrix
    (milestones × months) instead of one pandas pass per month. tests/test_massnahmen_rules.py
    checks the result against milestone_summary month by month.
    """
    if milestones.empty or not months:
        return pd.Series(dtype=float)
    ends = np.array([pd.Timestamp(m) + pd.offsets.MonthEnd(0) for m in months], dtype="datetime64[ns]")
    due_now = pd.to_datetime(milestones["due"]).to_numpy(dtype="datetime64[ns]")
    planned = (
        pd.to_datetime(milestones["due_planned"]).to_numpy(dtype="datetime64[ns]")
        if "due_planned" in milestones
        else due_now
    )
    planned = np.where(np.isnat(planned), due_now, planned)
    reached_on = pd.to_datetime(milestones["reached_on"]).to_numpy(dtype="datetime64[ns]")
    done = (milestones["status"] == "erreicht").to_numpy()[:, None]
    has_date = ~np.isnat(reached_on)[:, None]
    due = ~np.isnat(planned)[:, None] & (planned[:, None] <= ends[None, :])
    reached = done & (~has_date | (reached_on[:, None] <= ends[None, :]))
    on_time = due & reached & has_date & (reached_on[:, None] <= planned[:, None])
    n_due = due.sum(axis=0)
    share = np.where(n_due > 0, on_time.sum(axis=0) / np.maximum(n_due, 1) * 100.0, np.nan)
    keep = n_due > 0
    return pd.Series(share[keep], index=[idx_of(m) for m, k in zip(months, keep, strict=True) if k], dtype=float)


def derive(
    *,
    indicator_ids: list[str],
    months: list[dt.date],
    current: pd.DataFrame,
    events: pd.DataFrame,
    versions: pd.DataFrame,
    milestones: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Values of the requested derived indicators for every month: indicator_id, month, value.

    value NaN = not reported (no Maßnahme in the denominator). Only what is asked for is computed.
    """
    wanted = set(indicator_ids)
    per: dict[str, pd.Series] = {}
    if wanted & set(DERIVED) - {"fruehwarnungen"}:
        per |= list_values(current, events)
    if "fruehwarnungen" in wanted:
        per["fruehwarnungen"] = early_share(delays(versions))
    if "meilensteine_erreicht" in wanted:
        per["meilensteine_erreicht"] = milestone_values(
            milestones if milestones is not None else pd.DataFrame(), months
        )
    index = np.array([idx_of(m) for m in months], dtype="int64")
    frames = []
    for ind in indicator_ids:
        series = per.get(ind, pd.Series(dtype=float))
        values = series.reindex(index).to_numpy(dtype=float)
        if ind in COUNTS:
            values = np.nan_to_num(values, nan=0.0)
        frames.append(pd.DataFrame({"indicator_id": ind, "month": months, "value": values}))
    if not frames:
        return pd.DataFrame({"indicator_id": [], "month": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def behind(indicator_id: str, month: dt.date, *, current: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The Maßnahmen that make up a derived number of one month (for 'which Maßnahmen are these 3,9 km?')."""
    m = idx_of(month)
    if indicator_id in ("km_umgesetzt", "projekte_umgesetzt"):
        mask = month_idx(current["fertigstellung"]) == m
    elif indicator_id in ("planungsdauer_monate", "abstimmungsschleifen"):
        mask = month_idx(current["beschluss"]) == m
    elif indicator_id == "steckbriefe_anteil":
        mask = month_idx(current["planungsbeginn"]) == m
    elif indicator_id in ("adhoc_aenderungen",):
        turns = events[(events["ereignis"] == "Richtungsänderung") & (month_idx(events["datum"]) == m)]
        mask = current["nr"].isin(set(turns["nr"])).to_numpy()
    else:
        mask = np.zeros(len(current), dtype=bool)
    return current[mask]
