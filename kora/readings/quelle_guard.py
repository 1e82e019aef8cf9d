"""A typed upload for an indicator whose values are derived is refused, naming the source.

While an indicator's `quelle` is the Maßnahmenliste or the milestones, its values are written by
kora.massnahmen as reading versions; a typed value would silently compete with them. The check
reads only the stored sources, so the readings package needs nothing from kora.massnahmen.
"""

from __future__ import annotations

import pandas as pd

from kora.db import Database, massnahmen_store
from kora.labels import QUELLE_LABELS
from kora.readings.ingest import Problem


def typed_upload_problems(db: Database, readings: pd.DataFrame, *, kommune: str) -> list[Problem]:
    """One problem per typed reading of an indicator whose values are derived (preview hook)."""
    if readings is None or readings.empty:
        return []
    derived = {k: v for k, v in massnahmen_store.quellen(db, kommune=kommune).items() if v != "meldung"}
    hit = readings[readings["indicator_id"].isin(list(derived))]
    return [
        Problem(
            int(r.line),
            str(r.column) or None,
            str(r.indicator_id),
            f"Die Werte von „{r.indicator_id}“ werden aus der Quelle „{QUELLE_LABELS[derived[r.indicator_id]]}“ "
            "abgeleitet und können nicht getippt hochgeladen werden. Bitte die Zeile löschen und die "
            f"{QUELLE_LABELS[derived[r.indicator_id]]} pflegen (oder die Administration stellt die Quelle auf "
            "„meldung“ zurück).",
        )
        for r in hit.itertuples(index=False)
    ]
