"""Which sources an indicator's values may come from: typed (`meldung`), the Maßnahmenliste or the milestones.

The catalogue file (data/indikatoren.toml, field `quelle`, default "meldung") sets the start. This
module is the vocabulary only (no database), so `kora.plan.setup` can load the catalogue's sources
at init and `kora.readings` can refuse typed uploads of derived indicators without importing the
Maßnahmen package that computes the values (kora.massnahmen sits above both).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from kora.errors import PlanFileError
from kora.labels import QUELLE_LABELS

QUELLEN = ("meldung", "massnahmen", "meilensteine")
# indicators the Maßnahmenliste can derive (kora.massnahmen.derive computes them)
DERIVED = (
    "km_umgesetzt",
    "projekte_umgesetzt",
    "planungsdauer_monate",
    "abstimmungsschleifen",
    "adhoc_aenderungen",
    "steckbriefe_anteil",
    "fruehwarnungen",
)
FROM_MILESTONES = ("meilensteine_erreicht",)
ALLOWED = {
    **dict.fromkeys(DERIVED, ("meldung", "massnahmen")),
    **dict.fromkeys(FROM_MILESTONES, ("meldung", "meilensteine")),
}


def allowed_for(indicator_id: str) -> tuple[str, ...]:
    return ALLOWED.get(indicator_id, ("meldung",))


def quelle_problem(indicator_id: str, quelle: str) -> str | None:
    """German text why `quelle` cannot be the source of `indicator_id`; None when it can."""
    if quelle not in QUELLEN:
        return f"Quelle „{quelle}“ gibt es nicht; erlaubt: {', '.join(QUELLEN)}."
    if quelle not in allowed_for(indicator_id):
        return (
            f"„{indicator_id}“ kann nicht aus „{QUELLE_LABELS[quelle]}“ abgeleitet werden; möglich: "
            f"{', '.join(allowed_for(indicator_id))}."
        )
    return None


def catalogue_quellen(catalogue_path: Path | str) -> dict[str, str]:
    """`quelle` per indicator from the catalogue file (default meldung); PlanFileError when invalid."""
    path = Path(catalogue_path)
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, str] = {}
    for item in raw.get("indikator", []):
        ind_id, quelle = str(item.get("id", "")), item.get("quelle", "meldung")
        problem = quelle_problem(ind_id, str(quelle))
        if problem:
            raise PlanFileError(path.name, f"Indikator {ind_id}", "quelle", problem)
        out[ind_id] = str(quelle)
    return out
