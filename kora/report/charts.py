"""Plotly figure builders: DataFrames in (from kora.metrics / kora.tracking.status), figures out.

Every chart speaks German (labels, 1.234,5, month names set explicitly rather than relying on
plotly's locale bundle), shows status by icon + word + colour (Okabe–Ito, colour-blind safe),
and uses type large enough for a projector. Builders are pure, so tests inspect the figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kora import fmt
from kora.fmt import is_missing, status_text
from kora.labels import STATUS_COLORS

FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 16, "color": "#1a1a1a"}
COLOR_VALUE = "#0072B2"  # Okabe–Ito blue
COLOR_TARGET = "#1a1a1a"
COLOR_PATH = "#56B4E9"
COLOR_FORECAST = "#CC79A7"
COLOR_WARNING = "#D55E00"


def _base_layout(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        font=FONT,
        separators=fmt.PLOTLY_SEPARATORS,
        height=height,
        margin={"l": 10, "r": 20, "t": 70 if title else 30, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 14}},
        hoverlabel={"font_size": 15},
    )
    fig.update_xaxes(showgrid=False, linecolor="#888", ticks="outside", automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#bbb", automargin=True, title_standoff=12)
    return fig


# --- attainment bars (Übersicht, Aktionsfeld) ------------------------------------------------


def _bar_values(rows: pd.DataFrame) -> tuple[list[float], list[str]]:
    """Bar lengths (below the start: the raw, negative value) and labels: status, value, gap to the Soll."""
    raw = rows["attainment_raw"] if "attainment_raw" in rows else rows["attainment"]
    soll = rows["soll"] if "soll" in rows else pd.Series([None] * len(rows), index=rows.index)
    values, texts = [], []
    for a, r, t, s in zip(rows["attainment"], raw, soll, rows["status"], strict=True):
        shown = fmt.shown_attainment(a, r)
        values.append(0.0 if shown is None else shown)
        gap = None if shown is None or is_missing(t) else fmt.zielpfad_gap(shown - float(t))
        texts.append(" · ".join(p for p in (status_text(s), fmt.attainment(a, r), gap) if p))
    return values, texts


def _bar_labels(values: list[float], texts: list[str], labels: list[Any]) -> go.Scatter:
    """Labels right of each bar's end (right of 0 for a bar pointing left): never over the row names."""
    return go.Scatter(
        x=[max(v, 0.0) + 0.03 for v in values],
        y=labels,
        mode="text",
        text=texts,
        textposition="middle right",
        textfont={"size": 14},
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )


def _soll_markers(rows: pd.DataFrame, label_col: str) -> go.Scatter:
    """A vertical tick per row where the Zielpfad stands today (the Soll)."""
    return go.Scatter(
        x=[None if is_missing(v) else float(v) for v in rows["soll"]],
        y=list(rows[label_col]),
        mode="markers",
        marker={"symbol": "line-ns", "size": 34, "line": {"width": 4, "color": COLOR_TARGET}},
        name="Soll (Zielpfad heute)",
        hovertemplate="%{y}<br>Soll heute: %{x:.0%}<extra></extra>",
    )


def attainment_bars(
    frame: pd.DataFrame,
    *,
    label_col: str,
    expected: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Horizontal bars of attainment per row, coloured and labelled by status.

    `frame` has columns attainment, status and `label_col`; with `attainment_raw` a value below
    its start is a bar pointing left of 0 ("unter Startwert"), with `soll` (roll-ups)
    each row gets a Soll marker and "x Pp. hinter/vor dem Zielpfad". `expected` draws one
    Zielpfad share for all rows as a vertical line.
    """
    rows = frame.iloc[::-1]  # first row on top
    values, texts = _bar_values(rows)
    fig = go.Figure(
        go.Bar(
            x=values,
            y=list(rows[label_col]),
            orientation="h",
            marker={"color": [STATUS_COLORS.get(s, "#999999") for s in rows["status"]], "line": {"width": 0}},
            hovertemplate="%{y}<br>Zielerreichung: %{x:.0%}<extra></extra>",
            name="Zielerreichung",
        )
    )
    fig.add_trace(_bar_labels(values, texts, list(rows[label_col])))
    has_soll = "soll" in rows and bool(rows["soll"].notna().any())
    if has_soll:
        fig.add_trace(_soll_markers(rows, label_col))
    if expected is not None:
        fig.add_vline(
            x=expected,
            line={"color": COLOR_TARGET, "dash": "dash", "width": 2},
            annotation={"text": f"Soll heute {fmt.percent(expected)}", "font": {"size": 14}},
            annotation_position="top",
        )
    _base_layout(fig, title=title, height=max(240, 70 * len(rows) + 120))
    low = min([0.0, *values])
    steps = (-1.0, -0.5, 0.0, 0.5, 1.0) if low < 0 else (0.0, 0.25, 0.5, 0.75, 1.0)  # few ticks: never rotated
    ticks = [t for t in steps if t >= low - 0.5]
    fig.update_xaxes(
        range=[low - (0.1 if low < 0 else 0), 2.3],
        tickvals=ticks,
        ticktext=[fmt.signed_percent(t) for t in ticks],
        title="Zielerreichung",
        zeroline=True,
        zerolinecolor="#888",
    )
    fig.update_yaxes(automargin=True, showgrid=False)
    fig.update_layout(showlegend=has_soll)
    if has_soll:  # below the axis title, in the figure's own strip: never over the ticks
        fig.update_layout(
            legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
            margin={"b": 48},
            height=fig.layout.height + 40,
        )
    return fig


# --- one indicator over the year -------------------------------------------------------------


@dataclass(frozen=True)
class _MonthAxis:
    """The twelve months of a chart and the German hover texts every trace shares."""

    months: pd.Series
    names: list[str]  # hover: 'März 2025', not '03/2025'
    y_format: str
    unit_label: str

    def hover(self, label: str) -> str:
        return "%{customdata}: %{y" + self.y_format + "}" + self.unit_label + f"<extra>{label}</extra>"


def unit_label(unit: str) -> str:
    """' km' after a number; counts and ja/nein need no unit."""
    return "" if unit in ("Anzahl", "ja/nein") else f" {unit}"


def running_name(aggregation: str, direction: str) -> str:
    """The legend name of the year-to-date line: what the Jahresziel is about."""
    if direction == "yesno":
        return "Stand"
    return {"sum": "Summe seit Jahresbeginn", "mean": "Jahreswert (Mittel)"}.get(
        aggregation, "Jahreswert (letzter Stand)"
    )


def _add_monthly(fig: go.Figure, series: pd.DataFrame, axis: _MonthAxis, aggregation: str) -> None:
    """Monthly readings: bars for `sum` (they add up to the line), open markers otherwise."""
    common = {"x": axis.months, "y": series["value"], "name": "Monatswert", "customdata": axis.names}
    if aggregation == "sum":
        fig.add_bar(**common, marker={"color": "#a6cee3"}, hovertemplate=axis.hover("Monatswert"))
        return
    fig.add_scatter(
        **common, mode="markers", marker={"color": COLOR_VALUE, "size": 10, "symbol": "circle-open", "line": {"width": 2}},
        hovertemplate=axis.hover("Monatswert"),
    )  # fmt: skip


def _add_lines(
    fig: go.Figure, series: pd.DataFrame, axis: _MonthAxis, *, running: str, budget: bool, direction: str
) -> None:
    """The year-to-date line, the Zielpfad and the forecast (from kora.metrics' one forecast)."""
    fig.add_scatter(
        x=axis.months, y=series["running"], mode="lines+markers", name=running,
        line={"color": COLOR_VALUE, "width": 4, "shape": "hv" if direction == "yesno" else "linear"},
        marker={"size": 7}, connectgaps=False, customdata=axis.names, hovertemplate=axis.hover(running),
    )  # fmt: skip
    if "zielpfad" in series and series["zielpfad"].notna().any():
        fig.add_scatter(
            x=axis.months, y=series["zielpfad"], mode="lines", name="Zielpfad (höchstens)" if budget else "Zielpfad",
            line={"color": COLOR_PATH, "width": 3, "dash": "dash"}, customdata=axis.names,
            hovertemplate=axis.hover("Zielpfad"),
        )  # fmt: skip
    if "forecast" in series and series["forecast"].notna().any():
        fig.add_scatter(
            x=axis.months, y=series["forecast"], mode="lines", name="Prognose",
            line={"color": COLOR_FORECAST, "width": 3, "dash": "dot"}, customdata=axis.names,
            hovertemplate=axis.hover("Prognose"),
        )  # fmt: skip


def _add_marks(
    fig: go.Figure, *, target: float | None, budget: bool, unit: str, as_of: dt.date, warning_since: dt.date | None
) -> None:
    """Jahresziel (or Obergrenze for a budget), the Stand month and the early warning."""
    if target is not None and not is_missing(target):
        fig.add_hline(
            y=target,
            line={"color": COLOR_TARGET, "width": 2},
            annotation={
                "text": f"{'Obergrenze' if budget else 'Jahresziel'} {fmt.smart_number(target)}{unit_label(unit)}",
                "font": {"size": 14},
            },
            annotation_position="top left",
        )
    as_of_ts = pd.Timestamp(as_of)
    fig.add_vline(x=as_of_ts, line={"color": "#666", "width": 1, "dash": "dot"})
    fig.add_annotation(
        x=as_of_ts, y=1, yref="paper", text=f"Stand {fmt.month_short(as_of)}", showarrow=False, yanchor="bottom",
        font={"size": 12, "color": "#444"},
    )  # fmt: skip
    if warning_since is not None:
        fig.add_annotation(
            x=pd.Timestamp(warning_since), y=0, yref="paper", text=f"⚠️ Frühwarnung seit {fmt.month_short(warning_since)}",
            showarrow=True, arrowhead=2, ay=-40, font={"size": 13, "color": COLOR_WARNING}, arrowcolor=COLOR_WARNING,
        )  # fmt: skip


def indicator_chart(
    series: pd.DataFrame,
    *,
    name: str,
    unit: str,
    aggregation: str,
    direction: str,
    target: float | None,
    as_of: dt.date,
    warning_since: dt.date | None = None,
    status: str | None = None,
    height: int = 380,
) -> go.Figure:
    """Monthly readings with the year-to-date line, Zielpfad, Jahresziel and forecast.

    `series` is `metrics.indicator_series`: month, value, running, zielpfad, forecast.
    For `sum` indicators bars are the monthly values and the line the running total (the
    quantity the Jahresziel is about); for mean/last the markers are monthly values.
    """
    months = pd.to_datetime(series["month"])
    axis = _MonthAxis(
        months=months,
        names=[fmt.month_name(m.date()) for m in months],
        y_format="" if direction == "yesno" else ":,.2~f",
        unit_label=unit_label(unit),
    )
    budget = direction == "down" and aggregation == "sum"  # lower is better: the target is a ceiling
    fig = go.Figure()
    _add_monthly(fig, series, axis, aggregation)
    _add_lines(fig, series, axis, running=running_name(aggregation, direction), budget=budget, direction=direction)
    _add_marks(fig, target=target, budget=budget, unit=unit, as_of=as_of, warning_since=warning_since)
    _base_layout(fig, title=f"{name}" + (f" — {status_text(status)}" if status else ""), height=height)
    ticktext = [fmt.month_short(m.date()) for m in months]
    fig.update_xaxes(tickvals=list(months), ticktext=ticktext, tickangle=0, tickfont={"size": 13})
    if direction == "yesno":
        fig.update_yaxes(tickvals=[0, 1], ticktext=["nein", "ja"], range=[-0.1, 1.2])
    else:
        fig.update_yaxes(title=unit, rangemode="tozero")
    return fig


# --- milestones ------------------------------------------------------------------------------

MILESTONE_STYLE = {
    "erreicht": ("✅ erreicht", "#009E73", "circle"),
    "offen": ("🕒 offen", "#0072B2", "circle-open"),
    "verschoben": ("↪️ verschoben", "#E69F00", "diamond"),
    "ueberfaellig": ("⛔ überfällig", "#D55E00", "x"),
}


def milestone_timeline(frame: pd.DataFrame, *, as_of: dt.date, height: int | None = None) -> go.Figure:
    """Milestones on a date axis, one row per Vorhaben; overdue ones flagged.

    `frame`: id, nr, text, due, status, reached_on, overdue (bool). Reached milestones sit at
    their reached date, the others at their due date.
    """
    fig = go.Figure()
    if frame.empty:
        _base_layout(fig, height=200)
        fig.add_annotation(text="Keine Meilensteine", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return fig
    data = frame.copy()
    reached = data["reached"].astype(bool) if "reached" in data else data["status"] == "erreicht"
    overdue = data["overdue"].astype(bool)
    data["kind"] = [
        "ueberfaellig" if o else "erreicht" if r else "verschoben" if s == "verschoben" else "offen"
        for o, r, s in zip(overdue, reached, data["status"], strict=True)
    ]
    data["when"] = pd.to_datetime(data["reached_on"].where(reached, data["due"]))
    data["row"] = "Vorhaben " + data["nr"].astype(int).astype(str)
    for kind, (label, color, symbol) in MILESTONE_STYLE.items():
        part = data[(data["kind"] == kind) & data["when"].notna()]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["when"],
            y=part["row"],
            mode="markers+text",
            name=label,
            text=part["id"],
            textposition="top center",
            textfont={"size": 12},
            marker={"color": color, "size": 16, "symbol": symbol, "line": {"width": 2, "color": color}},
            customdata=part[["text"]].to_numpy(),
            hovertemplate="%{text}: %{customdata[0]}<br>%{x|%d.%m.%Y}<extra>" + label + "</extra>",
        )
    fig.add_vline(x=pd.Timestamp(as_of), line={"color": "#666", "dash": "dot"})
    rows = sorted(data["row"].unique(), key=lambda r: int(r.split()[-1]), reverse=True)
    _base_layout(fig, height=height or max(260, 55 * len(rows) + 120))
    # legend above the plot and level half-year ticks: in a half-width column the default
    # bottom legend sat on top of the tilted date labels
    fig.update_layout(showlegend=True, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    fig.update_yaxes(categoryorder="array", categoryarray=rows, showgrid=True)
    fig.update_xaxes(tickformat="%m/%Y", dtick="M6", tickangle=0, showgrid=True, gridcolor="#eee")
    return fig
