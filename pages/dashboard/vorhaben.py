"""Vorhaben: the seed's text beside its numbers, and its milestones on a timeline."""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.report import charts, tables
from kora.web import massnahmen as massnahmen_web
from kora.web import state, style

plan = state.plan()
as_of = state.stand()
by_nr = {v["nr"]: v for v in plan["vorhaben"]}

wanted = st.query_params.get("nr", "1")
nr = st.selectbox(
    "Vorhaben",
    list(by_nr),
    index=list(by_nr).index(int(wanted)) if wanted.isdigit() and int(wanted) in by_nr else 0,
    format_func=lambda n: tables.vorhaben_label(n, by_nr[n]["title"], 110),
    key="vorhaben_select",
)
st.query_params["nr"] = str(nr)
v = by_nr[nr]
report = state.status(as_of)
row = tables.vorhaben_row(report, nr)

st.title(f"Vorhaben {nr}")
st.subheader(v["title"])
st.caption(f"Aktionsfeld {v['aktionsfeld']} · Stand {fmt.month_name(as_of)}")
st.markdown(
    f"### {tables.status_text(row['status'])} · Zielerreichung {fmt.attainment(row['attainment'], row.get('attainment_raw'))}"
)

text_col, numbers_col = st.columns([1, 1], gap="large")
with text_col:
    st.markdown("#### Übergeordnete Zielsetzung")
    st.markdown(fmt.markdown(v["zielsetzung"]))
    st.markdown("#### Optionale Umsetzungsideen")
    st.markdown(tables.ideas_markdown(v["umsetzungsideen"]))
    st.markdown("#### Indikatoren der Zielerreichung (Aktionsplan)")
    st.markdown(tables.bullet_markdown(v["indikatoren_text"]))
    st.markdown("#### Möglicher Erfahrungstransfer aus dem Städtenetzwerk")
    st.markdown(", ".join(v["partner_cities"]) or "_keine Angaben_")
    if v["vorsaetze"]:
        st.markdown("#### Projektübergreifende Vorsätze")
        st.markdown(tables.bullet_markdown(v["vorsaetze"]))
with numbers_col:
    st.markdown("#### Kennzahlen")
    st.markdown(tables.indicator_list_markdown(tables.indicators_of(report, nr)))
    st.page_link(
        "pages/dashboard/aktionsfeld.py", label="Verläufe im Aktionsfeld →", query_params={"feld": v["aktionsfeld"]}
    )
    for indicator_id in tables.indicators_of(report, nr)["id"]:
        massnahmen_web.derived_link(indicator_id, as_of)  # derived numbers: which Maßnahmen make them up
    st.markdown("#### Meilensteine / Erfolgsfaktoren")
    milestones = tables.milestone_frame(state.milestones(), as_of)
    mine = tables.milestones_of(milestones, nr)
    style.chart(charts.milestone_timeline(mine, as_of=as_of), key=f"ms_timeline_{nr}")
    st.markdown(tables.milestone_list_markdown(mine))
