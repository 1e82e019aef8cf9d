"""Benchmark packages received from partner cities, as the Historie page lists them.

A package is stored like an upload of the sending Kommune (its own upload id, append-only
versions), so the Historie page shows it as exactly that: a read-only row of the other city.
It is never reverted or edited here — a city corrects its numbers by sending a newer package.
"""

from __future__ import annotations

import pandas as pd

from kora import fmt
from kora.db import Database, network_store, readings_store
from kora.kommunen import by_id

COLUMNS = ["Kommune", "Paket erstellt", "Stand", "Empfangen am", "Importiert von", "Neu", "Geändert", "Unverändert"]


def received_packages(db: Database, *, own: str) -> pd.DataFrame:
    """Every package received from another Kommune than `own` (newest first), German columns."""
    packages = network_store.packages_df(db)
    packages = packages[packages["kommune"] != own]
    if packages.empty:
        return pd.DataFrame(columns=COLUMNS)
    counts = readings_store.uploads_df(db).set_index("id")[["n_new", "n_changed", "n_unchanged"]]
    rows = packages.join(counts, on="upload_id")
    names = by_id()
    return pd.DataFrame(
        {
            "Kommune": [names[k].name if k in names else k for k in rows["kommune"]],
            "Paket erstellt": [fmt.local_stamp(v) for v in rows["created"]],
            "Stand": [fmt.month_name(fmt.as_date(v)) for v in rows["as_of"]],  # type: ignore[arg-type]
            "Empfangen am": [fmt.local_stamp(v) for v in rows["received_at"]],
            "Importiert von": rows["received_by"].astype(str),
            "Neu": rows["n_new"].astype("Int64"),
            "Geändert": rows["n_changed"].astype("Int64"),
            "Unverändert": rows["n_unchanged"].astype("Int64"),
        }
    ).reset_index(drop=True)
