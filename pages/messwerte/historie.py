"""Historie: every upload with counts, who and when; revert an upload; versions of one cell.

Thin page over `kora.readings.history` and `kora.readings.revert` (same calls as `python -m kora history` / `revert`). A revert
adds versions and deletes nothing, so it can itself be reverted. Everyone who may read sees
the history; "Zurücknehmen" is offered only for uploads this person may revert
(`kora.readings.offers.revert_offers`: role, scope and upload rules), and kora checks again on the server.
"""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.errors import KoraError
from kora.network.received import received_packages
from kora.readings.history import (
    indicator_options,
    month_options,
    reading_versions,
    upload_choices,
    upload_focus,
    upload_history,
)
from kora.readings.offers import revert_offers
from kora.readings.revert import revert_upload
from kora.web import gate, state, style

SUCCESS_KEY = "history_success"
FOCUS_APPLIED_KEY = "history_focus_applied"


st.title("Historie")
db = state.database()
kommune = gate.own_kommune()  # the session's Kommune (configuration or the person's), never assumed
actor = gate.current_actor()

if SUCCESS_KEY in st.session_state:
    st.success(st.session_state.pop(SUCCESS_KEY), icon="✅")

uploads = upload_history(db, kommune=kommune)
wanted = st.query_params.get("upload", "")  # set after a revert, or by a shared link: that upload in focus
focus = upload_focus(db, upload_id=int(wanted), kommune=kommune) if wanted.isdigit() else None
if wanted.isdigit() and not uploads.empty:
    st.subheader(f"Upload Nr. {int(wanted)}")
    row = uploads[uploads["Nr"] == int(wanted)]
    if row.empty:
        st.info(f"Upload Nr. {int(wanted)} gibt es hier nicht.")
    else:
        st.dataframe(row, hide_index=True, key="history_focus_upload")
        st.page_link(
            "pages/messwerte/historie.py",
            label=f"Link zu Upload Nr. {int(wanted)} (zum Weitergeben)",
            query_params={"upload": wanted},
            icon="🔗",
        )
        if focus is not None:
            st.caption(f"Unten die Versionen seines ersten Werts ({fmt.month_name(focus.month)}).")

st.subheader("Uploads")
if uploads.empty:
    st.info("Es wurden noch keine Messwerte hochgeladen.")
else:
    st.dataframe(uploads, hide_index=True, key="history_uploads", column_config=style.pinned("Nr"))

received = received_packages(db, own=kommune)
if not received.empty:
    st.subheader("Pakete der Partnerstädte")
    st.caption(
        "Benchmark-Pakete anderer Kommunen (Städtevergleich), gespeichert als Uploads der sendenden Kommune. "
        "Nur zum Lesen: eine Stadt korrigiert ihre Zahlen mit einem neueren Paket."
    )
    st.dataframe(received, hide_index=True, key="history_packages")

choices = upload_choices(db, kommune=kommune) if actor is not None and actor.can_write_readings else []
if choices:
    st.subheader("Upload zurücknehmen")
    st.caption(
        "Eine Rücknahme setzt die Werte eines Uploads auf den Stand davor (Erstmeldungen werden zurückgezogen). "
        "Nichts wird gelöscht: die Rücknahme erscheint selbst als Eintrag und kann wieder zurückgenommen werden. "
        "Werte, die ein späterer Upload erneut gespeichert hat (geändert oder bestätigt), bleiben unangetastet."
        + (
            " Koordinator*innen können Uploads ihrer eigenen Vorhaben zurücknehmen."
            if actor.role == "koordination"
            else ""
        )
    )
    offers = revert_offers(
        db, actor, [c.id for c in choices], kommune=kommune
    )  # revert_upload's rules; the server checks again
    for choice in choices:
        offer = offers[choice.id]
        with st.expander(choice.label):
            if not offer.allowed:
                st.caption(f"Nicht möglich: {fmt.markdown(offer.why_not)}")
                continue
            # a form sends the Grund with the click: a button enabled only after the text field reported
            # (Enter/blur) lost the first click, as "Speichern" on the upload page did (issue 11)
            with st.form(f"revert_form_{choice.id}", border=False, enter_to_submit=False):
                reason = st.text_input("Grund der Rücknahme", key=f"revert_reason_{choice.id}", max_chars=500)
                clicked = st.form_submit_button("Zurücknehmen", key=f"revert_{choice.id}")
            if clicked and not reason.strip():
                st.error("Bitte zuerst einen Grund der Rücknahme eintragen.")
            elif clicked:
                try:
                    with st.spinner("Rücknahme wird gespeichert …"):
                        result = revert_upload(db, choice.id, actor=actor, reason=reason, kommune=kommune)
                except KoraError as err:
                    st.error(fmt.markdown(str(err)))
                else:
                    state.clear_caches()
                    st.session_state[SUCCESS_KEY] = result.message
                    st.query_params["upload"] = str(result.reverted_upload)  # the viewer opens on its month
                    st.rerun()

st.subheader("Versionen je Indikator und Monat")
indicators = indicator_options(db, kommune=kommune)
if not indicators:
    st.info("Noch keine Messwerte vorhanden.")
else:
    labels = dict(indicators)
    if focus is not None and st.session_state.get(FOCUS_APPLIED_KEY) != focus.upload_id:
        st.session_state[FOCUS_APPLIED_KEY] = focus.upload_id  # once: the reader may then choose freely
        if focus.indicator_id in labels:
            st.session_state["history_indicator"] = focus.indicator_id
            st.session_state["history_month"] = focus.month
    indicator = st.selectbox(
        "Indikator", [i for i, _ in indicators], format_func=labels.__getitem__, key="history_indicator"
    )
    months = month_options(db, indicator_id=indicator, kommune=kommune)
    month_labels = dict(months)
    month = st.selectbox("Monat", [m for m, _ in months], format_func=month_labels.__getitem__, key="history_month")
    if month is not None:
        st.caption("Neueste Version zuerst; die oberste Zeile ist der aktuelle Wert.")
        st.dataframe(
            reading_versions(db, indicator_id=indicator, month=month, kommune=kommune),
            hide_index=True,
            key="history_versions",
            column_config=style.pinned("Wert"),
        )
