"""The login form, drawn on the Anmelden page and in place of any page a logged-out person opens.

A deep link (`/aktionsfeld?feld=B`) while logged out keeps its address: app.py registers every page
the person may not open yet as a hidden stand-in that draws this form, and after the login the
browser lands on exactly that address again (through the cookie route, kora.web.gate.keep_login).
"""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.errors import KoraError
from kora.web import gate, state


def show_login(access: gate.Access | None, *, url_path: str = "", wanted: str | None = None) -> None:
    """Local form or single sign-on button; on success the browser returns to `/url_path?query`."""
    st.title("Anmelden")
    if access is not None and access.notice:
        st.warning(fmt.markdown(access.notice), icon="⚠️")
    if wanted:
        st.info(f"Bitte melden Sie sich an, um „{wanted}“ zu öffnen.", icon="🔒")  # a page title of app.py
    elif access is not None and not access.can_read:
        st.info("KoRa-Monitor ist nur nach Anmeldung zugänglich.", icon="🔒")
    if access is not None and access.config.mode == "oidc":
        st.write("Melden Sie sich mit Ihrem Konto der Stadtverwaltung an (Single Sign-on).")
        if st.query_params.get("sso") == "los":  # back from the cookie route that remembered the page
            gate.sso_login()
        if st.button("Mit dem Stadt-Login anmelden", type="primary", key="sso_login", icon="🔑"):
            gate.sso_login(then=gate.current_path(url_path) if url_path else None)
        return
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
            gate.keep_login(then=gate.current_path(url_path))
            st.rerun()
    st.caption("Passwort vergessen? Die Administration setzt es neu (python -m kora user passwd NAME).")


def show_refusal(title: str, needs: str) -> None:
    """A logged-in person opened a page their role does not offer (a link from a colleague)."""
    actor = gate.current_actor()
    st.title(title)
    st.warning(
        f"Diese Seite ist nur für {needs} zugänglich. Sie sind als {fmt.markdown(actor.label if actor else '–')} "
        "angemeldet. Bitte wenden Sie sich an die Administration, wenn Sie diese Seite brauchen.",
        icon="🔒",
    )


def stand_in(*, title: str, url_path: str, needs: str) -> st.Page:
    """A hidden page at `url_path` for someone who may not open it (yet): the login, or a German refusal.

    Registering it keeps deep links off Streamlit's English "Page not found" dialog.
    """

    def draw() -> None:
        access = gate.current_access()
        if access is None or access.actor is None:
            show_login(access, url_path=url_path, wanted=title)
        else:
            show_refusal(title, needs)

    draw.__name__ = f"gesperrt_{url_path}"
    return st.Page(draw, title=title, url_path=url_path, visibility="hidden")


def read_only_stand_in(*, title: str, url_path: str, why: str) -> st.Page:
    """A hidden page at `url_path` in the Nur-Lese-Modus: the German reason instead of an upload or edit form."""

    def draw() -> None:
        st.title(title)
        st.warning(
            f"Nur-Lese-Modus ({fmt.markdown(why)}): Hochladen und Ändern sind abgeschaltet, Ansehen und Exporte gehen. "
            "Zum Ändern startet die Administration das Dashboard mit einer beschreibbaren Datenbank (ohne "
            "KORA_READONLY); siehe README „Nur-Lese-Modus und Importe neben dem Dashboard“.",
            icon="🔒",
        )

    draw.__name__ = f"nur_lesen_{url_path}"
    return st.Page(draw, title=title, url_path=url_path, visibility="hidden")
