"""Store a previewed file as one upload: new and changed cells become new versions.

`commit_upload` re-checks under the write lock what the preview showed (another session may have
written meanwhile), the actor's right to every written indicator, and the Korrekturgrund for
changed values; then it writes through `kora.readings.versions.write_versions`. `import_file`
is the CLI's preview-and-commit in one call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, import_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, PermissionDenied, ValidationError
from kora.periods import utcnow
from kora.readings.ingest import Problem
from kora.readings.ingest.columns import arrow_text, repeat_arrow
from kora.readings.preview import Preview, audit_refused_file, current_for, diff, plural, preview_upload
from kora.readings.versions import AuditRow, Batch, UploadRow, write_versions

READING_KEYS = ["indicator_id", "month", "value", "comment", "source", "line", "column"]
STALE = (
    "Während Sie die Vorschau geprüft haben, wurden Werte dieser Datei von jemand anderem gespeichert. "
    "Es wurde nichts gespeichert. Bitte laden Sie die Datei erneut hoch und prüfen Sie die neue Vorschau."
)


@dataclass(frozen=True)
class CommitResult:
    upload_id: int | None
    new: int
    changed: int
    unchanged: int
    noop: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "upload_id": self.upload_id,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "noop": self.noop,
            "message": self.message,
        }


@dataclass(frozen=True)
class Changes:
    """How the cells of a fresh diff split: written (new or changed) and unchanged; value changes need a reason."""

    is_new: np.ndarray
    is_changed: np.ndarray
    n_value_changes: int

    @classmethod
    def of(cls, cells: pd.DataFrame) -> Changes:
        status = cells["status"]
        is_new = (status == "new").to_numpy(dtype=bool)
        is_changed = (status == "changed").to_numpy(dtype=bool)
        n_value_changes = int((is_changed & cells["value_changed"].to_numpy(dtype=bool)).sum())
        return cls(is_new, is_changed, n_value_changes)

    @property
    def is_written(self) -> np.ndarray:
        return self.is_new | self.is_changed  # status is one of new / changed / unchanged

    @property
    def n_new(self) -> int:
        return int(self.is_new.sum())

    @property
    def n_changed(self) -> int:
        return int(self.is_changed.sum())

    @property
    def n_unchanged(self) -> int:
        return len(self.is_new) - self.n_new - self.n_changed


def commit_upload(db: Database, preview: Preview, *, actor: Actor | None, reason: str | None = None) -> CommitResult:
    """Write the preview's new and changed cells as one upload, in one transaction.

    The diff is recomputed under the write lock; if another session changed any of these cells
    since the preview was shown, nothing is written and the user is asked to look again.
    The actor must be allowed to write every indicator of those cells (checked here, on the
    server, against the roles as the DB knows them now).
    """
    who = authorize(db, actor, AuditAction.UPLOAD, kommune=preview.kommune, object=preview.filename)
    user = who.name  # the name versions record, as known before the scope check
    reason = (reason or "").strip() or None
    if preview.errors:
        if not preview.rejection_audited:
            audit_refused_file(db, preview, user=who.audit_name, why="Fehler in der Datei")
        raise ValidationError(preview.message(), preview.errors)
    with db.write_lock:
        fresh = _fresh_cells(db, preview)
        if stale(preview.cells, fresh):
            audit_refused_file(db, preview, user=who.audit_name, why="Werte wurden zwischenzeitlich geändert")
            raise KoraError(STALE)
        changes = Changes.of(fresh)
        writes = fresh["indicator_id"] if changes.is_written.all() else fresh.loc[changes.is_written, "indicator_id"]
        indicators = sorted(writes.unique().tolist())
        who = authorize(
            db, who, AuditAction.UPLOAD, kommune=preview.kommune, indicators=indicators, object=preview.filename
        )
        if changes.n_new == 0 and changes.n_changed == 0:
            return _record_noop(db, preview, who=who, unchanged=changes.n_unchanged)
        if changes.n_value_changes and not reason:
            audit_refused_file(db, preview, user=who.audit_name, why="Korrekturgrund fehlt")
            raise ValidationError(reason_missing_message(changes.n_value_changes))
        upload_id = _write(db, preview, fresh, changes, who=who, user=user, reason=reason)
    n_new, n_changed, n_unchanged = changes.n_new, changes.n_changed, changes.n_unchanged
    message = f"Gespeichert als Upload {upload_id}: {n_new} neu, {n_changed} geändert, {n_unchanged} unverändert."
    return CommitResult(upload_id, n_new, n_changed, n_unchanged, False, message)


def _fresh_cells(db: Database, preview: Preview) -> pd.DataFrame:
    """The preview's diff, recomputed only when anyone wrote a reading of this Kommune since the preview."""
    if import_store.readings_state(db, kommune=preview.kommune) == preview.state:
        return preview.cells  # nobody wrote a reading since the preview: its diff still holds
    readings = preview.cells[READING_KEYS].copy()
    return diff(readings, current_for(db, preview.kommune, readings))


def stale(shown: pd.DataFrame, fresh: pd.DataFrame) -> bool:
    """Whether the cells the user saw differ from the cells now (another status or another stored value)."""
    if fresh is shown:
        return False
    if len(shown) != len(fresh):
        return True
    if not len(shown):
        return False
    a = shown.sort_values(["indicator_id", "month"], ignore_index=True)
    b = fresh.sort_values(["indicator_id", "month"], ignore_index=True)
    if not (a["status"].to_numpy() == b["status"].to_numpy()).all():
        return True
    old_a = a["old_value"].astype("float64").to_numpy()
    old_b = b["old_value"].astype("float64").to_numpy()
    return not np.array_equal(old_a, old_b, equal_nan=True)


def reason_missing_message(n_value_changes: int) -> str:
    """Why a file that changes reported values is refused without a Korrekturgrund."""
    changes = plural(n_value_changes, "bereits gemeldeten Wert", "bereits gemeldete Werte")
    return (
        f"Diese Datei ändert {changes}. Bitte einen Korrekturgrund angeben "
        "(Feld „Korrekturgrund“ bzw. --reason), damit die Änderung nachvollziehbar bleibt. Es wurde nichts gespeichert."
    )


def _record_noop(db: Database, preview: Preview, *, who: Actor, unchanged: int) -> CommitResult:
    """The same readings again: nothing is written but the audit row that says so."""
    same = f" (gleiche Datei wie Upload {preview.same_file_upload})" if preview.same_file_upload else ""
    message = f"Keine Änderung: alle {unchanged} Werte sind bereits so gespeichert{same}. Nichts gespeichert."
    audit_store.write_audit(
        db,
        actor=who.audit_name,
        action=AuditAction.UPLOAD,
        outcome="ok",
        object=preview.filename,
        detail={"keine_aenderung": True, "unveraendert": unchanged, "sha256": preview.sha256},
        kommune=preview.kommune,
    )
    return CommitResult(None, 0, 0, unchanged, True, message)


def _write(
    db: Database,
    preview: Preview,
    fresh: pd.DataFrame,
    changes: Changes,
    *,
    who: Actor,
    user: str,
    reason: str | None,
) -> int:
    """One upload row, the versions of its new and changed cells and its audit row; returns the upload id."""
    now = utcnow()
    to_write = fresh if changes.n_unchanged == 0 else fresh[changes.is_written]
    upload = UploadRow(
        kommune=preview.kommune,
        kind="upload",
        user=user,
        at=now,
        filename=preview.filename,
        sha256=preview.sha256,
        reason=reason,
        n_new=changes.n_new,
        n_changed=changes.n_changed,
        n_unchanged=changes.n_unchanged,
    )

    def versions(upload_id: int) -> pa.Table:
        return version_frame(to_write, upload=upload, upload_id=upload_id, default_source=preview.filename)

    def audit(ids: list[int]) -> AuditRow:
        detail: dict[str, Any] = {"upload_id": ids[0], "neu": changes.n_new, "geaendert": changes.n_changed}
        detail |= {"unveraendert": changes.n_unchanged, "sha256": preview.sha256, "korrekturgrund": reason}
        object_ = f"Upload {ids[0]}: {preview.filename}"
        return AuditRow(who.audit_name, AuditAction.UPLOAD, preview.kommune, object=object_, detail=detail, at=now)

    return write_versions(db, [Batch(upload, readings=versions)], audit=audit)[0]


def version_frame(cells: pd.DataFrame, *, upload: UploadRow, upload_id: int, default_source: str) -> pa.Table:
    """readings rows (READING_COLUMNS) for new/changed cells as an Arrow table: DuckDB scans Arrow
    columns directly, while pandas text columns are converted value by value on insert.

    The Korrekturgrund is stored with changed cells only; an empty comment or source is NULL / the file name.
    """
    n = len(cells)
    comment = arrow_text(cells["comment"])
    source = arrow_text(cells["source"])
    changed = (cells["status"] == "changed").to_numpy(dtype=bool)
    no_text = pa.nulls(n, pa.large_string())
    reason = upload.reason
    return pa.table(
        {
            "kommune": repeat_arrow(upload.kommune, n),
            "indicator_id": arrow_text(cells["indicator_id"]),
            "month": pa.array(cells["month"].to_numpy(dtype="datetime64[us]")),
            "value": pa.array(cells["value"].to_numpy(dtype="float64"), from_pandas=True),
            "comment": pc.if_else(pc.equal(comment, ""), None, comment),
            "source": pc.if_else(pc.equal(source, ""), default_source, source),
            "upload_id": pa.array(np.full(n, upload_id, dtype=np.int64)),
            "recorded_at": pa.array(np.full(n, np.datetime64(upload.at, "us"))),
            "recorded_by": repeat_arrow(upload.user, n),
            "reason": pc.if_else(pa.array(changed), reason, None).cast(pa.large_string()) if reason else no_text,
        }
    )


@dataclass(frozen=True)
class ImportOutcome:
    """What `python -m kora import` reports (see `as_dict` for the JSON shape)."""

    preview: Preview
    result: CommitResult | None
    dry_run: bool
    error: str | None = None

    @property
    def committed(self) -> bool:
        return self.result is not None and not self.result.noop

    @property
    def ok(self) -> bool:
        return self.error is None and self.preview.ok

    def as_dict(self) -> dict[str, Any]:
        out = self.preview.summary()
        if self.result is not None:
            out.update(new=self.result.new, changed=self.result.changed, unchanged=self.result.unchanged)
        out.update(
            upload_id=self.result.upload_id if self.result else None,
            committed=self.committed,
            noop=bool(self.result.noop) if self.result else self.preview.noop,
            dry_run=self.dry_run,
            message=self.error or (self.result.message if self.result else self.preview.message()),
        )
        if self.error and not out["errors"]:
            out["errors"] = [Problem(None, None, None, self.error).as_dict()]
        return out


def import_file(
    db: Database,
    data: bytes,
    *,
    filename: str,
    actor: Actor | None,
    reason: str | None = None,
    dry_run: bool = False,
    kommune: str,
    today: dt.date | None = None,
) -> ImportOutcome:
    """Preview and (unless dry run) commit under one write lock: the CLI's single call."""
    with db.write_lock:
        preview = preview_upload(
            db, data, filename=filename, actor=actor, kommune=kommune, today=today, audit_rejection=not dry_run
        )
        if dry_run or preview.errors:
            return ImportOutcome(preview, None, dry_run)
        if preview.denied:  # refused and audited by the preview: a commit would audit it a second time
            raise PermissionDenied(preview.denied)
        try:
            result = commit_upload(db, preview, actor=actor, reason=reason)
        except ValidationError as err:
            return ImportOutcome(preview, None, dry_run, error=str(err))
        return ImportOutcome(preview, result, dry_run)
