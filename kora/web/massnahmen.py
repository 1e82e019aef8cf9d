"""Streamlit glue of the Maßnahmenliste: cached loaders and the links from derived numbers.

Kept apart from kora/web/state.py so the pages of other areas need only one line to link a
derived indicator to the Maßnahmen behind it (`derived_link`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kora.db import massnahmen_store
from kora.labels import QUELLE_LABELS
from kora.massnahmen import charts, derive, history, quelle, rules
from kora.web import gate, state

LOADER_TTL = dt.timedelta(minutes=5)
PAGE = "pages/massnahmen/massnahmen.py"
MAX_DELAYS = 1000  # newest first; the full list is in `python -m kora massnahmen history`


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _list(path: str, kommune: str, as_of: dt.date | None) -> pd.DataFrame:
    return history.massnahmen_list(state.fresh_cursor(path), kommune=kommune, as_of=as_of)


def massnahmen(as_of: dt.date | None = None, *, kommune: str) -> pd.DataFrame:
    return _list(state.db_path(), kommune, as_of)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _events(path: str, kommune: str) -> pd.DataFrame:
    return massnahmen_store.current_events_df(state.fresh_cursor(path), kommune=kommune)


def events(*, kommune: str) -> pd.DataFrame:
    return _events(state.db_path(), kommune)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _delays(path: str, kommune: str) -> pd.DataFrame:
    return history.delay_table(state.fresh_cursor(path), kommune=kommune)


def delays(*, kommune: str) -> pd.DataFrame:
    return _delays(state.db_path(), kommune)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _quellen(path: str, kommune: str) -> dict[str, str]:
    return massnahmen_store.quellen(state.fresh_cursor(path), kommune=kommune)


def quellen(*, kommune: str) -> dict[str, str]:
    return _quellen(state.db_path(), kommune)


def derived_link(indicator_id: str, as_of: dt.date, *, key: str | None = None) -> None:
    """Under a derived number: a link to the Maßnahmen that make it up (nothing for typed ones)."""
    source = quellen(kommune=gate.own_kommune()).get(indicator_id, "meldung")
    if source == "meldung":
        return
    if source == "meilensteine":
        st.page_link("pages/dashboard/meilensteine.py", label="Abgeleitet aus den Meilensteinen →", icon="🏁")
        return
    st.page_link(
        PAGE,
        label=f"Welche Maßnahmen? ({QUELLE_LABELS[source]}) →",
        query_params={"indikator": indicator_id, "monat": as_of.strftime("%Y-%m")},
        icon="🚧",
    )


@st.cache_data(ttl=LOADER_TTL, show_spinner=False, max_entries=50)
def _view(path: str, kommune: str, phases: tuple[str, ...], arten: tuple[str, ...], leads: tuple[str, ...],
          group: str) -> dict[str, Any]:  # fmt: skip
    frame = _list(path, kommune, None)
    shown = history.filter_list(frame, phases=list(phases), arten=list(arten), leads=list(leads))
    if group == "Priorität":
        order = shown.sort_values(["prio_verwaltung", "nr"], na_position="last")["nr"].tolist()
    else:
        rank = {p: i for i, p in enumerate(rules.PHASES)}
        order = shown.assign(_r=shown["phase"].map(rank)).sort_values(["_r", "nr"])["nr"].tolist()
    timeline = history.timeline(shown)
    prios = history.priorities(shown)
    delays = _delays(path, kommune)
    return {
        "nrs": shown["nr"].tolist(),
        "n": len(order),
        "figure": None if timeline.empty else charts.zeitschiene(timeline, order=order),
        "delays": delays[delays["Nr"].isin(set(shown["nr"]))].drop(columns=["known"]).head(MAX_DELAYS),
        "priorities": prios,
        "mismatches": int((prios[""] == "⚠️").sum()) if len(prios) else 0,
        "table": history.german_table(shown),
    }


def view(*, phases: list[str], arten: list[str], leads: list[str], group: str,
         kommune: str) -> dict[str, Any]:  # fmt: skip
    """Everything the page draws for one choice of filters, cached: a rerun only draws."""
    return _view(state.db_path(), kommune, tuple(phases), tuple(arten), tuple(leads), group or "Phase")


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _versions(path: str, kommune: str, nr: str) -> pd.DataFrame:
    return history.versions_of(state.fresh_cursor(path), kommune=kommune, nr=nr)


def versions_of(nr: str, *, kommune: str) -> pd.DataFrame:
    return _versions(state.db_path(), kommune, nr)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _uploads(path: str, kommune: str) -> pd.DataFrame:
    return history.uploads(state.fresh_cursor(path), kommune=kommune)


def uploads(*, kommune: str) -> dict[str, Any]:
    """The list's uploads as a table, and the ids a revert may be offered for."""
    frame = _uploads(state.db_path(), kommune)
    return {
        "table": frame.drop(columns=["kind", "reverted"]),
        "revertible": frame.loc[(frame["kind"] == "upload") & ~frame["reverted"], "Nr"].tolist(),
    }


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _quelle_changes(path: str, kommune: str) -> pd.DataFrame:
    return quelle.quelle_changes(state.fresh_cursor(path), kommune=kommune)


def quelle_changes(*, kommune: str) -> pd.DataFrame:
    return _quelle_changes(state.db_path(), kommune)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _summary(path: str, kommune: str) -> dict[str, Any]:
    frame = _list(path, kommune, None)
    return {"n": len(frame), "options": history.filter_options(frame)}


def summary(*, kommune: str) -> dict[str, Any]:
    """How many Maßnahmen and the filter choices — small, so a rerun copies no 5 000-row frame."""
    return _summary(state.db_path(), kommune)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _behind(path: str, kommune: str, indicator_id: str, month: dt.date) -> pd.DataFrame:
    frame = _list(path, kommune, None)
    return history.german_table(derive.behind(indicator_id, month, current=frame, events=_events(path, kommune)))


def behind(indicator_id: str, month: dt.date, *, kommune: str) -> pd.DataFrame:
    """The Maßnahmen behind a derived number of one month, as the page shows them."""
    return _behind(state.db_path(), kommune, indicator_id, month)


def template_xlsx(*, kommune: str) -> bytes:
    """The stored list as the Excel template (built on click)."""
    from kora.massnahmen import template

    return template.template_xlsx(massnahmen(kommune=kommune), events(kommune=kommune))
