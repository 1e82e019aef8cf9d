"""Übersicht: the Aktionsplan at a glance (start page)."""

from __future__ import annotations

import streamlit as st

from kora import ops, ui

plan = ui.plan()
st.title(f"KoRa-Monitor · {plan['kommune_name']}")
st.caption(plan["title"])

if not ui.has_readings():
    st.info("Es sind noch keine Messwerte erfasst. Laden Sie Beispieldaten, um das Dashboard auszuprobieren.")
    if st.button("Beispieldaten laden", key="load_demo", type="primary"):
        with st.spinner("Beispieldaten werden geladen …"):
            n = ops.load_demo(ui.database(), actor="Dashboard")
        ui.clear_caches()
        st.success(f"Beispieldaten geladen: {n} Messwerte.")
        st.rerun()
elif ui.has_demo():
    st.warning("Angezeigt werden **Beispieldaten**, keine echten Messwerte der Stadt.", icon="🧪")

for feld in plan["aktionsfelder"]:
    st.subheader(f"Aktionsfeld {feld['code']}: {feld['title']}")
    for v in plan["vorhaben"]:
        if v["aktionsfeld"] == feld["code"]:
            st.markdown(f"**{v['nr']}. {v['title']}**  \n{v['zielsetzung']}")
