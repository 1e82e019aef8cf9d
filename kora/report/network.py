"""What the Städtevergleich shows: the chart, the table, the headline, whom to ask, the slide.

Shared by the page, the Brownbag slide "Wo stehen wir im Netzwerk?" and the XLSX sheet
(kora.report.export.xlsx), so all three show the same numbers. Everything here takes a
`kora.network.results.Comparison` (fetched by kora.network.service) and never the database.
Chart builders return plotly figures; text that reaches Markdown goes through kora.fmt.markdown.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kora import fmt
from kora.kommunen import by_id
from kora.network.results import Comparison
from kora.report.charts import COLOR_VALUE, COLOR_WARNING, FONT
from kora.report.deck import Metric, Slide, Table

COLOR_OWN = COLOR_WARNING  # Okabe–Ito vermillion: the own city stands out on every chart
COLOR_OTHER = COLOR_VALUE
COLOR_BAND = "rgba(0, 114, 178, 0.10)"
MAX_ROWS = 12  # rows on the slide
TABLE_COLUMNS = ["Rang", "Kommune", "Wert", "Vergleichswert", "Stand", "Trend (12 Monate)", "Herkunft"]


def _digits(values: list[float]) -> int:
    top = max((abs(v) for v in values if v == v), default=0)
    return 0 if top >= 100 else 1 if top >= 10 else 2


def headline(c: Comparison) -> str:
    """One sentence: where the own city stands (Markdown, escaped)."""
    own = by_id()[c.own].name
    ind = c.indicator
    n = int(c.table["rank"].notna().sum())
    rows = c.table[c.table["is_own"]]
    median = fmt.number(c.stats["median"], _digits(c.table["compared"].tolist()))
    if rows.empty or pd.isna(rows["rank"].iloc[0]):
        return fmt.markdown(
            f"{own} hat für {c.year} noch keine Werte; Median des Netzwerks: {median} {ind.unit_compared}."
        )
    row = rows.iloc[0]
    value = fmt.number(row["compared"], _digits(c.table["compared"].tolist()))
    return (
        f"**{fmt.markdown(own)}: Rang {int(row['rank'])} von {n}** bei {fmt.markdown(ind.name)} "
        f"({fmt.markdown(value)} {fmt.markdown(ind.unit_compared)}; Median des Netzwerks {fmt.markdown(median)})."
    )


def _label(row: Any) -> str:
    mark = " (alt)" if row.stand_old else ""
    demo = " 🧪" if row.is_demo else ""
    return f"{row.name}{mark}{demo}"


def comparison_chart(c: Comparison, *, height: int | None = None) -> go.Figure:
    """Horizontal bars, best on top, own city highlighted, network median line and quartile band."""
    rows = c.table[c.table["compared"].notna()].iloc[::-1]
    digits = _digits(rows["compared"].tolist())
    fig = go.Figure(
        go.Bar(
            x=rows["compared"].astype(float),
            y=[_label(r) for r in rows.itertuples(index=False)],
            orientation="h",
            marker={
                "color": [COLOR_OWN if own else COLOR_OTHER for own in rows["is_own"]],
                "opacity": [0.45 if old else 1.0 for old in rows["stand_old"]],
            },
            text=[fmt.number(v, digits) for v in rows["compared"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text} " + c.indicator.unit_compared + "<extra></extra>",
            name=c.indicator.unit_compared,
        )
    )
    q1, median, q3 = c.stats["q1"], c.stats["median"], c.stats["q3"]
    if median is not None:
        fig.add_vrect(x0=q1, x1=q3, fillcolor=COLOR_BAND, line_width=0, layer="below")
        fig.add_vline(x=median, line={"color": "#1a1a1a", "dash": "dash", "width": 2})
        fig.add_annotation(
            x=median,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=f"Median {fmt.number(median, digits)} (Band: mittlere Hälfte)",
            font={"size": 13},
        )
    fig.update_layout(
        font=FONT,
        separators=fmt.PLOTLY_SEPARATORS,
        height=height or 150 + 38 * max(len(rows), 1),
        margin={"l": 10, "r": 60, "t": 40, "b": 70},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        xaxis={
            "title": {"text": c.indicator.unit_compared, "standoff": 14},
            "gridcolor": "#e5e5e5",
            "rangemode": "tozero",
            "automargin": True,
        },
        yaxis={"automargin": True},
    )
    return fig


def comparison_frame(c: Comparison) -> pd.DataFrame:
    """The table under the chart: rank, city, year value, compared value, Stand, trend, origin."""
    digits = _digits(c.table["compared"].tolist())
    out = []
    for r in c.table.itertuples(index=False):
        stand = fmt.month_short(r.stand) + (" ⚠ alt" if r.stand_old else "")
        origin = r.source
        if r.is_demo:
            origin = "Beispieldaten (synthetisches Paket)" if r.source == "Benchmark-Paket" else "Beispieldaten"
        if r.package_created is not None and not pd.isna(r.package_created):
            origin += f", erstellt {fmt.date(pd.Timestamp(r.package_created).date())}"
        out.append(
            {
                "Rang": None if pd.isna(r.rank) else int(r.rank),
                "Kommune": ("► " if r.is_own else "") + r.name,
                "Wert": f"{fmt.number(r.value, 2)} {c.indicator.unit}",
                "Vergleichswert": fmt.number(r.compared, digits),
                "Stand": stand,
                # months without a value are left out: a line chart cell cannot show gaps
                "Trend (12 Monate)": [float(v) for v in c.trends.get(r.kommune, []) if v is not None],
                "Herkunft": origin,
            }
        )
    return pd.DataFrame(out, columns=TABLE_COLUMNS)


def export_rows(c: Comparison) -> list[dict[str, Any]]:
    """Rows for the XLSX sheet and the slide: numbers stay numbers."""
    return [
        {
            "rang": None if pd.isna(r.rank) else int(r.rank),
            "kommune": r.name,
            "eigene": bool(r.is_own),
            "wert": None if pd.isna(r.value) else float(r.value),
            "vergleichswert": None if pd.isna(r.compared) else float(r.compared),
            "stand": r.stand,
            "alt": bool(r.stand_old),
            "einwohner": int(r.einwohner),
            "herkunft": "Beispieldaten (synthetisch)" if r.is_demo else r.source,
        }
        for r in c.table.itertuples(index=False)
    ]


def learn_from_lines(c: Comparison) -> list[str]:
    """'Leipzig (Rang 1, 3,2 km je 100 000 EW) — Partnerstadt für Vorhaben 1' as plain text:
    the page shows them through tables.bullet_markdown, which escapes (fmt.markdown) once."""
    names = by_id()
    digits = _digits(c.table["compared"].tolist())
    return [
        f"{names[item['kommune']].name} (Rang {item['rank']}, {fmt.number(item['compared'], digits)} "
        f"{c.indicator.unit_compared}) — Partnerstadt für Vorhaben {', '.join(map(str, item['vorhaben']))}"
        for item in c.learn_from
    ]


def network_slides(c: Comparison | None) -> list[Slide]:
    """[] or [the slide "Wo stehen wir im Netzwerk?"] for kora.report.slides.build_deck."""
    if c is None:
        return []
    own = c.table[c.table["is_own"]]
    n = int(c.table["rank"].notna().sum())
    rank = "–" if own.empty or own["rank"].isna().iloc[0] else f"{int(own['rank'].iloc[0])} von {n}"
    digits = 2
    ask = {item["kommune"]: item["vorhaben"] for item in c.learn_from}
    ids = dict(zip(c.table["name"], c.table["kommune"], strict=True))
    rows = tuple(
        (
            "" if r["rang"] is None else str(r["rang"]),
            ("► " if r["eigene"] else "") + r["kommune"],
            fmt.number(r["vergleichswert"], digits),
            fmt.month_short(r["stand"]) + (" (alt)" if r["alt"] else ""),
            # the renderers show a table or text sections, not both: "Von wem lernen?" is a column
            "fragen (Vorhaben " + ", ".join(map(str, ask[ids[r["kommune"]]])) + ")" if ids[r["kommune"]] in ask else "",
        )
        for r in export_rows(c)[:MAX_ROWS]
    )
    demo = bool(c.table["is_demo"].any())
    return [
        Slide(
            key="netzwerk",
            title="Wo stehen wir im Netzwerk?",
            subtitle=f"{c.indicator.name} {c.year}, {c.indicator.unit_compared} · Stand {fmt.month_name(c.as_of)}"
            + (" · mit Beispieldaten (synthetisch)" if demo else ""),
            metrics=(
                Metric("Rang", rank, by_id()[c.own].name),
                Metric("Median des Netzwerks", fmt.number(c.stats["median"], digits), c.indicator.unit_compared),
                Metric("Kommunen im Vergleich", str(n)),
            ),
            table=Table(
                columns=("Rang", "Kommune", c.indicator.unit_compared, "Stand", "Von wem lernen?"),
                rows=rows,
                widths=(0.8, 3.0, 2.2, 1.5, 2.6),
            ),
            notes=(
                "Werte je 100 000 Einwohner (Einwohner: data/kommunen.toml mit Quelle und Jahr). Werte anderer "
                "Kommunen aus ihren Benchmark-Paketen; „alt“: letzter Wert mehr als drei Monate vor dem Stand. "
                "„fragen“: Partnerstadt des Aktionsplans für dieses Vorhaben, die hier besser dasteht."
            ),
        )
    ]
