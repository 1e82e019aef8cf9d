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
TITLE_WIDTH = 34  # characters per title line: fits a phone (390 px) and a half-width column at 1440 px


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
    """Bar lengths (below the start: the raw, negative value) and words: status, value, gap to the Soll."""
    raw = rows["attainment_raw"] if "attainment_raw" in rows else rows["attainment"]
    soll = rows["soll"] if "soll" in rows else pd.Series([None] * len(rows), index=rows.index)
    values, texts = [], []
    for a, r, t, s in zip(rows["attainment"], raw, soll, rows["status"], strict=True):
        shown = fmt.shown_attainment(a, r)
        values.append(0.0 if shown is None else shown)
        gap = None if shown is None or is_missing(t) else fmt.zielpfad_gap(shown - float(t))
        texts.append(" · ".join(p for p in (status_text(s), fmt.attainment(a, r), gap) if p))
    return values, texts


BAR_ROW_PX = 34  # the bar itself
BAR_LINE_PX = 19  # one line of the text above a bar
BAR_LABEL_WIDTH = 40  # characters per line above a bar: fits a phone (390 px)


def _row_texts(labels: list[Any], texts: list[str]) -> list[str]:
    """Name (wrapped, never cut) and status · value · gap, one block per row, drawn above its bar.

    Row names as y tick labels took half a phone's width and were clipped there (issue 11); above the
    bar they get the chart's full width at every size, and the bars too.
    """
    return [
        f"<b>{fmt.chart_lines(label, BAR_LABEL_WIDTH)}</b><br>{fmt.chart_lines(text, BAR_LABEL_WIDTH + 6)}"
        for label, text in zip(labels, texts, strict=True)
    ]


def _soll_markers(rows: pd.DataFrame, y: list[int]) -> go.Scatter:
    """A vertical tick per row where the Zielpfad stands today (the Soll)."""
    return go.Scatter(
        x=[None if is_missing(v) else float(v) for v in rows["soll"]],
        y=y,
        mode="markers",
        marker={"symbol": "line-ns", "size": BAR_ROW_PX - 6, "line": {"width": 4, "color": COLOR_TARGET}},
        name="Soll (Zielpfad heute)",
        hovertemplate="Soll heute: %{x:.0%}<extra></extra>",
    )


def _bar_axis(fig: go.Figure, values: list[float]) -> None:
    """x from the lowest value (below the start: negative) to 100 %; a few ticks, "0 %" as in the texts."""
    low = min([0.0, *values])
    high = max([1.0, *values])
    steps = (-1.0, -0.5, 0.0, 0.5, 1.0) if low < 0 else (0.0, 0.25, 0.5, 0.75, 1.0)  # few ticks: never rotated
    ticks = [t for t in steps if low - 0.5 <= t <= high]
    fig.update_xaxes(
        range=[low - (0.05 if low < 0 else 0.02), high + 0.03],
        tickvals=ticks,
        ticktext=[fmt.signed_percent(t) for t in ticks],
        title="Zielerreichung",
        zeroline=True,
        zerolinecolor="#888",
        fixedrange=True,
    )


def _add_row_texts(fig: go.Figure, blocks: list[str]) -> tuple[int, float, float]:
    """Each row's words above its bar; returns the row height (px) and bar and text heights (in rows)."""
    lines = max([b.count("<br>") + 1 for b in blocks] or [2])
    row_px = BAR_ROW_PX + BAR_LINE_PX * lines + 26  # text, bar, gap
    bar, text = BAR_ROW_PX / row_px, BAR_LINE_PX * lines / row_px  # in rows (one row = row_px)
    fig.update_traces(width=bar, selector={"type": "bar"})
    for i, block in enumerate(blocks):
        fig.add_annotation(
            x=0, xref="paper", xanchor="left", y=i - bar / 2, yanchor="bottom", yshift=4,
            text=block, showarrow=False, align="left", font={"size": 14}, bgcolor="rgba(255,255,255,0.9)",
        )  # fmt: skip
    return row_px, bar, text


def attainment_bars(
    frame: pd.DataFrame,
    *,
    label_col: str,
    expected: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """Horizontal bars of attainment per row, coloured by status, each with its name and words above it.

    `frame` has columns attainment, status and `label_col`; with `attainment_raw` a value below
    its start is a bar pointing left of 0 ("unter Startwert"), with `soll` (roll-ups)
    each row gets a Soll marker and "x Pp. hinter/vor dem Zielpfad". `expected` draws one
    Zielpfad share for all rows as a vertical line. Rows are numbered 0, 1, … from the top
    (the y axis is reversed); `customdata` holds the row names.
    """
    values, texts = _bar_values(frame)
    names = [str(x) for x in frame[label_col]]
    title = fmt.chart_lines(title, TITLE_WIDTH + 10) if title else None
    y = list(range(len(frame)))
    fig = go.Figure(
        go.Bar(
            x=values,
            y=y,
            orientation="h",
            marker={"color": [STATUS_COLORS.get(s, "#999999") for s in frame["status"]], "line": {"width": 0}},
            customdata=names,
            hovertemplate="%{customdata}<br>Zielerreichung: %{x:.0%}<extra></extra>",
            name="Zielerreichung",
        )
    )
    row_px, bar, text = _add_row_texts(fig, _row_texts(names, texts))
    has_soll = "soll" in frame and bool(frame["soll"].notna().any())
    if has_soll:
        fig.add_trace(_soll_markers(frame, y))
    if expected is not None:
        fig.add_vline(x=expected, line={"color": COLOR_TARGET, "dash": "dash", "width": 2})
    top, bottom = -bar / 2 - text - 0.08, len(frame) - 1 + bar / 2 + 0.08
    margin = {"l": 10, "r": 20, "t": 40 + 26 * (title.count("<br>") + 1 if title else 0), "b": 60 + 40 * has_soll}
    _base_layout(fig, title=title, height=round((bottom - top) * row_px) + margin["t"] + margin["b"])
    _bar_axis(fig, values)
    fig.update_yaxes(range=[bottom, top], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True)
    fig.update_layout(
        showlegend=has_soll,  # below the axis title, in the figure's own strip: never over the ticks
        legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        margin=margin,
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
    fig: go.Figure,
    axis: _MonthAxis,
    *,
    target: float | None,
    budget: bool,
    unit: str,
    as_of: dt.date,
    warning_since: dt.date | None,
) -> None:
    """Jahresziel (or Obergrenze for a budget), the Stand month and the early warning.

    The Jahresziel is a legend entry (a line trace), not a text in the plot: a label there lay on the
    data markers or over the y ticks (issue 11). The early warning is a dashed line here and words in
    the title, never an arrow onto the bars. Only "Stand …" stays as text, above the plot area.
    """
    if target is not None and not is_missing(target):
        label = f"{'Obergrenze' if budget else 'Jahresziel'} {fmt.smart_number(target)}{unit_label(unit)}"
        fig.add_scatter(
            x=axis.months, y=[float(target)] * len(axis.months), mode="lines", name=label,
            line={"color": COLOR_TARGET, "width": 2}, hoverinfo="skip",
        )  # fmt: skip
    as_of_ts = pd.Timestamp(as_of)
    fig.add_vline(x=as_of_ts, line={"color": "#666", "width": 1, "dash": "dot"})
    fig.add_annotation(
        x=as_of_ts, y=1, yref="paper", text=f"Stand {fmt.month_short(as_of)}", showarrow=False, yanchor="bottom",
        font={"size": 12, "color": "#444"},
    )  # fmt: skip
    if warning_since is not None:
        fig.add_vline(x=pd.Timestamp(warning_since), line={"color": COLOR_WARNING, "width": 2, "dash": "dash"})


def indicator_title(name: str, *, status: str | None, warning_since: dt.date | None, width: int = TITLE_WIDTH) -> str:
    """Name (wrapped, never cut) and, on its own line, status and early warning.

    At 1440 px the one-line "…Radfahrstreifen — ⚠️ gefährdet" ran out of its half-width chart.
    """
    second = " · ".join(
        p
        for p in (
            status_text(status) if status else "",
            f"Frühwarnung seit {fmt.month_short(warning_since)}" if warning_since else "",
        )
        if p
    )
    lines = [fmt.chart_lines(name, width)]
    if second:
        lines.append(f"<span style='font-size:14px'>{fmt.chart_lines(second, width + 8)}</span>")
    return "<br>".join(lines)


def month_ticks(months: pd.Series) -> tuple[list[pd.Timestamp], list[str]]:
    """Every third month ('Jan 26', 'Apr', 'Jul', 'Okt'): twelve labels touched each other at 1440 px
    and smeared on the phone; the hover still names every month."""
    picked = [m for m in months if (m.month - 1) % 3 == 0] or list(months)
    texts = [fmt.month_tick(m.date(), with_year=i == 0 or m.month == 1) for i, m in enumerate(picked)]
    return picked, texts


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
    height: int = 400,
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
    _add_marks(fig, axis, target=target, budget=budget, unit=unit, as_of=as_of, warning_since=warning_since)
    title = indicator_title(name, status=status, warning_since=warning_since)
    _base_layout(fig, title=title, height=height + 22 * title.count("<br>"))
    # title centred between the top edge and "Stand …" (plotly anchors a multi-line title by its middle)
    # and the legend one entry per row at the bottom edge, both in pixels:
    # centred in the margin the title met "Stand …"; a legend placed relative to the plot met the month ticks,
    # and two entries per row did not fit a phone
    legend_px = 20 * sum(1 for t in fig.data if t.showlegend is not False)
    top = 50 + 22 * title.count("<br>") + 24
    total = fig.layout.height + legend_px
    fig.update_layout(
        title={"font": {"size": 17}, "yref": "container", "y": 1 - (6 + top - 22) / 2 / total, "yanchor": "middle"},
        margin={"t": top, "b": legend_px + 16},
        legend={"yref": "container", "y": 0, "yanchor": "bottom", "orientation": "v"},
        height=total,
    )
    tickvals, ticktext = month_ticks(months)
    fig.update_xaxes(tickvals=tickvals, ticktext=ticktext, tickangle=0, tickfont={"size": 13})
    if direction == "yesno":
        fig.update_yaxes(tickvals=[0, 1], ticktext=["nein", "ja"], range=[-0.1, 1.2])
    else:  # bars (sums) start at 0; levels (mean/last) get an axis around their values, not squashed at the top
        fig.update_yaxes(title=unit, rangemode="tozero" if aggregation == "sum" else "normal")
    return fig


# --- milestones ------------------------------------------------------------------------------

MILESTONE_STYLE = {
    "erreicht": ("✅ erreicht", "#009E73", "circle"),
    "offen": ("🕒 offen", "#0072B2", "circle-open"),
    "verschoben": ("↪️ verschoben", "#E69F00", "diamond"),
    "ueberfaellig": ("⛔ überfällig", "#D55E00", "x"),
}


NEAR_DAYS = 150  # labels of two milestones of one Vorhaben closer than this would touch ("M7.4M7.5")


def label_positions(data: pd.DataFrame) -> list[str]:
    """Milestone label above its marker, below when its neighbour in the row is near and above.

    `data` has columns row and when; the result is aligned with `data`'s rows.
    """
    pos = pd.Series("top center", index=data.index)
    for _, part in data[data["when"].notna()].sort_values("when").groupby("row"):
        last_when, last_pos = None, "bottom center"
        for idx, when in part["when"].items():
            near = last_when is not None and (when - last_when).days < NEAR_DAYS
            here = "bottom center" if near and last_pos == "top center" else "top center"
            pos[idx] = here
            last_when, last_pos = when, here
    return list(pos)


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
    data["textpos"] = label_positions(data)
    for kind, (label, color, symbol) in MILESTONE_STYLE.items():
        part = data[(data["kind"] == kind) & data["when"].notna()]
        fig.add_scatter(  # every kind in the legend, even without points: the KPIs count all four (issue 11)
            x=part["when"] if len(part) else [None],
            y=part["row"] if len(part) else [None],
            mode="markers+text",
            name=label,
            text=part["id"] if len(part) else [],
            textposition=list(part["textpos"]) if len(part) else "top center",
            textfont={"size": 12},
            marker={"color": color, "size": 16, "symbol": symbol, "line": {"width": 2, "color": color}},
            customdata=part[["text"]].to_numpy() if len(part) else None,
            hovertemplate="%{text}: %{customdata[0]}<br>%{x|%d.%m.%Y}<extra>" + label + "</extra>",
        )
    fig.add_vline(x=pd.Timestamp(as_of), line={"color": "#666", "dash": "dot"})
    rows = sorted(data["row"].unique(), key=lambda r: int(r.split()[-1]), reverse=True)
    _base_layout(fig, height=height or max(260, 60 * len(rows) + 140))
    # legend above the plot and level half-year ticks: in a half-width column the default
    # bottom legend sat on top of the tilted date labels
    fig.update_layout(showlegend=True, legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0})
    # axis types stated, not guessed from the first trace: with no reached milestone the empty
    # "erreicht" trace made plotly pick a number axis and every Vorhaben row vanished (Vorhaben 3)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=rows, showgrid=True)
    tickvals, ticktext = fmt.half_year_ticks(data["when"].dropna(), as_of=as_of)
    fig.update_xaxes(
        type="date", tickvals=tickvals, ticktext=ticktext, tickangle=0, tickfont={"size": 12}, showgrid=True,
        gridcolor="#eee",
    )  # fmt: skip
    return fig
