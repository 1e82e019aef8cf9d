"""The results of goal tracking as plain data: `StatusReport` and `Changes`.

Why a module of its own: dashboards, exports and the CLI all consume these types, and
`kora.report` must never touch the database. The builders that query it live next door
(`kora.tracking.status`, `kora.tracking.changes`); this module imports no database code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kora import metrics
from kora.network.results import Comparison
from kora.tracking.compare import improved, status_changes

# --- JSON cleaning ---------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else round(v, 10)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _column(values: pd.Series) -> list[Any]:
    """One column as JSON-ready Python values, converted column-wise: the same values `_clean` gives.

    Why: `status --kommune alle --json` cleans tens of thousands of cells; asking every cell for
    its type costs more than the status itself. Floats keep `_clean`'s exact rounding (Python's
    `round`, not numpy's), NaN/inf → None; numpy ints and bools convert in one call; strings only
    have their missing values replaced by None; anything else (dates, objects) goes through `_clean`.
    """
    kind = values.dtype.kind
    if kind == "f":
        floats = values.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(floats).tolist()
        return [round(v, 10) if ok else None for v, ok in zip(floats.tolist(), finite, strict=True)]
    if kind in "iub" and isinstance(values.dtype, np.dtype):  # numpy ints/bools never hold a missing value
        return values.to_numpy().tolist()
    if isinstance(values.dtype, pd.StringDtype):
        return values.to_numpy(dtype=object, na_value=None).tolist()
    return [_clean(v) for v in values.tolist()]


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    cols = [c for c in columns if c in frame.columns]
    converted = [_column(frame[c]) for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*converted, strict=True)]


COUNT_COLUMNS = [f"n_{s}" for s in metrics.STATUS_ORDER]
SOLL_COLUMNS = ["attainment_raw", "soll"]  # regression below start and gap to the Zielpfad (issue 11)
# `status --json` carries every status column but the roll-up weight, keyed by Kommune.
JSON_INDICATOR_COLUMNS = ["kommune", *(c for c in metrics.INDICATOR_STATUS_COLUMNS if c != "weight"), "quelle"]


# --- the report ------------------------------------------------------------------------------


@dataclass
class StatusReport:
    """Everything the dashboards show for one Stand; DataFrames as built by `kora.metrics`."""

    kommune: str | None
    as_of: dt.date
    known_at: dt.datetime | None
    indicators: pd.DataFrame
    vorhaben: pd.DataFrame
    aktionsfelder: pd.DataFrame
    plan: dict[str, Any]
    milestones: dict[str, Any]
    indicator_vorhaben: pd.DataFrame
    kommunen: pd.DataFrame = field(default_factory=pd.DataFrame)  # per-Kommune roll-up (kommune=None)
    demo: bool = False  # any Beispieldaten among the readings used

    def to_dict(self) -> dict[str, Any]:
        """The payload of `python -m kora status --json` (fractions as numbers, NaN → null)."""
        out: dict[str, Any] = {
            "kommune": self.kommune,
            "as_of": self.as_of.strftime("%Y-%m"),
            "known_at": None if self.known_at is None else self.known_at.isoformat(),
            "demo": self.demo,
            "plan": _clean(self.plan),
            "milestones": _clean(self.milestones),
            "aktionsfelder": _records(
                self.aktionsfelder, ["kommune", "code", "title", "attainment", *SOLL_COLUMNS, "status", *COUNT_COLUMNS]
            ),
            "vorhaben": _records(
                self.vorhaben,
                ["kommune", "nr", "aktionsfeld", "title", "attainment", *SOLL_COLUMNS, "status", *COUNT_COLUMNS],
            ),
            "indicators": _records(self.indicators, JSON_INDICATOR_COLUMNS),
        }
        if self.kommune is None:
            out["kommunen"] = _records(
                self.kommunen, ["kommune", "attainment", *SOLL_COLUMNS, "status", *COUNT_COLUMNS]
            )
        return out

    def to_json(self, *, pretty: bool = False) -> str:
        """Exactly the text `python -m kora status --json [--pretty]` prints.

        Compact by default: at network scale the indented text is several times larger and
        `json.dumps(indent=…)` runs in pure Python; `pretty` indents for reading by eye.
        """
        if pretty:
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


@dataclass
class Changes:
    """Everything "since the last Termin" for one Stand; frames as built above."""

    kommune: str
    since: dt.date
    since_at: dt.datetime  # end of the `since` day, naive UTC
    until: dt.datetime | None  # the Datenstand of the comparison (None = now)
    as_of: dt.date
    previous_as_of: dt.date
    new_readings: pd.DataFrame
    corrections: pd.DataFrame
    indicators: pd.DataFrame  # compare_indicators (all indicators)
    aktionsfelder: pd.DataFrame
    milestones: pd.DataFrame  # compare_milestones (changed ones)
    milestone_state: pd.DataFrame = field(default_factory=pd.DataFrame)  # all milestones as known now
    plan_before: dict[str, Any] = field(default_factory=dict)
    plan_after: dict[str, Any] = field(default_factory=dict)
    comparable: bool = True

    @property
    def status_changes(self) -> pd.DataFrame:
        return status_changes(self.indicators)

    @property
    def improved(self) -> pd.DataFrame:
        return improved(self.indicators)

    @property
    def milestones_reached(self) -> pd.DataFrame:
        return self.milestones[self.milestones["status_after"] == "erreicht"]

    def counts(self) -> dict[str, int]:
        return {
            "new_readings": len(self.new_readings),
            "corrections": len(self.corrections),
            "status_changes": len(self.status_changes),
            "milestones_reached": len(self.milestones_reached),
            "milestones_changed": len(self.milestones),
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())


@dataclass(frozen=True)
class Stand:
    """Everything one export of a Stand needs from the database, fetched once (see `gather`)."""

    report: StatusReport
    changes: Changes
    plan: dict[str, Any]  # kora.plan.setup.plan_dict
    versions: pd.DataFrame  # changes_store.versions_df: every version up to known_at, months ≤ as_of
    made_on: dt.date  # the day the deck is dated
    network: Comparison | None = None  # Städtevergleich for slide and sheet (kora.network.service.deck_comparison)
    # the Maßnahmenliste as known at the Datenstand and at the last Termin (kora.massnahmen.history)
    massnahmen: pd.DataFrame = field(default_factory=pd.DataFrame)
    massnahmen_before: pd.DataFrame = field(default_factory=pd.DataFrame)
