"""Load and remove Beispieldaten: the generated readings of `kora.samples.demo` stored as demo uploads.

The start page's "Beispieldaten laden" button and `python -m kora demo` call these (Admin only).
They are written through the same write-plus-audit path as real uploads
(`kora.readings.versions`), but as uploads of kind "demo", so they can be removed without
touching the city's own readings.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kora import periods
from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, massnahmen_store, readings_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError
from kora.plan.files import load_plan
from kora.plan.model import Plan
from kora.readings.versions import AuditRow, Batch, MilestoneVersion, UploadRow, write_versions
from kora.samples import massnahmen as sample_massnahmen
from kora.samples.demo import demo_milestone_events, demo_readings

DEMO_USER = "Beispieldaten"
ALREADY_LOADED = "Beispieldaten sind bereits geladen. Zum Neuladen erst entfernen: python -m kora demo --remove"
REAL_READINGS = (
    "Es sind bereits echte Messwerte erfasst. Beispieldaten werden nur in eine leere Datenbank "
    "geladen, damit sie keine echten Zahlen überdecken. Zum Ausprobieren eine eigene Datei "
    "verwenden: python -m kora demo --db beispiel.duckdb"
)


def has_demo(db: Database, *, kommune: str) -> bool:
    """Whether Beispieldaten are loaded (the start page then offers to remove them)."""
    return readings_store.count_readings(db, kommune=kommune, demo=True) > 0


def has_readings(db: Database, *, kommune: str) -> bool:
    """Whether any reading is stored, Beispieldaten included (pages show a first-start hint otherwise)."""
    return readings_store.count_readings(db, kommune=kommune) > 0


def load_demo(db: Database, *, actor: Actor | None, kommune: str, today: dt.date | None = None) -> int:
    """Load Beispieldaten (January 2025 to the last complete month); returns versions written.

    Admin only. Refuses when Beispieldaten are already there, so running it twice does not
    double them.
    """
    who = authorize(db, actor, AuditAction.BEISPIELDATEN_GELADEN, kommune=kommune, object="Beispieldaten")
    today = today or periods.today_local()
    if has_demo(db, kommune=kommune):
        raise KoraError(ALREADY_LOADED)
    if readings_store.count_readings(db, kommune=kommune, demo=False):
        # demo versions are back-dated; among real readings they would become the "current" value
        raise KoraError(REAL_READINGS)
    plan = load_plan()
    if plan.kommune != kommune:
        raise KoraError(f"Beispieldaten gibt es nur für {plan.kommune_name}.")
    frame = demo_readings(plan, today=today)
    batches = [
        *reading_batches(frame, kommune=kommune),
        *milestone_batches(plan, kommune=kommune, today=today),
        *sample_massnahmen.batches(db, plan, kommune=kommune, today=today),  # the demo Maßnahmenliste
    ]

    def audit(_ids: list[int]) -> AuditRow:
        return AuditRow(who.audit_name, AuditAction.BEISPIELDATEN_GELADEN, kommune, detail={"versionen": len(frame)})

    with db.write_lock:
        write_versions(db, batches, audit=audit)
    return len(frame)


def reading_batches(frame: pd.DataFrame, *, kommune: str) -> list[Batch]:
    """One demo upload per reporting date, so history and "since last time" look real."""
    batches = []
    for stamp, part in frame.groupby("recorded_at", sort=True):
        upload = UploadRow(
            kommune=kommune,
            kind="demo",
            user=DEMO_USER,
            at=stamp,  # a pandas Timestamp, which is a datetime
            filename="Beispieldaten",
            n_new=len(part),
            reason="Beispieldaten",
        )

        def versions(upload_id: int, part: pd.DataFrame = part) -> pd.DataFrame:
            return part.assign(
                kommune=kommune,
                source="Beispieldaten",
                upload_id=upload_id,
                recorded_by=DEMO_USER,
                reason=part["comment"].where(part["comment"].notna(), None),
            )

        batches.append(Batch(upload, readings=versions))
    return batches


def milestone_batches(plan: Plan, *, kommune: str, today: dt.date) -> list[Batch]:
    """One demo upload per milestone event (reached or postponed before today)."""
    return [
        Batch(
            UploadRow(kommune=kommune, kind="demo", user=DEMO_USER, at=stamp, filename="Beispieldaten (Meilenstein)"),
            milestones=(MilestoneVersion(mid, status, reached, actor=DEMO_USER, reason="Beispieldaten"),),
        )
        for mid, status, reached, stamp in demo_milestone_events(plan, today=today)
    ]


def remove_demo(db: Database, *, actor: Actor | None, kommune: str) -> int:
    """Remove all Beispieldaten (Admin only); the city's own readings stay untouched."""
    who = authorize(db, actor, AuditAction.BEISPIELDATEN_ENTFERNT, kommune=kommune, object="Beispieldaten")
    with db.write_lock:
        with db.transaction():
            massnahmen_store.remove_demo(db, kommune=kommune)  # demo Maßnahmen first: they name demo uploads
        n = readings_store.remove_demo(db, kommune=kommune)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.BEISPIELDATEN_ENTFERNT,
            detail={"versionen": n},
            kommune=kommune,
        )
    return n
