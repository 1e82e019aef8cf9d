"""What a Maßnahmenliste and its Ereignisse table consist of: columns, phases, dates.

The coordinators keep the list in Excel, so the rules speak Excel: headers are matched
case-insensitively and without umlaut/space quirks ("Länge (km)", "laenge km"), dates may be
written with month precision (`03.2025`, `März 2025`) or as days (`01.03.2025`, date cells).
The precision is kept: "03.2025" is a month, not the first of March. Dates are handled as ISO
text (`YYYY-MM` or `YYYY-MM-DD`), which sorts and compares per month by its first 7 characters.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora.periods import is_ambiguous_slash_date, read_month

PHASES = ("Idee", "Vorplanung", "Entwurf", "Beschluss", "Ausführungsplanung", "Bau", "umgesetzt", "zurückgestellt")
PLANNING_PHASES = ("Vorplanung", "Entwurf")
DECIDED_PHASES = ("Beschluss", "Ausführungsplanung", "Bau")
ARTEN = ("geschützter Radfahrstreifen", "Fahrradstraße", "Radweg", "Knotenpunkt", "sonstige")
EVENT_KINDS = ("Abstimmungsschleife", "Richtungsänderung")
DATE_FIELDS = ("planungsbeginn", "beschluss_geplant", "beschluss", "fertigstellung_geplant", "fertigstellung")
ACTUAL_DATES = ("planungsbeginn", "beschluss", "fertigstellung")
MAX_NR = 40
MAX_TITLE = 300
MAX_TEXT = 200
MAX_ANLASS = 500
MAX_KM = 1000.0


@dataclass(frozen=True)
class Column:
    field: str  # identifier in code and DB
    header: str  # as the template writes it
    aliases: tuple[str, ...] = ()
    required: bool = False

    def header_keys(self) -> set[str]:
        return {header_key(self.header), header_key(self.field), *(header_key(a) for a in self.aliases)}


LIST_COLUMNS: tuple[Column, ...] = (
    Column("nr", "Nr", ("Nummer", "Nr.", "ID", "Maßnahmen-Nr"), required=True),
    Column("massnahme", "Maßnahme", ("Titel", "Bezeichnung", "Maßnahmentitel"), required=True),
    Column("art", "Art", ("Typ", "Maßnahmenart")),
    Column("laenge_km", "Länge km", ("Länge", "Länge (km)", "km", "Länge in km")),
    Column("prio_verwaltung", "Priorität Verwaltung", ("Prio Verwaltung", "Rang Verwaltung")),
    Column("prio_politik", "Priorität Politik", ("Prio Politik", "Rang Politik")),
    Column("phase", "Phase", ("Status", "Projektphase")),
    Column("projektleitung", "Projektleitung", ("Projektleiter*in", "Projektleiter", "PL")),
    Column("steckbrief", "Steckbrief", ("Projektsteckbrief",)),
    Column("planungsbeginn", "Planungsbeginn", ("Beginn Planung",)),
    Column("beschluss_geplant", "Beschluss geplant", ("geplanter Beschluss",)),
    Column("beschluss", "Beschluss", ("Beschlussdatum", "Baubeschluss")),
    Column("fertigstellung_geplant", "Fertigstellung geplant", ("geplante Fertigstellung",)),
    Column("fertigstellung", "Fertigstellung", ("fertiggestellt", "Fertigstellungsdatum")),
)
EVENT_COLUMNS: tuple[Column, ...] = (
    Column("nr", "Nr", ("Nummer", "Nr.", "Maßnahmen-Nr", "Maßnahme"), required=True),
    Column("datum", "Datum", ("Monat",), required=True),
    Column("ereignis", "Ereignis", ("Art des Ereignisses",), required=True),
    Column("anlass", "Anlass", ("Grund", "Bemerkung")),
)
LABELS = {c.field: c.header for c in LIST_COLUMNS} | {"datum": "Datum", "ereignis": "Ereignis", "anlass": "Anlass"}
LIST_FIELDS = tuple(c.field for c in LIST_COLUMNS)
EVENT_FIELDS = tuple(c.field for c in EVENT_COLUMNS)

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold().translate(_UMLAUTS))


def header_key(text: object) -> str:
    """'Länge (km)' -> 'laengekm': what two spellings of one header have in common."""
    return "" if text is None else _key(str(text))


def phase_key(text: str) -> str | None:
    """The canonical phase for a cell ('bau', 'Ausfuehrungsplanung' …), None when unknown."""
    key = header_key(text)
    for phase in PHASES:
        if header_key(phase) == key:
            return phase
    return None


@functools.lru_cache(maxsize=1024)
def event_kind(text: str) -> str | None:
    key = header_key(text)
    for kind in EVENT_KINDS:
        if header_key(kind) == key or (key and header_key(kind).startswith(key) and len(key) >= 8):
            return kind
    return None


# --- dates ------------------------------------------------------------------------------------

_DAY_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?")
_DAY_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?")
DATE_HINT = "Bitte als Monat (z. B. 03.2025 oder März 2025) oder als Tag (z. B. 01.03.2025) schreiben."


class DateProblem(ValueError):
    """A cell that is not a date; `str(err)` is the German message."""


def _day(year: int, month: int, day: int, raw: str) -> str:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise DateProblem(f"Den Tag „{raw}“ gibt es nicht. " + DATE_HINT) from None
    if not 1900 <= year <= 2100:
        raise DateProblem(f"Das Jahr {year} ist nicht plausibel. " + DATE_HINT)
    return value.isoformat()


def parse_date(value: object) -> str | None:
    """ISO text of a date cell, month precision ('2025-03') or day ('2025-03-01'); None if empty.

    Raises DateProblem (German) for text that is no date, days that do not exist (31.02.2025)
    and US/German-ambiguous slash dates.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        return _day(day.year, day.month, day.day, str(value))
    if isinstance(value, (bool, int | float)):
        raise DateProblem(
            f"„{value}“ ist eine Zahl, kein Datum (Excel zeigt Datumszellen manchmal als Zahl). "
            "Bitte die Zelle als Datum formatieren. " + DATE_HINT
        )
    return _parse_text_date(" ".join(str(value).strip().split()))


@functools.lru_cache(maxsize=8192)
def _parse_text_date(text: str) -> str | None:
    """parse_date for text cells, memoised: a list repeats the same few hundred months."""
    if not text:
        return None
    if is_ambiguous_slash_date(text):
        raise DateProblem(
            f"„{text}“ ist mehrdeutig (deutsche und US-Schreibweise). Bitte als 01.03.2025 oder 03.2025 schreiben."
        )
    if m := _DAY_DMY.fullmatch(text):
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return _day(year, int(m[2]), int(m[1]), text)
    if m := _DAY_ISO.fullmatch(text):
        return _day(int(m[1]), int(m[2]), int(m[3]), text)
    month = read_month(text)
    if month is None:
        raise DateProblem(f"„{text}“ ist kein Datum. " + DATE_HINT)
    return f"{month.year:04d}-{month.month:02d}"


def month_of(iso: str | None) -> str | None:
    """'2025-03-14' -> '2025-03' (the month a date falls into)."""
    return iso[:7] if iso else None


def month_index(iso: str | None) -> int | None:
    """year·12 + month − 1: whole months between two dates are differences of these."""
    if not iso:
        return None
    return int(iso[:4]) * 12 + int(iso[5:7]) - 1


def index_month(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def show_date(iso: str | None) -> str:
    """German text of an ISO date of either precision: '03.2025' or '14.03.2025'."""
    if not iso:
        return ""
    if len(iso) == 7:
        return f"{iso[5:7]}.{iso[:4]}"
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}"


def show(field_name: str, value: Any) -> str:
    """A field's value as the preview, the history and the exports show it (German)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):  # NaN
        return ""
    if field_name in DATE_FIELDS:
        return show_date(str(value))
    if field_name == "steckbrief":
        return "ja" if bool(value) else "nein"
    if field_name == "laenge_km":
        return f"{float(value):.3f}".rstrip("0").rstrip(".").replace(".", ",")
    if field_name in ("prio_verwaltung", "prio_politik"):
        return str(int(value))
    return str(value)


def effective_phase(phase: str | None, dates: dict[str, str | None]) -> str:
    """The phase as written, or — when empty — the phase that follows from the dates."""
    if phase:
        return phase
    if dates.get("fertigstellung"):
        return "umgesetzt"
    if dates.get("beschluss"):
        return "Beschluss"
    if dates.get("planungsbeginn"):
        return "Vorplanung"
    return "Idee"


def phase_conflict(phase: str, dates: dict[str, str | None]) -> str | None:
    """Why a written phase contradicts the dates (German, with the fix), or None."""
    done, decided, started = dates.get("fertigstellung"), dates.get("beschluss"), dates.get("planungsbeginn")
    if phase == "umgesetzt" and not done:
        return "Phase „umgesetzt“, aber „Fertigstellung“ ist leer. Bitte das Datum der Fertigstellung eintragen oder die Phase korrigieren."
    if done and phase not in ("umgesetzt",):
        return (
            f"Phase „{phase}“ passt nicht zur eingetragenen Fertigstellung ({show_date(done)}). "
            "Bitte Phase „umgesetzt“ eintragen (oder leer lassen) oder die Fertigstellung löschen."
        )
    if phase in DECIDED_PHASES and not decided:
        return f"Phase „{phase}“ setzt einen Beschluss voraus, aber „Beschluss“ ist leer. Bitte das Beschlussdatum eintragen oder die Phase korrigieren."
    if phase in ("Idee", *PLANNING_PHASES) and decided:
        return (
            f"Phase „{phase}“ liegt vor dem Beschluss, aber ein Beschluss ({show_date(decided)}) ist eingetragen. "
            "Bitte die Phase korrigieren (z. B. „Beschluss“ oder „Bau“) oder leer lassen."
        )
    if phase in PLANNING_PHASES and not started:
        return f"Phase „{phase}“: die Planung hat begonnen, aber „Planungsbeginn“ ist leer. Bitte den Planungsbeginn eintragen."
    if phase == "Idee" and started:
        return (
            f"Phase „Idee“, aber ein Planungsbeginn ({show_date(started)}) ist eingetragen. "
            "Bitte Phase „Vorplanung“ oder „Entwurf“ eintragen oder leer lassen."
        )
    return None


def before(a: str, b: str) -> bool:
    """Whether date a lies before date b, compared at the coarser of their precisions."""
    if len(a) == 7 or len(b) == 7:
        return a[:7] < b[:7]
    return a < b


def in_future(iso: str, today: dt.date) -> bool:
    if len(iso) == 7:
        return iso > f"{today.year:04d}-{today.month:02d}"
    return iso > today.isoformat()
