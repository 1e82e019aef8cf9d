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


def pinned(column: str) -> dict[str, Any]:
    """`column_config` that keeps a table's key column in view while it scrolls sideways.

    A log or matrix of 6–10 columns is wider than a phone (390 px); it scrolls inside its own box
    (the page body does not), and the pinned key (Nr, Zeile, Wert) tells the reader which row they are on.
    """
    return {column: st.column_config.Column(pinned=True)}


# Streamlit writes its input hints in English only ("Press Enter to apply", "Press Enter to submit
# form"): in a German UI they read as a foreign error. Every form here has a labelled button.
APP_CSS = '<style>[data-testid="InputInstructions"] { display: none; }</style>'


def app_style() -> None:
    """The app-wide rules above (static CSS only); drawn once per run by the router."""
    st.html(APP_CSS)


# --- projector styling for the Präsentationsmodus (static CSS only, never user text) ---------

# Sizes are for the 1920 × 1080 design screen (body 24 px, chart text ≥ 20 px: readable from the back
# of a room); smaller screens scale every size by --praes-s (and the charts' text and boxes with it),
# as presentation software scales a slide, so a slide that fits 1080p fits 720p too (both 16:9).
# Not CSS `zoom`: plotly measures its labels in the page and mislays them inside a zoomed box.
# kora.report.continuation budgets the lines of these sizes.
_S = "var(--praes-s, 1)"
PROJECTOR_CSS = (
    """<style>
.st-key-praes_body p, .st-key-praes_body li, .st-key-praes_body td, .st-key-praes_body th { font-size: calc(24px * S); line-height: 1.45; }
.st-key-praes_body h1 { font-size: calc(44px * S); line-height: 1.2; padding: 0 0 calc(4px * S) 0; }
.st-key-praes_body h3 { font-size: calc(30px * S); padding: calc(4px * S) 0 calc(2px * S) 0; }
.st-key-praes_body h4 { font-size: calc(28px * S); font-weight: 400; line-height: 1.3; padding: 0; }
.st-key-praes_body [data-testid="stMetricValue"], .st-key-praes_body [data-testid="stMetricValue"] * { font-size: calc(44px * S); line-height: 1.2; }
.st-key-praes_body [data-testid="stMetricLabel"] p, .st-key-praes_body [data-testid="stMetricDelta"] * { font-size: calc(24px * S); }
.st-key-praes_body [data-testid="stCaptionContainer"], .st-key-praes_body [data-testid="stCaptionContainer"] * { font-size: calc(24px * S); line-height: 1.35; }
.st-key-praes_body [data-testid="stTable"] td, .st-key-praes_body [data-testid="stTable"] th { padding: calc(4px * S) calc(10px * S); white-space: pre-line; max-width: none; }
.st-key-praes_body [data-testid="stTable"] td *, .st-key-praes_body [data-testid="stTable"] th * { max-width: none; }
.st-key-praes_body [data-testid="stVerticalBlock"] { gap: calc(16px * S); }
.st-key-praes_keys { display: none; }
""".replace("S)", _S + ")")
    + "".join(
        f"@media (max-width: {w}px), (max-height: {h}px) {{ :root {{ --praes-s: {s}; }} "
        f".st-key-praes_body .main-svg text, #js-plotly-tester text, .js-plotly-tester text {{ font-size: {22 * s:.1f}px !important; }} }}\n"
        for w, h, s in (
            (1900, 1060, 0.9),
            (1700, 950, 0.8),
            (1500, 860, 0.72),
            (1380, 780, 0.64),
            (1150, 640, 0.56),
            (700, 0, 0.7),
        )
    )
    + "</style>"
)

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
</style>"""


def projector_style(*, fullscreen: bool) -> None:
    """Large type for the slides; in Vollbild also hide sidebar and header (minimal chrome)."""
    st.html(PROJECTOR_CSS)
    if fullscreen:
        st.html(FULLSCREEN_CSS)
