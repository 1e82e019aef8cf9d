"""Find the header row of a sheet and the role of each of its columns.

Coordinators rename, reorder and translate the template's headers; a header is recognised by
its roles (Indikator, Monat, Wert …, case-insensitive, English aliases allowed) within the first
non-empty rows, so a title row above the table is skipped rather than read as data.
"""

from __future__ import annotations

import re

import pandas as pd

from kora.periods import read_month
from kora.readings.ingest.problems import FileRejected, Problem, display

ROLES: dict[str, set[str]] = {
    "indicator": {
        "indikator",
        "indicator",
        "indikator id",
        "indicator id",
        "id",
        "kennzahl",
        "kennzahl id",
        "indikatoren",
    },
    "name": {"name", "bezeichnung", "indikatorname", "indikator name", "indicator name", "titel"},
    "month": {"monat", "month", "period", "periode", "zeitraum", "berichtsmonat", "datum", "date"},
    "value": {"wert", "value", "messwert", "werte"},
    "comment": {"kommentar", "comment", "bemerkung", "bemerkungen", "anmerkung", "notiz", "hinweis"},
    "kommune": {"kommune", "municipality", "stadt", "city"},
    "source": {"quelle", "source", "datenquelle"},
    "info": {"einheit", "unit", "vorhaben", "aktionsfeld"},
}
_ROLE_OF = {alias: role for role, aliases in ROLES.items() for alias in aliases}
HEADER_SEARCH_ROWS = 10


def normalise_header(value: object) -> str:
    """'Wert (km)' / 'WERT_' → 'wert': units in brackets, separators and case do not matter."""
    text = display(value).casefold()
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text)
    text = re.sub(r"[_\-:*]", " ", text)
    return " ".join(text.split())


def role_of(value: object) -> str | None:
    """The role of a header cell ('indicator', 'month', …) or None."""
    return _ROLE_OF.get(normalise_header(value))


def _header_kind(cells: list[object]) -> str | None:
    """'lang' or 'breit' when this row is a header of that layout, else None."""
    roles = [role_of(c) for c in cells]
    if "month" in roles and ("value" in roles or "indicator" in roles or "name" in roles):
        return "lang"
    if "value" in roles and ("indicator" in roles or "name" in roles):
        return "lang"  # month column missing: reported as a problem on the header
    months = [i for i, c in enumerate(cells) if role_of(c) is None and read_month(c) is not None]
    if not months:
        return None
    first_month = months[0]
    before = cells[:first_month]
    if any(role_of(c) in ("indicator", "name") for c in before):
        return "breit"
    if before and display(before[0]) == "":
        return "breit"
    return None


def find_header(grid: pd.DataFrame, blank: pd.Series) -> tuple[int, str]:
    """(line, layout) of the first header among the first non-empty rows; no header is a FileRejected."""
    candidates = [int(i) for i in grid.index[~blank.to_numpy()][:HEADER_SEARCH_ROWS]]
    if not candidates:
        raise FileRejected(
            Problem(None, None, None, "Die Datei enthält keine Daten. Bitte die ausgefüllte Vorlage hochladen.")
        )
    for line in candidates:
        kind = _header_kind(list(grid.loc[line]))
        if kind:
            return line, kind
    first = candidates[0]
    shown = "; ".join(t for t in (display(c) for c in grid.loc[first]) if t)[:120]
    raise FileRejected(
        Problem(
            line=first,
            column=None,
            value=shown,
            message="Keine Kopfzeile erkannt. Erwartet wird eine Zeile mit den Spalten Indikator, Monat, Wert "
            "(und optional Kommentar) oder – im breiten Format – Indikator und Monatsspalten wie „Jan 25“ "
            "oder „2025-03“. Am einfachsten die Vorlage herunterladen und ausfüllen.",
        )
    )
