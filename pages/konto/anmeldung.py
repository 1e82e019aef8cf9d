"""Anmelden / Mein Konto: local login form or the city's single sign-on; who am I, log out.

Thin page: the form is kora.web.login_form (also drawn for deep links while logged out); password
checks, the brake on guessing and audit rows are `kora.access.login`; the session cookie is
kora.access.sessions; the SSO round trip is Streamlit's `st.login` (OpenID Connect).
"""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.access import accounts, passwords, roles
from kora.errors import KoraError
from kora.web import gate, login_form, state

access = gate.current_access()
actor = gate.current_actor()

if actor is None:
    login_form.show_login(access)
else:
    st.title("Mein Konto")
    if st.query_params.get("hinweis") == "passwort":
        st.success(
            "Passwort geändert. Andere Browser, in denen Sie angemeldet waren, sind jetzt abgemeldet.", icon="✅"
        )
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
                        accounts.change_password(
                            state.database(), actor, actor.name, new, old_password=old, kommune=gate.own_kommune()
                        )
                    except KoraError as err:
                        st.error(fmt.markdown(str(err)))
                    else:
                        gate.renew_session(actor)  # older cookies carry the old password's fingerprint
                        st.success("Passwort geändert.", icon="✅")
    if st.button("Abmelden", key="logout", icon="🚪"):
        gate.logout()
