"""Städtevergleich: where do we stand among the partner cities, and whom should we ask?"""

from __future__ import annotations

import streamlit as st

from kora import fmt
from kora.kommunen import by_id, einwohner_hinweis
from kora.network import validate
from kora.report import network as views
from kora.report import tables
from kora.web import gate, network, state, style

as_of = state.stand()
own = by_id()[gate.own_kommune()]
actor = gate.current_actor()
st.title("Städtevergleich")
st.caption(
    f"{own.name} im KoRa-Netzwerk · Stand {fmt.month_name(as_of)} · Strecken und Anzahlen je 100 000 Einwohner, "
    "Mittelwerte und Anteile wie gemessen."
)

if not network.has_network_data():
    st.info("Es liegen noch keine Werte anderer Kommunen vor. Importieren Sie ein Benchmark-Paket (unten).")
    if actor is not None and actor.is_admin and st.button("Beispiel-Pakete laden (synthetisch)", key="nw_samples"):
        with st.spinner("Synthetische Pakete werden geprüft und geladen …"):
            network.load_samples()
        st.rerun()

choices = {ind.id: ind for ind in network.indicators()}
left, right = st.columns([3, 1])
indicator_id = left.selectbox(
    "Gemeinsamer Indikator",
    list(choices),
    format_func=lambda i: f"{choices[i].name} ({choices[i].unit_compared})",
    key="nw_indicator",
)
years = list(range(as_of.year, as_of.year - 3, -1))
year = right.selectbox("Jahr", years, key="nw_year")
result = network.comparison(indicator_id, year, as_of)

if result.table.empty:
    st.info(f"Für {choices[indicator_id].name} liegen {year} noch keine Werte vor.")
else:
    st.markdown(views.headline(result))
    if result.table["is_demo"].any():
        st.warning("Im Vergleich stehen **Beispieldaten** (synthetisch), keine echten Werte.", icon="🧪")
    chart_col, learn_col = st.columns([3, 2])
    with chart_col:
        style.chart(views.comparison_chart(result), key="nw_chart")
    with learn_col, st.container(border=True):
        st.markdown("#### Von wem lernen?")
        lines = views.learn_from_lines(result)
        if lines:
            st.markdown("Partnerstädte des Aktionsplans, die hier besser dastehen:")
            st.markdown(tables.bullet_markdown(lines))
        else:
            st.markdown("Keine Partnerstadt des zugehörigen Vorhabens steht bei diesem Indikator besser da.")
        st.page_link("pages/dashboard/staedtenetzwerk.py", label="Zur Städtenetzwerk-Matrix: wen fragen?", icon="🤝")
    st.dataframe(
        views.comparison_frame(result),
        hide_index=True,
        key="nw_table",
        width="stretch",
        column_config={
            "Kommune": st.column_config.TextColumn(width="medium", pinned=True),  # a phone scrolls sideways
            "Trend (12 Monate)": st.column_config.LineChartColumn("Trend (12 Monate)", width="medium"),
            "Herkunft": st.column_config.TextColumn(width="medium"),  # "Beispieldaten" was cut at every size
            "Vergleichswert": st.column_config.TextColumn(result.indicator.unit_compared),
        },
    )
    st.caption(
        "Rang 1 = am besten (Richtung des Indikators). Band im Diagramm: mittlere Hälfte des Netzwerks (1. bis "
        "3. Quartil). „alt“: der letzte Wert liegt mehr als drei Monate vor dem Stand. "
        + fmt.markdown(einwohner_hinweis(list(result.table["kommune"])))
    )

with st.expander("Benchmark-Pakete austauschen"):
    st.markdown(
        "Ein Benchmark-Paket ist eine ZIP-Datei (Frictionless Data Package) mit den gemeinsamen Indikatoren einer "
        "Kommune. Exportieren Sie das Paket Ihrer Kommune und schicken Sie es an die Partnerstädte; deren Pakete "
        "importieren Sie hier."
    )
    if (
        actor is not None
        and actor.can_write_readings
        and st.button("Paket der eigenen Kommune erstellen", key="nw_export")
    ):
        result_export = network.export_package(as_of)
        st.download_button(
            f"{result_export.filename} herunterladen ({result_export.n_values} Werte)",
            result_export.data,
            file_name=result_export.filename,
            mime="application/zip",
            key="nw_download",
        )
    if actor is not None and actor.is_admin:
        upload = st.file_uploader("Paket einer anderen Kommune importieren", type=["zip"], key="nw_upload")
        if upload is not None:
            data = upload.getvalue()
            check = network.import_package(data, upload.name, dry_run=True)
            if check.errors:
                st.error(fmt.markdown(check.message))
                st.markdown(tables.bullet_markdown([validate.problem_text(p) for p in check.errors[:50]]))
            else:
                st.info(fmt.markdown(check.message))
                if st.button("Paket speichern", key="nw_store", type="primary"):
                    stored = network.import_package(data, upload.name, dry_run=False)
                    st.success(fmt.markdown(stored.message))
