"""A deck chart (`kora.report.deck.Chart`) as a plotly figure, for the Präsentationsmodus page.

The same bars as the PowerPoint chart and the HTML report's SVG: first category on top,
attainment 0–100 %, value labels in German, status colours per bar (icon in the label).
Type is larger than on the dashboards: this is for a projector.
"""

from __future__ import annotations

import plotly.graph_objects as go

from kora import fmt
from kora.report.charts import FONT
from kora.report.deck import Chart

PROJECTOR_FONT = {**FONT, "size": 18}
TICKS = [0, 0.25, 0.5, 0.75, 1.0]


def plotly_figure(chart: Chart) -> go.Figure:
    fig = go.Figure()
    single = len(chart.series) == 1
    for series in chart.series:
        values = [0.0 if v is None else float(v) for v in series.values]
        colors = list(chart.colors) if single and chart.colors else series.color
        fig.add_bar(
            x=values,
            y=list(chart.categories),
            orientation="h",
            name=series.name,
            marker={"color": colors, "line": {"width": 0}},
            text=[fmt.percent(v) for v in series.values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>" + series.name + ": %{text}<extra></extra>",
        )
    n_bars = len(chart.categories) * max(1, len(chart.series))
    fig.update_layout(
        title={"text": chart.title, "x": 0, "xanchor": "left"},
        font=PROJECTOR_FONT,
        separators=fmt.PLOTLY_SEPARATORS,
        barmode="group",
        height=max(240, 34 * n_bars + (150 if single else 190)),
        margin={"l": 10, "r": 30, "t": 60 if single else 110, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=not single,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "font": {"size": 16}},
        bargap=0.25,
    )
    fig.update_xaxes(
        range=[0, 1.18],
        tickvals=TICKS,
        ticktext=[fmt.percent(t) for t in TICKS],
        gridcolor="#e5e5e5",
        title=chart.value_title,
        automargin=True,
    )
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False)
    return fig
