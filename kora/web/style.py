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

# Sizes are for the 1920 × 1080 design screen (body 24 px, chart text ≥ 20 px: readable from the back
# of a room); smaller screens scale the whole slide with `zoom`, as presentation software does, so a
# slide that fits 1080p fits 720p too (both 16:9). kora.report.continuation budgets lines of this size.
PROJECTOR_CSS = """<style>
.st-key-praes_body p, .st-key-praes_body li, .st-key-praes_body td, .st-key-praes_body th { font-size: 24px; line-height: 1.45; }
.st-key-praes_body h1 { font-size: 44px; line-height: 1.2; padding: 0 0 4px 0; }
.st-key-praes_body h3 { font-size: 30px; padding: 4px 0 2px 0; }
.st-key-praes_body h4 { font-size: 28px; font-weight: 400; line-height: 1.3; padding: 0; }
.st-key-praes_body [data-testid="stMetricValue"], .st-key-praes_body [data-testid="stMetricValue"] * { font-size: 44px; line-height: 1.2; }
.st-key-praes_body [data-testid="stMetricLabel"] p, .st-key-praes_body [data-testid="stMetricDelta"] * { font-size: 24px; }
.st-key-praes_body [data-testid="stCaptionContainer"], .st-key-praes_body [data-testid="stCaptionContainer"] * { font-size: 24px; line-height: 1.35; }
.st-key-praes_body [data-testid="stTable"] td, .st-key-praes_body [data-testid="stTable"] th { padding: 4px 10px; white-space: pre-line; max-width: none; }
.st-key-praes_body [data-testid="stTable"] td *, .st-key-praes_body [data-testid="stTable"] th * { max-width: none; }
.st-key-praes_keys { display: none; }
@media (max-width: 700px) {
  .st-key-praes_body p, .st-key-praes_body li, .st-key-praes_body td, .st-key-praes_body th,
  .st-key-praes_body [data-testid="stCaptionContainer"] * { font-size: 17px; }
  .st-key-praes_body h1 { font-size: 28px; }
  .st-key-praes_body [data-testid="stMetricValue"], .st-key-praes_body [data-testid="stMetricValue"] * { font-size: 28px; }
}
</style>"""

FULLSCREEN_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 12px 40px 8px 40px; max-width: 100%; }
[class*="st-key-praes_strip"] { position: fixed; bottom: 0; z-index: 999990; padding: 8px 12px; background: transparent; }
[class*="st-key-praes_strip"] > * { visibility: hidden; }
[data-testid="stMain"]:has([class*="st-key-praes_strip"]:hover, [class*="st-key-praes_strip"]:focus-within) [class*="st-key-praes_strip"] { background: rgba(255, 255, 255, 0.96); }
[data-testid="stMain"]:has([class*="st-key-praes_strip"]:hover, [class*="st-key-praes_strip"]:focus-within) [class*="st-key-praes_strip"] > * { visibility: visible; }
.st-key-praes_strip_settings { left: 0; width: 240px; }
.st-key-praes_strip_nav { left: 240px; right: 200px; width: auto !important; }
.st-key-praes_strip_files { right: 0; width: 200px; }
@media (max-width: 1900px), (max-height: 1060px) { .st-key-praes_body { zoom: 0.9; } }
@media (max-width: 1700px), (max-height: 950px) { .st-key-praes_body { zoom: 0.8; } }
@media (max-width: 1500px), (max-height: 860px) { .st-key-praes_body { zoom: 0.72; } }
@media (max-width: 1380px), (max-height: 780px) { .st-key-praes_body { zoom: 0.64; } }
@media (max-width: 1150px), (max-height: 640px) { .st-key-praes_body { zoom: 0.56; } }
@media (max-width: 700px) { .st-key-praes_body { zoom: 1; } }
</style>"""


def projector_style(*, fullscreen: bool) -> None:
    """Large type for the slides; in Vollbild also hide sidebar and header (minimal chrome)."""
    st.html(PROJECTOR_CSS)
    if fullscreen:
        st.html(FULLSCREEN_CSS)
