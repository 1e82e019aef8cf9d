"""Which write actions a page may offer a person; the server still refuses everything else.

`can_revert` answers the Historie page's question "offer 'Zurücknehmen' for this upload?" with
exactly the rules `revert_upload` applies — role and scope through `roles.decide` (no audit row:
nothing was attempted yet), the upload rules through `revert.refusal` and `revert.split_plan` — so
the page offers what the server would accept, and says why not otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from kora.access import roles
from kora.access.roles import Actor
from kora.db import Database, import_store, readings_store
from kora.errors import KoraError
from kora.plan.model import DEFAULT_KOMMUNE
from kora.readings.revert import ACTION, nothing_left_message, refusal, split_plan

MAX_NAMED = 5  # indicators named in a "not yours" reason


@dataclass(frozen=True)
class Offer:
    """Whether to offer an action, and otherwise a short German reason for the page."""

    allowed: bool
    why_not: str = ""


def can_revert(db: Database, actor: Actor | None, upload_id: int, *, kommune: str = DEFAULT_KOMMUNE) -> Offer:
    """Would `revert_upload(db, upload_id, actor=actor, reason=…)` be accepted? Writes nothing."""
    upload_id = int(upload_id)
    who, refused = roles.decide(db, actor, ACTION, kommune=kommune)
    if refused is not None or who is None:
        return Offer(False, refused.message if refused else "Bitte melden Sie sich an.")
    try:
        refusal(readings_store.upload_row(db, upload_id), upload_id=upload_id, kommune=kommune, reason="(Prüfung)")
        todo = split_plan(import_store.revert_plan(db, upload_id), upload_id)
    except KoraError as err:  # revert.Refusal
        return Offer(False, str(err))
    if todo.cells.empty:
        return Offer(False, nothing_left_message(upload_id, todo))
    if who.is_admin:
        return Offer(True)
    indicators = sorted(todo.cells["indicator_id"].unique().tolist())
    _, scope = roles.decide(db, who, ACTION, kommune=kommune, indicators=indicators)
    if scope is None:
        return Offer(True)
    missing = list(scope.detail.get("fehlende_indikatoren") or [])
    named = ", ".join(missing[:MAX_NAMED]) + (
        f" und {len(missing) - MAX_NAMED} weitere" if len(missing) > MAX_NAMED else ""
    )
    return Offer(
        False,
        f"Der Upload enthält Werte außerhalb Ihrer Zuständigkeit ({named}); zurücknehmen kann ihn die Administration.",
    )
