"""Undo and re-derive: reverting a Maßnahmenliste upload, and re-deriving after a month ended.

Both append (versions that restore the state before an upload; reading versions with new
derived values), check the role, and write one audit row — like every write of the list, through
kora.readings.versions.write_versions (kora.massnahmen.refresh.write_with_derived).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, massnahmen_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, NotFoundError, ValidationError
from kora.massnahmen import refresh, rules
from kora.massnahmen.upload import _event_rows, _version_rows
from kora.periods import utcnow
from kora.readings.versions import AuditRow, UploadRow


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
    for f in rules.LIST_FIELDS[1:]:
        rows[f] = rows[f].where(rows["had_before"].astype(bool), None)
    return rows


def _revert_problem(db: Database, upload_id: int, *, reason: str, kommune: str) -> tuple[str, type[KoraError]] | None:
    """Why this upload cannot be reverted (message, error type); None when it can."""
    uploads = massnahmen_store.list_uploads_df(db, kommune=kommune)
    row = uploads[uploads["id"] == int(upload_id)]
    if row.empty:
        return f"Einen Upload {upload_id} der Maßnahmenliste gibt es nicht.", NotFoundError
    if not reason:
        return "Bitte einen Grund für die Rücknahme angeben; er wird in der Historie gespeichert.", ValidationError
    if row.iloc[0]["kind"] != "upload":
        return f"Upload {upload_id} ist keine hochgeladene Liste (sondern {row.iloc[0]['kind']}).", KoraError
    if not pd.isna(row.iloc[0]["reverted_by"]):
        return (
            f"Upload {upload_id} wurde bereits mit Upload {int(row.iloc[0]['reverted_by'])} zurückgenommen.",
            KoraError,
        )
    return None


def _revert_rows(db: Database, upload_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(every Maßnahme of the upload, those whose current version is still the upload's, its present Ereignisse)."""
    plan = massnahmen_store.list_revert_plan(db, upload_id=upload_id)
    mine = plan[plan["current_upload"].astype("int64") == upload_id]
    events = massnahmen_store.event_revert_plan(db, upload_id=upload_id)
    events = events[(events["current_upload"].astype("int64") == upload_id) & events["present"].astype(bool)]
    return plan, mine, events


def revert_list(
    db: Database, upload_id: int, *, actor: Actor | None, reason: str, kommune: str, today: dt.date | None = None
) -> ListRevert:
    """Undo a list upload by appending the versions before it (Maßnahmen a later upload changed stay)."""
    obj = f"Maßnahmenliste Upload {upload_id}"
    who = authorize(db, actor, AuditAction.MASSNAHMEN_RUECKNAHME, kommune=kommune, object=obj)
    reason = (reason or "").strip()

    def refuse(message: str, exc: type[KoraError] = KoraError) -> KoraError:
        audit_store.write_audit(db, actor=who.audit_name, action=AuditAction.MASSNAHMEN_RUECKNAHME, outcome="abgelehnt",
                                object=obj, detail={"grund": message}, kommune=kommune)  # fmt: skip
        return exc(message)

    with db.write_lock:
        if problem := _revert_problem(db, upload_id, reason=reason, kommune=kommune):
            raise refuse(*problem)
        plan, mine, events = _revert_rows(db, int(upload_id))
        if mine.empty and events.empty:
            raise refuse(
                f"Nichts zurückzunehmen: alle Maßnahmen von Upload {upload_id} wurden später erneut gespeichert."
            )
        now = utcnow()
        withdrawn = int((~mine["had_before"].astype(bool)).sum())
        skipped = len(plan) - len(mine)

        def restore(revert_id: int) -> None:
            massnahmen_store.insert_versions(
                db,
                _version_rows(
                    _restore_rows(mine), kommune=kommune, upload_id=revert_id, at=now, user=who.name, reason=reason
                ),
            )
            massnahmen_store.insert_events(
                db, _event_rows(events, kommune=kommune, upload_id=revert_id, at=now, user=who.name, present=False)
            )

        def audit(revert_id: int, _derived: int) -> AuditRow:
            return AuditRow(
                who.audit_name, AuditAction.MASSNAHMEN_RUECKNAHME, kommune, object=obj, at=now,
                detail={"ruecknahme_id": revert_id, "wiederhergestellt": len(mine) - withdrawn, "zurueckgezogen": withdrawn,
                        "ereignisse_zurueckgezogen": len(events), "uebersprungen": skipped, "grund": reason},
            )  # fmt: skip

        revert_id, derived = refresh.write_with_derived(
            db,
            UploadRow(kommune, "revert", who.name, now, filename=f"Rücknahme von Maßnahmenliste-Upload {upload_id}",
                      reason=reason, n_changed=len(mine), reverts_upload=int(upload_id)),
            before=restore, audit=audit, today=today,
            source=lambda rid: f"Maßnahmenliste (Rücknahme {rid} von Upload {upload_id})",
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
    who = authorize(db, actor, AuditAction.MASSNAHMEN_UPLOAD, kommune=kommune, object="abgeleitete Werte")
    with db.write_lock:
        now = utcnow()
        try:
            written = _refresh(db, who=who, kommune=kommune, now=now, today=today)
        except _NothingToDo:
            return 0
    return written


def _refresh(db: Database, *, who: Actor, kommune: str, now: dt.datetime, today: dt.date | None) -> int:
    def audit(_upload_id: int, written: int) -> AuditRow:
        if not written:
            raise _NothingToDo  # rolls back the empty upload row
        return AuditRow(who.audit_name, AuditAction.MASSNAHMEN_UPLOAD, kommune, object="abgeleitete Werte", at=now,
                        detail={"abgeleitete_werte": written})  # fmt: skip

    _, written = refresh.write_with_derived(
        db, UploadRow(kommune, "upload", who.name, now, filename="Maßnahmenliste: neu abgeleitet"), before=None,
        source=lambda uid: f"Maßnahmenliste (neu abgeleitet, Upload {uid})", audit=audit, today=today,
    )  # fmt: skip
    return written


class _NothingToDo(Exception):
    """Rolls back the empty upload row of a refresh that found nothing to write."""
