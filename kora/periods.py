"""Reporting months: the Stand (as-of month) choices and parsing of `YYYY-MM`.

Readings are monthly; a month is represented by the date of its first day.
"""

from __future__ import annotations

import datetime as dt

from kora.errors import KoraError


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def last_complete_month(today: dt.date | None = None) -> dt.date:
    """The newest month that is over: the default Stand."""
    return add_months(month_start(today or dt.date.today()), -1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    month = month_start(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def parse_month(text: str) -> dt.date:
    """'2025-06' → date(2025, 6, 1); German error otherwise."""
    try:
        year, month = text.strip().split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise KoraError(f"Monat „{text}“ nicht erkannt: bitte im Format JJJJ-MM angeben, z. B. 2025-06.") from None


def parse_day(text: str) -> dt.date:
    """'2025-03-31' → date; German error otherwise."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise KoraError(
            f"Datum „{text}“ nicht erkannt: bitte im Format JJJJ-MM-TT angeben, z. B. 2025-03-31."
        ) from None
