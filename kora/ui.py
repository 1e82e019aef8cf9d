"""The only kora module that imports streamlit: cached connection, cached loaders, session state.

Streamlit's guidance: `st.cache_resource` for the one DuckDB connection of the server process,
a cursor per session, `st.cache_data(ttl=…)` for loaders keyed by their arguments, and an
explicit `clear_caches()` after every write so dashboards show new numbers at once.
A test (tests/test_boundaries.py) keeps every other kora module free of streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kora import ops
from kora.db import Database, open_database, plan_store, resolve_db_path

LOADER_TTL = dt.timedelta(minutes=10)


@st.cache_resource(show_spinner="Datenbank wird geöffnet …")
def _connection(path: str) -> Database:
    db = open_database(path)
    ops.ensure_ready(db)
    return db


def db_path() -> str:
    return str(resolve_db_path())


def database() -> Database:
    """This session's cursor on the process-wide connection."""
    path = db_path()
    key = f"_kora_cursor::{path}"
    cur = st.session_state.get(key)
    if cur is None:
        cur = _connection(path).cursor()
        st.session_state[key] = cur
    return cur


def _fresh(path: str) -> Database:
    """A cursor for a cached loader (loaders may run in any thread)."""
    return _connection(path).cursor()


def clear_caches() -> None:
    """Call after every write: readings, plan or milestones changed."""
    st.cache_data.clear()


# --- cached loaders --------------------------------------------------------------------------


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _plan(path: str, kommune: str) -> dict[str, Any]:
    return ops.plan_dict(_fresh(path), kommune)


def plan(kommune: str = ops.DEFAULT_KOMMUNE) -> dict[str, Any]:
    return _plan(db_path(), kommune)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _reading_flags(path: str, kommune: str) -> tuple[bool, bool]:
    cur = _fresh(path)
    return ops.has_readings(cur, kommune), ops.has_demo(cur, kommune)


def has_readings(kommune: str = ops.DEFAULT_KOMMUNE) -> bool:
    return _reading_flags(db_path(), kommune)[0]


def has_demo(kommune: str = ops.DEFAULT_KOMMUNE) -> bool:
    return _reading_flags(db_path(), kommune)[1]


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _milestones(path: str, kommune: str) -> pd.DataFrame:
    return plan_store.milestones_df(_fresh(path), kommune)


def milestones(kommune: str = ops.DEFAULT_KOMMUNE) -> pd.DataFrame:
    return _milestones(db_path(), kommune)
