"""Which write actions a page may offer a person; the server still refuses everything else.

`revert_offers` answers the Historie page's question "offer 'Zurücknehmen' for these uploads?"
with the rules `revert_upload` applies — the role through `roles.decide` (no audit row: nothing was
attempted yet), the upload rules through `revert.refusal`, "cells still the upload's own" as in
`revert.split_plan` (the newest version of a cell was written by this upload), and the scope through
`roles.allowed_indicators`, and derived values (a Maßnahmenliste upload is reverted on the Maßnahmen page,
together with the list), and the read-only mode (nothing can be written) — so the page offers what the server would accept and says why not
otherwise. One pass over the uploads and the current versions serves the whole page (four
queries, however many uploads are listed), where asking `revert_plan` per upload cost ~0,1 s each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kora.access import roles
from kora.access.roles import Actor
from kora.db import Database, massnahmen_store, readings_store
from kora.db.adapter import READ_ONLY
from kora.errors import KoraError
from kora.readings.revert import ACTION, refusal

MAX_NAMED = 5  # indicators named in a "not yours" reason


@dataclass(frozen=True)
class Offer:
    """Whether to offer an action, and otherwise a short German reason for the page."""

    allowed: bool
    why_not: str = ""


def revert_offers(db: Database, actor: Actor | None, upload_ids: Iterable[int], *, kommune: str) -> dict[int, Offer]:
    """Per upload: would `revert_upload(db, id, actor=actor, reason=…)` be accepted? Writes nothing."""
    ids = [int(i) for i in upload_ids]
    if db.read_only:  # the transaction would be refused with this reason (kora.db.adapter)
        return dict.fromkeys(ids, Offer(False, READ_ONLY.format(why=db.read_only)))
    who, refused = roles.decide(db, actor, ACTION, kommune=kommune)
    if refused is not None or who is None:
        why = refused.message if refused else "Bitte melden Sie sich an."
        return dict.fromkeys(ids, Offer(False, why))
    rows = {int(r["id"]): r for r in readings_store.uploads_df(db, kommune=kommune).to_dict("records")}
    current = readings_store.current_readings_df(db, kommune=kommune, include_withdrawn=True)
    owned = current.groupby("upload_id")["indicator_id"].agg(lambda s: sorted(set(s))).to_dict()
    mine = roles.allowed_indicators(db, who, kommune=kommune)  # None: all (Admin)
    derived = massnahmen_store.derived_uploads(db, kommune=kommune)
    return {i: _offer(i, rows.get(i), [str(x) for x in owned.get(i, [])], mine, kommune, derived.get(i)) for i in ids}


def _offer(
    upload_id: int, row: dict | None, indicators: list[str], mine: set[str] | None, kommune: str, derived: str | None
) -> Offer:
    try:
        refusal(row, upload_id=upload_id, kommune=kommune, reason="(Prüfung)", derived=derived)
    except KoraError as err:  # revert.Refusal: unknown, Beispieldaten, already reverted
        return Offer(False, str(err))
    if not indicators:
        return Offer(
            False,
            f"alle Werte von Upload {upload_id} wurden später durch andere Uploads geändert oder bestätigt "
            "(oder der Upload hat keine Messwerte geschrieben).",
        )
    missing = [] if mine is None else [i for i in indicators if i not in mine]
    if not missing:
        return Offer(True)
    named = ", ".join(missing[:MAX_NAMED]) + (
        f" und {len(missing) - MAX_NAMED} weitere" if len(missing) > MAX_NAMED else ""
    )
    return Offer(
        False,
        f"Der Upload enthält Werte außerhalb Ihrer Zuständigkeit ({named}); zurücknehmen kann ihn die Administration.",
    )


def can_revert(db: Database, actor: Actor | None, upload_id: int, *, kommune: str) -> Offer:
    """The offer for one upload (the CLI and tests; pages ask `revert_offers` once for all)."""
    return revert_offers(db, actor, [upload_id], kommune=kommune)[int(upload_id)]
