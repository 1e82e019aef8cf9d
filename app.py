"""KoRa-Monitor — Streamlit router: page config, access, navigation by role, shared sidebar.

Pages are listed here explicitly (`st.navigation`), so `pages/` is never auto-discovered.
Who may see which page follows the role (`gate.access()`): a Leser*in gets no upload page, only
Admins see Verwaltung and Audit-Log. Hiding is for clarity only — kora's write functions check
the role again on the server. A configuration problem fails closed with a German message.
The sidebar's Stand selector is shared by every page. Any error that escapes a page is shown
as a German message, never as a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from kora import fmt
from kora.errors import KoraError
from kora.web import gate, serve, state

st.set_page_config(page_title="KoRa-Monitor Aachen", page_icon="🚲", layout="wide")
serve.route_through_app()
state.require_database()  # a locked, damaged or unwritable file: a German page with what to do, then stop

access = gate.access()  # st.stop() with a German message when access is misconfigured
actor = access.actor

PAGES: dict[str, list] = {}
if access.can_read:
    PAGES["Dashboard"] = [
        st.Page("pages/dashboard/uebersicht.py", title="Übersicht", icon="🏠", url_path="uebersicht", default=True),
        st.Page("pages/dashboard/aktionsfeld.py", title="Aktionsfeld", icon="🎯", url_path="aktionsfeld"),
        st.Page("pages/dashboard/vorhaben.py", title="Vorhaben", icon="📋", url_path="vorhaben"),
        st.Page("pages/dashboard/meilensteine.py", title="Meilensteine", icon="🏁", url_path="meilensteine"),
        st.Page("pages/dashboard/staedtenetzwerk.py", title="Städtenetzwerk", icon="🤝", url_path="staedtenetzwerk"),
    ]
    messwerte = []
    if actor is not None and actor.can_write_readings:
        messwerte.append(
            st.Page("pages/messwerte/upload.py", title="Messwerte hochladen", icon="📤", url_path="upload")
        )
    messwerte.append(st.Page("pages/messwerte/historie.py", title="Historie", icon="🕘", url_path="historie"))
    PAGES["Messwerte"] = messwerte
    PAGES["Vortrag"] = [
        st.Page("pages/vortrag/praesentation.py", title="Präsentationsmodus", icon="📽️", url_path="praesentation"),
    ]
    verwaltung = []
    if actor is not None and actor.can_write_readings:  # Koordinator*innen keep their milestones there
        title = "Verwaltung" if actor.is_admin else "Meilensteine pflegen"
        verwaltung.append(st.Page("pages/verwaltung/admin.py", title=title, icon="🛠️", url_path="verwaltung"))
    if actor is not None and actor.is_admin:
        verwaltung.append(st.Page("pages/verwaltung/audit.py", title="Audit-Log", icon="🧾", url_path="audit"))
    if verwaltung:
        PAGES["Verwaltung"] = verwaltung
if not access.config.single_user:
    PAGES["Konto"] = [
        st.Page(
            "pages/konto/anmeldung.py",
            title="Mein Konto" if actor else "Anmelden",
            icon="👤" if actor else "🔑",
            url_path="anmeldung",
            default=not access.can_read,
        )
    ]

page = st.navigation(PAGES)
if st.session_state.pop(gate.AFTER_LOGIN_KEY, False) and access.can_read and page.url_path == "anmeldung":
    st.switch_page(PAGES["Dashboard"][0])  # logged in: start on the Übersicht, not on "Mein Konto"

try:
    with st.sidebar:
        if state.database().read_only:
            st.warning(fmt.markdown(state.read_only_banner()), icon="🔒")
        if access.can_read:
            state.stand_selector()
            if state.has_demo():
                st.caption("🧪 Beispieldaten geladen — keine echten Messwerte.")
        if access.config.single_user:
            st.info(
                f"🖥️ **Einzelplatzmodus: keine Anmeldung.** Alle Änderungen werden unter dem Namen „{fmt.markdown(actor.name)}“ "
                "erfasst. Nur auf diesem Rechner erreichbar.",
            )
        elif actor is not None:
            st.caption(f"👤 Angemeldet als **{fmt.markdown(actor.label)}**")
            if st.button("Abmelden", key="sidebar_logout", icon="🚪", type="tertiary"):
                gate.logout()
        else:
            st.caption("🔒 Nicht angemeldet")
        st.caption("KoRa-Monitor · Aktionsplan der Stadt Aachen")
    page.run()
except KoraError as err:
    st.error(fmt.markdown(str(err)))
except Exception:
    logging.getLogger("kora").exception("Fehler auf Seite %s", page.title)
    st.error(
        "Auf dieser Seite ist ein unerwarteter Fehler aufgetreten. Ihre Daten sind unverändert. "
        "Bitte laden Sie die Seite neu; besteht der Fehler weiter, melden Sie ihn der KoRa-Koordination."
    )
