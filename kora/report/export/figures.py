"""A deck chart (`kora.report.deck.Chart`) as a plotly figure, for the Präsentationsmodus page.

The same bars as the PowerPoint chart and the HTML report's SVG: first category on top,
attainment 0–100 %, value labels in German, status colours per bar (icon in the label).
Type is larger than on the dashboards: this is for a projector.
"""

from __future__ import annotations

import plotly.graph_objects as go

from kora import fmt
from kora.report.charts import FONT
from kora.report.continuation import chart_px
from kora.report.deck import Chart

PROJECTOR_FONT = {**FONT, "size": 22}  # ≥ 20 px at 1080p: readable from the back of the room
TICKS = (0.0, 0.5, 1.0)  # few ticks: never crowded in a narrow chart


def bar_text(value: float | None) -> str:
    """'78 %', '−20 % (unter Startwert)' (a regression is said, not shown as 0 %), '–' without a value."""
    return fmt.attainment(value, value)


def _regression_labels(chart: Chart, values: list[float], group: str) -> go.Scatter:
    """Labels of bars that point left of 0 (below the start), right of 0 where there is room;
    in the bar's offset group, so then-and-now labels sit beside their own bar."""
    below = [i for i, v in enumerate(values) if v < 0]
    return go.Scatter(
        offsetgroup=group,
        orientation="h",  # grouped along y like the horizontal bars
        x=[0.02] * len(below),
        y=[chart.categories[i] for i in below],
        mode="text",
        text=[fmt.signed_percent(values[i]) for i in below],  # short; the axis title says "unter Startwert"
        textposition="middle right",
        textfont={"size": 20},  # like the labels of a bar pair: fits the bar's thickness
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )


def _pair_regression_labels(fig: go.Figure, chart: Chart) -> None:
    """Then-and-now bars below the start: one label per pair ("−140 % / −100 %", in legend order)
    right of 0 — two labels on two thin bars would touch."""
    texts = []
    for i in range(len(chart.categories)):
        values = [s.values[i] for s in chart.series]
        below = any(v is not None and v < 0 for v in values)
        texts.append(" / ".join(fmt.signed_percent(v) for v in values) if below else "")
    if any(texts):
        rows = [i for i, t in enumerate(texts) if t]
        fig.add_scatter(
            x=[0.02] * len(rows), y=[chart.categories[i] for i in rows], mode="text",
            text=[texts[i] for i in rows], textposition="middle right", textfont={"size": 20},
            cliponaxis=False, hoverinfo="skip", showlegend=False,
        )  # fmt: skip


def plotly_figure(chart: Chart) -> go.Figure:
    fig = go.Figure()
    single = len(chart.series) == 1
    lows = [0.0]
    for k, series in enumerate(chart.series):
        values = [0.0 if v is None else float(v) for v in series.values]
        lows.append(min(values, default=0.0))
        colors = list(chart.colors) if single and chart.colors else series.color
        fig.add_bar(
            x=values,
            y=list(chart.categories),
            orientation="h",
            name=series.name,
            offsetgroup=str(k),
            marker={"color": colors, "line": {"width": 0}},
            text=[bar_text(v) if v is None or v >= 0 else "" for v in series.values],
            textposition="outside",
            constraintext="none",  # plotly would shrink labels to a thin bar's thickness
            textfont={"size": 22 if single else 20},  # a pair of bars is ≈ 27 px thick each: 20 px labels fit
            cliponaxis=False,
            hovertext=[bar_text(v) for v in series.values],
            hovertemplate="%{y}<br>" + series.name + ": %{hovertext}<extra></extra>",
        )
        if single and any(v < 0 for v in values):
            fig.add_trace(_regression_labels(chart, values, str(k)))
    if not single:
        _pair_regression_labels(fig, chart)
    fig.update_layout(
        title={"text": chart.title, "x": 0, "xanchor": "left", "font": {"size": 26}},
        font=PROJECTOR_FONT,
        separators=fmt.PLOTLY_SEPARATORS,
        barmode="group",
        height=chart_px(chart),  # the height kora.report.continuation budgets for this chart
        margin={"l": 10, "r": 30, "t": 60 if single else 110, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=not single,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "font": {"size": 22}},
        bargap=0.25 if single else 0.1,
        scattermode="group",  # regression labels beside their own bar of a then-and-now pair
        scattergap=0.25,
    )
    low = min(lows)
    ticks = [t for t in ((-1.0, -0.5, 0.0, 0.5, 1.0) if low < 0 else TICKS) if t >= low - 0.5]  # few: never rotated
    fig.update_xaxes(
        range=[low - 0.05 if low < 0 else 0, 1.18],
        tickvals=ticks,
        ticktext=[fmt.signed_percent(t) for t in ticks],
        gridcolor="#e5e5e5",
        title=chart.value_title + ("<br>links von 0 %: unter Startwert" if low < 0 else ""),
        tickangle=0,  # upright ticks: rotated ones are hard to read from afar
        automargin=True,
        zeroline=True,
        zerolinecolor="#888",
    )
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False)
    return fig
