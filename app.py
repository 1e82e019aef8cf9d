"""KoRa-Monitor — Streamlit router: page config, navigation, shared sidebar.

Pages are listed here explicitly (`st.navigation`), so `pages/` is never auto-discovered.
The sidebar's Stand selector is shared by every page. Any error that escapes a page is shown
as a German message, never as a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from kora import ui
from kora.errors import KoraError

st.set_page_config(page_title="KoRa-Monitor Aachen", page_icon="🚲", layout="wide")
ui.route_through_app()

PAGES = {
    "Dashboard": [
        st.Page("pages/dashboard/uebersicht.py", title="Übersicht", icon="🏠", url_path="uebersicht", default=True),
        st.Page("pages/dashboard/aktionsfeld.py", title="Aktionsfeld", icon="🎯", url_path="aktionsfeld"),
        st.Page("pages/dashboard/vorhaben.py", title="Vorhaben", icon="📋", url_path="vorhaben"),
        st.Page("pages/dashboard/meilensteine.py", title="Meilensteine", icon="🏁", url_path="meilensteine"),
        st.Page("pages/dashboard/staedtenetzwerk.py", title="Städtenetzwerk", icon="🤝", url_path="staedtenetzwerk"),
    ],
    "Messwerte": [
        st.Page("pages/messwerte/upload.py", title="Messwerte hochladen", icon="📤", url_path="upload"),
        st.Page("pages/messwerte/historie.py", title="Historie", icon="🕘", url_path="historie"),
    ],
    "Vortrag": [
        st.Page("pages/vortrag/praesentation.py", title="Präsentationsmodus", icon="📽️", url_path="praesentation"),
    ],
}

page = st.navigation(PAGES)

try:
    with st.sidebar:
        ui.stand_selector()
        if ui.has_demo():
            st.caption("🧪 Beispieldaten geladen — keine echten Messwerte.")
        st.caption("KoRa-Monitor · Aktionsplan der Stadt Aachen")
    page.run()
except KoraError as err:
    st.error(str(err))
except Exception:
    logging.getLogger("kora").exception("Fehler auf Seite %s", page.title)
    st.error(
        "Auf dieser Seite ist ein unerwarteter Fehler aufgetreten. Ihre Daten sind unverändert. "
        "Bitte laden Sie die Seite neu; besteht der Fehler weiter, melden Sie ihn der KoRa-Koordination."
    )
