"""Backup and restore as admin operations: role check, the file work (kora.db.backup), an audit row.

`create_backup` runs in the process that holds the database — the CLI when nothing else runs,
the dashboard otherwise (its admin page download and the inbox, see docs/backup.md). A restore
replaces the file, so it can only happen while no process holds it: it is a CLI operation of
the machine operator, audited into the restored database (the audit log travels with the data).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, open_database
from kora.db import backup as files
from kora.db.audit_store import AuditAction
from kora.errors import DatabaseError, KoraError, PermissionDenied


@dataclass(frozen=True)
class BackupResult:
    info: files.BackupInfo
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "datei": str(self.info.path),
            "bytes": self.info.bytes,
            "sha256": self.info.sha256,
            "schema": list(self.info.versions),
            "zeilen": self.info.rows,
            "message": self.message,
        }


@dataclass(frozen=True)
class RestoreResult:
    info: files.RestoreInfo
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "datenbank": str(self.info.target),
            "sicherung": str(self.info.backup.path),
            "sha256": self.info.backup.sha256,
            "zeilen": self.info.backup.rows,
            "alte_dateien": [str(p) for p in self.info.kept],
            "message": self.message,
        }


def _rows_text(rows: dict[str, int]) -> str:
    readings = rows.get("readings", 0)
    uploads = rows.get("uploads", 0)
    return f"{len(rows)} Tabellen, {readings} Messwert-Versionen aus {uploads} Uploads"


def create_backup(db: Database, out: Path, *, actor: Actor | None, overwrite: bool = False) -> BackupResult:
    """A verified, consistent copy of `db` at `out`; audited as "sicherung" (ok or abgelehnt)."""
    who = authorize(db, actor, AuditAction.SICHERUNG, kommune=None, object=str(out))
    try:
        info = files.write_backup(db, Path(out), overwrite=overwrite)
    except KoraError as err:
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.SICHERUNG,
            outcome="abgelehnt",
            object=str(out),
            detail={"grund": str(err)},
        )
        raise
    detail = {"bytes": info.bytes, "sha256": info.sha256, "schema": max(info.versions, default=0), "zeilen": info.rows}
    audit_store.write_audit(
        db, actor=who.audit_name, action=AuditAction.SICHERUNG, object=str(info.path), detail=detail
    )
    return BackupResult(info, f"Sicherung gespeichert: {info.path} ({_rows_text(info.rows)}; geprüft).")


def restore_backup(backup: Path, target: Path, *, actor: Actor, force: bool = False) -> RestoreResult:
    """Replace `target` by a checked backup, verify the result, audit it in the restored database.

    Only the machine operator (CLI, role admin) restores: the database that would hold the role
    is the one being replaced, possibly damaged, so there is no account to check against.
    """
    if not isinstance(actor, Actor) or not actor.is_admin or actor.source not in ("cli", "einzelplatz"):
        raise PermissionDenied(
            "Keine Berechtigung: Eine Wiederherstellung ist nur auf der Kommandozeile des Servers möglich "
            "(python -m kora restore …)."
        )
    info = files.replace_database(Path(backup), Path(target), force=force)
    db = open_database(info.target, migrate=False)
    try:
        if files.table_fingerprints(db) != info.backup.tables:
            raise DatabaseError(
                f"Die wiederhergestellte Datenbank {info.target} weicht von der Sicherung ab. Bitte den Speicherplatz "
                f"prüfen und erneut wiederherstellen; die bisherige Datei liegt unter {', '.join(map(str, info.kept))}."
            )
    finally:
        db.close()
    with open_database(info.target) as db:  # a backup from an older version gets the newer migrations now
        audit_store.write_audit(
            db,
            actor=actor.audit_name,
            action=AuditAction.WIEDERHERSTELLUNG,
            object=str(info.target),
            detail={
                "sicherung": str(info.backup.path),
                "sha256": info.backup.sha256,
                "zeilen": info.backup.rows,
                "alte_dateien": [str(p) for p in info.kept],
            },
        )
    kept = f" Die bisherige Datei liegt unter {', '.join(map(str, info.kept))}." if info.kept else ""
    return RestoreResult(
        info,
        f"Wiederhergestellt: {info.target} aus {info.backup.path} ({_rows_text(info.backup.rows)}; geprüft).{kept}",
    )
