"""The access gate of the dashboard: which mode, who is acting, login and logout in the session.

`access()` runs in app.py before the navigation: it decides the mode
(kora.access.modes.resolve_access), fails closed with a German message when the configuration
would expose writes, and finds out who is acting. Pages read that person with
`current_actor()` and pass it to kora's write functions, which check the role again on the
server — what this gate hides is for clarity, not for safety.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import streamlit as st

from kora.access import accounts, login, modes, roles
from kora.access.modes import AccessConfig
from kora.access.roles import Actor
from kora.plan.model import DEFAULT_KOMMUNE
from kora.web.state import database, db_path, fresh_cursor

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
    return accounts.login_accounts(fresh_cursor(path))


def access_config() -> AccessConfig:
    return modes.resolve_access(
        os.environ,
        auth_section=_auth_section(),
        login_accounts=_login_accounts(db_path()),
        address=st.get_option("server.address"),
    )


def _local_actor() -> tuple[Actor | None, str | None]:
    """The local account remembered in this session, as the database knows it now."""
    username = st.session_state.get(LOGIN_KEY)
    if not username:
        return None, None
    actor = roles.current(database(), Actor(name=username, role="leser", source="lokal"))
    if actor is None:  # disabled meanwhile: end the session
        st.session_state.pop(LOGIN_KEY, None)
        return None, "Ihr Konto wurde deaktiviert; Sie sind abgemeldet."
    return actor, None


def _sso_actor(config: AccessConfig) -> tuple[Actor | None, str | None]:
    """The person the city's login vouches for (one audit row per session)."""
    if not st.user.get("is_logged_in"):
        return None, None
    db = database()
    actor, notice = login.actor_from_claims(
        db,
        st.user.to_dict(),
        role_claim=config.role_claim,
        role_mapping=config.role_mapping,
        default_role=config.default_role,
    )
    if actor is not None and st.session_state.get(SSO_SEEN_KEY) != actor.name:
        login.record_login(db, actor, kommune=DEFAULT_KOMMUNE)
        st.session_state[SSO_SEEN_KEY] = actor.name
    return actor, notice


def access() -> Access:
    """Decide mode and actor for this run; fail closed (German message, nothing else) on bad config.

    Called by app.py before the navigation; pages read the result with `current_actor()`.
    """
    config = access_config()
    if config.problem:
        st.error(f"KoRa-Monitor ist nicht erreichbar: {config.problem}", icon="🔒")
        st.caption("Für die Betreuung: Einstellungen siehe README, Abschnitt „Zugriff & Anmeldung“.")
        st.stop()
    actor: Actor | None
    notice: str | None
    if config.mode == "off":
        actor, notice = Actor.einzelplatz(), None
    elif config.mode == "lokal":
        actor, notice = _local_actor()
    else:
        actor, notice = _sso_actor(config)
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
    """Check the password (kora.access.login: argon2, throttled, audited) and remember the session."""
    actor = login.login_local(database(), username, password, kommune=DEFAULT_KOMMUNE)
    st.session_state[LOGIN_KEY] = actor.name
    st.session_state[AFTER_LOGIN_KEY] = True
    return actor


def logout() -> None:
    result = current_access()
    actor = result.actor if result else None
    if actor is not None and actor.source in ("lokal", "oidc"):
        login.record_logout(database(), actor, kommune=DEFAULT_KOMMUNE)
    st.session_state.pop(LOGIN_KEY, None)
    st.session_state.pop(SSO_SEEN_KEY, None)
    st.session_state.pop(ACCESS_KEY, None)
    if actor is not None and actor.source == "oidc":
        st.logout()
    st.rerun()


def sso_login() -> None:
    st.login()
