"""Vorhaben: the seed's text beside its numbers, and its milestones on a timeline."""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.report import charts
from kora.report import tables as views
from kora.web import massnahmen as massnahmen_web
from kora.web import ui

plan = ui.plan()
as_of = ui.stand()
by_nr = {v["nr"]: v for v in plan["vorhaben"]}

wanted = st.query_params.get("nr", "1")
nr = st.selectbox(
    "Vorhaben",
    list(by_nr),
    index=list(by_nr).index(int(wanted)) if wanted.isdigit() and int(wanted) in by_nr else 0,
    format_func=lambda n: views.vorhaben_label(n, by_nr[n]["title"], 110),
    key="vorhaben_select",
)
st.query_params["nr"] = str(nr)
v = by_nr[nr]
report = ui.status(as_of)
row = views.vorhaben_row(report, nr)

st.title(f"Vorhaben {nr}")
st.subheader(v["title"])
st.caption(f"Aktionsfeld {v['aktionsfeld']} · Stand {fmt.month_name(as_of)}")
st.markdown(f"### {views.status_text(row['status'])} · Zielerreichung {fmt.percent(row['attainment'])}")

text_col, numbers_col = st.columns([1, 1], gap="large")
with text_col:
    st.markdown("#### Übergeordnete Zielsetzung")
    st.markdown(views.escape_md(v["zielsetzung"]))
    st.markdown("#### Optionale Umsetzungsideen")
    st.markdown(views.ideas_markdown(v["umsetzungsideen"]))
    st.markdown("#### Indikatoren der Zielerreichung (Aktionsplan)")
    st.markdown(views.bullet_markdown(v["indikatoren_text"]))
    st.markdown("#### Möglicher Erfahrungstransfer aus dem Städtenetzwerk")
    st.markdown(", ".join(v["partner_cities"]) or "_keine Angaben_")
    if v["vorsaetze"]:
        st.markdown("#### Projektübergreifende Vorsätze")
        st.markdown(views.bullet_markdown(v["vorsaetze"]))
with numbers_col:
    st.markdown("#### Kennzahlen")
    st.dataframe(
        views.indicator_table(views.indicators_of(report, nr), compact=True), hide_index=True, key="vorhaben_indicators"
    )
    st.page_link(
        "pages/dashboard/aktionsfeld.py", label="Verläufe im Aktionsfeld →", query_params={"feld": v["aktionsfeld"]}
    )
    for indicator_id in views.indicators_of(report, nr)["id"]:
        massnahmen_web.derived_link(indicator_id, as_of)  # derived numbers: which Maßnahmen make them up
    st.markdown("#### Meilensteine / Erfolgsfaktoren")
    milestones = views.milestone_frame(ui.milestones(), as_of)
    mine = views.milestones_of(milestones, nr)
    ui.chart(charts.milestone_timeline(mine, as_of=as_of), key=f"ms_timeline_{nr}")
    st.dataframe(views.milestone_table(mine, compact=True), hide_index=True, key="vorhaben_milestones")
