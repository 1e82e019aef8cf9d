"""Maßnahmen: the city's list of cycling projects — Zeitschiene, delays, priorities, history, edit, upload.

Thin page: reading, checking, deriving and saving are `kora.massnahmen` (the same calls as
`python -m kora massnahmen …`); this script only draws. `?indikator=…&monat=JJJJ-MM` (the link
under a derived number on the Aktionsfeld and Vorhaben pages) opens the Maßnahmen behind it.
"""

from __future__ import annotations

import streamlit as st

from kora import fmt, periods
from kora.errors import KoraError
from kora.labels import QUELLE_LABELS
from kora.massnahmen import charts, edit, quelle, revert, rules, upload
from kora.plan import quellen
from kora.readings.ingest import MAX_UPLOAD_BYTES
from kora.web import gate, state, style
from kora.web import massnahmen as web

PREVIEW_KEY = "massnahmen_preview"
SUCCESS_KEY = "massnahmen_success"
ROUND_KEY = "massnahmen_round"
EDIT_ROUND_KEY = "massnahmen_edit_round"  # a new editor (no leftover edits) after each save
MAX_MB = MAX_UPLOAD_BYTES // (1024 * 1024)
KOMMUNE = gate.own_kommune()  # the session's Kommune, never assumed

as_of = state.stand()
actor = gate.current_actor()
db = state.database()
READ_ONLY = db.read_only  # "" or why nothing can be written (then no write form is drawn)
st.title("Maßnahmen")
st.caption(
    f"Maßnahmenliste der Stadt (Radverkehrsprojekte) · Stand {fmt.month_name(as_of)} · Quelle der Prozess-Indikatoren"
)
if SUCCESS_KEY in st.session_state:
    st.success(st.session_state.pop(SUCCESS_KEY), icon="✅")

summary = web.summary(kommune=KOMMUNE)  # cached and small: reruns copy no 5 000-row frame
if state.has_demo() and summary["n"]:
    st.warning("Angezeigt wird eine **Beispiel-Maßnahmenliste**, keine echten Projekte der Stadt.", icon="🧪")

# --- the Maßnahmen behind a derived number (link from Aktionsfeld / Vorhaben) -------------------
wanted = st.query_params.get("indikator")
if wanted in quellen.DERIVED:
    try:
        month = periods.parse_month(st.query_params.get("monat", as_of.strftime("%Y-%m")))
    except KoraError:
        month = as_of
    with st.container(border=True):
        behind = web.behind(wanted, month, kommune=KOMMUNE)
        st.subheader(f"Hinter „{wanted}“ im {fmt.month_name(month)}: {len(behind)} Maßnahmen")
        if behind.empty:
            st.info("In diesem Monat trägt keine Maßnahme zu diesem Wert bei.")
        else:
            st.dataframe(behind, hide_index=True, key="behind_table")

if not summary["n"]:
    st.info("Noch keine Maßnahmenliste gespeichert. Laden Sie sie im Reiter „Hochladen“ hoch.")

# --- filters ---------------------------------------------------------------------------------
f1, f2, f3 = st.columns(3)
options = summary["options"]
phases = f1.multiselect("Phase", options["phases"], key="filter_phase", placeholder="alle Phasen")
arten = f2.multiselect("Art", options["arten"], key="filter_art", placeholder="alle Arten")
leads = f3.multiselect("Projektleitung", options["leads"], key="filter_pl", placeholder="alle Projektleitungen")
group = st.segmented_control(
    "Zeitschiene sortiert nach", ["Phase", "Priorität"], default="Phase", key="zeitschiene_group"
)
view = web.view(phases=phases, arten=arten, leads=leads, group=group, kommune=KOMMUNE)

tabs = st.tabs(  # keyed: after saving (message above, rerun) the tab the user worked in stays open
    ["Zeitschiene", "Verzögerungen", "Prioritäten", "Liste und Historie", "Bearbeiten", "Hochladen", "Quellen"],
    key="massnahmen_tab",
)

with tabs[0]:
    if view["figure"] is None:
        st.info("Keine Maßnahmen mit geplanten oder erreichten Terminen (Filter prüfen).")
    else:
        style.chart(view["figure"], key="zeitschiene_chart")
        if view["n"] > charts.MAX_ROWS:
            st.caption(f"Gezeigt werden die ersten {charts.MAX_ROWS} von {view['n']} Maßnahmen; Filter grenzen ein.")

with tabs[1]:
    st.caption(
        "Eine Verzögerung zählt in dem Monat, in dem sie bekannt wurde: bei einem Upload mit späterem Termin "
        "(frühzeitig, wenn mindestens 3 Monate vor dem alten Termin) oder im Monat nach einem verstrichenen Termin."
    )
    if view["delays"].empty:
        st.success("Keine Verzögerungen bekannt.")
    else:
        st.dataframe(view["delays"], hide_index=True, key="delays")

with tabs[2]:
    st.caption(
        "Rang 1 = zuerst. ⚠️ = Verwaltung und Politik sehen die Maßnahme an verschiedener Stelle (Vorhaben 3 und 5)."
    )
    if view["priorities"].empty:
        st.info("Keine Prioritäten eingetragen.")
    else:
        st.metric("Abweichende Ränge", view["mismatches"])
        st.dataframe(view["priorities"], hide_index=True, key="priorities")

with tabs[3]:
    st.dataframe(view["table"], hide_index=True, key="list_table")
    if view["nrs"]:
        nr = st.selectbox("Versionen einer Maßnahme", view["nrs"], key="history_nr")
        st.dataframe(web.versions_of(nr, kommune=KOMMUNE), hide_index=True, key="versions")
    st.download_button(
        "Liste als Excel-Vorlage (.xlsx)", data=lambda: web.template_xlsx(kommune=KOMMUNE),
        file_name="KoRa-Massnahmenliste.xlsx", key="template_xlsx", icon="📥", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip

with tabs[4]:
    if READ_ONLY:
        st.info(fmt.markdown(state.read_only_banner()), icon="🔒")
    elif actor is None or not actor.can_write_readings:
        st.info("Einzelne Maßnahmen korrigieren dürfen Koordinator*innen und Admins.", icon="🔒")
    elif summary["n"] and st.toggle("Maßnahmen bearbeiten", key="edit_on"):
        st.caption(
            "Für kleine Korrekturen: Zellen ändern wie in Excel (Daten als 03.2025 oder 01.03.2025, Zahlen mit "
            "Komma). Es gelten dieselben Regeln wie beim Hochladen; gespeichert wird eine neue Version mit Grund. "
            "Neue Maßnahmen bitte hochladen. Die Filter oben grenzen die Liste ein."
        )
        base = web.editable(phases=phases, arten=arten, leads=leads, kommune=KOMMUNE)
        edit_round = st.session_state.get(EDIT_ROUND_KEY, 0)
        edited = st.data_editor(
            base["table"], hide_index=True, num_rows="fixed",
            key=web.editor_key(edit_round, phases=phases, arten=arten, leads=leads, list_state=base["state"]),
            column_config=web.editor_columns(), placeholder="",
        )  # fmt: skip
        try:
            rows = edit.changed_rows(base["table"], edited)
            checked = None if rows.empty else edit.preview_edit(db, rows, actor=actor, kommune=KOMMUNE)
        except KoraError as err:
            st.error(fmt.markdown(str(err)))
            checked = None
        if checked is None:
            st.caption("Noch keine Änderung.")
        elif checked.errors:
            st.error(checked.message(), icon="🚫")
            st.dataframe(checked.error_table(), hide_index=True, key="edit_errors")
        elif checked.preview.noop:
            st.info(checked.message(), icon="ℹ️")
        else:
            st.write(checked.message())
            st.dataframe(checked.table(), hide_index=True, key="edit_preview")
            reason = st.text_input("Korrekturgrund (Pflicht)", key="edit_reason", max_chars=500)
            if st.button("Änderungen speichern", type="primary", key="edit_commit"):
                try:
                    saved = edit.save_edit(db, rows, actor=actor, kommune=KOMMUNE, reason=reason, state=base["state"])
                except KoraError as err:
                    st.error(fmt.markdown(str(err)))
                else:
                    state.clear_caches()
                    st.session_state[SUCCESS_KEY] = saved.message
                    st.session_state[EDIT_ROUND_KEY] = edit_round + 1
                    st.rerun()

with tabs[5]:
    if READ_ONLY:
        st.info(fmt.markdown(state.read_only_banner()), icon="🔒")
    elif actor is None or not actor.can_write_readings:
        st.info("Die Maßnahmenliste hochladen dürfen Koordinator*innen und Admins.", icon="🔒")
    else:
        st.write(
            "Eine Arbeitsmappe (Blatt „Maßnahmen“ und Blatt „Ereignisse“) oder zwei CSV-Dateien, so wie Excel sie "
            "speichert. Spalten: " + ", ".join(c.header for c in rules.LIST_COLUMNS) + "."
        )
        round_no = st.session_state.get(ROUND_KEY, 0)
        files = st.file_uploader(
            f"Dateien auswählen (CSV oder XLSX, je höchstens {MAX_MB} MB)", type=["csv", "txt", "xlsx"],
            accept_multiple_files=True, key=f"massnahmen_files_{round_no}", max_upload_size=MAX_MB,
        )  # fmt: skip
        if files:
            key = (*tuple((f.name, f.size) for f in files), actor.name)
            cached = st.session_state.get(PREVIEW_KEY)
            if cached is None or cached[0] != key:
                preview = upload.preview_list(db, [(f.name, f.getvalue()) for f in files], actor=actor,
                                              kommune=KOMMUNE)  # fmt: skip
                st.session_state[PREVIEW_KEY] = (key, preview)
            preview = st.session_state[PREVIEW_KEY][1]
            if preview.errors:
                st.error(preview.message(), icon="🚫")
                st.dataframe(preview.error_table(), hide_index=True, key="massnahmen_errors")
            else:
                st.caption(fmt.markdown("Erkannt: " + "; ".join(preview.descriptions)))
                for note in preview.notes:
                    st.info(fmt.markdown(note))
                c = st.columns(4)
                c[0].metric("Neu", preview.count("new"))
                c[1].metric("Geändert", preview.count("changed"))
                c[2].metric("Unverändert", preview.count("unchanged"))
                c[3].metric("Neue Ereignisse", preview.new_events)
                st.dataframe(preview.table(only_changes=True), hide_index=True, key="massnahmen_preview_table")
                if preview.noop:
                    st.info(preview.message(), icon="ℹ️")
                else:
                    reason = st.text_input("Anlass der Änderung (optional)", key="massnahmen_reason", max_chars=500)
                    if st.button("Speichern", type="primary", key="massnahmen_commit"):
                        try:
                            result = upload.commit_list(db, preview, actor=actor, reason=reason)
                        except KoraError as err:
                            st.error(fmt.markdown(str(err)))
                        else:
                            state.clear_caches()
                            st.session_state.pop(PREVIEW_KEY, None)
                            st.session_state[SUCCESS_KEY] = result.message
                            st.session_state[ROUND_KEY] = round_no + 1
                            st.rerun()
        uploads = web.uploads(kommune=KOMMUNE)
        if len(uploads["table"]):
            st.subheader("Uploads der Maßnahmenliste")
            st.dataframe(uploads["table"], hide_index=True, key="massnahmen_uploads")
            open_ids = uploads["revertible"]
            if open_ids:
                with st.form("massnahmen_revert"):
                    chosen = st.selectbox("Upload zurücknehmen", open_ids, key="revert_id")
                    why = st.text_input("Grund der Rücknahme", key="revert_reason", max_chars=500)
                    if st.form_submit_button("Zurücknehmen"):
                        try:
                            done = revert.revert_list(db, int(chosen), actor=actor, reason=why,
                                                      kommune=KOMMUNE)  # fmt: skip
                        except KoraError as err:
                            st.error(fmt.markdown(str(err)))
                        else:
                            state.clear_caches()
                            st.session_state[SUCCESS_KEY] = done.message
                            st.rerun()

with tabs[6]:
    current = web.quellen(kommune=KOMMUNE)
    rows = [{"Indikator": i, "Quelle": QUELLE_LABELS[current.get(i, "meldung")], "möglich": ", ".join(quellen.allowed_for(i))}
            for i in (*quellen.DERIVED, *quellen.FROM_MILESTONES) if i in current]  # fmt: skip
    st.dataframe(rows, hide_index=True, key="quellen_table")
    if actor is not None and actor.is_admin and not READ_ONLY:
        with st.form("quelle_form"):
            indicator = st.selectbox("Indikator", [r["Indikator"] for r in rows], key="quelle_indicator")
            new = st.selectbox("Neue Quelle", quellen.QUELLEN, format_func=QUELLE_LABELS.get, key="quelle_new")
            why = st.text_input("Grund (Pflicht)", key="quelle_reason", max_chars=500)
            if st.form_submit_button("Quelle umstellen"):
                try:
                    change = quelle.set_quelle(db, actor, indicator, new, reason=why, kommune=KOMMUNE)
                except KoraError as err:
                    st.error(fmt.markdown(str(err)))
                else:
                    state.clear_caches()
                    st.session_state[SUCCESS_KEY] = change.message
                    st.rerun()
        st.dataframe(web.quelle_changes(kommune=KOMMUNE), hide_index=True, key="quelle_changes")
    else:
        st.caption("Die Quelle eines Indikators stellen Admins um (mit Begründung, im Audit-Log).")
