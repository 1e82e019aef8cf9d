"""Month cells and month headers as German (and English) Excel writes them.

Accepted: `Jan 25`, `Mrz 25`, `Mär. 2025`, `März 2025`, `Jan-25`, `2025-03`, `2025-03-01`,
`2025/03`, `03/2025`, `3.2025`, `03-2025`, `01.03.2025`, `31.3.25`, `01.03.2025 00:00` and real
date cells. A full date means its month (monthly readings). Slash dates with a day
(`3/1/2025`) are refused: German and US Excel read them differently.
"""

from __future__ import annotations

import datetime as dt
import re

from kora.fmt import month_name

MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "januar jan jänner jän january",
        "februar feb february",
        "märz mär mrz maerz mar march",
        "april apr",
        "mai may",
        "juni jun june",
        "juli jul july",
        "august aug",
        "september sep sept",
        "oktober okt oct october",
        "november nov",
        "dezember dez dec december",
    ),
    start=1,
):
    for _name in _names.split():
        MONTH_NAMES[_name] = _number


_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})(?:-(\d{1,2}))?" + _TIME)
_MONTH_YEAR = re.compile(r"(\d{1,2})[./-](\d{4})")
_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})" + _TIME)
_SLASH_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}" + _TIME)
_NAMED = re.compile(r"([a-zäöü]+)\.?[\s\-/.']*('?\d{2}|\d{4})")


def _year(text: str) -> int:
    text = text.lstrip("'")
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _month(year: int, month: int, day: int = 1) -> dt.date | None:
    if not 1900 <= year <= 2100 or not 1 <= month <= 12:
        return None
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return dt.date(year, month, 1)


def parse_month(value: object) -> dt.date | None:
    """First day of the month the cell means, or None when it is not recognisable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().casefold().split())
    if not text:
        return None
    if m := _ISO.fullmatch(text):
        return _month(int(m[1]), int(m[2]), int(m[3]) if m[3] else 1)
    if m := _MONTH_YEAR.fullmatch(text):
        return _month(int(m[2]), int(m[1]))
    if m := _DMY.fullmatch(text):
        return _month(_year(m[3]), int(m[2]), int(m[1]))
    if m := _NAMED.fullmatch(text):
        number = MONTH_NAMES.get(m[1])
        return _month(_year(m[2]), number) if number else None
    return None


def is_ambiguous_slash_date(value: object) -> bool:
    return isinstance(value, str) and bool(_SLASH_DATE.fullmatch(value.strip()))


def month_text(month: dt.date) -> str:
    """'03/2025': short, unambiguous, what the preview and messages show."""
    return f"{month.month:02d}/{month.year}"


month_long = month_name  # 'März 2025' (kora.fmt)


MONTH_HINT = "Bitte den Monat z. B. als 03.2025, 2025-03, Mrz 25 oder 01.03.2025 schreiben."
