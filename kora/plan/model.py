"""The Aktionsplan as typed objects: Aktionsfelder, Vorhaben, milestones, indicators.

Pure data (frozen dataclasses and the allowed values of their fields): every other room — the
database, the admin edits, the reports — speaks in these types, so they import nothing but the
standard library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# The Kommune a single-city installation works on (the plan file's `kommune`).
DEFAULT_KOMMUNE = "aachen"

DIRECTIONS = ("up", "down", "yesno")
AGGREGATIONS = ("sum", "mean", "last")
MILESTONE_STATUSES = ("offen", "erreicht", "verschoben")
# How often an indicator is reported: quarterly surveys are due in March, June, September, December.
FREQUENCIES = ("monatlich", "quartalsweise")


@dataclass(frozen=True)
class Aktionsfeld:
    code: str
    title: str


@dataclass(frozen=True)
class Idea:
    """One Umsetzungsidee; `teilvorhaben` numbers it when the seed groups ideas that way."""

    text: str
    teilvorhaben: int | None = None
    punkte: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "teilvorhaben": self.teilvorhaben, "punkte": list(self.punkte)}


@dataclass(frozen=True)
class Milestone:
    id: str
    vorhaben: int
    text: str
    due: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vorhaben": self.vorhaben,
            "text": self.text,
            "faellig": self.due.isoformat() if self.due else None,
        }


@dataclass(frozen=True)
class Vorhaben:
    nr: int
    aktionsfeld: str
    title: str
    zielsetzung: str
    umsetzungsideen: tuple[Idea, ...]
    meilensteine: tuple[Milestone, ...]
    indikatoren_text: tuple[str, ...]
    partner_cities: tuple[str, ...]
    vorsaetze: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    messung: str
    erhoben_von: str
    unit: str
    direction: str
    aggregation: str
    baseline: float | None
    baseline_year: int | None
    targets: dict[int, float]
    vorhaben: tuple[int, ...]
    quelle_text: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    weight: float = 1.0
    plausible_max: float | None = None  # a monthly value above it is warned about (`plausibel_max`)
    assumption: bool = True
    frequency: str = "monatlich"


@dataclass(frozen=True)
class Plan:
    kommune: str
    kommune_name: str
    title: str
    intro: str
    credit: str
    start_month: dt.date
    aktionsfelder: tuple[Aktionsfeld, ...]
    vorhaben: tuple[Vorhaben, ...]
    indicators: tuple[Indicator, ...] = field(default=())

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)
