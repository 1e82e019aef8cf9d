"""The Städtevergleich in the Brownbag exports: slide "Wo stehen wir im Netzwerk?" and an XLSX sheet.

`deck_comparison` is fetched once by the export bundle (kora.report.export.bundle.gather);
`network_slides` and `add_sheet` turn it into the slide and the sheet — one call each from
kora.report.slides and kora.report.export.xlsx — so slide, sheet and page show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kora import fmt
from kora.db import Database
from kora.errors import KoraError
from kora.network import service, views
from kora.network.kommunen import by_id

HEADLINE_INDICATOR = "km_umgesetzt"  # the question the page answers first: km je 100 000 Einwohner
MAX_ROWS = 12


def deck_comparison(
    db: Database, *, kommune: str, as_of: dt.date, known_at: dt.datetime | None = None
) -> service.Comparison | None:
    """The comparison for the slide (None when no other Kommune has values: no slide then)."""
    if not service.has_network_data(db, own=kommune):
        return None
    try:
        result = service.comparison(
            db, indicator_id=HEADLINE_INDICATOR, year=as_of.year, as_of=as_of, known_at=known_at, own=kommune
        )
    except KoraError:
        return None
    return result if len(result.table) > 1 else None


def network_slides(c: service.Comparison | None) -> list[Any]:
    """[] or [the slide "Wo stehen wir im Netzwerk?"] for kora.report.slides.build_deck."""
    from kora.report.slides import Metric, Slide, Table

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
        for r in views.export_rows(c)[:MAX_ROWS]
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


def add_sheet(wb: Any, bundle: Any) -> None:
    """Sheet "Städtevergleich" in the Brownbag workbook (kora.report.export.xlsx), numbers numeric."""
    from kora.report.export.xlsx import MONTH, Col, _sheet

    c = getattr(bundle, "network", None)
    if c is None:
        return
    cols = [
        Col("Rang", 7),
        Col("Kommune", 22),
        Col("Eigene Kommune", 10),
        Col(f"Wert {c.year} ({c.indicator.unit})", 16, "#,##0.00"),
        Col(c.indicator.unit_compared, 18, "#,##0.00"),
        Col("Stand", 10, MONTH),
        Col("Stand alt", 9),
        Col("Einwohner", 12, "#,##0"),
        Col("Herkunft", 34),
    ]
    rows = [
        (
            r["rang"],
            r["kommune"],
            r["eigene"],
            r["wert"],
            r["vergleichswert"],
            r["stand"],
            r["alt"],
            r["einwohner"],
            r["herkunft"],
        )
        for r in views.export_rows(c)
    ]
    title = f"Städtevergleich: {c.indicator.name} {c.year} (Median {fmt.number(c.stats['median'], 2)})"
    _sheet(wb, "Städtevergleich", title, bundle, cols, rows)
