"""The one write path for reading versions: upload row(s), versions, audit row — in one transaction.

Commits, reverts and Beispieldaten all write the same way, so "nothing is lost" and "every write
is audited" hold by construction: either the upload rows, their versions and the one audit row
are all stored, or none of them is. Callers hold `db.write_lock` while they decide what to write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from kora.db import Database, audit_store, plan_store, readings_store
from kora.db.audit_store import AuditAction

# the reading versions of one upload (readings_store.READING_COLUMNS), given the new upload's id
VersionRows = Callable[[int], pd.DataFrame | pa.Table]


@dataclass(frozen=True)
class UploadRow:
    """One row of `uploads`: who wrote a batch of versions, when, from which file and why."""

    kommune: str
    kind: str  # "upload" | "revert" | "demo"
    user: str
    at: dt.datetime
    filename: str | None = None
    sha256: str | None = None
    reason: str | None = None
    n_new: int = 0
    n_changed: int = 0
    n_unchanged: int = 0
    reverts_upload: int | None = None


@dataclass(frozen=True)
class MilestoneVersion:
    """A milestone event written under an upload (Beispieldaten set milestones this way)."""

    milestone_id: str
    status: str
    reached_on: dt.date | None
    actor: str
    reason: str | None


@dataclass(frozen=True)
class Batch:
    """One upload and what it writes: reading versions and/or milestone events."""

    upload: UploadRow
    readings: VersionRows | None = None
    milestones: tuple[MilestoneVersion, ...] = ()


@dataclass(frozen=True)
class AuditRow:
    """The one audit row of a write (`at` None: the moment it is written)."""

    actor: str
    action: AuditAction
    kommune: str
    object: str | None = None
    detail: dict[str, Any] | None = None
    at: dt.datetime | None = None


def write_versions(db: Database, batches: Sequence[Batch], *, audit: Callable[[list[int]], AuditRow]) -> list[int]:
    """Write every batch (upload row first, then its versions) and the audit row; returns the upload ids.

    `audit` gets the new upload ids, so the audit row can name them ("Upload 12: datei.csv").
    """
    ids: list[int] = []
    with db.transaction():
        for batch in batches:
            upload_id = readings_store.new_upload(db, **asdict(batch.upload))
            ids.append(upload_id)
            if batch.readings is not None:
                readings_store.insert_readings(db, batch.readings(upload_id))
            for event in batch.milestones:
                plan_store.add_milestone_event(
                    db,
                    kommune=batch.upload.kommune,
                    milestone_id=event.milestone_id,
                    status=event.status,
                    reached_on=event.reached_on,
                    due=None,
                    actor=event.actor,
                    reason=event.reason,
                    upload_id=upload_id,
                    at=batch.upload.at,
                )
        entry = audit(ids)
        audit_store.write_audit(
            db,
            actor=entry.actor,
            action=entry.action,
            object=entry.object,
            detail=entry.detail,
            kommune=entry.kommune,
            at=entry.at,
        )
    return ids
