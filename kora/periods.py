"""Reporting months: month arithmetic, the Stand (as-of month) choices, and the one month parser.

Readings are monthly; a month is represented by the date of its first day. Months are written the
way German (and English) Excel writes them: `Jan 25`, `Mrz 25`, `Mär. 2025`, `März 2025`, `Jan-25`,
`2025-03`, `2025-03-01`, `2025/03`, `03/2025`, `3.2025`, `03-2025`, `01.03.2025`, `31.3.25`,
`01.03.2025 00:00` and real date cells; a full date means its month. Slash dates with a day
(`3/1/2025`) are refused: German and US Excel read them differently.

Two entry points over the same rules: `read_month` (lenient: None when the value is no month) for
file cells and headers, `parse_month` (strict: a month or a German `KoraError`) for what people type
on the command line or in a URL.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from kora.errors import KoraError

LOCAL_TZ = "Europe/Berlin"  # dates typed by users ("Stand 31.03.") are local days
MONTH_HINT = "Bitte den Monat z. B. als 03.2025, 2025-03, Mrz 25 oder 01.03.2025 schreiben."

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


def read_month(value: object) -> dt.date | None:
    """Lenient entry point: the first day of the month a cell or text means, or None.

    Used where "not a month" is an answer, not an error (header detection, file cells)."""
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
    """`3/1/2025`: German and US Excel read it differently, so it is refused, never guessed."""
    return isinstance(value, str) and bool(_SLASH_DATE.fullmatch(value.strip()))


def month_start(day: dt.date) -> dt.date:
    """The first day of `day`'s month, always a date (a datetime loses its time of day)."""
    if isinstance(day, dt.datetime):
        day = day.date()
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
    """Strict entry point: '2025-06', 'März 2025', '06.2025' … → date(2025, 6, 1); German error otherwise."""
    month = read_month(text)
    if month is None:
        raise KoraError(
            f"Monat „{text}“ nicht erkannt: bitte im Format JJJJ-MM angeben, z. B. 2025-06 "
            "(auch 06.2025, Jun 26 oder Juni 2025)."
        )
    return month


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
