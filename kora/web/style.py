"""How the pages look beyond Streamlit's defaults: the chart helper and the projector style.

Only static CSS lives here, never user text (Streamlit's `unsafe_allow_html` stays off; `st.html`
gets fixed strings). Charts keep the figure's own colours (status colours are Okabe–Ito, chosen
for colour-vision deficiencies) and use the German locale for numbers and dates.
"""

from __future__ import annotations

from typing import Any

import streamlit as st


def chart(fig: Any, *, key: str) -> None:
    """Plotly chart as the project shows it: figure colours kept, German locale, no logo."""
    st.plotly_chart(
        fig,
        theme=None,
        key=key,
        config={"locale": "de", "displaylogo": False, "responsive": True},
    )


# --- projector styling for the Präsentationsmodus (static CSS only, never user text) ---------

PROJECTOR_CSS = """<style>
.st-key-praes_body p, .st-key-praes_body li, .st-key-praes_body td, .st-key-praes_body th { font-size: 1.4rem; line-height: 1.45; }
.st-key-praes_body h1 { font-size: 2.8rem; }
.st-key-praes_body h3 { font-size: 1.7rem; }
.st-key-praes_body [data-testid="stMetricValue"], .st-key-praes_body [data-testid="stMetricValue"] * { font-size: 2.6rem; line-height: 1.2; }
.st-key-praes_body [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
.st-key-praes_body [data-testid="stCaptionContainer"] p { font-size: 1rem; }
</style>"""

FULLSCREEN_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem; padding-left: 2.5rem; padding-right: 2.5rem; max-width: 100%; }
</style>"""


def projector_style(*, fullscreen: bool) -> None:
    """Large type for the slides; in Vollbild also hide sidebar and header (minimal chrome)."""
    st.html(PROJECTOR_CSS)
    if fullscreen:
        st.html(FULLSCREEN_CSS)
