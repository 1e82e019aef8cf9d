"""Which indicators the network compares, and how they are made comparable.

An indicator is shared when cities define it the same way (definition, unit, direction,
aggregation) — the catalogue marks it with `vergleich`. Strecken and Anzahlen grow with the size
of a city and are compared per 100 000 Einwohner ("je_100k"); means, shares and yes/no are
compared as measured ("keine").
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kora.errors import PlanFileError
from kora.plan.files import CATALOGUE_FILE, PLAN_FILE, load_plan
from kora.plan.model import Indicator

NORMALISATIONS = ("je_100k", "keine")
PER = 100_000


@dataclass(frozen=True)
class SharedIndicator:
    id: str
    name: str
    unit: str
    direction: str
    aggregation: str
    normalisation: str
    vorhaben: tuple[int, ...]
    minimum: float | None
    maximum: float | None
    targets: tuple[tuple[int, float], ...] = ()

    @property
    def per_100k(self) -> bool:
        return self.normalisation == "je_100k"

    @property
    def unit_compared(self) -> str:
        """The unit of the compared number: 'km je 100 000 EW' or the unit itself."""
        return f"{self.unit} je 100 000 EW" if self.per_100k else self.unit

    def definition(self) -> dict[str, str]:
        """What a benchmark package states about the indicator (and must match on import)."""
        return {"id": self.id, "einheit": self.unit, "richtung": self.direction, "aggregation": self.aggregation}


def _marks(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, str] = {}
    for item in raw.get("indikator", []):
        if isinstance(item, dict) and "vergleich" in item:
            mark = item["vergleich"]
            if mark not in NORMALISATIONS:
                raise PlanFileError(
                    path.name,
                    f"Indikator {item.get('id')}",
                    "vergleich",
                    f"{mark!r} ist nicht erlaubt; erlaubt: {', '.join(NORMALISATIONS)}.",
                )
            out[str(item.get("id"))] = mark
    return out


def _shared(ind: Indicator, mark: str) -> SharedIndicator:
    return SharedIndicator(
        id=ind.id,
        name=ind.name,
        unit=ind.unit,
        direction=ind.direction,
        aggregation=ind.aggregation,
        normalisation=mark,
        vorhaben=ind.vorhaben,
        minimum=ind.minimum,
        maximum=ind.maximum,
        targets=tuple(sorted(ind.targets.items())),
    )


@functools.lru_cache(maxsize=4)
def _load(plan_path: str, catalogue_path: str, mtime: float) -> tuple[SharedIndicator, ...]:
    plan = load_plan(plan_path, catalogue_path)  # the catalogue's own validation, one copy
    marks = _marks(Path(catalogue_path))
    return tuple(_shared(ind, marks[ind.id]) for ind in plan.indicators if ind.id in marks)


def shared_indicators(
    plan_path: Path | str = PLAN_FILE, catalogue_path: Path | str = CATALOGUE_FILE
) -> tuple[SharedIndicator, ...]:
    """The indicators marked `vergleich` in the catalogue, in catalogue order."""
    p = Path(catalogue_path)
    return _load(str(plan_path), str(p), p.stat().st_mtime if p.exists() else 0.0)


def shared_by_id() -> dict[str, SharedIndicator]:
    return {s.id: s for s in shared_indicators()}


def normalise(value: float | None, *, einwohner: int, normalisation: str) -> float | None:
    """The compared number: per 100 000 Einwohner for "je_100k", else the value itself."""
    if value is None or value != value:
        return None
    if normalisation == "je_100k":
        return float(value) / einwohner * PER
    return float(value)
