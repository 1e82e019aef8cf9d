"""Städtenetzwerk: which partner city to ask about which Vorhaben (from the seed)."""

from __future__ import annotations

import streamlit as st

from kora.report import tables
from kora.web import state

plan = state.plan()
st.title("Städtenetzwerk")
st.caption("Möglicher Erfahrungstransfer laut Aktionsplan: ● = die Stadt wird für dieses Vorhaben genannt.")
st.dataframe(tables.partner_matrix(plan), key="partner_matrix")
st.markdown(
    "**Vorhaben:**  \n" + "  \n".join(tables.vorhaben_label(v["nr"], v["title"], 120) for v in plan["vorhaben"])
)
city = st.selectbox("Wen fragen? Partnerstadt wählen", tables.partner_cities(plan), key="city_select")
st.markdown(tables.bullet_markdown(tables.partners_for(plan, city)))
