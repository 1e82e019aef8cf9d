"""What an upload is checked against: the indicator catalogue of one Kommune and the latest reportable month.

A `Catalogue` is read once per upload (from the DB, or from a loaded `Plan` in tests and benchmarks)
and handed to the checks, so validation itself never touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kora import periods
from kora.db import Database, import_store, plan_store
from kora.errors import KoraError, NotFoundError
from kora.plan.model import Plan


@dataclass(frozen=True)
class Rule:
    """What a value of one indicator may be (from the catalogue in the DB)."""

    id: str
    name: str
    unit: str
    direction: str
    minimum: float | None
    maximum: float | None
    integer: bool
    frequency: str = "monatlich"  # "quartalsweise": due in March, June, September, December only
    plausible_max: float | None = None  # above: the preview warns; far above (kora.plan.rules): refused

    def due_in(self, month: dt.date) -> bool:
        return self.frequency != "quartalsweise" or month.month % 3 == 0


@dataclass(frozen=True)
class Catalogue:
    kommune: str
    kommune_name: str
    plan_start: dt.date
    rules: tuple[Rule, ...]

    @classmethod
    def from_db(cls, db: Database, *, kommune: str) -> Catalogue:
        info = plan_store.kommune_info(db, kommune)
        if info is None:
            raise KoraError(f"Für die Kommune „{kommune}“ ist kein Plan geladen. Bitte zuerst: python -m kora init")
        rules = tuple(
            Rule(
                id=ind_id,
                name=name,
                unit=unit,
                direction=direction,
                minimum=None if minimum is None else float(minimum),
                maximum=None if maximum is None else float(maximum),
                integer=bool(is_integer),
                frequency=frequency or "monatlich",
                plausible_max=None if plausible is None else float(plausible),
            )
            for ind_id, name, unit, direction, minimum, maximum, is_integer, frequency, plausible in (
                import_store.catalogue_rows(db, kommune=kommune)
            )
        )
        start = info["plan_start"]
        start = start.date() if isinstance(start, dt.datetime) else start
        return cls(kommune, info["name"], start, rules)

    @classmethod
    def from_plan(cls, plan: Plan) -> Catalogue:
        rules = tuple(
            Rule(
                i.id,
                i.name,
                i.unit,
                i.direction,
                i.minimum,
                i.maximum,
                i.integer,
                getattr(i, "frequency", "monatlich"),
                getattr(i, "plausible_max", None),
            )
            for i in plan.indicators
        )
        return cls(plan.kommune, plan.kommune_name, plan.start_month, rules)

    def rule(self, indicator_id: str) -> Rule:
        for r in self.rules:
            if r.id == indicator_id:
                return r
        raise NotFoundError(f"Unbekannter Indikator „{indicator_id}“.")

    def lookup(self) -> dict[str, str]:
        """casefolded id or display name -> id."""
        out: dict[str, str] = {}
        for r in self.rules:
            out[match_key(r.name)] = r.id
        for r in self.rules:
            out[match_key(r.id)] = r.id
        return out


def match_key(text: str) -> str:
    """How names are compared: case and runs of spaces do not matter ("Km  umgesetzt" = "km umgesetzt")."""
    return " ".join(text.casefold().split())


def last_reportable_month(today: dt.date | None = None) -> dt.date:
    """Readings can be reported for months that are over: up to the last complete month."""
    return periods.last_complete_month(today or periods.today_local())
