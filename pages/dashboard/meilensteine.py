"""Meilensteine: all milestones on a timeline; overdue ones flagged; filter by Aktionsfeld."""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.report import charts, tables
from kora.web import state, style

plan = state.plan()
as_of = state.stand()
codes = [f["code"] for f in plan["aktionsfelder"]]
titles = {f["code"]: f["title"] for f in plan["aktionsfelder"]}

st.title("Meilensteine")
st.caption(f"Stand {fmt.month_name(as_of)} · überfällig = fällig bis Monatsende und nicht erreicht")
chosen = st.multiselect(
    "Aktionsfelder", codes, default=codes, format_func=lambda c: f"{c} · {titles[c]}", key="ms_fields"
)
frame = tables.milestones_in(tables.milestone_frame(state.milestones(), as_of), chosen)
summary = tables.milestone_counts(frame)
cols = st.columns(4)
cols[0].metric("Meilensteine", summary["total"])
cols[1].metric("✅ erreicht", summary["erreicht"])
cols[2].metric("⛔ überfällig", summary["overdue"])
cols[3].metric("↪️ verschoben", summary["verschoben"])
style.chart(charts.milestone_timeline(frame, as_of=as_of), key="all_milestones")
st.markdown(tables.milestone_list_markdown(frame, by_vorhaben=True))
