"""Undo and re-derive: reverting a Maßnahmenliste upload, and re-deriving after a month ended.

Both append (versions that restore the state before an upload; reading versions with new
derived values), check the role, and write one audit row — like every write of the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora.access.auth import Actor, authorize
from kora.db import Database, audit_store, massnahmen_store, readings_store
from kora.errors import KoraError, NotFoundError, ValidationError
from kora.massnahmen import refresh
from kora.massnahmen.check import LIST_FIELDS
from kora.massnahmen.upload import _event_rows, _version_rows
from kora.periods import utcnow


@dataclass(frozen=True)
class ListRevert:
    revert_id: int
    reverted_upload: int
    restored: int
    withdrawn: int
    events_withdrawn: int
    skipped: int
    derived: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _restore_rows(todo: pd.DataFrame) -> pd.DataFrame:
    """The versions a revert writes: the version before the upload, or a withdrawal (all NULL)."""
    rows = todo.copy()
    for f in LIST_FIELDS[1:]:
        rows[f] = rows[f].where(rows["had_before"].astype(bool), None)
    return rows


def revert_list(
    db: Database, upload_id: int, *, actor: Actor | None, reason: str, kommune: str, today: dt.date | None = None
) -> ListRevert:
    """Undo a list upload by appending the versions before it (Maßnahmen a later upload changed stay)."""
    obj = f"Maßnahmenliste Upload {upload_id}"
    who = authorize(db, actor, "massnahmen_ruecknahme", kommune=kommune, object=obj)
    reason = (reason or "").strip()

    def refuse(message: str, exc: type[KoraError] = KoraError) -> KoraError:
        audit_store.write_audit(db, actor=who.audit_name, action="massnahmen_ruecknahme", outcome="abgelehnt",
                                object=obj, detail={"grund": message}, kommune=kommune)  # fmt: skip
        return exc(message)

    with db.write_lock:
        uploads = massnahmen_store.list_uploads_df(db, kommune=kommune)
        row = uploads[uploads["id"] == int(upload_id)]
        if row.empty:
            raise refuse(f"Einen Upload {upload_id} der Maßnahmenliste gibt es nicht.", NotFoundError)
        if not reason:
            raise refuse(
                "Bitte einen Grund für die Rücknahme angeben; er wird in der Historie gespeichert.", ValidationError
            )
        if row.iloc[0]["kind"] != "upload":
            raise refuse(f"Upload {upload_id} ist keine hochgeladene Liste (sondern {row.iloc[0]['kind']}).")
        if not pd.isna(row.iloc[0]["reverted_by"]):
            raise refuse(
                f"Upload {upload_id} wurde bereits mit Upload {int(row.iloc[0]['reverted_by'])} zurückgenommen."
            )
        plan = massnahmen_store.list_revert_plan(db, upload_id=int(upload_id))
        mine = plan[plan["current_upload"].astype("int64") == int(upload_id)]
        events = massnahmen_store.event_revert_plan(db, upload_id=int(upload_id))
        events = events[(events["current_upload"].astype("int64") == int(upload_id)) & events["present"].astype(bool)]
        if mine.empty and events.empty:
            raise refuse(
                f"Nichts zurückzunehmen: alle Maßnahmen von Upload {upload_id} wurden später erneut gespeichert."
            )
        now = utcnow()
        with db.transaction():
            revert_id = readings_store.new_upload(
                db, kommune=kommune, kind="revert", user=who.name, at=now, filename=f"Rücknahme von Maßnahmenliste-Upload {upload_id}",
                reason=reason, n_changed=len(mine), reverts_upload=int(upload_id),
            )  # fmt: skip
            massnahmen_store.insert_versions(
                db,
                _version_rows(
                    _restore_rows(mine), kommune=kommune, upload_id=revert_id, at=now, user=who.name, reason=reason
                ),
            )
            massnahmen_store.insert_events(
                db, _event_rows(events, kommune=kommune, upload_id=revert_id, at=now, user=who.name, present=False)
            )
            derived = refresh.write_derived(
                db, kommune=kommune, upload_id=revert_id, at=now, user=who.name, today=today,
                source=f"Maßnahmenliste (Rücknahme {revert_id} von Upload {upload_id})",
            )  # fmt: skip
            withdrawn = int((~mine["had_before"].astype(bool)).sum())
            skipped = len(plan) - len(mine)
            audit_store.write_audit(
                db, actor=who.audit_name, action="massnahmen_ruecknahme", outcome="ok", object=obj, kommune=kommune, at=now,
                detail={"ruecknahme_id": revert_id, "wiederhergestellt": len(mine) - withdrawn, "zurueckgezogen": withdrawn,
                        "ereignisse_zurueckgezogen": len(events), "uebersprungen": skipped, "grund": reason},
            )  # fmt: skip
    message = (
        f"Upload {upload_id} der Maßnahmenliste zurückgenommen (Rücknahme {revert_id}): {len(mine) - withdrawn} Maßnahmen "
        f"auf den vorherigen Stand gesetzt, {withdrawn} zurückgezogen, {len(events)} Ereignisse zurückgezogen"
        + (f", {skipped} später geänderte Maßnahmen unverändert" if skipped else "")
        + "."
    )
    return ListRevert(
        revert_id, int(upload_id), len(mine) - withdrawn, withdrawn, len(events), skipped, derived, message
    )


def refresh_derived(db: Database, *, actor: Actor | None, kommune: str, today: dt.date | None = None) -> int:
    """Re-derive all derived indicators now (e.g. after a month ended); returns versions written."""
    who = authorize(db, actor, "massnahmen_upload", kommune=kommune, object="abgeleitete Werte")
    with db.write_lock:
        now = utcnow()
        try:
            written = _refresh(db, who=who, kommune=kommune, now=now, today=today)
        except _NothingToDo:
            return 0
    return written


def _refresh(db: Database, *, who: Actor, kommune: str, now: dt.datetime, today: dt.date | None) -> int:
    with db.transaction():
        upload_id = readings_store.new_upload(
            db, kommune=kommune, kind="upload", user=who.name, at=now, filename="Maßnahmenliste: neu abgeleitet"
        )
        written = refresh.write_derived(
            db, kommune=kommune, upload_id=upload_id, at=now, user=who.name, today=today,
            source=f"Maßnahmenliste (neu abgeleitet, Upload {upload_id})",
        )  # fmt: skip
        if not written:
            raise _NothingToDo
        audit_store.write_audit(db, actor=who.audit_name, action="massnahmen_upload", object="abgeleitete Werte",
                                kommune=kommune, at=now, detail={"abgeleitete_werte": written})  # fmt: skip
    return written


class _NothingToDo(Exception):
    """Rolls back the empty upload row of a refresh that found nothing to write."""
