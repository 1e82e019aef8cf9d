"""The layout checks catch what they claim to: each one on a deliberately broken page and on a sound one.

No Streamlit server: small HTML pages (with real plotly.js for the chart checks) are loaded with
`set_content`, wrapped in the same data-testid containers Streamlit uses, so a check that cannot fail
(or that reports sound pages) shows up here rather than as a silently green tests/browser/test_layout.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.offline import get_plotlyjs

from tests.browser import layout
from tests.browser.conftest import WAIT_MS

pytestmark = pytest.mark.browser

MONTHS = ["Jan 26", "Feb 26", "Mrz 26", "Apr 26", "Mai 26", "Jun 26", "Jul 26", "Aug 26", "Sep 26", "Okt 26"]


@pytest.fixture(scope="module")
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1000, "height": 700}, locale="de-DE")
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def plotly_js() -> str:
    return get_plotlyjs()


def show_figure(tab: Any, plotly_js: str, fig: go.Figure) -> None:
    """The figure drawn by plotly.js inside a Streamlit-like chart container."""
    div = pio.to_html(fig, full_html=False, include_plotlyjs=False, config={"responsive": False})
    tab.set_content(
        f'<html><head><script>{plotly_js}</script></head><body style="margin:0">'
        f'<div data-testid="stPlotlyChart" style="width:{fig.layout.width}px">{div}</div></body></html>'
    )
    tab.wait_for_selector(".main-svg")
    tab.wait_for_timeout(200)


def line_figure(*, title: str, width: int, months: list[str] = MONTHS, **layout_args: Any) -> go.Figure:
    fig = go.Figure(go.Scatter(x=months, y=list(range(len(months))), mode="lines+markers"))
    margin = {"l": 40, "r": 20, "t": 50, "b": 40} | layout_args.pop("margin", {})
    fig.update_layout(title=title, width=width, height=300, margin=margin, **layout_args)
    return fig


# --- horizontal scroll --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "broken"),
    [
        ('<div data-testid="stMain">fits</div>', False),
        ('<div style="width:2500px">too wide</div>', True),
        ('<div data-testid="stMain" style="overflow:auto"><div style="width:2500px">wide</div></div>', True),
        ('<div data-testid="stMain" style="overflow:hidden"><div style="width:900px">fits</div></div>', False),
    ],
    ids=["fits", "body-wider-than-window", "main-scrolls-sideways", "narrower-than-window"],
)
def test_horizontal_scroll(tab: Any, html: str, broken: bool) -> None:
    tab.set_content(f'<html><body style="margin:0">{html}</body></html>')
    assert bool(layout.horizontal_scroll(tab)) is broken


# --- chart texts --------------------------------------------------------------------------------------


def test_chart_text_finds_a_title_cut_at_the_right_edge(tab: Any, plotly_js: str) -> None:
    title = "Umgesetzte km geschützter Radfahrstreifen — ⚠️ gefährdet (Jahresziel 5 km)"
    show_figure(tab, plotly_js, line_figure(title=title, width=320, months=MONTHS[:3]))
    problems = layout.chart_text(tab)
    assert any("Titel" in p and "ragt" in p for p in problems), problems


def test_chart_text_finds_month_ticks_printed_over_each_other(tab: Any, plotly_js: str) -> None:
    fig = line_figure(title="Kurz", width=260, xaxis={"tickangle": 0})
    show_figure(tab, plotly_js, fig)
    problems = layout.chart_text(tab)
    assert any("x-Tick" in p and "überlappt x-Tick" in p for p in problems), problems


def test_chart_text_finds_an_annotation_over_the_tick_labels(tab: Any, plotly_js: str) -> None:
    fig = line_figure(title="Kurz", width=600, months=MONTHS[:4], margin={"l": 200})
    fig.add_annotation(text="Jahresziel 24 Monate", x=0, xref="paper", xanchor="right", xshift=25, y=2, showarrow=False)
    show_figure(tab, plotly_js, fig)
    problems = layout.chart_text(tab)
    assert any("Annotation" in p and "y-Tick" in p for p in problems), problems


def test_chart_text_accepts_a_sound_chart_and_rotated_ticks(tab: Any, plotly_js: str) -> None:
    fig = line_figure(title="Kurz", width=700, xaxis={"tickangle": -45}, margin={"b": 80})
    show_figure(tab, plotly_js, fig)
    assert layout.chart_text(tab) == []


@pytest.mark.parametrize(("gap", "broken"), [(-4.0, True), (-0.5, False), (0.5, False)])
def test_chart_text_allows_touching_within_one_pixel(tab: Any, gap: float, broken: bool) -> None:
    """Two tick labels placed `gap` px apart (negative = overlapping); only > 1 px overlap counts."""
    tab.set_content(
        '<div data-testid="stPlotlyChart"><svg class="main-svg" width="400" height="100">'
        '<g class="xtick"><text id="a" x="10" y="50" font-size="14">Feb 26</text></g>'
        '<g class="xtick"><text id="b" x="200" y="50" font-size="14">Mrz 26</text></g></svg></div>'
    )
    tab.evaluate(
        "(gap) => { const a = document.getElementById('a').getBBox();"
        " document.getElementById('b').setAttribute('x', a.x + a.width + gap); }",
        gap,
    )
    assert bool(layout.chart_text(tab)) is broken


def test_chart_text_finds_a_label_sticking_out_of_the_svg(tab: Any) -> None:
    tab.set_content(
        '<div data-testid="stPlotlyChart"><svg class="main-svg" width="200" height="100">'
        '<g class="ytick"><text x="-30" y="50" font-size="14">⛔ Neue Projekte mit Steckbrief</text></g></svg></div>'
    )
    assert any("y-Tick" in p and "ragt" in p for p in layout.chart_text(tab))


def test_annotation_on_data_finds_a_note_lying_on_the_bars(tab: Any, plotly_js: str) -> None:
    fig = go.Figure(go.Bar(x=MONTHS[:6], y=[3, 5, 6, 7, 8, 9]))
    fig.update_layout(width=600, height=300, margin={"l": 40, "r": 20, "t": 30, "b": 40})
    fig.add_annotation(text="Frühwarnung seit Mrz 26", x="Apr 26", y=4, showarrow=False)
    show_figure(tab, plotly_js, fig)
    assert any("Frühwarnung" in p for p in layout.annotation_on_data(tab))
    fig.layout.annotations[0].update(y=11, yref="y")
    fig.update_yaxes(range=[0, 12])
    show_figure(tab, plotly_js, fig)
    assert layout.annotation_on_data(tab) == []


# --- tables ------------------------------------------------------------------------------------------


def grid(*, visible: int, columns: int, cells: list[str]) -> str:
    """The DOM st.dataframe (glide-data-grid) builds: a canvas with an accessibility table, a scroller."""
    row = "".join(f"<td>{c}</td>" for c in cells)
    heads = "".join(f"<th>S{i}</th>" for i, _ in enumerate(cells))
    return (
        '<div data-testid="stDataFrame"><div class="stDataFrameGlideDataEditor" style="--gdg-font-family: sans-serif;'
        ' --gdg-base-font-style: 400 14px; --gdg-header-font-style: 400 14px">'
        f"<canvas><table><thead><tr>{heads}</tr></thead><tbody><tr>{row}</tr></tbody></table></canvas>"
        f'<div class="dvn-scroller" style="width:{visible}px; overflow:auto"><div class="dvn-scroll-inner">'
        f'<div class="dvn-stack"><div style="width:{columns}px; height:1px"></div></div></div></div></div></div>'
    )


@pytest.mark.parametrize(
    ("html", "broken"),
    [
        (grid(visible=500, columns=400, cells=["3,91 km", "✅ im Plan"]), False),
        (grid(visible=300, columns=648, cells=["3,91 km", "✅ im Plan"]), True),  # Wert hinter Querscroll
        (grid(visible=500, columns=120, cells=["Die (notwendige) Kommunikation mit der Zivilgesellschaft"]), True),
        (
            '<div data-testid="stTable" style="width:600px; overflow:auto"><table><tr><td>27</td></tr></table></div>',
            False,
        ),
        (
            '<div data-testid="stTable" style="width:120px; overflow:auto"><table><thead><tr><th>Wert</th></tr></thead>'
            '<tr><td style="white-space:nowrap">Umgesetzte km geschützter Radfahrstreifen</td></tr></table></div>',
            True,
        ),
    ],
    ids=["grid-fits", "grid-columns-behind-scroll", "grid-text-wider-than-columns", "table-fits", "table-scrolls"],
)
def test_table_cut(tab: Any, html: str, broken: bool) -> None:
    tab.set_content(f"<html><body>{html}</body></html>")
    assert bool(layout.table_cut(tab)) is broken


# --- Präsentationsmodus ------------------------------------------------------------------------------

BODY = '<div class="st-key-praes_body" style="height:{h}px"><p style="font-size:{fs}px">Zielerreichung</p>{svg}</div>'
SVG = '<svg class="main-svg" width="300" height="50"><text x="5" y="30" style="font-size:{fs}px">90 %</text></svg>'


@pytest.mark.parametrize(("height", "broken"), [(400, False), (1400, True)])
def test_slide_fit(tab: Any, height: int, broken: bool) -> None:
    tab.set_content(f'<body style="margin:0">{BODY.format(h=height, fs=24, svg="")}</body>')
    assert bool(layout.slide_fit(tab)) is broken


@pytest.mark.parametrize(
    ("body_px", "chart_px", "broken"), [(24, 20, False), (16, 20, True), (24, 18, True), (28, 24, False)]
)
def test_slide_font_sizes(tab: Any, body_px: int, chart_px: int, broken: bool) -> None:
    tab.set_content(f"<body>{BODY.format(h=300, fs=body_px, svg=SVG.format(fs=chart_px))}</body>")
    assert bool(layout.slide_font_sizes(tab)) is broken


@pytest.mark.parametrize(
    ("outside", "broken"),
    [
        ("", False),
        ("<button>Weiter ▶</button>", True),
        ('<div style="height:2000px"></div><button>Weiter ▶</button>', False),  # below the fold: not seen
        ('<section data-testid="stSidebar" style="width:200px;height:500px">Stand</section>', True),
        ('<section data-testid="stSidebar" style="display:none">Stand</section>', False),
        ("<h5>Dateien zum Mitnehmen</h5>", True),
    ],
    ids=["slide-only", "button", "button-below-fold", "sidebar", "sidebar-hidden", "downloads-heading"],
)
def test_slide_chrome(tab: Any, outside: str, broken: bool) -> None:
    slide = BODY.format(h=300, fs=24, svg="<button>im Folieninhalt</button>")
    tab.set_content(f'<body style="margin:0"><div data-testid="stMain">{slide}{outside}</div></body>')
    assert bool(layout.slide_chrome(tab)) is broken
