"""The only kora module that imports streamlit: cached connection, cached loaders, session state.

Streamlit's guidance: `st.cache_resource` for the one DuckDB connection of the server process,
a cursor per session, `st.cache_data(ttl=…)` for loaders keyed by their arguments, and an
explicit `clear_caches()` after every write so dashboards show new numbers at once.
A test (tests/test_boundaries.py) keeps every other kora module free of streamlit.

Access (issue 7): `access()` decides the mode (kora.access.auth.resolve_access), fails closed with a
German message, and finds out who is acting (`current_actor()`); pages pass that Actor to
kora's write functions, which check the role themselves.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from kora import periods
from kora.access import accounts, auth
from kora.access.auth import AccessConfig, Actor
from kora.db import Database, open_database, plan_store, resolve_db_path
from kora.errors import KoraError
from kora.plan import setup as ops
from kora.samples import beispieldaten

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


PREFLIGHT_OPTIONS = ("server.address", "secrets.files")


def _flag_options(streamlit_args: list[str]) -> dict[str, Any]:
    """The options the access check needs, as Streamlit will see them: `--key value`,
    `--key=value` (secrets.files may repeat), else the STREAMLIT_* environment variable."""
    out: dict[str, Any] = {}
    i = 0
    while i < len(streamlit_args):
        arg = streamlit_args[i]
        if arg.startswith("--") and "." in arg:
            if "=" in arg:
                key, value = arg[2:].split("=", 1)
            else:
                key, value = arg[2:], streamlit_args[i + 1] if i + 1 < len(streamlit_args) else ""
                i += 1
            if key == "secrets.files":
                out.setdefault(key, []).append(value)
            elif key in PREFLIGHT_OPTIONS:
                out[key] = value
        i += 1
    for key in PREFLIGHT_OPTIONS:
        env = os.environ.get("STREAMLIT_" + key.upper().replace(".", "_"))
        if key not in out and env:
            out[key] = env.split() if key == "secrets.files" else env
    return out


def preflight(streamlit_args: list[str]) -> str | None:
    """The access problem the dashboard would show, checked before the server starts (or None).

    `kora serve` refuses to start a server that would fail closed anyway — e.g. Einzelplatz
    mode on a public address — so city IT sees the German reason in the terminal.
    """
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    config.get_config_options(force_reparse=True, options_from_flags=_flag_options(streamlit_args))
    section = None
    if secrets_singleton.load_if_toml_exists():
        raw = secrets_singleton.get("auth")
        section = dict(raw) if raw else None
    db = open_database(db_path())
    try:
        logins = accounts.login_accounts(db)
    finally:
        db.close()
    access_config = auth.resolve_access(
        os.environ, auth_section=section, login_accounts=logins, address=config.get_option("server.address")
    )
    return access_config.problem


def serve(streamlit_args: list[str]) -> int:
    """Run the dashboard (`streamlit run app.py …`) in this process with v1 routing off.

    Setting the switch before the first session means even the very first request after a
    start may be a deep link (`/aktionsfeld?feld=B`) without Streamlit's "Page not found".
    """
    import sys
    from pathlib import Path

    from streamlit.web import cli as streamlit_cli

    problem = preflight(streamlit_args)
    if problem:
        print(f"Fehler: {problem}", file=sys.stderr)
        return 2
    route_through_app()
    app = Path(__file__).resolve().parents[2] / "app.py"
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
    """Call after every write: readings, plan, milestones or accounts changed."""
    st.cache_data.clear()


# --- access: mode, login, the acting person ---------------------------------------------------

LOGIN_KEY = "_kora_login"  # local login: the username of this browser session
SSO_SEEN_KEY = "_kora_sso_seen"  # SSO: audit the login once per session
ACCESS_KEY = "_kora_access"
AFTER_LOGIN_KEY = "_kora_after_login"  # app.py then opens the Übersicht


@dataclass(frozen=True)
class Access:
    config: AccessConfig
    actor: Actor | None
    notice: str | None = None  # why a logged-in SSO person has no access

    @property
    def can_read(self) -> bool:
        return self.config.open_reading or self.actor is not None


def _auth_section() -> dict[str, Any] | None:
    try:
        raw = st.secrets.get("auth") if "auth" in st.secrets else None
    except FileNotFoundError:  # no secrets.toml at all (StreamlitSecretNotFoundError)
        return None
    if not raw:
        return None
    return dict(raw)


@st.cache_data(ttl=dt.timedelta(minutes=1), show_spinner=False)
def _login_accounts(path: str) -> int:
    return accounts.login_accounts(_fresh(path))


def access_config() -> AccessConfig:
    return auth.resolve_access(
        os.environ,
        auth_section=_auth_section(),
        login_accounts=_login_accounts(db_path()),
        address=st.get_option("server.address"),
    )


def access() -> Access:
    """Decide mode and actor for this run; fail closed (German message, nothing else) on bad config.

    Called by app.py before the navigation; pages read the result with `current_actor()`.
    """
    config = access_config()
    if config.problem:
        st.error(f"KoRa-Monitor ist nicht erreichbar: {config.problem}", icon="🔒")
        st.caption("Für die Betreuung: Einstellungen siehe README, Abschnitt „Zugriff & Anmeldung“.")
        st.stop()
    db = database()
    actor: Actor | None = None
    notice = None
    if config.mode == "off":
        actor = Actor.einzelplatz()
    elif config.mode == "lokal":
        username = st.session_state.get(LOGIN_KEY)
        if username:
            actor = auth.current(db, Actor(name=username, role="leser", source="lokal"))
            if actor is None:  # disabled meanwhile: end the session
                st.session_state.pop(LOGIN_KEY, None)
                notice = "Ihr Konto wurde deaktiviert; Sie sind abgemeldet."
    elif st.user.get("is_logged_in"):
        claims = st.user.to_dict()
        actor, notice = auth.actor_from_claims(
            db,
            claims,
            role_claim=config.role_claim,
            role_mapping=config.role_mapping,
            default_role=config.default_role,
        )
        if actor is not None and st.session_state.get(SSO_SEEN_KEY) != actor.name:
            auth.record_login(db, actor, kommune=ops.DEFAULT_KOMMUNE)
            st.session_state[SSO_SEEN_KEY] = actor.name
    result = Access(config, actor, notice)
    st.session_state[ACCESS_KEY] = result
    return result


def current_actor() -> Actor | None:
    """Who acts in this run (None: not logged in). Pages pass it to kora's write functions."""
    result = st.session_state.get(ACCESS_KEY)
    return result.actor if isinstance(result, Access) else None


def current_access() -> Access | None:
    result = st.session_state.get(ACCESS_KEY)
    return result if isinstance(result, Access) else None


def login_local(username: str, password: str) -> Actor:
    """Check the password (kora.access.auth: argon2, throttled, audited) and remember the session."""
    actor = auth.login_local(database(), username, password, kommune=ops.DEFAULT_KOMMUNE)
    st.session_state[LOGIN_KEY] = actor.name
    st.session_state[AFTER_LOGIN_KEY] = True
    return actor


def logout() -> None:
    result = current_access()
    actor = result.actor if result else None
    if actor is not None and actor.source in ("lokal", "oidc"):
        auth.record_logout(database(), actor, kommune=ops.DEFAULT_KOMMUNE)
    st.session_state.pop(LOGIN_KEY, None)
    st.session_state.pop(SSO_SEEN_KEY, None)
    st.session_state.pop(ACCESS_KEY, None)
    if actor is not None and actor.source == "oidc":
        st.logout()
    st.rerun()


def sso_login() -> None:
    st.login()


# --- cached loaders --------------------------------------------------------------------------


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _plan(path: str, kommune: str) -> dict[str, Any]:
    return ops.plan_dict(_fresh(path), kommune)


def plan(kommune: str = ops.DEFAULT_KOMMUNE) -> dict[str, Any]:
    return _plan(db_path(), kommune)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _reading_flags(path: str, kommune: str) -> tuple[bool, bool]:
    cur = _fresh(path)
    return beispieldaten.has_readings(cur, kommune), beispieldaten.has_demo(cur, kommune)


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
    from kora.tracking.status import build_status

    return build_status(_fresh(path), kommune=kommune, as_of=as_of, known_at=known_at)


def status(
    as_of: dt.date | None = None, *, kommune: str = ops.DEFAULT_KOMMUNE, known_at: dt.datetime | None = None
) -> Any:
    """The StatusReport (kora.tracking.status) for the Stand chosen in the sidebar."""
    return _status(db_path(), kommune, as_of or stand(), known_at)


@st.cache_data(ttl=LOADER_TTL, show_spinner=False)
def _series(path: str, kommune: str, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    from kora.tracking.status import series as build_series

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


# --- projector styling for the Präsentationsmodus (static CSS only, never user text) ---------

PROJECTOR_CSS = """<style>
.st-key-praes_body p, .st-key-praes_body li, .st-key-praes_body td, .st-key-praes_body th { font-size: 1.4rem; line-height: 1.45; }
.st-key-praes_body h1 { font-size: 2.8rem; }
.st-key-praes_body h3 { font-size: 1.7rem; }
.st-key-praes_body [data-testid="stMetricValue"], .st-key-praes_body [data-testid="stMetricValue"] * { font-size: 2.6rem; line-height: 1.2; }
.st-key-praes_body [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
.st-key-praes_body [data-testid="stCaptionContainer"] p { font-size: 1rem; }
</style>"""

FULLSCREEN_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem; padding-left: 2.5rem; padding-right: 2.5rem; max-width: 100%; }
</style>"""


def projector_style(*, fullscreen: bool) -> None:
    """Large type for the slides; in Vollbild also hide sidebar and header (minimal chrome)."""
    st.html(PROJECTOR_CSS)
    if fullscreen:
        st.html(FULLSCREEN_CSS)
