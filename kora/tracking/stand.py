"""Gathering one Stand for an export: status, changes since the last Termin, plan, versions.

The page and `python -m kora export` both call `gather` and hand the result to
`kora.report.export.make_bundle`, so a file downloaded from the page and one made on the
command line for the same Stand are the same. The renderers then never touch the database:
the page can run them on a download button's thread.
"""

from __future__ import annotations

import datetime as dt

from kora import periods
from kora.db import Database, changes_store
from kora.massnahmen.history import massnahmen_list
from kora.network.service import deck_comparison
from kora.plan.setup import plan_dict
from kora.tracking.changes import build_changes
from kora.tracking.compare import default_since
from kora.tracking.results import Stand, StatusReport
from kora.tracking.status import build_status


def _since(since: dt.date | None, known_at: dt.date | dt.datetime | None, made_on: dt.date) -> dt.date:
    """The last Termin: given, or four weeks before the Datenstand (else before `made_on`)."""
    if since is not None:
        return since
    anchor = known_at.date() if isinstance(known_at, dt.datetime) else known_at
    return default_since(anchor or made_on)


def gather(
    db: Database,
    *,
    kommune: str,
    as_of: dt.date,
    since: dt.date | None = None,
    known_at: dt.date | dt.datetime | None = None,
    made_on: dt.date | None = None,
    report: StatusReport | None = None,
) -> Stand:
    """Status, changes since the last Termin (default: four weeks before the Datenstand or
    today), plan, reading versions, the Städtevergleich (None without other Kommunen) and the Maßnahmenliste
    (now and at the last Termin) for one Stand."""
    made_on = made_on or periods.today_local()
    report = report or build_status(db, kommune=kommune, as_of=as_of, known_at=known_at)
    changes = build_changes(
        db, kommune=kommune, as_of=report.as_of, since=_since(since, known_at, made_on), known_at=known_at,
        report=report,
    )  # fmt: skip
    versions = changes_store.versions_df(db, kommune=kommune, known_at=report.known_at, last_month=report.as_of)
    network = deck_comparison(db, kommune=kommune, as_of=report.as_of, known_at=report.known_at)
    return Stand(
        report=report, changes=changes, plan=plan_dict(db, kommune=kommune), versions=versions, made_on=made_on,
        network=network,
        massnahmen=massnahmen_list(db, kommune=kommune, known_at=report.known_at),  # Erfolge, Änderungen, sheet
        massnahmen_before=massnahmen_list(db, kommune=kommune, known_at=changes.since),
    )  # fmt: skip


__all__ = ["gather"]
