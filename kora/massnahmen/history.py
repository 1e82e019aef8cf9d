"""Reading the Maßnahmenliste back: as of a Stand, as known at a day, versions, delays, priorities.

The list "as of" a month is what had been uploaded by the end of that month (Aachen time); "as
known at" a day is what had been uploaded by the end of that day — the same two time axes as the
readings (`status --as-of/--known-at`). Everything here returns plain DataFrames for the page,
the CLI and the exports; German column names only where a table is shown as is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from kora import fmt, periods
from kora.db import Database, massnahmen_store
from kora.massnahmen import derive, rules

JSON_FIELDS = (*rules.LIST_FIELDS, "phase_angegeben")


def cutoff(as_of: dt.date | None, known_at: dt.date | dt.datetime | None) -> dt.datetime | None:
    """The stored-UTC moment the list is read at: the earlier of as_of's month end and known_at's day end."""
    limits: list[dt.datetime | None] = []
    if as_of is not None:
        limits.append(
            periods.normalize_known_at(periods.add_months(periods.month_start(as_of), 1) - dt.timedelta(days=1))
        )
    if known_at is not None:
        limits.append(periods.normalize_known_at(known_at))
    given = [t for t in limits if t is not None]
    return min(given) if given else None


def with_phase(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds `phase_angegeben` (as written) and sets `phase` to the effective phase (dates decide when empty)."""
    out = frame.copy()
    for name in rules.LIST_FIELDS:  # one missing value (None) for every reader, whatever dtype DuckDB chose
        if name != "laenge_km":
            out[name] = out[name].astype(object).where(out[name].notna(), None)
    out["phase_angegeben"] = out["phase"]
    out["phase"] = [
        rules.effective_phase(p if isinstance(p, str) else None, {f: _text(r.get(f)) for f in rules.ACTUAL_DATES})
        for p, r in zip(out["phase"], out[list(rules.ACTUAL_DATES)].to_dict("records"), strict=True)
    ]
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def massnahmen_list(
    db: Database, *, kommune: str, as_of: dt.date | None = None, known_at: dt.date | dt.datetime | None = None
) -> pd.DataFrame:
    """The list (rules.LIST_FIELDS, phase effective, phase_angegeben, upload_id, recorded_at) at a Stand."""
    frame = massnahmen_store.current_list_df(db, kommune=kommune, known_at=cutoff(as_of, known_at))
    return with_phase(frame)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def as_json(frame: pd.DataFrame) -> dict[str, Any]:
    """{"massnahmen": [{nr, massnahme, laenge_km, phase, <dates as YYYY-MM or YYYY-MM-DD>, …}]}"""
    return {"massnahmen": [{f: _json_value(r[f]) for f in JSON_FIELDS} for r in frame.to_dict("records")]}


def german_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as the page and the exports show it (text cells, German dates)."""
    return pd.DataFrame({rules.LABELS[f]: [rules.show(f, v) for v in frame[f]] for f in rules.LIST_FIELDS}).reset_index(
        drop=True
    )


def versions_of(db: Database, *, kommune: str, nr: str) -> pd.DataFrame:
    """Every version of one Maßnahme, newest first, with what changed against the version before."""
    frame = massnahmen_store.versions_df(db, kommune=kommune, nr=nr)
    rows, previous = [], None
    for rec in frame.to_dict("records"):
        if rec["massnahme"] is None:
            what = "zurückgezogen"
        elif previous is None or previous["massnahme"] is None:
            what = "neu"
        else:
            what = "; ".join(
                f"{rules.LABELS[f]}: {rules.show(f, previous[f]) or '–'} → {rules.show(f, rec[f]) or '–'}"
                for f in rules.LIST_FIELDS[1:]
                if rules.show(f, previous[f]) != rules.show(f, rec[f])
            )
        rows.append({"Gespeichert": fmt.local_stamp(rec["recorded_at"]), "Von": rec["recorded_by"],
                     "Upload": int(rec["upload_id"]), "Datei": rec["filename"] or "", "Änderung": what,
                     "Grund": rec["reason"] or ""})  # fmt: skip
        previous = rec
    return pd.DataFrame(rows[::-1], columns=["Gespeichert", "Von", "Upload", "Datei", "Änderung", "Grund"])


def delay_table(db: Database, *, kommune: str, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Every delay with the month it became known (newest first), titles joined, German labels."""
    found = derive.delays(massnahmen_store.delay_versions_df(db, kommune=kommune, known_at=known_at))
    current = massnahmen_store.current_list_df(db, kommune=kommune, known_at=known_at)
    titles = dict(zip(current["nr"], current["massnahme"], strict=True))
    last = derive.idx_of(periods.last_complete_month())
    found = found[found["known"] <= last + 1].iloc[::-1]
    return pd.DataFrame(
        {
            "Bekannt seit": [fmt.month_name(rules.index_month(int(k))) for k in found["known"]],
            "Nr": found["nr"],
            "Maßnahme": [titles.get(n, "") for n in found["nr"]],
            "Termin": found["termin"].map({"beschluss": "Beschluss", "fertigstellung": "Fertigstellung"}),
            "Art": found["how"].map({"verschoben": "verschoben", "verstrichen": "verstrichen (ohne Meldung)"}),
            "Geplant war": [fmt.month_name(rules.index_month(int(p))) for p in found["planned_old"]],
            "Neu geplant": [
                "" if np.isnan(p) else fmt.month_name(rules.index_month(int(p))) for p in found["planned_new"]
            ],
            "Frühzeitig": ["ja" if e else "nein" for e in found["early"]],
            "known": found["known"].astype("int64"),
        }
    ).reset_index(drop=True)


def priorities(frame: pd.DataFrame) -> pd.DataFrame:
    """Both priority lists side by side: Nr, Maßnahme, ranks, Abweichung (None when only one list has it)."""
    ranked = frame[frame["prio_verwaltung"].notna() | frame["prio_politik"].notna()]
    out = pd.DataFrame(
        {
            "Nr": ranked["nr"],
            "Maßnahme": ranked["massnahme"],
            "Rang Verwaltung": pd.array(ranked["prio_verwaltung"].tolist(), dtype="Int64"),
            "Rang Politik": pd.array(ranked["prio_politik"].tolist(), dtype="Int64"),
        }
    )
    out["Abweichung"] = out["Rang Politik"] - out["Rang Verwaltung"]
    agreed = out["Abweichung"].fillna(99).eq(0).to_numpy()
    out.insert(0, "", np.where(agreed, "✅", "⚠️"))  # a mismatch: the two lists disagree (Vorhaben 3, 5)
    return out.sort_values(["Rang Verwaltung", "Rang Politik"], na_position="last", ignore_index=True)


def filter_options(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The choices of the page's filters: phases in plan order, Arten and Projektleitungen sorted."""
    return {
        "phases": [p for p in rules.PHASES if p in set(frame["phase"])],
        "arten": sorted({a for a in frame["art"].dropna()}),
        "leads": sorted({a for a in frame["projektleitung"].dropna()}),
    }


def filter_list(
    frame: pd.DataFrame,
    *,
    phases: list[str] | None = None,
    arten: list[str] | None = None,
    leads: list[str] | None = None,
) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    if phases:
        mask &= frame["phase"].isin(phases).to_numpy()
    if arten:
        mask &= frame["art"].isin(arten).to_numpy()
    if leads:
        mask &= frame["projektleitung"].isin(leads).to_numpy()
    return frame[mask]


def timeline(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per Maßnahme and milestone (Beschluss, Fertigstellung): planned vs actual month as dates."""
    rows = []
    for r in frame.to_dict("records"):
        for termin, label in (("beschluss", "Beschluss"), ("fertigstellung", "Fertigstellung")):
            planned, actual = r.get(f"{termin}_geplant"), r.get(termin)
            if not planned and not actual:
                continue
            rows.append(
                {"nr": r["nr"], "massnahme": r["massnahme"], "phase": r["phase"], "termin": label,
                 "prio_verwaltung": r.get("prio_verwaltung"),
                 "start": _month_date(r.get("planungsbeginn")), "geplant": _month_date(planned),
                 "erreicht": _month_date(actual)}
            )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["nr", "massnahme", "phase", "termin", "prio_verwaltung", "start", "geplant", "erreicht"]
    )


def _month_date(iso: str | None) -> dt.date | None:
    return dt.date(int(iso[:4]), int(iso[5:7]), 1) if iso else None


def finished_between(frame: pd.DataFrame, *, after: dt.date | None, until: dt.date) -> pd.DataFrame:
    """Maßnahmen with Fertigstellung in (after, until] by month (Brownbag: "Erfolge" since the last Termin)."""
    done = frame[frame["fertigstellung"].notna()]
    month = done["fertigstellung"].str[:7]
    mask = month <= until.strftime("%Y-%m")
    if after is not None:
        mask &= month > after.strftime("%Y-%m")
    return done[mask]


def uploads(db: Database, *, kommune: str) -> pd.DataFrame:
    frame = massnahmen_store.list_uploads_df(db, kommune=kommune)
    return pd.DataFrame(
        {
            "Nr": frame["id"].astype("int64"),
            "Datei": frame["filename"].fillna(""),
            "Von": frame["user_name"],
            "Zeitpunkt": [fmt.local_stamp(t) for t in frame["created_at"]],
            "Neu": frame["n_new"].astype("int64"),
            "Geändert": frame["n_changed"].astype("int64"),
            "Grund": frame["reason"].fillna(""),
            "Status": [
                f"Rücknahme von {int(r.reverts_upload)}"
                if r.kind == "revert" and not pd.isna(r.reverts_upload)
                else (f"zurückgenommen durch {int(r.reverted_by)}" if not pd.isna(r.reverted_by) else "")
                for r in frame.itertuples(index=False)
            ],
            "kind": frame["kind"],
            "reverted": frame["reverted_by"].notna(),
        }
    )
