"""Row lookup across DataFrames by composite keys, as numpy positions.

Why a module of its own: goal maths (`kora.metrics`) and the roll-ups (`kora.rollups`) both join
indicators to targets, readings, Vorhaben and Aktionsfelder by (kommune?, id) keys. A vectorised
position lookup keeps that fast for the network view (hundreds of Kommunen) and in one place.
Pure: numpy and pandas only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def key_strings(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One text key per row (the columns joined): readable, but slow for network-sized frames."""
    key = frame[cols[0]].astype(str)
    for c in cols[1:]:
        key = key + "\x1f" + frame[c].astype(str)
    return key.to_numpy(dtype=object)


def _column_codes(left: pd.Series, right: pd.Series) -> np.ndarray:
    """Integer codes of two columns' values on one shared scale (equal values, equal code).

    Values match as their text does in `key_strings` (1 and "1" are the same key; so are two
    missing values): columns of different dtypes are compared as text.
    """
    if left.dtype != right.dtype:
        left, right = left.astype(str), right.astype(str)
    both = pd.concat([left, right], ignore_index=True)
    codes, _ = pd.factorize(both, use_na_sentinel=False)
    return codes.astype(np.int64)


def joint_keys(
    parent: pd.DataFrame, parent_cols: list[str], child: pd.DataFrame, child_cols: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of `parent` and `child` rows, equal where the composite key is equal.

    Why integers: the network view joins hundreds of thousands of rows; factorizing each column
    once and combining the codes costs a fraction of building and hashing text keys.
    """
    n = len(parent)
    key = np.zeros(n + len(child), dtype=np.int64)
    for pc, cc in zip(parent_cols, child_cols, strict=True):
        codes = _column_codes(parent[pc].reset_index(drop=True), child[cc].reset_index(drop=True))
        combined = key * (int(codes.max(initial=0)) + 1) + codes
        key = pd.factorize(combined)[0].astype(np.int64)  # compact again: no overflow, however many columns
    return key[:n], key[n:]


def index_of(parents: np.ndarray, children: np.ndarray) -> np.ndarray:
    """Position in `parents` of every key in `children` (−1 when absent; last duplicate wins)."""
    if len(parents) == 0 or len(children) == 0:
        return np.full(len(children), -1, dtype=np.int64)
    index = pd.Index(parents)
    if index.is_unique:
        return index.get_indexer(children).astype(np.int64)
    last = np.flatnonzero(~index.duplicated(keep="last"))  # the last row of every key, in order
    found = pd.Index(parents[last]).get_indexer(children)
    return np.where(found >= 0, last[np.clip(found, 0, None)], -1).astype(np.int64)


def positions(parent_keys: pd.DataFrame, child_keys: pd.DataFrame) -> np.ndarray:
    """Row position in `parent_keys` of every row of `child_keys` (−1 when absent)."""
    if len(parent_keys) == 0 or len(child_keys) == 0:
        return np.full(len(child_keys), -1, dtype=np.int64)
    parents, children = joint_keys(parent_keys, list(parent_keys.columns), child_keys, list(child_keys.columns))
    return index_of(parents, children)


def numbers(frame: pd.DataFrame, name: str, default: Any = np.nan) -> np.ndarray:
    """Column `name` as floats (unparsable → NaN), or `default` everywhere when it is absent."""
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.full(len(frame), default, dtype=float)
