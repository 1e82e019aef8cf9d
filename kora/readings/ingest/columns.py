"""Arrow-backed text columns for 100 000-row uploads, built without a Python object per row.

pandas broadcasts a scalar string to a column by repeating it through an Arrow `take` with a
100 000-element index (about 1 ms per column, a dozen columns per import); an object array of
strings converts to pandas' Arrow-backed `str` dtype one Python object at a time. The helpers
here build the same `str` columns directly from Arrow buffers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

STR = pd.StringDtype("pyarrow", na_value=np.nan)
"""pandas' default text dtype ("str"): Arrow storage, NaN for missing."""


def _series(array: pa.Array, index: pd.Index | None = None) -> pd.Series:
    out = array.to_pandas(types_mapper={pa.large_string(): STR, pa.string(): STR}.get)
    if index is not None:
        out.index = index
    return out


def repeat_arrow(value: str, n: int) -> pa.Array:
    """An Arrow string array holding `value` n times, built from two buffers."""
    raw = value.encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int64) * len(raw) if raw else np.zeros(n + 1, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(raw * n))


def repeat_text(value: str, n: int, index: pd.Index | None = None) -> pd.Series:
    """A `str` column holding `value` n times (equal to `pd.Series(value, index=..., dtype="str")`)."""
    return _series(repeat_arrow(value, n), index)


def arrow_text(values: pd.Series) -> pa.Array:
    """A text column as Arrow (zero-copy for pandas' `str` dtype); missing values become nulls."""
    return pa.array(values.astype("str").array)


def take_text(values: Sequence[str], positions: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """`str` column with values[positions[i]] in row i (a few distinct strings spread over many rows)."""
    array = pa.array(list(values), type=pa.large_string()).take(pa.array(np.asarray(positions, dtype=np.int64)))
    return _series(array, index)


def repeat_label(value: str, n: int) -> pd.Series:
    """A column holding one label n times as a Categorical (one code byte per row).

    For a file's column labels ("C (Wert)"): read per row only when a problem is reported.
    """
    return pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[value]))
