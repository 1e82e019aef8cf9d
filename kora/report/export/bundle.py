"""Everything one export needs, fetched once: the deck and the frames behind it.

The page and `python -m kora export` both call `gather` and then a renderer, so a file
downloaded from the page and one made on the command line for the same Stand are the same.
Renderers are pure (bundle in, bytes out): the page can hand them to a download button that
runs on another thread without touching the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora import periods
from kora.db import Database, changes_store
from kora.massnahmen import brownbag
from kora.plan import setup as ops
from kora.report.slides import Deck, build_deck
from kora.tracking.changes import Changes, build_changes, default_since
from kora.tracking.status import StatusReport, build_status


@dataclass(frozen=True)
class Bundle:
    deck: Deck
    report: StatusReport
    changes: Changes
    plan: dict[str, Any]
    versions: pd.DataFrame  # changes_store.versions_df: every version up to known_at, months ≤ as_of
    massnahmen: pd.DataFrame | None = None  # the Maßnahmenliste as known at the Datenstand (kora.massnahmen)


def gather(
    db: Database,
    *,
    kommune: str = ops.DEFAULT_KOMMUNE,
    as_of: dt.date,
    since: dt.date | None = None,
    known_at: dt.date | dt.datetime | None = None,
    made_on: dt.date | None = None,
    report: StatusReport | None = None,
) -> Bundle:
    """Status, changes since the last Termin (default: four weeks before the Datenstand or
    today), plan and reading versions for one Stand, and the deck made from them."""
    made_on = made_on or periods.today_local()
    if since is None:
        anchor = known_at.date() if isinstance(known_at, dt.datetime) else known_at
        since = default_since(anchor or made_on)
    report = report or build_status(db, kommune=kommune, as_of=as_of, known_at=known_at)
    changes = build_changes(db, kommune=kommune, as_of=report.as_of, since=since, known_at=known_at, report=report)
    plan = ops.plan_dict(db, kommune)
    versions = changes_store.versions_df(db, kommune=kommune, known_at=report.known_at, last_month=report.as_of)
    deck = build_deck(report, changes, plan, made_on=made_on)
    deck, massnahmen = brownbag.extend(db, deck, kommune=kommune)  # Erfolge/Änderungen of the Maßnahmenliste
    return Bundle(deck=deck, report=report, changes=changes, plan=plan, versions=versions, massnahmen=massnahmen)
