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
    key = frame[cols[0]].astype(str)
    for c in cols[1:]:
        key = key + "\x1f" + frame[c].astype(str)
    return key.to_numpy(dtype=object)


def index_of(parents: np.ndarray, children: np.ndarray) -> np.ndarray:
    """Position in `parents` of every key in `children` (−1 when absent; last duplicate wins)."""
    if len(parents) == 0 or len(children) == 0:
        return np.full(len(children), -1, dtype=np.int64)
    index = pd.Index(parents)
    if not index.is_unique:
        lookup = {key: i for i, key in enumerate(parents)}
        return np.fromiter((lookup.get(k, -1) for k in children), dtype=np.int64, count=len(children))
    return index.get_indexer(children).astype(np.int64)


def positions(parent_keys: pd.DataFrame, child_keys: pd.DataFrame) -> np.ndarray:
    """Row position in `parent_keys` of every row of `child_keys` (−1 when absent)."""
    if len(parent_keys) == 0 or len(child_keys) == 0:
        return np.full(len(child_keys), -1, dtype=np.int64)
    return index_of(
        key_strings(parent_keys, list(parent_keys.columns)), key_strings(child_keys, list(child_keys.columns))
    )


def numbers(frame: pd.DataFrame, name: str, default: Any = np.nan) -> np.ndarray:
    """Column `name` as floats (unparsable → NaN), or `default` everywhere when it is absent."""
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.full(len(frame), default, dtype=float)
