"""Städtenetzwerk: which partner city to ask about which Vorhaben (from the seed)."""

from __future__ import annotations

import streamlit as st

from kora.report import tables as views
from kora.web import ui

plan = ui.plan()
st.title("Städtenetzwerk")
st.caption("Möglicher Erfahrungstransfer laut Aktionsplan: ● = die Stadt wird für dieses Vorhaben genannt.")
st.dataframe(views.partner_matrix(plan), key="partner_matrix")
st.markdown("**Vorhaben:**  \n" + "  \n".join(views.vorhaben_label(v["nr"], v["title"], 120) for v in plan["vorhaben"]))
city = st.selectbox("Wen fragen? Partnerstadt wählen", views.partner_cities(plan), key="city_select")
st.markdown(views.bullet_markdown(views.partners_for(plan, city)))
