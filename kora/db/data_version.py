"""A Kommune's data version: a cheap value that changes with every write a page could show.

Why the audit log: every write of kora checks the role and appends an audit row in the same
transaction as the data (kora/access, BRIEF), so the count and newest id of the successful rows
change exactly when data changes — no counter to bump in every writer, no migration. Both are
read: the newest id alone could miss a write that drew its id earlier but committed later.

Two versions, because the plan (catalogue, Vorhaben, milestones) costs ~100 ms to load and a
monthly upload does not touch it: `plan` moves with every data write except those that only add
readings; `data` moves with every data write. A network import stores another Kommune's readings
under the importing person's Kommune, so it moves every Kommune's `data` version.
"""

from __future__ import annotations

from dataclasses import dataclass

from kora.db.adapter import Database
from kora.db.audit_store import AuditAction

# Audit actions that change nothing a page shows (reading the log, logging in, copies).
NOT_DATA = (
    AuditAction.ANMELDUNG,
    AuditAction.ABMELDUNG,
    AuditAction.AUDIT_LESEN,
    AuditAction.SICHERUNG,
    AuditAction.NETZWERK_EXPORT,
    AuditAction.PASSWORT_AENDERN,
)
# Writes that add reading versions only (no plan, catalogue or milestone rows).
READINGS_ONLY = (AuditAction.UPLOAD, AuditAction.UPLOAD_RUECKNAHME, AuditAction.NETZWERK_IMPORT)
# Writes whose rows belong to other Kommunen than the one named in their audit row.
EVERY_KOMMUNE = (AuditAction.NETZWERK_IMPORT,)


@dataclass(frozen=True)
class DataVersion:
    """(count, newest id) of the relevant audit rows: equal versions mean equal data."""

    data: tuple[int, int]
    plan: tuple[int, int]


def data_version_sql() -> str:
    """Both versions in one scan of the audit log (small next to the readings; ~1 row per write)."""
    return """
        SELECT count(*), coalesce(max(id), 0),
               count(*) FILTER (WHERE NOT list_contains($readings_only, action)),
               coalesce(max(id) FILTER (WHERE NOT list_contains($readings_only, action)), 0)
        FROM audit_log
        WHERE outcome = 'ok' AND NOT list_contains($not_data, action)
          AND (kommune = $k OR kommune IS NULL OR list_contains($every, action))
    """


def data_version(db: Database, *, kommune: str) -> DataVersion:
    row = db.one(
        data_version_sql(),
        {
            "k": kommune,
            "not_data": [a.value for a in NOT_DATA],
            "readings_only": [a.value for a in READINGS_ONLY],
            "every": [a.value for a in EVERY_KOMMUNE],
        },
    )
    assert row is not None  # an aggregate always returns one row
    return DataVersion(data=(int(row[0]), int(row[1])), plan=(int(row[2]), int(row[3])))
