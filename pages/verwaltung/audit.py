"""Audit-Log (Admin): who did what when — uploads, corrections, reverts, rejected files, target
changes, logins and refused actions; filters and formula-safe CSV/XLSX export.

Thin page over `kora.access.audit` (which checks the Admin role itself); the files come from
`kora.report.export.audit_log`. The log is append-only.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kora import periods
from kora.access import audit
from kora.report.export import audit_log
from kora.web import gate, state

st.title("Audit-Log")
actor = gate.current_actor()
if actor is None or not actor.is_admin:
    st.warning("Das Audit-Log sehen nur Admins.", icon="🔒")
    st.stop()

db = state.database()
st.caption(
    "Jede Änderung, jede abgelehnte Datei, jede Anmeldung und jeder verweigerte Zugriff — mit Name, Zeit und Grund. "
    "Einträge werden nie geändert oder gelöscht."
)

facets = audit.facets(db)
left, middle, right = st.columns([2, 2, 2])
actions = left.multiselect(
    "Aktion", facets["actions"], format_func=audit.action_label, key="audit_actions", placeholder="alle Aktionen"
)
actors = middle.multiselect("Wer", facets["actors"], key="audit_actors", placeholder="alle Personen")
outcomes = right.multiselect(
    "Ergebnis",
    list(audit.OUTCOME_LABELS),
    format_func=audit.OUTCOME_LABELS.__getitem__,
    key="audit_outcomes",
    placeholder="alle Ergebnisse",
)
today = periods.today_local()
period = st.date_input(
    "Zeitraum",
    value=(today - dt.timedelta(days=90), today),
    max_value=today,
    format="DD.MM.YYYY",
    key="audit_period",
)
since, until = (period[0], period[-1]) if isinstance(period, tuple | list) and period else (None, None)

flt = audit.AuditFilter(tuple(actions), tuple(actors), tuple(outcomes), since, until)
table = audit.entries(db, actor, flt)
st.write(f"**{len(table)}** Einträge")
st.dataframe(
    table,
    hide_index=True,
    key="audit_table",
    width="stretch",
    column_config={
        "Nr": st.column_config.NumberColumn(width="small", pinned=True),  # a phone scrolls the log sideways
        "Zeitpunkt": st.column_config.TextColumn(width=150),  # "29.11.2026 06:12:34": "small" hid the time
        "Objekt": st.column_config.TextColumn(width="medium"),
        "Grund": st.column_config.TextColumn(width="medium"),
        "Details": st.column_config.TextColumn(width="large"),
    },
)

left, right = st.columns(2)
left.download_button(
    "Als Excel (.xlsx) herunterladen",
    data=lambda: audit_log.to_xlsx(table),  # built only when clicked
    file_name=audit_log.file_name("xlsx"),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="audit_xlsx",
    icon="📥",
)
right.download_button(
    "Als CSV herunterladen",
    data=lambda: audit_log.to_csv(table),
    file_name=audit_log.file_name("csv"),
    mime="text/csv",
    key="audit_csv",
    icon="📥",
)
