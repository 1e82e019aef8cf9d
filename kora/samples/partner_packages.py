"""Beispieldaten for the Städtevergleich: synthetic benchmark packages of a few partner cities.

Clearly labelled as synthetic — the descriptor says `"synthetisch": true` and its title starts
with "SYNTHETISCH", and packages so marked are stored as Beispieldaten (upload kind "demo"),
which the page and exports show as such. They go through the same full validation as a real
package, so loading them also proves the import path. Deterministic for a given `today`.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from kora.access.roles import Actor, authorize
from kora.db import Database
from kora.db.audit_store import AuditAction
from kora.errors import KoraError
from kora.kommunen import kommune, own_kommune
from kora.network import package, service
from kora.network.indicators import SharedIndicator, shared_indicators
from kora.periods import add_months, last_complete_month, month_range

FIRST = dt.date(2025, 1, 1)
# city -> (km per 100 000 EW per month, lag of its Stand in months): Oldenburg's package is old
PROFILES: dict[str, tuple[float, int]] = {
    "muenchen": (0.22, 0),
    "karlsruhe": (0.30, 0),
    "leipzig": (0.18, 1),
    "bonn": (0.12, 0),
    "frankfurt": (0.16, 2),
    "oldenburg": (0.26, 6),
}


def _value(ind: SharedIndicator, *, einwohner: int, level: float, rng: random.Random) -> float:
    scale = einwohner / 100_000
    if ind.id == "km_umgesetzt":
        return round(max(0.0, level * scale * rng.uniform(0.5, 1.5)), 2)
    if ind.id == "projekte_umgesetzt":
        return float(max(0, round(level * scale * 1.5 * rng.uniform(0.3, 1.7))))
    if ind.id == "planungsdauer_monate":
        return round(34 - 40 * level + rng.uniform(-3, 3), 1)
    if ind.id == "steckbriefe_anteil":
        return round(min(100.0, 150 * level + rng.uniform(5, 35)), 1)
    if ind.direction == "yesno":
        return 1.0 if rng.random() < 0.8 else 0.0
    return round(rng.uniform(ind.minimum or 0, ind.maximum or 10), 1)


def synthetic_package(city: str, *, today: dt.date | None = None) -> bytes:
    level, lag = PROFILES[city]
    target = kommune(city)
    as_of = add_months(last_complete_month(today), -lag)
    rng = random.Random(f"kora-netzwerk-{city}")
    rows = [
        (ind.id, month, _value(ind, einwohner=target.einwohner, level=level, rng=rng))
        for ind in shared_indicators()
        for month in month_range(FIRST, as_of)
    ]
    values = pd.DataFrame(rows, columns=["indicator_id", "month", "value"])
    created = dt.datetime.combine(add_months(as_of, 1).replace(day=5), dt.time(9, 0))
    return package.build_package(
        kommune=target, created=created, as_of=as_of, indicators=shared_indicators(), values=values, synthetic=True
    )


def synthetic_packages(*, today: dt.date | None = None, own: str | None = None) -> dict[str, bytes]:
    """File name → package bytes for every profiled city except `own`."""
    return {
        f"SYNTHETISCH-kora-benchmark-{city}.zip": synthetic_package(city, today=today)
        for city in PROFILES
        if city != own
    }


def load_samples(db: Database, *, actor: Actor | None, today: dt.date | None = None) -> int:
    """Import the synthetic partner packages (Beispieldaten); returns the values stored."""
    authorize(db, actor, AuditAction.BEISPIELDATEN_GELADEN, kommune=own_kommune())
    stored = 0
    for name, data in synthetic_packages(today=today, own=own_kommune()).items():
        outcome = service.import_package(db, data, filename=name, actor=actor, today=today)
        if outcome.errors:
            raise KoraError(f"Beispiel-Paket {name} ist fehlerhaft: {outcome.errors[0].message}")
        stored += outcome.new + outcome.changed
    return stored
