"""Maßnahmenliste uploads: preview every Maßnahme, commit as versions, revert, audit.

Same doors and rules as the readings upload (kora.readings.preview / commit): the page and
`python -m kora massnahmen import` call `preview_list` / `commit_list` / `import_list` /
`revert_list`, each checks the role itself; a file with any problem changes nothing and writes
one "abgelehnt" audit row; re-uploading the same list is a no-op and says so; a commit writes
the new and changed Maßnahmen, new Ereignisse and the re-derived indicator values in ONE
transaction (a kill -9 leaves all or nothing); a revert appends versions that restore the
state before. Maßnahmen missing from a later file stay as they are (a partial list never
deletes a project); a Maßnahme is retired by its phase („zurückgestellt“), or withdrawn by a revert.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kora import periods
from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, massnahmen_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, ValidationError
from kora.labels import CHANGE_LABELS
from kora.massnahmen import refresh, rules
from kora.massnahmen.check import Parsed, check_files
from kora.massnahmen.diff import diff_events, diff_list
from kora.periods import utcnow
from kora.readings import findings
from kora.readings.ingest import Problem
from kora.readings.versions import AuditRow, UploadRow


@dataclass
class ListPreview:
    """What committing the files would do; `errors` non-empty means rejected."""

    filename: str
    sha256: str
    kommune: str
    descriptions: list[str]
    massnahmen: pd.DataFrame  # rules.LIST_FIELDS + line, status, changes (empty when the upload has no list)
    events: pd.DataFrame  # nr, datum, ereignis, anlass, line, occurrence, status
    errors: list[Problem]
    notes: list[str] = field(default_factory=list)
    state: tuple[int, int] = (0, 0)
    same_file_upload: int | None = None
    rejection_audited: bool = False
    stored_nrs: frozenset[str] = frozenset()  # Nr already stored (casefolded), as read for the diff

    def count(self, status: str) -> int:
        return int((self.massnahmen["status"] == status).sum()) if len(self.massnahmen) else 0

    @property
    def new_events(self) -> int:
        return int((self.events["status"] == "new").sum()) if len(self.events) else 0

    @property
    def noop(self) -> bool:
        return not self.errors and self.count("new") == 0 and self.count("changed") == 0 and self.new_events == 0

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "format": "; ".join(self.descriptions),
            "new": self.count("new"),
            "changed": self.count("changed"),
            "unchanged": self.count("unchanged"),
            "events_new": self.new_events,
            "events_unchanged": len(self.events) - self.new_events,
            "errors": [p.as_dict() for p in self.errors],
            "notes": list(self.notes),
        }

    def message(self) -> str:
        if self.errors:
            return (
                f"Die Maßnahmenliste wurde abgelehnt: {len(self.errors)} Fehler gefunden. Es wurde nichts gespeichert."
            )
        if self.noop:
            same = f" (gleiche Datei wie Upload {self.same_file_upload})" if self.same_file_upload else ""
            return f"Keine Änderung: alle Maßnahmen und Ereignisse sind bereits so gespeichert{same}."
        return (
            f"Vorschau: {self.count('new')} Maßnahmen neu, {self.count('changed')} geändert, "
            f"{self.count('unchanged')} unverändert; {self.new_events} neue Ereignisse."
        )

    def error_table(self) -> pd.DataFrame:
        """German table for the page: Zeile, Spalte, Wert, Meldung (as for readings)."""
        return findings.error_table(self.errors)

    def table(self, *, only_changes: bool = False) -> pd.DataFrame:
        """German per-Maßnahme preview: Zeile, Nr, Maßnahme, Status, Änderungen."""
        rows = self.massnahmen
        if only_changes and len(rows):
            rows = rows[rows["status"] != "unchanged"]
        return pd.DataFrame(
            {
                "Zeile": rows["line"].astype("int64") if len(rows) else pd.Series([], dtype="int64"),
                "Nr": rows["nr"],
                "Maßnahme": rows["massnahme"],
                "Status": rows["status"].map(CHANGE_LABELS),
                "Änderungen": rows["changes"],
            }
        ).reset_index(drop=True)


def _sha(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for _, data in files:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _audit_rejection(db: Database, preview: ListPreview, *, user: str, why: str) -> None:
    audit_store.write_audit(
        db, actor=user, action=AuditAction.MASSNAHMEN_UPLOAD, outcome="abgelehnt", object=preview.filename, kommune=preview.kommune,
        detail={"grund": why, "sha256": preview.sha256, "fehler": len(preview.errors),
                "erste_fehler": [str(p) for p in preview.errors[:20]]},
    )  # fmt: skip
    preview.rejection_audited = True


def _diffed(db: Database, parsed: Parsed, kommune: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from kora.massnahmen.check import empty_events, empty_list

    lst = parsed.massnahmen if parsed.massnahmen is not None and not parsed.problems else empty_list()
    ev = parsed.events if parsed.events is not None and not parsed.problems else empty_events()
    lst = (
        diff_list(lst, massnahmen_store.current_versions_df(db, kommune=kommune))
        if len(lst)
        else lst.assign(status=[], changes=[])
    )
    ev = diff_events(ev, massnahmen_store.all_event_keys_df(db, kommune=kommune))
    return lst, ev


def preview_list(
    db: Database,
    files: Sequence[tuple[str, bytes]],
    *,
    actor: Actor | None,
    kommune: str,
    today: dt.date | None = None,
    audit_rejection: bool = True,
) -> ListPreview:
    """Read, check and diff one or two files against the DB; writes nothing but a rejection's audit row."""
    name = " + ".join(n for n, _ in files)
    who = authorize(db, actor, AuditAction.MASSNAHMEN_UPLOAD, kommune=kommune, object=name)
    today = today or periods.today_local()
    stored = massnahmen_store.current_list_df(db, kommune=kommune)
    parsed = check_files(files, known_nrs=set(stored["nr"]), today=today)
    lst, ev = _diffed(db, parsed, kommune)
    preview = ListPreview(
        filename=name, sha256=_sha(files), kommune=kommune, descriptions=parsed.descriptions, massnahmen=lst,
        events=ev, errors=parsed.problems, notes=parsed.notes, state=massnahmen_store.list_state(db, kommune=kommune),
    )  # fmt: skip
    preview.same_file_upload = massnahmen_store.last_list_upload_with_hash(db, kommune=kommune, sha256=preview.sha256)
    preview.stored_nrs = frozenset(stored["nr"].str.casefold())
    if parsed.massnahmen is not None and not parsed.problems:
        missing = len(set(stored["nr"].str.casefold()) - set(lst["nr"].astype(str).str.casefold()))
        if missing:
            preview.notes.append(
                f"{missing} Maßnahmen aus früheren Uploads stehen nicht in dieser Datei; sie bleiben unverändert gespeichert."
            )
    if preview.errors and audit_rejection:
        _audit_rejection(db, preview, user=who.audit_name, why="Fehler in der Datei")
    return preview


@dataclass(frozen=True)
class ListCommit:
    upload_id: int | None
    new: int
    changed: int
    unchanged: int
    events_new: int
    derived: int
    noop: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _version_rows(
    rows: pd.DataFrame, *, kommune: str, upload_id: int, at: dt.datetime, user: str, reason: str | None
) -> pd.DataFrame:
    out = pd.DataFrame({f: rows[f].to_numpy(dtype=object) for f in rules.LIST_FIELDS})
    for name in ("laenge_km",):
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    for name in ("prio_verwaltung", "prio_politik"):
        out[name] = pd.array(out[name].tolist(), dtype="Int32")
    out["steckbrief"] = pd.array(out["steckbrief"].tolist(), dtype="boolean")
    return out.assign(kommune=kommune, upload_id=upload_id, recorded_at=at, recorded_by=user, reason=reason)


def _event_rows(
    rows: pd.DataFrame, *, kommune: str, upload_id: int, at: dt.datetime, user: str, present: bool
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kommune": kommune,
            "nr": rows["nr"].astype("str").to_numpy(),
            "datum": rows["datum"].astype("str").to_numpy(),
            "ereignis": rows["ereignis"].astype("str").to_numpy(),
            "anlass": rows["anlass"].fillna("").astype("str").to_numpy(),
            "occurrence": rows["occurrence"].astype("int32").to_numpy(),
            "present": present,
            "upload_id": upload_id,
            "recorded_at": at,
            "recorded_by": user,
        }
    )


def _refuse_if_stale(db: Database, preview: ListPreview, *, user: str) -> None:
    """Someone stored the list after this preview was made: its new/changed counts are wrong now."""
    if massnahmen_store.list_state(db, kommune=preview.kommune) != preview.state:
        _audit_rejection(db, preview, user=user, why="Liste wurde zwischenzeitlich geändert")
        raise KoraError(
            "Während Sie die Vorschau geprüft haben, hat jemand anderes die Maßnahmenliste gespeichert. Es wurde "
            "nichts gespeichert. Bitte laden Sie die Datei erneut hoch und prüfen Sie die neue Vorschau."
        )


def commit_list(
    db: Database, preview: ListPreview, *, actor: Actor | None, reason: str | None = None, today: dt.date | None = None
) -> ListCommit:
    """Write the preview's new/changed Maßnahmen, new Ereignisse and re-derived values in one transaction."""
    who = authorize(db, actor, AuditAction.MASSNAHMEN_UPLOAD, kommune=preview.kommune, object=preview.filename)
    reason = (reason or "").strip() or None
    if preview.errors:
        if not preview.rejection_audited:
            _audit_rejection(db, preview, user=who.audit_name, why="Fehler in der Datei")
        raise ValidationError(preview.message(), preview.errors)
    with db.write_lock:
        _refuse_if_stale(db, preview, user=who.audit_name)
        lst, ev = preview.massnahmen, preview.events
        n_new, n_changed, n_unchanged = preview.count("new"), preview.count("changed"), preview.count("unchanged")
        if preview.noop:
            audit_store.write_audit(
                db, actor=who.audit_name, action=AuditAction.MASSNAHMEN_UPLOAD, object=preview.filename, kommune=preview.kommune,
                detail={"keine_aenderung": True, "unveraendert": n_unchanged, "sha256": preview.sha256},
            )  # fmt: skip
            return ListCommit(None, 0, 0, n_unchanged, 0, 0, True, preview.message() + " Nichts gespeichert.")
        now = utcnow()
        written = lst[lst["status"] != "unchanged"] if len(lst) else lst
        new_events = ev[ev["status"] == "new"] if len(ev) else ev

        def list_rows(upload_id: int) -> None:
            k = preview.kommune
            massnahmen_store.insert_versions(
                db, _version_rows(written, kommune=k, upload_id=upload_id, at=now, user=who.name, reason=reason)
            )
            massnahmen_store.insert_events(
                db, _event_rows(new_events, kommune=k, upload_id=upload_id, at=now, user=who.name, present=True)
            )

        def audit(upload_id: int, derived: int) -> AuditRow:
            return AuditRow(
                who.audit_name, AuditAction.MASSNAHMEN_UPLOAD, preview.kommune, at=now,
                object=f"Upload {upload_id}: {preview.filename}",
                detail={"upload_id": upload_id, "neu": n_new, "geaendert": n_changed, "unveraendert": n_unchanged,
                        "ereignisse_neu": len(new_events), "abgeleitete_werte": derived, "sha256": preview.sha256,
                        "grund": reason},
            )  # fmt: skip

        upload_id, derived = refresh.write_with_derived(
            db,
            UploadRow(preview.kommune, "upload", who.name, now, filename=f"Maßnahmenliste: {preview.filename}",
                      sha256=preview.sha256, reason=reason, n_new=n_new, n_changed=n_changed, n_unchanged=n_unchanged),
            before=list_rows, source=lambda uid: f"Maßnahmenliste (Upload {uid}: {preview.filename})", audit=audit,
            today=today,
        )  # fmt: skip
    message = (
        f"Gespeichert als Upload {upload_id}: {n_new} Maßnahmen neu, {n_changed} geändert, {n_unchanged} unverändert, "
        f"{len(new_events)} neue Ereignisse; {derived} abgeleitete Monatswerte aktualisiert."
    )
    return ListCommit(upload_id, n_new, n_changed, n_unchanged, len(new_events), derived, False, message)


@dataclass(frozen=True)
class ListImport:
    preview: ListPreview
    result: ListCommit | None
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.preview.errors

    def as_dict(self) -> dict[str, Any]:
        out = self.preview.summary()
        if self.result is not None:
            out.update(upload_id=self.result.upload_id, derived=self.result.derived, noop=self.result.noop)
        out.update(dry_run=self.dry_run, message=self.result.message if self.result else self.preview.message())
        return out


def import_list(
    db: Database,
    files: Sequence[tuple[str, bytes]],
    *,
    actor: Actor | None,
    kommune: str,
    reason: str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ListImport:
    """Preview and (unless dry run or rejected) commit under one write lock: the CLI's single call."""
    with db.write_lock:
        preview = preview_list(db, files, actor=actor, kommune=kommune, today=today, audit_rejection=not dry_run)
        if dry_run or preview.errors:
            return ListImport(preview, None, dry_run)
        return ListImport(preview, commit_list(db, preview, actor=actor, reason=reason, today=today), dry_run)
