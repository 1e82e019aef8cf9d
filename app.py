"""KoRa-Monitor — Streamlit router: page config, navigation, shared sidebar.

Pages are listed here explicitly (`st.navigation`), so `pages/` is never auto-discovered.
Any error that escapes a page is shown as a German message, never as a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from kora.errors import KoraError

st.set_page_config(page_title="KoRa-Monitor Aachen", page_icon="🚲", layout="wide")

PAGES = {
    "Überblick": [
        st.Page("pages/uebersicht.py", title="Übersicht", icon="🏠", url_path="uebersicht", default=True),
    ],
}

page = st.navigation(PAGES)

with st.sidebar:
    st.caption("KoRa-Monitor · Aktionsplan der Stadt Aachen")

try:
    page.run()
except KoraError as err:
    st.error(str(err))
except Exception:
    logging.getLogger("kora").exception("Fehler auf Seite %s", page.title)
    st.error(
        "Auf dieser Seite ist ein unerwarteter Fehler aufgetreten. Ihre Daten sind unverändert. "
        "Bitte laden Sie die Seite neu; besteht der Fehler weiter, melden Sie ihn der KoRa-Koordination."
    )
