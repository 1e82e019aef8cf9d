"""Which Kommune a person acts for — the rule that keeps a shared installation's cities apart.

In a network office hosting several cities, people belong to one Kommune (table user_kommunen;
no row = the installation's own Kommune). Koordinator*innen and Admins may write only in
theirs; the machine operator (CLI, Einzelplatz, system) acts for the installation and is not
limited. `kora.access.roles.authorize` asks `refusal()` before any role rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kora.db import Database, auth_store, network_store
from kora.kommunen import by_id, own_kommune

if TYPE_CHECKING:
    from kora.access.roles import Actor

OPERATOR_SOURCES = ("cli", "einzelplatz", "system")


def home_kommune(db: Database, actor: Actor) -> str | None:
    """The Kommune `actor` belongs to (None: the machine operator, who may act for any)."""
    if actor.source in OPERATOR_SOURCES:
        return None
    username = actor.name
    if actor.source == "oidc" and actor.email:
        row = auth_store.user_by_email(db, actor.email.casefold())
        username = row["username"] if row else ""
    return account_kommune(db, username) if username else own_kommune()


def account_kommune(db: Database, username: str) -> str:
    """The Kommune an account belongs to: its newest user_kommunen row, else the installation's own."""
    return network_store.user_kommune(db, username) or own_kommune()


def with_kommune(db: Database, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (with a `username` column) plus the `kommune` each account belongs to."""
    assigned = network_store.user_kommunen_df(db).set_index("username")["kommune"]
    own = own_kommune()
    out = frame.copy()
    out["kommune"] = [str(assigned.get(name, own)) for name in out["username"]]
    return out


def kommune_name(kommune: str) -> str:
    """'München' for 'muenchen' (the id itself when the registry does not know it)."""
    known = by_id().get(kommune)
    return known.name if known else kommune


def refusal(db: Database, actor: Actor, *, kommune: str | None, label: str) -> str | None:
    """German reason why `actor` may not do `label` in `kommune` (None: the Kommune is theirs)."""
    if kommune is None:
        return None
    home = home_kommune(db, actor)
    if home is None or home == kommune:
        return None
    return (
        f"Keine Berechtigung: {label} ist nur in der eigenen Kommune möglich. Ihr Konto gehört zu {kommune_name(home)}, "
        f"die Änderung beträfe {kommune_name(kommune)}. Es wurde nichts gespeichert."
    )
