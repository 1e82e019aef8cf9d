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
from kora.web import gate, login_form, serve, state, style

st.set_page_config(page_title=f"KoRa-Monitor {gate.own_kommune_name()}", page_icon="🚲", layout="wide")
serve.route_through_app()
state.require_database()  # a locked, damaged or unwritable file: a German page with what to do, then stop

access = gate.access()  # st.stop() with a German message when access is misconfigured
gate.resume_after_sso(access)  # after the city's login: on to the page asked for before it
actor = access.actor

writer = actor is not None and actor.can_write_readings  # Koordinator*innen keep their milestones in Verwaltung
admin = actor is not None and actor.is_admin
READERS, WRITERS, ADMINS = "angemeldete Personen", "Koordinator*innen und Admins", "Admins"
# (section, script, title, icon, url_path, may this person open it, who may)
CATALOGUE = [
    ("Dashboard", "pages/dashboard/uebersicht.py", "Übersicht", "🏠", "uebersicht", access.can_read, READERS),
    ("Dashboard", "pages/dashboard/aktionsfeld.py", "Aktionsfeld", "🎯", "aktionsfeld", access.can_read, READERS),
    ("Dashboard", "pages/dashboard/vorhaben.py", "Vorhaben", "📋", "vorhaben", access.can_read, READERS),
    ("Dashboard", "pages/dashboard/meilensteine.py", "Meilensteine", "🏁", "meilensteine", access.can_read, READERS),
    ("Dashboard", "pages/dashboard/staedtenetzwerk.py", "Städtenetzwerk", "🤝", "staedtenetzwerk", access.can_read, READERS),
    ("Dashboard", "pages/dashboard/staedtevergleich.py", "Städtevergleich", "📊", "staedtevergleich", access.can_read, READERS),
    ("Dashboard", "pages/massnahmen/massnahmen.py", "Maßnahmen", "🚧", "massnahmen", access.can_read, READERS),
    ("Messwerte", "pages/messwerte/upload.py", "Messwerte hochladen", "📤", "upload", access.can_read and writer, WRITERS),
    ("Messwerte", "pages/messwerte/historie.py", "Historie", "🕘", "historie", access.can_read, READERS),
    ("Vortrag", "pages/vortrag/praesentation.py", "Präsentationsmodus", "📽️", "praesentation", access.can_read, READERS),
    ("Verwaltung", "pages/verwaltung/admin.py", "Meilensteine pflegen" if writer and not admin else "Verwaltung", "🛠️", "verwaltung",
     access.can_read and writer, WRITERS),
    ("Verwaltung", "pages/verwaltung/audit.py", "Audit-Log", "🧾", "audit", access.can_read and admin, ADMINS),
]  # fmt: skip

# Nur-Lese-Modus (KORA_READONLY or an unwritable file): the pages that only change data leave the navigation;
# a link to one shows why instead (the database refuses every write anyway).
WRITE_PAGES = ("upload", "verwaltung")
read_only = state.database().read_only

PAGES: dict[str, list] = {}
locked = []  # hidden stand-ins: a deep link to a page not open (yet) shows the login or a refusal, never "Page not found"
for section, script, title, icon, url_path, may_open, needs in CATALOGUE:
    if may_open and read_only and url_path in WRITE_PAGES:
        locked.append(login_form.read_only_stand_in(title=title, url_path=url_path, why=read_only))
    elif may_open:
        default = url_path == "uebersicht"
        PAGES.setdefault(section, []).append(
            st.Page(script, title=title, icon=icon, url_path=url_path, default=default)
        )
    else:
        locked.append(login_form.stand_in(title=title, url_path=url_path, needs=needs))
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

if locked:
    PAGES.setdefault("Konto", []).extend(locked)
page = st.navigation(PAGES, expanded=True)  # every page in view: collapsed, Streamlit hides all past the tenth
if st.session_state.pop(gate.AFTER_LOGIN_KEY, False) and access.can_read and page.url_path == "anmeldung":
    st.switch_page(PAGES["Dashboard"][0])  # logged in: start on the Übersicht, not on "Mein Konto"

try:
    with st.sidebar:
        style.app_style()
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
        st.caption(f"KoRa-Monitor · Aktionsplan {fmt.markdown(gate.own_kommune_name())}")
    page.run()
except KoraError as err:
    st.error(fmt.markdown(str(err)))
except Exception:
    logging.getLogger("kora").exception("Fehler auf Seite %s", page.title)
    st.error(
        "Auf dieser Seite ist ein unerwarteter Fehler aufgetreten. Ihre Daten sind unverändert. "
        "Bitte laden Sie die Seite neu; besteht der Fehler weiter, melden Sie ihn der KoRa-Koordination."
    )
