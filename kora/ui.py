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

from kora import ops, periods
from kora.db import Database, open_database, plan_store, resolve_db_path
from kora.errors import KoraError

LOADER_TTL = dt.timedelta(minutes=10)


@st.cache_resource(show_spinner="Datenbank wird geöffnet …")
def _connection(path: str) -> Database:
    db = open_database(path)
    ops.ensure_ready(db)
    return db


def route_through_app() -> None:
    """Serve every URL through app.py's `st.navigation`, never as a Streamlit "MPA v1" page.

    Streamlit 1.67 decides per server process whether a folder called `pages/` next to the
    main script means v1 multipage mode; in that mode a deep link runs a page script without
    app.py (no page config, sidebar or error guard). Page scripts live in sub-folders of
    pages/ (so v1 finds none) and this switch keeps later sessions on the plain v2 path.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def serve(streamlit_args: list[str]) -> int:
    """Run the dashboard (`streamlit run app.py …`) in this process with v1 routing off.

    Setting the switch before the first session means even the very first request after a
    start may be a deep link (`/aktionsfeld?feld=B`) without Streamlit's "Page not found".
    """
    import sys
    from pathlib import Path

    from streamlit.web import cli as streamlit_cli

    route_through_app()
    app = Path(__file__).resolve().parent.parent / "app.py"
    sys.argv = ["streamlit", "run", str(app), *streamlit_args]
    try:
        streamlit_cli.main()
    except SystemExit as done:
        return int(done.code or 0)
    return 0


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


@st.cache_data(ttl=LOADER_TTL, show_spinner="Zielerreichung wird berechnet …")
def _status(path: str, kommune: str, as_of: dt.date, known_at: dt.datetime | None) -> Any:
    from kora.status import build_status

    return build_status(_fresh(path), kommune=kommune, as_of=as_of, known_at=known_at)


def status(
    as_of: dt.date | None = None, *, kommune: str = ops.DEFAULT_KOMMUNE, known_at: dt.datetime | None = None
) -> Any:
    """The StatusReport (kora.status) for the Stand chosen in the sidebar."""
    return _status(db_path(), kommune, as_of or stand(), known_at)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _series(path: str, kommune: str, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    from kora.status import series as build_series

    return build_series(_fresh(path), indicator_id, kommune=kommune, as_of=as_of, known_at=None)


def series(indicator_id: str, as_of: dt.date | None = None, *, kommune: str = ops.DEFAULT_KOMMUNE) -> pd.DataFrame:
    return _series(db_path(), kommune, indicator_id, as_of or stand())


# --- the Stand (as-of month), shared by every page -----------------------------------------

STAND_KEY = "stand"


def stand_options() -> list[dt.date]:
    start = plan_start()
    return periods.month_range(start, periods.last_complete_month())


def plan_start() -> dt.date:
    info = plan().get("plan_start")
    return dt.date.fromisoformat(info) if info else dt.date(2025, 1, 1)


def stand_selector() -> dt.date:
    """Sidebar select box for the Stand; kept in the URL (?stand=2026-10) for shareable links."""
    from kora import fmt

    options = stand_options()
    wanted = st.query_params.get("stand")
    default = options[-1]
    if wanted:
        try:
            parsed = periods.parse_month(wanted)
            default = parsed if parsed in options else default
        except KoraError:  # a bad ?stand= in a shared link falls back to the newest month
            default = options[-1]
    if st.session_state.get(STAND_KEY) not in options:
        st.session_state[STAND_KEY] = default
    chosen = st.selectbox(
        "Stand (Berichtsmonat)",
        options,
        key=STAND_KEY,
        format_func=fmt.month_name,
        help="Alle Seiten zeigen die Zielerreichung zu diesem Monat.",
    )
    st.query_params["stand"] = chosen.strftime("%Y-%m")
    return chosen


def stand() -> dt.date:
    value = st.session_state.get(STAND_KEY)
    return value if isinstance(value, dt.date) else stand_options()[-1]


def chart(fig: Any, *, key: str) -> None:
    """Plotly chart as the project shows it: figure colours kept, German locale, no logo."""
    st.plotly_chart(
        fig,
        theme=None,
        key=key,
        config={"locale": "de", "displaylogo": False, "responsive": True},
    )
