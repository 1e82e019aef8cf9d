"""Comparing an uploaded Maßnahmenliste and its Ereignisse with what is stored (column-wise).

The preview shows per Maßnahme whether it is new, changed (with "Feld: alt → neu") or unchanged,
and per Ereignis whether it is new; identical Ereignisse are numbered so a repeated row counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kora.massnahmen import rules

COMPARED = rules.LIST_FIELDS[1:]  # everything but the key


def _canon(frame: pd.DataFrame, name: str) -> np.ndarray:
    """One comparable text per cell of a field (missing = ''), computed column-wise."""
    col = frame[name] if name in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    missing = col.isna().to_numpy()
    if name in ("laenge_km", "prio_verwaltung", "prio_politik"):
        numbers = pd.to_numeric(col, errors="coerce").astype("float64").round(9)
        text = numbers.map(repr).to_numpy(dtype=object)
    elif name == "steckbrief":
        text = col.map(lambda v: "1" if v is True or v == 1 else "0").to_numpy(dtype=object)
    else:
        text = col.astype(object).map(str).to_numpy(dtype=object)
    text[missing] = ""
    return text


def diff_list(upload: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """upload + status (new/changed/unchanged) + changes ('Feld: alt → neu'); Nr matched without case.

    Column-wise: every field becomes comparable text, rows differ where any field differs; the
    German change text is built only for the changed rows.
    """
    live = current[current["massnahme"].notna()] if len(current) else current
    stored = pd.DataFrame({"key": live["nr"].astype(str).str.casefold().to_numpy(), "pos": np.arange(len(live))})
    keys = upload["nr"].astype(str).str.casefold()
    pos = keys.map(dict(zip(stored["key"], stored["pos"], strict=True))).to_numpy(dtype=float)
    known = ~np.isnan(pos)
    idx = np.where(known, pos, 0).astype(int)
    differs = np.zeros(len(upload), dtype=bool)
    per_field = {}
    for f in COMPARED:
        new_text = _canon(upload, f)
        old_text = _canon(live, f)[idx] if len(live) else np.full(len(upload), "", dtype=object)
        per_field[f] = new_text != old_text
        differs |= per_field[f] & known
    status = np.where(~known, "new", np.where(differs, "changed", "unchanged"))
    changes = np.full(len(upload), "", dtype=object)
    nrs = upload["nr"].to_numpy(dtype=object).copy()
    if known.any():
        nrs[known] = live["nr"].to_numpy(dtype=object)[idx[known]]  # keep the stored spelling of the key
    live_records = live.to_dict("records") if differs.any() else []
    up_records = upload.to_dict("records")
    for i in np.flatnonzero(differs):
        old, rec = live_records[idx[i]], up_records[i]
        changes[i] = "; ".join(
            f"{rules.LABELS[f]}: {rules.show(f, old.get(f)) or '–'} → {rules.show(f, rec[f]) or '–'}"
            for f in COMPARED
            if per_field[f][i]
        )
    return upload.assign(nr=nrs, status=status, changes=changes)


def diff_events(upload: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """upload + occurrence (identical rows numbered) + status new/unchanged (a merge, not a loop)."""
    if upload.empty:
        return upload.assign(occurrence=pd.Series([], dtype="int64"), status=pd.Series([], dtype=object))
    keys = ["nr", "datum", "ereignis", "anlass"]
    frame = upload.assign(occurrence=upload.groupby(keys, sort=False).cumcount() + 1)
    present = current[current["present"].astype(bool)] if len(current) else current
    have = (
        present[[*keys, "occurrence"]]
        .astype({k: "str" for k in keys})
        .assign(occurrence=lambda f: f["occurrence"].astype("int64"), _have=True)
    )
    probe = frame[[*keys, "occurrence"]].astype({k: "str" for k in keys}).astype({"occurrence": "int64"})
    found = probe.merge(have.drop_duplicates([*keys, "occurrence"]), on=[*keys, "occurrence"], how="left")["_have"]
    frame["status"] = np.where(found.fillna(False).to_numpy(dtype=bool), "unchanged", "new")
    return frame
