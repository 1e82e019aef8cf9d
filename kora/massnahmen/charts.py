"""Plotly figures of the Maßnahmenliste: the Zeitschiene (planned against actual per Maßnahme)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kora import fmt

PLANNED = "#7f8c8d"
ACTUAL = {"Beschluss": "#1f77b4", "Fertigstellung": "#2ca02c"}
LATE = "#d62728"
MAX_ROWS = 60


def _label(nr: str, title: str) -> str:
    """The row label: Nr and title, shortened, then escaped for Plotly (titles are user text)."""
    text = f"{nr} · {title}"
    return fmt.plotly_text(text if len(text) <= 48 else text[:47] + "…")


def zeitschiene(
    timeline: pd.DataFrame, *, order: list[str], title: str = "Zeitschiene: geplant und erreicht"
) -> go.Figure:
    """One row per Maßnahme (in `order`): a line from Planungsbeginn to the latest date, hollow
    markers for planned Beschluss/Fertigstellung, filled ones where reached (red when late)."""
    fig = go.Figure()
    present = set(timeline["nr"])
    shown = [nr for nr in order if nr in present][:MAX_ROWS]
    frame = timeline[timeline["nr"].isin(set(shown))]
    labels = {r.nr: _label(r.nr, r.massnahme) for r in frame.itertuples(index=False)}
    xs: list = []
    ys: list = []
    for nr, part in frame.groupby("nr", sort=False):  # one trace of segments, separated by None
        dates = [d for d in [*part["start"], *part["geplant"], *part["erreicht"]] if d is not None and not pd.isna(d)]
        if len(dates) >= 2:
            xs += [min(dates), max(dates), None]
            ys += [labels[nr], labels[nr], None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#d0d7de", "width": 6}, hoverinfo="skip",
                             showlegend=False))  # fmt: skip
    for termin, colour in ACTUAL.items():
        part = frame[frame["termin"] == termin]
        planned = part[part["geplant"].notna()]
        fig.add_trace(
            go.Scatter(
                x=planned["geplant"], y=[labels[n] for n in planned["nr"]], mode="markers", name=f"{termin} geplant",
                marker={"symbol": "circle-open", "size": 11, "color": colour, "line": {"width": 2}},
                hovertext=[f"{termin} geplant: {fmt.month_name(d)}" for d in planned["geplant"]], hoverinfo="text+y",
            )
        )  # fmt: skip
        reached = part[part["erreicht"].notna()]
        late = [
            g is not None and not pd.isna(g) and e > g
            for e, g in zip(reached["erreicht"], reached["geplant"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=reached["erreicht"], y=[labels[n] for n in reached["nr"]], mode="markers", name=f"{termin} erreicht",
                marker={"symbol": "circle", "size": 10, "color": [LATE if x else colour for x in late]},
                hovertext=[f"{termin} erreicht: {fmt.month_name(d)}" + (" (später als geplant)" if x else "")
                           for d, x in zip(reached["erreicht"], late, strict=True)], hoverinfo="text+y",
            )
        )  # fmt: skip
    tickvals, ticktext = fmt.half_year_ticks(
        pd.Series([*frame["start"], *frame["geplant"], *frame["erreicht"]]), as_of=None
    )
    fig.update_layout(
        title={"text": title, "y": 0.98, "yanchor": "top"}, height=max(300, 26 * len(shown) + 170),
        margin={"l": 10, "r": 10, "t": 110, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}, separators=fmt.PLOTLY_SEPARATORS, plot_bgcolor="white",
        yaxis={"categoryorder": "array", "categoryarray": [labels[n] for n in shown][::-1], "automargin": True},
        xaxis={"type": "date", "showgrid": True, "gridcolor": "#eeeeee", "tickvals": tickvals, "ticktext": ticktext,
               "tickangle": 0},  # 'Juli 2025' as on the Meilensteine timeline, not '07.2025'
    )  # fmt: skip
    return fig
