"""Property: random readings written the way Excel writes CSV, in a random dialect, parse back identical.

Dialect = separator (; , tab), encoding (Windows-1252, UTF-8, UTF-8 with BOM, UTF-16), decimal
style (German comma with or without thousands points, or English point), month spelling, long
or wide layout, indicator by id or display name, CRLF or LF. Values carry at most two decimals:
an English-style file whose only decimals have exactly three digits (`1.234`) is read the German
way by design (see kora/ingest/numbers.py) and is out of scope here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kora.plan.files import load_plan
from kora.plan.rules import impossible_above
from kora.readings.catalogue import Catalogue
from kora.readings.check import parse_file
from tests.conftest import TODAY
from tests.data.make_corpus import MONTH_STYLES, german_number, point_number, write_csv

PLAN = load_plan()
CATALOGUE = Catalogue.from_plan(PLAN)
INDICATORS = {i.id: i for i in PLAN.indicators}
MONTHS = [dt.date(y, m, 1) for y in (2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10)]


def value_strategy(indicator_id: str) -> st.SearchStrategy[float]:
    ind = INDICATORS[indicator_id]
    if ind.direction == "yesno":
        return st.sampled_from([0.0, 1.0])
    high = ind.maximum if ind.maximum is not None else 2_000_000
    high = min(high, impossible_above(ind.plausible_max))  # above it a value is refused (issue 15), not misread
    if ind.integer:
        return st.integers(0, int(high)).map(float)
    return st.integers(0, int(high * 100)).map(lambda k: round(k / 100, 2))


@st.composite
def readings(draw: st.DrawFn) -> dict[tuple[str, dt.date], float]:
    cells = draw(
        st.lists(
            st.tuples(st.sampled_from(sorted(INDICATORS)), st.sampled_from(MONTHS)),
            min_size=1,
            max_size=40,
            unique=True,
        )
    )
    return {cell: draw(value_strategy(cell[0])) for cell in cells}


def text_of(indicator_id: str, value: float | None, decimal: str, grouping: bool) -> str:
    if value is None:
        return ""
    if INDICATORS[indicator_id].direction == "yesno":
        return "ja" if value == 1.0 else "nein"
    return german_number(value, grouping=grouping) if decimal == "," else point_number(value)


dialects = st.fixed_dictionaries(
    {
        "delimiter": st.sampled_from([";", ",", "\t"]),
        "encoding": st.sampled_from(["cp1252", "utf-8", "utf-8-sig", "utf-16"]),
        "decimal": st.sampled_from([",", "."]),
        "grouping": st.booleans(),
        "month_style": st.sampled_from(sorted(MONTH_STYLES)),
        "layout": st.sampled_from(["long", "wide"]),
        "by_name": st.booleans(),
        "newline": st.sampled_from(["\r\n", "\n"]),
        "header": st.sampled_from(
            [("Indikator", "Monat", "Wert"), ("indicator", "period", "value"), ("INDIKATOR", "MONAT", "WERT")]
        ),
    }
)


def render(cells: dict[tuple[str, dt.date], float], d: dict) -> bytes:
    grouping = d["grouping"] and d["decimal"] == ","
    label = (lambda i: INDICATORS[i].name) if d["by_name"] else (lambda i: i)
    month = MONTH_STYLES[d["month_style"]]
    if d["layout"] == "long":
        rows = [list(d["header"])]
        rows += [[label(i), month(m), text_of(i, v, d["decimal"], grouping)] for (i, m), v in cells.items()]
    else:
        months = sorted({m for _, m in cells})
        indicators = list(dict.fromkeys(i for i, _ in cells))
        rows = [[d["header"][0], *(month(m) for m in months)]]
        for ind in indicators:
            rows.append([label(ind), *(text_of(ind, cells.get((ind, m)), d["decimal"], grouping) for m in months)])
    return write_csv(rows, delimiter=d["delimiter"], encoding=d["encoding"], newline=d["newline"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=readings(), dialect=dialects)
def test_german_excel_csv_in_any_dialect_parses_back_identical(
    cells: dict[tuple[str, dt.date], float], dialect: dict
) -> None:
    data = render(cells, dialect)
    checked = parse_file(data, CATALOGUE, today=TODAY)
    assert checked.problems == [], (dialect, [str(p) for p in checked.problems[:3]])
    got = {(r.indicator_id, pd.Timestamp(r.month).date()): float(r.value) for r in checked.readings.itertuples()}
    assert got == cells
