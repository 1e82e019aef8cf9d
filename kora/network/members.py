"""Assigning people to a Kommune in a shared installation (admin of the own Kommune only)."""

from __future__ import annotations

from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, auth_store, network_store
from kora.db.audit_store import AuditAction
from kora.errors import NotFoundError
from kora.kommunen import kommune as registry_kommune
from kora.kommunen import own_kommune
from kora.periods import utcnow


def set_user_kommune(db: Database, actor: Actor | None, username: str, kommune_id: str) -> str:
    """Record that `username` belongs to `kommune_id` (append-only); returns a German message."""
    who = authorize(db, actor, AuditAction.KOMMUNE_ZUORDNEN, kommune=own_kommune(), object=username)
    target = registry_kommune(kommune_id)
    if auth_store.user_by_name(db, username) is None:
        raise NotFoundError(f"Benutzer „{username}“ gibt es nicht.")
    with db.write_lock, db.transaction():
        network_store.set_user_kommune(db, username=username, kommune=target.id, at=utcnow(), by=who.name)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.KOMMUNE_ZUORDNEN,
            object=username,
            detail={"kommune": target.id},
        )
    return f"{username} gehört jetzt zur Kommune {target.name}."
