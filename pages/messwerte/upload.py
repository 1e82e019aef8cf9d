"""Messwerte hochladen: file -> German preview per cell -> Korrekturgrund if needed -> save.

Thin page: reading, checking, diffing and saving are `kora.readings` (check, preview, commit) (the same calls as
`python -m kora import`); this script only draws. Comments are shown in tables as plain text.
The acting person comes from the login (`gate.current_actor()`); kora checks their role and
scope again when saving.
"""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.errors import KoraError
from kora.readings import templates
from kora.readings.commit import commit_upload
from kora.readings.ingest import MAX_UPLOAD_BYTES
from kora.readings.preview import preview_upload
from kora.web import gate, state, style

PREVIEW_KEY = "upload_preview"
SUCCESS_KEY = "upload_success"
ROUND_KEY = "upload_round"
MAX_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


st.title("Messwerte hochladen")
actor = gate.current_actor()
if actor is None or not actor.can_write_readings:
    st.warning(
        "Messwerte hochladen dürfen nur Koordinator*innen und Admins. Bitte melden Sie sich mit einem solchen Konto an.",
        icon="🔒",
    )
    st.stop()
st.write(
    "Laden Sie die Monatswerte so hoch, wie Excel sie speichert: CSV (Semikolon oder Komma), "
    "Unicode-Text (.txt) oder Excel-Arbeitsmappe (.xlsx), im langen Format (Indikator, Monat, Wert, Kommentar) "
    "oder im breiten Format (eine Zeile je Indikator, eine Spalte je Monat). "
    "Vor dem Speichern sehen Sie jede Zelle: neu, geändert (alt → neu) oder unverändert."
)

db = state.database()
kommune = gate.own_kommune()  # the session's Kommune (configuration or the person's), never assumed


def template_xlsx_button(label: str, *, key: str) -> None:
    """The Excel template of this Kommune, built on click (not on every rerun)."""
    st.download_button(
        label,
        data=lambda: templates.template_xlsx(db, kommune=kommune),
        file_name="KoRa-Messwerte-Vorlage.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key,
        icon="📥",
        on_click="ignore",
    )


with st.expander("Vorlage herunterladen", expanded=not state.has_readings()):
    st.caption(
        "Die Vorlage enthält alle Indikatoren und die Monate, für die noch Werte fehlen. "
        "Leere Zellen gelten als „nicht gemeldet“ (nie als 0). Ja/Nein-Indikatoren: „ja“ oder „nein“."
    )
    left, right = st.columns(2)
    with left:
        template_xlsx_button("Vorlage als Excel (.xlsx)", key="template_xlsx")
    right.download_button(
        "Vorlage als CSV",
        data=lambda: templates.template_csv(db, kommune=kommune),
        file_name="KoRa-Messwerte-Vorlage.csv",
        mime="text/csv",
        key="template_csv",
        icon="📥",
        on_click="ignore",
    )

if SUCCESS_KEY in st.session_state:
    st.success(st.session_state.pop(SUCCESS_KEY), icon="✅")

if actor.role == "koordination":
    st.caption(
        f"Sie melden als {fmt.markdown(actor.display_name or actor.name)} für {fmt.markdown(actor.scope_text())}. "
        "Werte anderer Vorhaben werden nicht angenommen."
    )
else:
    st.caption(f"Ihre Werte werden unter dem Namen „{fmt.markdown(actor.name)}“ in der Historie erfasst.")
round_no = st.session_state.get(ROUND_KEY, 0)
file = st.file_uploader(
    f"Datei auswählen (CSV, TXT oder XLSX, höchstens {MAX_MB} MB)",
    type=["csv", "txt", "xlsx"],
    key=f"upload_file_{round_no}",
    max_upload_size=MAX_MB,
)

if file is None:
    st.session_state.pop(PREVIEW_KEY, None)
    st.info("Noch keine Datei ausgewählt.")
else:
    file_key = (getattr(file, "file_id", None) or file.name, file.size, actor.name)
    cached = st.session_state.get(PREVIEW_KEY)
    if cached is None or cached[0] != file_key:
        with st.spinner("Datei wird geprüft …"):
            preview = preview_upload(db, file.getvalue(), filename=file.name, actor=actor, kommune=kommune)
        st.session_state[PREVIEW_KEY] = (file_key, preview)
    else:
        preview = cached[1]

    if preview.errors:
        st.error(preview.message(), icon="🚫")
        st.write("Bitte korrigieren Sie diese Stellen in Excel und laden Sie die Datei erneut hoch:")
        st.table(preview.error_table(), hide_index=True)  # wraps long hints; a dataframe cut them off
        template_xlsx_button("Vorlage herunterladen (.xlsx)", key="template_xlsx_after_error")
    else:
        layout = "breites" if preview.layout == "breit" else "langes"
        st.caption(f"Erkannt: {preview.description}, {layout} Format.")
        cols = st.columns(4)
        cols[0].metric("Neu", preview.n_new)
        cols[1].metric("Geändert", preview.n_changed)
        cols[2].metric("Unverändert", preview.n_unchanged)
        cols[3].metric("Leer (nicht gemeldet)", preview.n_empty)
        for note in preview.notes:
            st.info(note)
        if preview.noop:
            st.info(preview.message(), icon="ℹ️")
        elif preview.forbidden:
            st.error(fmt.markdown(preview.forbidden_message), icon="🔒")
            st.dataframe(preview.table(only_changes=True), hide_index=True, key="upload_preview_table")
        else:
            # A form sends the Korrekturgrund together with the click: a plain text_input reports only on
            # Enter/blur, so the first click on a button disabled until then was lost (issue 11).
            with st.form("upload_save", border=False, enter_to_submit=False):
                reason = ""
                if preview.needs_reason:
                    st.warning(preview.message(), icon="✏️")
                    reason = st.text_input(
                        "Korrekturgrund (Pflicht, wenn gemeldete Werte geändert werden)",
                        key="upload_reason",
                        max_chars=500,
                    )
                save = st.form_submit_button("Speichern", type="primary", key="upload_commit")
            if save and preview.needs_reason and not reason.strip():
                st.error("Bitte zuerst einen Korrekturgrund eintragen: Es werden bereits gemeldete Werte geändert.")
            elif save:
                try:
                    with st.spinner("Messwerte werden gespeichert …"):
                        result = commit_upload(db, preview, actor=actor, reason=reason)
                except KoraError as err:
                    st.session_state.pop(PREVIEW_KEY, None)
                    st.error(fmt.markdown(str(err)))
                else:
                    state.clear_caches()
                    st.session_state.pop(PREVIEW_KEY, None)
                    st.session_state[SUCCESS_KEY] = result.message
                    st.session_state[ROUND_KEY] = round_no + 1
                    st.rerun()
            # the table below Speichern: at 1440×900 the button stays in the first view (issue 11)
            only_changes = st.toggle("Nur neue und geänderte Werte zeigen", value=False, key="upload_only_changes")
            table = preview.table(only_changes=only_changes)
            comments = preview.comments_markdown()
            st.dataframe(  # comments in full below, not cut in a column (issue 11)
                table,
                hide_index=True,
                key="upload_preview_table",
                column_config=style.pinned("Zeile"),
                column_order=[c for c in table.columns if c != "Kommentar" or not comments],
            )
            if comments:
                st.markdown("**Kommentare in dieser Datei**")
                st.markdown(comments)
