"""Plotly figures of the Maßnahmenliste: the Zeitschiene (planned against actual per Maßnahme)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kora import fmt

PLANNED = "#7f8c8d"
ACTUAL = {"Beschluss": "#1f77b4", "Fertigstellung": "#2ca02c"}
LATE = "#d62728"
MAX_ROWS = 60


def _label_text(nr: str, title: str) -> str:
    """The row label as plain text: Nr and title, shortened (escaped where it is drawn)."""
    text = f"{nr} · {title}"
    return text if len(text) <= 80 else text[:79] + "…"


ROW_PX = 46  # a row: its label line above, the markers below
LABEL_WIDTH = 60  # characters of a row label before it wraps (a phone shows ~45 per line)
HEAD_PX = 175  # title (~30 px), legend (one line at 1440 px, four on a phone) and the dates (two lines)


def zeitschiene(
    timeline: pd.DataFrame, *, order: list[str], title: str = "Zeitschiene: geplant und erreicht"
) -> go.Figure:
    """One row per Maßnahme (in `order`): a line from Planungsbeginn to the latest date, hollow
    markers for planned Beschluss/Fertigstellung, filled ones where reached (red when late).

    Each row's name stands above its line, not as a y tick label: 41 names of 40 characters took a
    phone's whole width and left the dates 40 px (issue 11's rule for bar charts). Rows are numbered
    0, 1, … from the top; title, legend and dates stand above the rows, each in its own band, so a
    long list shows what its markers and grid lines mean where reading starts.
    """
    fig = go.Figure()
    present = set(timeline["nr"])
    shown = [nr for nr in order if nr in present][:MAX_ROWS]
    frame = timeline[timeline["nr"].isin(set(shown))]
    row = {nr: i for i, nr in enumerate(shown)}
    texts = {r.nr: _label_text(r.nr, r.massnahme) for r in frame.itertuples(index=False)}
    labels = {nr: fmt.plotly_text(text) for nr, text in texts.items()}
    xs: list = []
    ys: list = []
    for nr, part in frame.groupby("nr", sort=False):  # one trace of segments, separated by None
        dates = [d for d in [*part["start"], *part["geplant"], *part["erreicht"]] if d is not None and not pd.isna(d)]
        if len(dates) >= 2:
            xs += [min(dates), max(dates), None]
            ys += [row[nr], row[nr], None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#d0d7de", "width": 6}, hoverinfo="skip",
                             showlegend=False))  # fmt: skip
    _termin_markers(fig, frame, row, labels)
    _names_and_layout(fig, frame, shown, texts, title)
    return fig


def _termin_markers(fig: go.Figure, frame: pd.DataFrame, row: dict[str, int], labels: dict[str, str]) -> None:
    """Per Termin: hollow markers where planned, filled ones where reached (red when later than planned)."""
    for termin, colour in ACTUAL.items():
        part = frame[frame["termin"] == termin]
        planned = part[part["geplant"].notna()]
        fig.add_trace(
            go.Scatter(
                x=planned["geplant"], y=[row[n] for n in planned["nr"]], mode="markers", name=f"{termin} geplant",
                marker={"symbol": "circle-open", "size": 11, "color": colour, "line": {"width": 2}},
                hovertext=[f"{labels[n]}<br>{termin} geplant: {fmt.month_name(d)}" for n, d in zip(planned["nr"], planned["geplant"], strict=True)],
                hoverinfo="text",
            )
        )  # fmt: skip
        reached = part[part["erreicht"].notna()]
        late = [
            g is not None and not pd.isna(g) and e > g
            for e, g in zip(reached["erreicht"], reached["geplant"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=reached["erreicht"], y=[row[n] for n in reached["nr"]], mode="markers", name=f"{termin} erreicht",
                marker={"symbol": "circle", "size": 10, "color": [LATE if x else colour for x in late]},
                hovertext=[f"{labels[n]}<br>{termin} erreicht: {fmt.month_name(d)}" + (" (später als geplant)" if x else "")
                           for n, d, x in zip(reached["nr"], reached["erreicht"], late, strict=True)], hoverinfo="text",
            )
        )  # fmt: skip


def _names_and_layout(fig: go.Figure, frame: pd.DataFrame, shown: list[str], texts: dict[str, str], title: str) -> None:
    """Each row's name above its line; title, legend and dates in their own bands above the rows."""
    for i, nr in enumerate(shown):  # row i
        fig.add_annotation(
            x=0, xref="paper", xanchor="left", y=i, yanchor="bottom", yshift=8,
            text=fmt.chart_lines(texts[nr], LABEL_WIDTH),  # wrapped and escaped
            showarrow=False, align="left", font={"size": 13}, bgcolor="rgba(255,255,255,0.85)",
        )  # fmt: skip
    tickvals, ticktext = fmt.half_year_ticks(
        pd.Series([*frame["start"], *frame["geplant"], *frame["erreicht"]]), as_of=None
    )
    height = ROW_PX * max(len(shown), 1) + HEAD_PX + 20
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "yref": "container", "y": 1 - 6 / height, "yanchor": "top"},
        height=height,
        margin={"l": 10, "r": 10, "t": HEAD_PX, "b": 20},
        legend={"orientation": "h", "yref": "container", "y": 1 - 42 / height, "yanchor": "top", "x": 0},
        separators=fmt.PLOTLY_SEPARATORS, plot_bgcolor="white",
        yaxis={"range": [len(shown) - 0.5, -0.9], "showticklabels": False, "showgrid": False, "zeroline": False,
               "fixedrange": True},
        xaxis={"type": "date", "side": "top", "showgrid": True, "gridcolor": "#eeeeee", "tickvals": tickvals,
               "ticktext": ticktext, "tickangle": 0},  # 'Juli 2025' as on the Meilensteine timeline, not '07.2025'
    )  # fmt: skip
