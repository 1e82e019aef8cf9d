"""Aktionsfeld: its Vorhaben and, for every indicator, the year so far against the Zielpfad."""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.report import charts, tables
from kora.web import massnahmen as massnahmen_web
from kora.web import state, style

plan = state.plan()
as_of = state.stand()
codes = [f["code"] for f in plan["aktionsfelder"]]
titles = {f["code"]: f["title"] for f in plan["aktionsfelder"]}

wanted = st.query_params.get("feld", codes[0]).upper()
code = st.segmented_control(
    "Aktionsfeld",
    codes,
    default=wanted if wanted in codes else codes[0],
    format_func=lambda c: f"{c} · {titles[c]}",
    key="feld_select",
)
code = code or codes[0]
st.query_params["feld"] = code

report = state.status(as_of)
field = tables.field_row(report, code)
st.title(f"Aktionsfeld {code}: {titles[code]}")
st.caption(f"Stand {fmt.month_name(as_of)}")
st.markdown(
    f"### {tables.status_text(field['status'])} · Zielerreichung {fmt.attainment(field['attainment'], field.get('attainment_raw'))}"
)

vorhaben = tables.vorhaben_in_field(report, code)
style.chart(
    state.figure(
        charts.attainment_bars,
        tables.labelled(vorhaben, "nr", "title"),
        label_col="label",
        title="Zielerreichung je Vorhaben",
    ),
    key=f"vorhaben_bars_{code}",
)

for v in vorhaben.itertuples(index=False):
    st.header(tables.vorhaben_label(v.nr, v.title, 120))
    st.page_link("pages/dashboard/vorhaben.py", label="Vorhaben im Detail →", query_params={"nr": str(v.nr)}, icon="📋")
    for _, row in tables.indicators_of(report, v.nr).iterrows():
        chart_col, facts_col = st.columns([2, 1], vertical_alignment="center")
        with chart_col:
            style.chart(
                state.figure(
                    charts.indicator_chart,
                    state.series(row["id"], as_of),
                    name=row["name"],
                    unit=row["unit"],
                    aggregation=row["aggregation"],
                    direction=row["direction"],
                    target=row["target"],
                    as_of=as_of,
                    warning_since=tables.as_date(row["warning_since"]),
                    status=row["status"],
                ),
                key=f"chart_{v.nr}_{row['id']}",
            )
        facts_col.markdown(tables.facts_markdown(row, as_of))
        with facts_col:
            massnahmen_web.derived_link(row["id"], as_of)  # derived numbers: which Maßnahmen make them up
