"""Server and session state for the pages: the cached DuckDB connection, cached loaders, the Stand.

Streamlit's guidance, followed here: `st.cache_resource` for the one DuckDB connection of the
server process (DuckDB allows one read-write process per file), a cursor per session (a shared
connection used from several threads is "busy"), `st.cache_data(ttl=…)` for loaders keyed by
their arguments, and an explicit `clear_caches()` after every write so dashboards show new
numbers at once. The Stand (as-of month) lives in the session and in the URL, so a link shows
the same month to the next person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from kora import fmt, periods
from kora.access.backup import BackupResult, create_backup
from kora.access.roles import Actor
from kora.db import Database, open_database, plan_store, resolve_db_path
from kora.errors import DatabaseDamagedError, DatabaseLockedError, DatabaseReadOnlyError, KoraError
from kora.plan import setup
from kora.readings import import_inbox
from kora.samples import beispieldaten

LOADER_TTL = dt.timedelta(minutes=10)


@st.cache_resource(show_spinner="Datenbank wird geöffnet …")
def _connection(path: str) -> Database:
    db = open_database(path)
    setup.ensure_ready(db)
    serve_backup_orders(db)
    return db


def serve_backup_orders(db: Database) -> threading.Event:
    """The server holds the file, so it runs the backups and imports the CLI orders (docs/backup.md, hook 1).

    One daemon thread per process (the connection is cached once per process), on its own cursor;
    the returned event stops it.
    """
    stop = threading.Event()
    thread = threading.Thread(
        target=import_inbox.poll_orders, args=(db.cursor(), stop), daemon=True, name="kora-auftraege"
    )
    thread.start()
    return stop


@dataclass(frozen=True)
class BackupDownload:
    data: bytes
    file_name: str
    result: BackupResult


def backup_download(db: Database, *, actor: Actor | None) -> BackupDownload:
    """A verified backup as bytes for `st.download_button` (role check and audit row in `create_backup`).

    The copy is made in a temporary folder and removed again: the download is the only copy.
    """
    name = f"kora-sicherung-{dt.datetime.now():%Y%m%d-%H%M}.duckdb"
    with tempfile.TemporaryDirectory(prefix="kora-download-") as tmp:
        result = create_backup(db, Path(tmp) / name, actor=actor)
        data = (Path(tmp) / name).read_bytes()
    return BackupDownload(data, name, result)


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


WHAT_TO_DO = {
    DatabaseLockedError: "Meist läuft gerade ein Import oder eine Sicherung über die Kommandozeile. "
    "Bitte in einer Minute neu laden; hält es an, das andere Programm beenden.",
    DatabaseDamagedError: "Bitte die Administration informieren: sie spielt die letzte Sicherung zurück (README, "
    "„Sicherung und Wiederherstellung“). Bis dahin werden keine Daten verändert.",
    DatabaseReadOnlyError: "Bitte die Administration informieren (Rechte oder Laufwerk prüfen). Zum reinen Ansehen "
    "kann das Dashboard mit KORA_READONLY=1 gestartet werden.",
}


def require_database() -> Database:
    """This session's cursor, or a German page saying what happened and what to do (never a traceback)."""
    try:
        return database()
    except KoraError as err:
        st.title("KoRa-Monitor")
        st.error(fmt.markdown(str(err)), icon="🛑")
        advice = next((text for kind, text in WHAT_TO_DO.items() if isinstance(err, kind)), None)
        st.info(
            fmt.markdown(
                advice or "Bitte die Seite neu laden; besteht der Fehler weiter, die Administration informieren."
            )
        )
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers


def read_only_banner() -> str:
    return f"Nur-Lese-Modus ({database().read_only}): Ansehen und Exporte ja, Änderungen nein."


def fresh_cursor(path: str) -> Database:
    """A cursor for a cached loader (loaders may run in any thread)."""
    return _connection(path).cursor()


def clear_caches() -> None:
    """Call after every write: readings, plan, milestones or accounts changed."""
    st.cache_data.clear()


# --- cached loaders --------------------------------------------------------------------------


def _own_kommune() -> str:
    """Loaders default to the session's Kommune (kora.web.gate decides it from the person)."""
    from kora.web.gate import own_kommune  # gate imports this module: resolved at call time

    return own_kommune()


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _plan(path: str, kommune: str) -> dict[str, Any]:
    return setup.plan_dict(fresh_cursor(path), kommune=kommune)


def plan(kommune: str | None = None) -> dict[str, Any]:
    return _plan(db_path(), kommune or _own_kommune())


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _reading_flags(path: str, kommune: str) -> tuple[bool, bool]:
    cur = fresh_cursor(path)
    return beispieldaten.has_readings(cur, kommune=kommune), beispieldaten.has_demo(cur, kommune=kommune)


def has_readings(kommune: str | None = None) -> bool:
    return _reading_flags(db_path(), kommune or _own_kommune())[0]


def has_demo(kommune: str | None = None) -> bool:
    return _reading_flags(db_path(), kommune or _own_kommune())[1]


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _milestones(path: str, kommune: str) -> pd.DataFrame:
    return plan_store.milestones_df(fresh_cursor(path), kommune)


def milestones(kommune: str | None = None) -> pd.DataFrame:
    return _milestones(db_path(), kommune or _own_kommune())


@st.cache_data(ttl=LOADER_TTL, show_spinner="Zielerreichung wird berechnet …")
def _status(path: str, kommune: str, as_of: dt.date, known_at: dt.datetime | None) -> Any:
    from kora.tracking.status import build_status

    return build_status(fresh_cursor(path), kommune=kommune, as_of=as_of, known_at=known_at)


def status(as_of: dt.date | None = None, *, kommune: str | None = None, known_at: dt.datetime | None = None) -> Any:
    """The StatusReport (kora.tracking.status) for the Stand chosen in the sidebar."""
    return _status(db_path(), kommune or _own_kommune(), as_of or stand(), known_at)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _all_series(path: str, kommune: str, as_of: dt.date) -> dict[str, pd.DataFrame]:
    from kora.tracking.status import all_series

    return all_series(fresh_cursor(path), kommune=kommune, as_of=as_of, known_at=None)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _series(path: str, kommune: str, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """One chart's series, cut from the Kommune's series (one query for the whole page).

    Cached per indicator as well, so a warm rerun copies one small frame per chart, not all.
    """
    every = _all_series(path, kommune, as_of)
    if indicator_id not in every:
        from kora.tracking.status import series as build_series  # raises the German NotFoundError

        return build_series(fresh_cursor(path), indicator_id, kommune=kommune, as_of=as_of, known_at=None)
    return every[indicator_id]


def series(indicator_id: str, as_of: dt.date | None = None, *, kommune: str | None = None) -> pd.DataFrame:
    return _series(db_path(), kommune or _own_kommune(), indicator_id, as_of or stand())


@st.cache_resource(ttl=LOADER_TTL, max_entries=2000, show_spinner=False)
def _figure(key: str, _build: Callable[..., Any], _frame: pd.DataFrame, _chart: dict[str, Any]) -> Any:
    return _build(_frame, **_chart)


def figure(build: Callable[..., Any], frame: pd.DataFrame, **chart: Any) -> Any:
    """`build(frame, **chart)` (a `kora.report.charts` builder), built once per distinct input, shared.

    Why: building a plotly figure (its property validation) cost ~28 ms per chart on every
    rerun — most of a dashboard page's time; Streamlit's own `to_dict`/`to_json` of a built
    figure costs ~2,5 ms. The cache key is a digest of the figure's whole input — builder,
    frame (values, dtypes, attrs: its pickle) and every argument — so a write rebuilds exactly
    the figures whose input changed and needs no clear. (Pickling a chart's small frame costs
    ~0,06 ms; Streamlit's own DataFrame hashing ~2 ms.) The figure is shared between sessions
    and never modified: Streamlit only reads it (`to_dict`).
    """
    name = f"{build.__module__}.{build.__qualname__}"
    key = hashlib.sha256(pickle.dumps((name, frame, sorted(chart.items())), protocol=5)).hexdigest()
    return _figure(key, _build=build, _frame=frame, _chart=chart)


# --- the Stand (as-of month), shared by every page -----------------------------------------

STAND_KEY = "stand"


def stand_options() -> list[dt.date]:
    start = plan_start()
    return periods.month_range(start, periods.last_complete_month())


def plan_start() -> dt.date:
    info = plan().get("plan_start")
    return dt.date.fromisoformat(info) if info else dt.date(2025, 1, 1)


def stand_from_link(wanted: str | None, options: list[dt.date]) -> dt.date:
    """The month a shared link asks for (?stand=2026-10), else the newest: a bad link still opens."""
    default = options[-1]
    if not wanted:
        return default
    try:
        parsed = periods.parse_month(wanted)
    except KoraError:
        return default
    return parsed if parsed in options else default


def stand_selector() -> dt.date:
    """Sidebar select box for the Stand; kept in the URL (?stand=2026-10) for shareable links."""
    options = stand_options()
    if st.session_state.get(STAND_KEY) not in options:
        st.session_state[STAND_KEY] = stand_from_link(st.query_params.get("stand"), options)
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
