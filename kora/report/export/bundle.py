"""One Stand's data and the deck made from it: what every renderer takes.

`kora.tracking.stand.gather` fetches the data from the database; `make_bundle` adds the deck.
Renderers are pure (bundle in, bytes out): the page can hand them to a download button that
runs on another thread without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora.report.deck import Deck
from kora.report.slides import build_deck
from kora.tracking.results import Changes, Stand, StatusReport


@dataclass(frozen=True)
class Bundle:
    deck: Deck
    report: StatusReport
    changes: Changes
    plan: dict[str, Any]
    versions: pd.DataFrame  # changes_store.versions_df: every version up to known_at, months ≤ as_of


def make_bundle(stand: Stand) -> Bundle:
    """The deck for the gathered Stand, packed with the data the Excel export also shows."""
    deck = build_deck(stand.report, stand.changes, stand.plan, made_on=stand.made_on)
    return Bundle(deck=deck, report=stand.report, changes=stand.changes, plan=stand.plan, versions=stand.versions)
