"""Anmelden / Mein Konto: local login form or the city's single sign-on; who am I, log out.

Thin page: password checks, throttling and audit rows are `kora.access.login` (via gate.login_local);
the SSO round trip is Streamlit's `st.login` (OpenID Connect).
"""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.access import accounts, passwords, roles
from kora.errors import KoraError
from kora.web import gate, state

access = gate.current_access()
actor = gate.current_actor()
mode = access.config.mode if access else "lokal"

if actor is None:
    st.title("Anmelden")
    if access is not None and access.notice:
        st.warning(access.notice, icon="⚠️")
    if access is not None and not access.can_read:
        st.info("KoRa-Monitor ist nur nach Anmeldung zugänglich.", icon="🔒")
    if mode == "oidc":
        st.write("Melden Sie sich mit Ihrem Konto der Stadtverwaltung an (Single Sign-on).")
        if st.button("Mit dem Stadt-Login anmelden", type="primary", key="sso_login", icon="🔑"):
            gate.sso_login()
    else:
        st.write(
            "Melden Sie sich mit dem Benutzernamen und Passwort an, die Sie von der KoRa-Administration erhalten haben."
        )
        with st.form("login_form", clear_on_submit=False, enter_to_submit=True):
            username = st.text_input("Benutzername", key="login_user", max_chars=64, autocomplete="username")
            password = st.text_input(
                "Passwort", type="password", key="login_password", max_chars=256, autocomplete="current-password"
            )
            submitted = st.form_submit_button("Anmelden", type="primary")
        if submitted:
            try:
                gate.login_local(username, password)
            except KoraError as err:
                st.error(fmt.markdown(str(err)), icon="🚫")
            else:
                state.clear_caches()
                st.rerun()
        st.caption("Passwort vergessen? Die Administration setzt es neu (python -m kora user passwd NAME).")
else:
    st.title("Mein Konto")
    st.write(f"Angemeldet als **{fmt.markdown(actor.display_name or actor.name)}** ({fmt.markdown(actor.name)}).")
    cols = st.columns(3)
    cols[0].metric("Rolle", roles.ROLE_LABELS[actor.role])
    cols[1].metric("Anmeldung", roles.SOURCE_LABELS[actor.source])
    if actor.role == "koordination":
        cols[2].metric("Zuständig für", actor.scope_text())
    if actor.role == "leser":
        st.caption(
            "Sie können alle Dashboards lesen. Zum Hochladen von Messwerten braucht es die Rolle Koordinator*in."
        )
    if actor.source == "lokal":
        with st.expander("Passwort ändern"):
            with st.form("password_form", clear_on_submit=True):
                old = st.text_input(
                    "Bisheriges Passwort", type="password", key="pw_old", autocomplete="current-password"
                )
                new = st.text_input(
                    f"Neues Passwort (mindestens {passwords.MIN_PASSWORD} Zeichen)",
                    type="password",
                    key="pw_new",
                    autocomplete="new-password",
                )
                again = st.text_input("Neues Passwort wiederholen", type="password", key="pw_again")
                change = st.form_submit_button("Passwort ändern")
            if change:
                if new != again:
                    st.error("Die beiden neuen Passwörter stimmen nicht überein.")
                else:
                    try:
                        accounts.change_password(state.database(), actor, actor.name, new, old_password=old)
                    except KoraError as err:
                        st.error(fmt.markdown(str(err)))
                    else:
                        st.success("Passwort geändert.", icon="✅")
    if st.button("Abmelden", key="logout", icon="🚪"):
        gate.logout()
