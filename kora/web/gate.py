"""The access gate of the dashboard: which mode, who is acting, login and logout in the session.

`access()` runs in app.py before the navigation: it decides the mode
(kora.access.modes.resolve_access), fails closed with a German message when the configuration
would expose writes, and finds out who is acting. Pages read that person with
`current_actor()` and pass it to kora's write functions, which check the role again on the
server — what this gate hides is for clarity, not for safety.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from kora import kommunen
from kora.access import accounts, login, membership, modes, roles
from kora.access.modes import AccessConfig
from kora.access.roles import Actor
from kora.access.sessions import COOKIE_NAME, KEEPER, TARGET_COOKIE, Grant, safe_next
from kora.web import session_routes
from kora.web.state import database, db_path, fresh_cursor

GRANT_KEY = "_kora_grant"  # local login: the session grant (kora.access.sessions.Grant) of this browser tab
SSO_SEEN_KEY = "_kora_sso_seen"  # SSO: audit the login once per session
ACCESS_KEY = "_kora_access"
AFTER_LOGIN_KEY = "_kora_after_login"  # app.py then opens the Übersicht
SSO_RESUMED_KEY = "_kora_sso_resumed"  # single sign-on: the remembered page was looked for in this session


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


def _browser_cookie(name: str = COOKIE_NAME) -> str | None:
    """A cookie this browser sent when the tab connected (HttpOnly: only the server sees it)."""
    try:
        return st.context.cookies.get(name)
    except (AttributeError, RuntimeError):  # no browser connection (bare script run)
        return None


def client_address() -> str | None:
    """The browser's IP address for the login brake (None: this machine)."""
    try:
        return st.context.ip_address
    except (AttributeError, RuntimeError):
        return None


def _local_actor() -> tuple[Actor | None, str | None]:
    """The local account of this tab (its grant, else the browser's cookie), as the database knows it now.

    Every run checks the grant again (kora.access.sessions): expired, logged out, password changed
    or account disabled all end the session at once, also in open tabs.
    """
    db = database()
    had = st.session_state.get(GRANT_KEY)
    grant = KEEPER.check(db, had if isinstance(had, Grant) else KEEPER.read_cookie(_browser_cookie()))
    actor = roles.current(db, Actor(name=grant.username, role="leser", source="lokal")) if grant else None
    if actor is None:
        st.session_state.pop(GRANT_KEY, None)
        if had is not None:
            return None, (
                "Ihre Anmeldung ist abgelaufen oder wurde beendet (Abmeldung, neues Passwort oder deaktiviertes "
                "Konto). Bitte melden Sie sich erneut an."
            )
        return None, None
    st.session_state[GRANT_KEY] = grant
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
        login.record_login(db, actor, kommune=own_kommune())
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


def own_kommune() -> str:
    """The Kommune this session works for: the logged-in person's (shared installation, table
    user_kommunen), else the installation's own from configuration (KORA_KOMMUNE, default Aachen).
    Pages show that Kommune's plan and readings only; the Städtevergleich shows every Kommune."""
    actor = current_actor()
    home = membership.home_kommune(database(), actor) if actor is not None else None
    return home or kommunen.own_kommune()


def own_kommune_name() -> str:
    """'Aachen' — for titles; the registry's name of the own Kommune."""
    return kommunen.kommune(own_kommune()).name


def current_access() -> Access | None:
    result = st.session_state.get(ACCESS_KEY)
    return result if isinstance(result, Access) else None


def login_local(username: str, password: str) -> Actor:
    """Check the password (kora.access.login: argon2, braked per source, audited) and open a session."""
    db = database()
    actor = login.login_local(db, username, password, client=client_address(), kommune=own_kommune())
    st.session_state[GRANT_KEY] = KEEPER.grant(db, actor.name)
    st.session_state[AFTER_LOGIN_KEY] = True
    return actor


def current_path(url_path: str = "") -> str:
    """'/aktionsfeld?feld=B': where the browser should land again after the cookie is set."""
    query = urlencode(st.query_params.to_dict())
    return "/" + url_path + (f"?{query}" if query else "")


def _send_browser_to(target: str) -> None:
    """Navigate the whole tab to a path of this server, then stop this run.

    A script of ours, no user text (the target is a checked local path, JSON-quoted); a link is the
    fallback for a browser that runs no script.
    """
    path = safe_next(target)
    st.html(redirect_script(path), unsafe_allow_javascript=True)
    st.link_button("Weiter", path)
    st.stop()


def redirect_script(path: str) -> str:
    """`<script>` that replaces the tab's address with a local path; `<`, `>`, `&` escaped inside the string."""
    quoted = json.dumps(safe_next(path)).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"<script>window.location.replace({quoted});</script>"


def keep_login(*, then: str = "/") -> None:
    """After a login or a new password: store the HttpOnly cookie (one hop through the cookie route).

    Returns only without the cookie route (AppTest, a bare `streamlit run app.py`): then the login
    lasts as long as the tab.
    """
    grant = st.session_state.get(GRANT_KEY)
    if not isinstance(grant, Grant) or not session_routes.available():
        return
    ticket = KEEPER.issue_ticket(grant)
    _send_browser_to(f"{session_routes.LOGIN_PATH}?{urlencode({'ticket': ticket, 'weiter': safe_next(then)})}")


def renew_session(actor: Actor) -> None:
    """A new grant after the own password changed (all older cookies stop working), then keep it."""
    st.session_state[GRANT_KEY] = KEEPER.grant(database(), actor.name)
    keep_login(then="/anmeldung?hinweis=passwort")


def logout() -> None:
    result = current_access()
    actor = result.actor if result else None
    if actor is not None and actor.source in ("lokal", "oidc"):
        login.record_logout(database(), actor, kommune=own_kommune())
    grant = st.session_state.pop(GRANT_KEY, None)
    if isinstance(grant, Grant):
        KEEPER.revoke(grant.sid)  # the cookie is dead even if the browser never reaches the route below
    st.session_state.pop(SSO_SEEN_KEY, None)
    st.session_state.pop(ACCESS_KEY, None)
    if actor is not None and actor.source == "oidc":
        st.logout()
    if isinstance(grant, Grant) and session_routes.available():
        _send_browser_to(f"{session_routes.LOGOUT_PATH}?{urlencode({'weiter': '/anmeldung'})}")
    st.rerun()


def sso_login(*, then: str | None = None) -> None:
    """Start the city's login. `st.login` always returns to "/": with the cookie routes, the page
    asked for (`then`, a local path) is first remembered in a short-lived signed cookie
    (kora.web.session_routes), and `resume_after_sso` continues there after the login."""
    target = safe_next(then) if then else "/"
    if target not in ("/", "/anmeldung") and session_routes.available():
        _send_browser_to(f"{session_routes.SSO_START_PATH}?{urlencode({'weiter': target})}")
    st.login()


def resume_after_sso(result: Access) -> None:
    """Once per session after a single sign-on: on to the remembered page, if one is waiting.

    The route `/kora/weiter` deletes the cookie as it redirects, so the next session finds none.
    """
    actor = result.actor
    if actor is None or actor.source != "oidc" or st.session_state.get(SSO_RESUMED_KEY):
        return
    st.session_state[SSO_RESUMED_KEY] = True
    if session_routes.available() and KEEPER.read_target(_browser_cookie(TARGET_COOKIE)):
        _send_browser_to(session_routes.RESUME_PATH)
