"""Reporting months: the Stand (as-of month) choices and parsing of `YYYY-MM`.

Readings are monthly; a month is represented by the date of its first day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from kora.errors import KoraError

LOCAL_TZ = "Europe/Berlin"  # dates typed by users ("Stand 31.03.") are local days


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def utcnow() -> dt.datetime:
    """Naive UTC, the form every stored timestamp (recorded_at, happened_at) has."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_local(stamp: object) -> dt.datetime | None:
    """Stored naive UTC → naive Aachen wall time, for 'gespeichert am' in German displays."""
    import pandas as pd  # local: periods stays importable without pandas in tiny scripts

    if stamp is None or bool(pd.isna(stamp)):
        return None
    ts = pd.Timestamp(stamp).to_pydatetime()
    try:
        return ts.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(LOCAL_TZ)).replace(tzinfo=None)
    except zoneinfo.ZoneInfoNotFoundError:
        return ts


def today_local() -> dt.date:
    """Today in Aachen. Servers often run on UTC: between midnight and 1–2 a.m. Berlin time on the
    1st, `date.today()` would still be the old month there, and a just-finished month could not be
    reported yet."""
    try:
        return dt.datetime.now(zoneinfo.ZoneInfo(LOCAL_TZ)).date()
    except zoneinfo.ZoneInfoNotFoundError:  # no tz database on the machine
        return dt.date.today()


def now_local() -> dt.datetime:
    """Now in Aachen, without tzinfo (for texts people read, e.g. 'Exportiert am …')."""
    try:
        return dt.datetime.now(zoneinfo.ZoneInfo(LOCAL_TZ)).replace(tzinfo=None)
    except zoneinfo.ZoneInfoNotFoundError:
        return dt.datetime.now()


def last_complete_month(today: dt.date | None = None) -> dt.date:
    """The newest month that is over: the default Stand."""
    return add_months(month_start(today or today_local()), -1)


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
        year, month = str(text).strip().split("-")
        if len(year) != 4:
            raise ValueError(text)
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise KoraError(f"Monat „{text}“ nicht erkannt: bitte im Format JJJJ-MM angeben, z. B. 2025-06.") from None


def parse_day(text: str) -> dt.date:
    """'2025-03-31' → date; German error otherwise."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except (ValueError, TypeError):
        raise KoraError(
            f"Datum „{text}“ nicht erkannt: bitte im Format JJJJ-MM-TT angeben, z. B. 2025-03-31."
        ) from None


def normalize_known_at(known_at: dt.datetime | dt.date | None) -> dt.datetime | None:
    """None = now (all versions). A date means the end of that (local) day; result is naive UTC
    like `readings.recorded_at`. Aware datetimes are converted, naive ones taken as UTC."""
    if known_at is None:
        return None
    if isinstance(known_at, dt.datetime):
        if known_at.tzinfo is not None:
            return known_at.astimezone(dt.UTC).replace(tzinfo=None)
        return known_at
    end = dt.datetime.combine(known_at, dt.time.max)
    try:
        end = end.replace(tzinfo=zoneinfo.ZoneInfo(LOCAL_TZ))
    except zoneinfo.ZoneInfoNotFoundError:  # no tz database: treat the day as UTC
        return end
    return end.astimezone(dt.UTC).replace(tzinfo=None)
