"""Undo an upload by adding versions with the values before it (nothing is deleted).

A revert is itself an upload (kind "revert") written through `kora.readings.versions`; a first
report is withdrawn by a version with value NULL. Every refusal is audited as "abgelehnt".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, import_store, readings_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, NotFoundError
from kora.periods import utcnow
from kora.readings.preview import plural
from kora.readings.versions import AuditRow, Batch, UploadRow, write_versions

ACTION = AuditAction.UPLOAD_RUECKNAHME


@dataclass(frozen=True)
class RevertResult:
    revert_id: int
    reverted_upload: int
    restored: int
    withdrawn: int
    skipped: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "revert_id": self.revert_id,
            "reverted_upload": self.reverted_upload,
            "restored": self.restored,
            "withdrawn": self.withdrawn,
            "skipped": self.skipped,
            "message": self.message,
        }


class Refusal(KoraError):
    """Why an upload cannot be reverted; `kind` is the error the caller sees (NotFoundError for a missing upload)."""

    def __init__(self, message: str, kind: type[KoraError] = KoraError) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Todo:
    """The cells a revert writes (still the upload's own) and those later uploads wrote again."""

    cells: pd.DataFrame
    skipped: int
    later: list[int]

    @property
    def withdrawn(self) -> int:
        return int(self.cells["before_value"].isna().sum())

    @property
    def restored(self) -> int:
        return len(self.cells) - self.withdrawn


def revert_upload(db: Database, upload_id: int, *, actor: Actor | None, reason: str, kommune: str) -> RevertResult:
    """Undo an upload by adding versions with the values before it (nothing is deleted).

    A cell is reverted only while its current version was written by this upload. Cells that a
    later upload wrote again — a correction, or a confirmation with the same value and a new
    comment — are left alone, counted as skipped and named in the message: a revert never
    silently overwrites a newer version (versions are compared, not values). Koordinator*innen may revert an upload when
    every cell the revert writes belongs to their scope.
    """
    upload_id = int(upload_id)
    obj = f"Upload {upload_id}"
    who = authorize(db, actor, ACTION, kommune=kommune, object=obj)
    user = who.name
    reason = (reason or "").strip()
    with db.write_lock:
        try:
            refusal(readings_store.upload_row(db, upload_id), upload_id=upload_id, kommune=kommune, reason=reason)
            todo = split_plan(import_store.revert_plan(db, upload_id), upload_id)
            if not todo.cells.empty:
                indicators = sorted(todo.cells["indicator_id"].unique().tolist())
                who = authorize(db, who, ACTION, kommune=kommune, indicators=indicators, object=obj)
            if todo.cells.empty:
                raise Refusal(nothing_left_message(upload_id, todo))
        except Refusal as refused:
            detail = {"grund": str(refused)}
            audit_store.write_audit(
                db, actor=who.audit_name, action=ACTION, outcome="abgelehnt", object=obj, detail=detail, kommune=kommune
            )
            raise refused.kind(str(refused)) from None
        revert_id = _write(db, todo, upload_id=upload_id, kommune=kommune, who=who, user=user, reason=reason)
    message = revert_message(upload_id, revert_id, todo)
    return RevertResult(revert_id, upload_id, todo.restored, todo.withdrawn, todo.skipped, message)


def refusal(row: dict[str, Any] | None, *, upload_id: int, kommune: str, reason: str) -> None:
    """Raise `Refusal` when this upload cannot be reverted: unknown, no reason, Beispieldaten, already reverted."""
    if row is None or row["kommune"] != kommune:
        raise Refusal(f"Upload {upload_id} gibt es nicht.", NotFoundError)
    if not reason:
        raise Refusal("Bitte einen Grund für die Rücknahme angeben; er wird in der Historie gespeichert.")
    if row["kind"] == "demo":
        raise Refusal("Beispieldaten werden nicht zurückgenommen, sondern auf der Startseite entfernt.")
    if row["reverted_by"] is not None and not pd.isna(row["reverted_by"]):
        raise Refusal(f"Upload {upload_id} wurde bereits mit Upload {int(row['reverted_by'])} zurückgenommen.")


def split_plan(plan: pd.DataFrame, upload_id: int) -> Todo:
    """Which cells are still the upload's own: only those are reverted.

    A later version (a confirmation with the same value, another comment, a correction) belongs to
    its author. Comparing values instead would withdraw a confirmation that repeats the number.
    """
    if plan.empty:
        raise Refusal(f"Upload {upload_id} hat keine Messwerte geschrieben; es gibt nichts zurückzunehmen.")
    mine = (plan["current_upload"].astype("int64") == upload_id).to_numpy(dtype=bool)
    later = sorted({int(u) for u in plan.loc[~mine, "current_upload"]})
    return Todo(plan[mine], int((~mine).sum()), later)


def nothing_left_message(upload_id: int, todo: Todo) -> str:
    """Every cell of the upload was written again later: say by which uploads."""
    return (
        f"Nichts zurückzunehmen: alle {todo.skipped} Werte von Upload {upload_id} wurden später durch andere "
        f"Uploads geändert oder bestätigt ({upload_list(todo.later)}). Bitte diese Uploads prüfen."
    )


def _write(db: Database, todo: Todo, *, upload_id: int, kommune: str, who: Actor, user: str, reason: str) -> int:
    """The revert upload, one version per cell with the value before the upload, and its audit row."""
    now = utcnow()
    source = f"Rücknahme von Upload {upload_id}"
    cells = todo.cells
    upload = UploadRow(
        kommune=kommune,
        kind="revert",
        user=user,
        at=now,
        filename=source,
        reason=reason,
        n_changed=len(cells),
        reverts_upload=upload_id,
    )

    def versions(revert_id: int) -> pd.DataFrame:
        comment = cells["before_comment"].where(cells["before_comment"].notna(), None)
        return pd.DataFrame(
            {
                "kommune": cells["kommune"].to_numpy(),
                "indicator_id": cells["indicator_id"].to_numpy(),
                "month": cells["month"].to_numpy(),
                "value": cells["before_value"].astype("float64").to_numpy(),
                "comment": comment.to_numpy(),
                "source": source,
                "upload_id": revert_id,
                "recorded_at": now,
                "recorded_by": user,
                "reason": reason,
            }
        )

    def audit(ids: list[int]) -> AuditRow:
        detail: dict[str, Any] = {
            "ruecknahme_id": ids[0],
            "wiederhergestellt": todo.restored,
            "zurueckgezogen": todo.withdrawn,
        }
        detail |= {"uebersprungen": todo.skipped, "grund": reason}
        return AuditRow(who.audit_name, ACTION, kommune, object=f"Upload {upload_id}", detail=detail, at=now)

    return write_versions(db, [Batch(upload, readings=versions)], audit=audit)[0]


def revert_message(upload_id: int, revert_id: int, todo: Todo) -> str:
    """What the revert did, and which later uploads keep their cells."""
    restored, withdrawn, skipped = todo.restored, todo.withdrawn, todo.skipped
    message = (
        f"Upload {upload_id} zurückgenommen (Rücknahme {revert_id}): {plural(restored, 'Wert', 'Werte')} auf den "
        f"vorherigen Stand gesetzt, {plural(withdrawn, 'Erstmeldung', 'Erstmeldungen')} zurückgezogen."
    )
    if skipped:
        message += (
            f" {plural(skipped, 'Wert blieb', 'Werte blieben')} unverändert, weil "
            f"{'er' if skipped == 1 else 'sie'} später durch {upload_list(todo.later)} erneut gespeichert "
            f"{'wurde' if skipped == 1 else 'wurden'} (geändert oder bestätigt); diese Fassung gilt weiter."
        )
    return message


def upload_list(ids: list[int]) -> str:
    """'Upload 7' / 'Uploads 7, 9' (at most ten named)."""
    shown = ", ".join(str(i) for i in ids[:10]) + (f" und {len(ids) - 10} weitere" if len(ids) > 10 else "")
    return f"Upload {shown}" if len(ids) == 1 else f"Uploads {shown}"
