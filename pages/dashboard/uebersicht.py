"""Übersicht: the four Aktionsfelder side by side — the state of the plan in ten seconds."""

from __future__ import annotations

import streamlit as st

from kora import fmt, periods
from kora.report import charts, tables
from kora.samples.beispieldaten import load_demo
from kora.web import gate, state, style

plan = state.plan()
as_of = state.stand()
st.title(f"KoRa-Monitor · {plan['kommune_name']}")
st.caption(f"{plan['title']} · Stand {fmt.month_name(as_of)}")

actor = gate.current_actor()
if not state.has_readings():
    if actor is not None and actor.is_admin:  # Beispieldaten are Admin only (kora checks again)
        st.info("Es sind noch keine Messwerte erfasst. Laden Sie Beispieldaten, um das Dashboard auszuprobieren.")
    else:
        st.info("Es sind noch keine Messwerte erfasst.")
    if actor is not None and actor.is_admin and st.button("Beispieldaten laden", key="load_demo", type="primary"):
        with st.spinner("Beispieldaten werden geladen …"):
            n = load_demo(state.database(), actor=actor, kommune=gate.own_kommune())
        state.clear_caches()
        st.success(f"Beispieldaten geladen: {n} Messwerte.")
        st.rerun()
elif state.has_demo():
    st.warning("Angezeigt werden **Beispieldaten**, keine echten Messwerte der Stadt.", icon="🧪")

report = state.status(as_of)
previous = state.status(periods.add_months(as_of, -1)) if as_of.month > 1 else None
st.markdown(tables.headline(report))

columns = st.columns(len(report.aktionsfelder))
for column, card in zip(columns, tables.field_cards(report, previous), strict=True):
    with column.container(border=True):
        st.markdown(f"**Aktionsfeld {card['code']}**  \n{card['title']}")
        st.metric(
            "Zielerreichung",
            card["attainment_text"],
            card["delta_text"],
            delta_color=card["delta_color"],
            delta_arrow=card["delta_arrow"],
        )
        if card["below_start"]:
            st.markdown("⬇️ **unter Startwert**")
        if card["soll_text"]:
            st.caption(card["soll_text"])
        st.markdown(f"### {card['status_text']}")
        if card["counts_text"]:
            st.caption(f"Indikatoren: {card['counts_text']}")
        if card["best"]:
            st.markdown(f"▲ Bester: {card['best']}  \n▼ Schwächster: {card['worst']}")
        st.page_link(
            "pages/dashboard/aktionsfeld.py", label="Details ansehen →", query_params={"feld": card["code"]}, icon="🎯"
        )

style.chart(
    state.figure(
        charts.attainment_bars,
        tables.labelled(report.aktionsfelder, "code", "title"),
        label_col="label",
        title="Zielerreichung je Aktionsfeld",
    ),
    key="overview_bars",
)

left, right = st.columns(2)
with left:
    st.subheader("Datenstand")
    missing = tables.missing_for_month(report)
    if missing.empty:
        st.success(f"Alle Indikatoren sind für {fmt.month_name(as_of)} gemeldet.")
    else:
        st.warning(f"Für {fmt.month_name(as_of)} fehlen {len(missing)} Meldungen.")
        st.dataframe(missing, hide_index=True, key="missing_table")
with right:
    st.subheader("Meilensteine")
    ms = report.milestones
    st.metric(
        "Fristgerecht erreicht", fmt.percent(ms["share_on_time"]), help="Anteil der bis zum Stand fälligen Meilensteine"
    )
    st.markdown(f"⛔ **{ms['overdue']}** überfällig · {ms['due']} fällig bis {fmt.month_name(as_of)}")
    st.page_link("pages/dashboard/meilensteine.py", label="Alle Meilensteine →", icon="🏁")
