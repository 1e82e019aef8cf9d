"""Roll-ups of goal attainment: indicators → Vorhaben → Aktionsfeld → plan, and per Kommune.

Vorhaben = weighted mean of its indicators' clamped attainment (catalogue ``weight``, ignoring
indicators without attainment); Aktionsfeld = mean of its Vorhaben; plan = mean of the
Aktionsfelder. Roll-up status from the (weighted) mean status score (on_track 1, at_risk 0.5,
off_track 0; no_data ignored): ≥ 0.75 on_track, ≥ 0.4 at_risk, else off_track; all children
no_data → no_data. Both are means mapped monotonically, so a roll-up never leaves the range of
its children. Next to the clamped attainment they carry ``attainment_raw`` (raw values capped at 1,
no floor: a regression below the start stays visible) and ``soll`` (the Zielpfad's attainment by
now, over the indicators that have one) — the rules are in `kora.metrics`' docstring. Pure functions over the frames `kora.metrics.indicator_status` returns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kora.frame_keys import numbers, positions
from kora.metrics import STATUS_ORDER

STATUS_SCORES = {"on_track": 1.0, "at_risk": 0.5, "off_track": 0.0}
ROLLUP_ON_TRACK = 0.75
ROLLUP_AT_RISK = 0.4


def _status_scores(status: np.ndarray) -> np.ndarray:
    score = np.full(len(status), np.nan)
    for name, value in STATUS_SCORES.items():
        score[status == name] = value
    return score


def _score_status(score: np.ndarray) -> np.ndarray:
    out = np.where(score >= ROLLUP_ON_TRACK, "on_track", np.where(score >= ROLLUP_AT_RISK, "at_risk", "off_track"))
    return np.where(np.isnan(score), "no_data", out).astype(object)


SOLL_COLUMNS = ("attainment_raw", "soll")


def _soll_values(frame: pd.DataFrame, take: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """attainment_raw (capped at 1) and soll of `frame`'s rows (indicators or roll-ups)."""
    n = len(frame)
    raw = numbers(frame, "attainment_raw") if "attainment_raw" in frame else numbers(frame, "attainment")
    soll = numbers(frame, "soll") if "soll" in frame else np.full(n, np.nan)
    out = {"attainment_raw": np.minimum(raw, 1.0), "soll": soll}
    return out if take is None else {k: v[take] if n else np.full(len(take), np.nan) for k, v in out.items()}


def _rollup(
    parents: pd.DataFrame,
    pos: np.ndarray,
    attainment: np.ndarray,
    status: np.ndarray,
    weight: np.ndarray,
    extra: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """`parents` plus attainment, status, score, n_* from the children at positions `pos`.

    Weighted means, clipped to the children's [min, max] so floating-point rounding can never
    push a roll-up outside its children's range.
    """
    g = len(parents)
    ok = pos >= 0
    score = _status_scores(status)
    a_ok = ok & ~np.isnan(attainment)
    s_ok = ok & ~np.isnan(score)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(pos[mask], weights=values[mask], minlength=g)

    def clipped_mean(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        den = total(mask, weight)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(den > 0, total(mask, weight * np.nan_to_num(values)) / np.where(den > 0, den, 1), np.nan)
        lo, hi = np.full(g, np.inf), np.full(g, -np.inf)
        np.minimum.at(lo, pos[mask], values[mask])
        np.maximum.at(hi, pos[mask], values[mask])
        return np.where(den > 0, np.clip(mean, lo, hi), np.nan)

    roll_score = clipped_mean(s_ok, score)
    data = {c: parents[c].to_numpy() for c in parents.columns}
    data["attainment"] = clipped_mean(a_ok, attainment)
    data["status"] = _score_status(roll_score)
    data["score"] = roll_score
    for name, values in (extra or {}).items():
        data[name] = clipped_mean(ok & ~np.isnan(values), values)
    for name in STATUS_ORDER:
        data[f"n_{name}"] = np.bincount(pos[ok & (status == name)], minlength=g).astype(int)
    return pd.DataFrame(data)


def vorhaben_rollup(
    ind_status: pd.DataFrame,
    indicator_vorhaben: pd.DataFrame,
    vorhaben: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Vorhaben: nr, aktionsfeld, title, attainment, status, score, n_on_track … n_no_data.

    Weights: the catalogue's `weight` (from `indicators`, else `ind_status`), 1 otherwise. An
    indicator serving two Vorhaben counts fully in both. n_* count indicators per status.
    """
    kc = ["kommune"] if all("kommune" in f.columns for f in (ind_status, indicator_vorhaben, vorhaben)) else []
    links = indicator_vorhaben.reset_index(drop=True)
    child = positions(ind_status[[*kc, "id"]], links[[*kc, "indicator_id"]])
    found = child >= 0
    take = np.clip(child, 0, None)
    if indicators is not None and "weight" in indicators.columns:
        wk = [c for c in kc if c in indicators.columns]
        wpos = positions(indicators[[*wk, "id"]], links[[*wk, "indicator_id"]])
        w_all = numbers(indicators, "weight", 1.0)
        weight = np.where(wpos >= 0, w_all[np.clip(wpos, 0, None)], 1.0)
    else:
        weight = numbers(ind_status, "weight", 1.0)[take] if len(ind_status) else np.ones(len(links))
    weight = np.where(np.isnan(weight), 1.0, weight)
    attainment = numbers(ind_status, "attainment")[take] if len(ind_status) else np.full(len(links), np.nan)
    status = ind_status["status"].to_numpy(dtype=object)[take] if len(ind_status) else np.full(len(links), "no_data")
    attainment = np.where(found, attainment, np.nan)
    status = np.where(found, status, np.array(None, dtype=object))
    parents = vorhaben[[*kc, "nr", "aktionsfeld", "title"]].reset_index(drop=True)
    pos = positions(parents[[*kc, "nr"]], links[[*kc, "nr"]])
    pos = np.where(found, pos, -1)
    extra = {k: np.where(found, v, np.nan) for k, v in _soll_values(ind_status, take).items()}
    return _rollup(parents, pos, attainment, status, weight, extra)


def _indicator_counts(
    parents: pd.DataFrame, parent_cols: list[str], child_keys: pd.DataFrame, status: np.ndarray
) -> dict[str, np.ndarray]:
    """n_<status>: how many distinct indicators (rows of `child_keys`) of each parent have that status."""
    keys = child_keys.assign(_status=status).drop_duplicates().reset_index(drop=True)
    pos = positions(parents[parent_cols], keys[parent_cols])
    st = keys["_status"].to_numpy(dtype=object)
    ok = pos >= 0
    return {f"n_{s}": np.bincount(pos[ok & (st == s)], minlength=len(parents)).astype(int) for s in STATUS_ORDER}


def _indicator_areas(
    ind_status: pd.DataFrame, indicator_vorhaben: pd.DataFrame, vorhaben: pd.DataFrame, kc: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """(kommune?, aktionsfeld, id) for every indicator through its Vorhaben, with its status."""
    links = indicator_vorhaben.reset_index(drop=True)
    vpos = positions(vorhaben[[*kc, "nr"]], links[[*kc, "nr"]])
    ipos = positions(ind_status[[*kc, "id"]], links[[*kc, "indicator_id"]])
    ok = (vpos >= 0) & (ipos >= 0)
    keys = pd.DataFrame(
        {
            **{c: links[c].to_numpy()[ok] for c in kc},
            "code": vorhaben["aktionsfeld"].to_numpy()[vpos[ok]],
            "id": links["indicator_id"].to_numpy()[ok],
        }
    )
    return keys, ind_status["status"].to_numpy(dtype=object)[ipos[ok]]


def aktionsfeld_rollup(
    vorhaben_status: pd.DataFrame,
    aktionsfelder: pd.DataFrame,
    *,
    ind_status: pd.DataFrame | None = None,
    indicator_vorhaben: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Aktionsfelder: code, title, attainment, status, score, n_*, nv_* (equal weights over Vorhaben).

    n_* count the distinct indicators of the Aktionsfeld per status when `ind_status` and
    `indicator_vorhaben` are given (else Vorhaben, like nv_* always do).
    """
    kc = ["kommune"] if "kommune" in vorhaben_status.columns and "kommune" in aktionsfelder.columns else []
    parents = aktionsfelder[[*kc, "code", "title"]].reset_index(drop=True)
    children = vorhaben_status.reset_index(drop=True)
    pos = positions(parents[[*kc, "code"]], children[[*kc, "aktionsfeld"]])
    out = _rollup(
        parents,
        pos,
        numbers(children, "attainment"),
        children["status"].to_numpy(dtype=object),
        np.ones(len(children)),
        _soll_values(children),
    )
    for s in STATUS_ORDER:
        out[f"nv_{s}"] = out[f"n_{s}"]
    if ind_status is not None and indicator_vorhaben is not None:
        ikc = kc if all("kommune" in f.columns for f in (ind_status, indicator_vorhaben)) else []
        keys, status = _indicator_areas(ind_status, indicator_vorhaben, vorhaben_status, ikc)
        for col, counts in _indicator_counts(out, [*ikc, "code"], keys, status).items():
            out[col] = counts
    return out


def plan_rollup(aktionsfeld_status: pd.DataFrame, ind_status: pd.DataFrame | None = None) -> dict[str, Any]:
    """The whole plan: {attainment, status, score, n_*} (equal weights over Aktionsfelder).

    n_* count indicators per status when `ind_status` is given (else Aktionsfelder).
    """
    n = len(aktionsfeld_status)
    row = _rollup(
        pd.DataFrame({"_all": [0]}),
        np.zeros(n, dtype=np.int64),
        numbers(aktionsfeld_status, "attainment"),
        aktionsfeld_status["status"].to_numpy(dtype=object),
        np.ones(n),
        _soll_values(aktionsfeld_status),
    ).iloc[0]
    counts = {f"n_{s}": int(row[f"n_{s}"]) for s in STATUS_ORDER}
    if ind_status is not None:
        counts = {f"n_{s}": int((ind_status["status"] == s).sum()) for s in STATUS_ORDER}
    return {
        "attainment": None if pd.isna(row["attainment"]) else float(row["attainment"]),
        "status": row["status"],
        "score": None if pd.isna(row["score"]) else float(row["score"]),
        **{c: None if pd.isna(row[c]) else float(row[c]) for c in SOLL_COLUMNS},
        **counts,
    }


def kommune_rollup(aktionsfeld_status: pd.DataFrame, ind_status: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per Kommune (network view): kommune, attainment, attainment_raw, soll, status, score over its
    Aktionsfelder (as `plan_rollup` for one Kommune, so `status --kommune alle` gives each Kommune
    the Gesamt its Übersicht shows); n_* count its indicators per status when `ind_status` is given."""
    frame = aktionsfeld_status.reset_index(drop=True)
    parents = pd.DataFrame({"kommune": pd.unique(frame["kommune"])})
    pos = positions(parents, frame[["kommune"]])
    out = _rollup(
        parents, pos, numbers(frame, "attainment"), frame["status"].to_numpy(dtype=object), np.ones(len(frame)),
        _soll_values(frame),
    )  # fmt: skip
    if ind_status is not None and "kommune" in ind_status.columns:
        keys = ind_status[["kommune", "id"]].reset_index(drop=True)
        status = ind_status["status"].to_numpy(dtype=object)
        for col, counts in _indicator_counts(out, ["kommune"], keys, status).items():
            out[col] = counts
    return out


__all__ = ["STATUS_SCORES", "aktionsfeld_rollup", "kommune_rollup", "plan_rollup", "vorhaben_rollup"]
