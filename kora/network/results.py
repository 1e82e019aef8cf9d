"""What the network's operations return — plain data, no database.

`kora.network.service` fills them; the CLI prints them, the page shows them and the Brownbag
slide and sheet (kora.report.network, kora.report.export.xlsx) draw `Comparison` without touching
the database, so page, slide and sheet show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kora.kommunen import by_id
from kora.network.indicators import SharedIndicator
from kora.readings.ingest.problems import Problem


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    filename: str
    kommune: str
    as_of: dt.date
    n_values: int
    skipped_demo: int


@dataclass
class ImportOutcome:
    kommune: str | None = None
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    upload_id: int | None = None
    as_of: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "kommune": self.kommune,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": [p.as_dict() for p in self.errors],
        }

    @property
    def message(self) -> str:
        if self.errors:
            n = len(self.errors)
            return (
                f"Das Benchmark-Paket wurde abgelehnt: {n} Problem{'e' if n != 1 else ''}. Es wurde nichts gespeichert."
            )
        name = by_id()[self.kommune].name if self.kommune in by_id() else self.kommune
        counts = f"{self.new} neu, {self.changed} korrigiert, {self.unchanged} unverändert"
        if self.dry_run:
            return f"Probelauf für {name} (nichts gespeichert): {counts}."
        return f"Benchmark-Paket von {name} (Stand {self.as_of:%Y-%m}) gespeichert: {counts}."


@dataclass(frozen=True)
class Comparison:
    indicator: SharedIndicator
    year: int
    as_of: dt.date
    own: str
    table: pd.DataFrame  # kommune, name, value, per_100k, compared, rank, months, stand, stand_old, …
    stats: dict[str, float | None]
    trends: dict[str, list[float | None]]
    learn_from: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """The `netzwerk vergleich --json` shape."""
        rows = [
            {
                "kommune": r.kommune,
                "name": r.name,
                "value": _num(r.value),
                "per_100k": _num(r.per_100k),
                "rank": None if pd.isna(r.rank) else int(r.rank),
            }
            for r in self.table.itertuples(index=False)
        ]
        return {"indicator": self.indicator.id, "year": self.year, "kommunen": rows, "median": self.stats["median"]}


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 6)
