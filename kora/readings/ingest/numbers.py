"""Numbers as German Excel writes them, parsed column-wise (pandas string methods, no loops).

One decimal style holds for a whole file: German files use the decimal comma and a point (or a
space) to group thousands (`1.234,5`); files from English tools use the decimal point. The
style is decided from the evidence in all value cells: any comma followed by one, two or more
than three digits means decimal comma; only then, a point followed by such digits means decimal
point. Without evidence (every value an integer or `1.234`-like), the German reading wins:
`1.234` is one thousand two hundred thirty-four. The preview shows the parsed number, so a
misread is visible before anything is saved. A value that does not fit the file's style is an
error, never a guess.

Patterns are ASCII-only on purpose: pyarrow evaluates them natively (about 20x faster than the
Python fallback pandas uses for other patterns); exotic group separators (no-break spaces,
apostrophes) are first turned into plain spaces, only in files that contain them.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_EXOTIC_SPACES = ("\u00a0", "\u202f", "'", "\u2009")
_COMMA_EVIDENCE = r"\d,\d{1,2}(?:\D|$)|\d,\d{4,}|\d\.\d{3},\d"
_POINT_EVIDENCE = r"\d\.\d{1,2}(?:\D|$)|\d\.\d{4,}|\d,\d{3}\.\d"
_EXP = r"(?:[eE][+-]?\d+)?"
PATTERNS = {
    ",": rf"[+-]?(?:\d{{1,3}}(?:[. ]\d{{3}})+|\d+)(?:,\d+)?{_EXP}|[+-]?,\d+{_EXP}",
    ".": rf"[+-]?(?:\d{{1,3}}(?:[, ]\d{{3}})+|\d+)(?:\.\d+)?{_EXP}|[+-]?\.\d+{_EXP}",
}
_GROUPS = {",": (".", " "), ".": (",", " ")}
_HEAD = 1000


def normalise(values: pd.Series) -> pd.Series:
    """Trim; typographic minus -> '-'; no-break/thin spaces and apostrophes -> ' ' (group separators)."""
    values = values.astype("str").str.strip()
    # all characters but the apostrophe are non-ASCII: one cheap ASCII test skips four scans
    ascii_only = bool(pc.all(pc.string_is_ascii(pa.array(values.array))).as_py()) if len(values) else True
    if not ascii_only and values.str.contains("\u2212", regex=False).any():
        values = values.str.replace("\u2212", "-", regex=False)
    for ch in _EXOTIC_SPACES:
        if (ch.isascii() or not ascii_only) and values.str.contains(ch, regex=False).any():
            values = values.str.replace(ch, " ", regex=False)
    return values


def detect_decimal(values: pd.Series) -> str:
    """',' or '.' for the whole file (see module docstring)."""
    if values.empty:
        return ","
    if _any_match(values, _COMMA_EVIDENCE):
        return ","
    return "." if _any_match(values, _POINT_EVIDENCE) else ","


def _any_match(values: pd.Series, pattern: str) -> bool:
    """Whether any cell matches; looks at the first cells before scanning them all (evidence is usually early)."""
    head = values.iloc[:_HEAD]
    if head.str.contains(pattern, regex=True).any():
        return True
    return len(values) > _HEAD and bool(values.iloc[_HEAD:].str.contains(pattern, regex=True).any())


def parse_numbers(values: pd.Series, decimal: str) -> pd.Series:
    """float64 Series; NaN where a cell is not a number in the given style (expects `normalise`d text).

    Runs in pyarrow compute (RE2 match, substring replace, string->double cast): one pass over
    Arrow memory per step, about 10x faster than `pd.to_numeric` on 100 000 cells.
    """
    arr = pa.array(values.astype("str").array)
    ok = pc.match_substring_regex(arr, f"^(?:{PATTERNS[decimal]})$")
    cleaned = arr
    for group in _GROUPS[decimal]:  # plain substring replaces: several times faster than one regex replace
        if group != " " or pc.any(pc.match_substring(cleaned, " ")).as_py():  # spaces are rare: test first
            cleaned = pc.replace_substring(cleaned, group, "")
    if decimal == ",":
        cleaned = pc.replace_substring(cleaned, ",", ".")
    numbers = pc.cast(pc.if_else(pc.fill_null(ok, False), cleaned, None), pa.float64())
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")
