"""The Brownbag deck as plain data: slides with metrics, a chart, a table and sections.

The types every renderer draws (the Präsentationsmodus page, PPTX, HTML); `kora.report.slides`
decides their content. Everything is plain text — renderers escape it for their format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kora import fmt
from kora.fmt import is_missing
from kora.labels import STATUS_COLORS


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str = "#0072B2"


@dataclass(frozen=True)
class Chart:
    """Horizontal bars of attainment (0..1): one series coloured per bar by status, or several
    series side by side (then and now)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    colors: tuple[str, ...] = ()  # per category; only for single-series charts
    keys: tuple[str, ...] = ()  # indicator id / Aktionsfeld code per category (tests, links)
    value_title: str = "Zielerreichung"
    number_format: str = "0 %"  # Excel/PowerPoint number format of the values


@dataclass(frozen=True)
class Item:
    text: str
    detail: str = ""
    status: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[Item, ...] = ()
    more: int = 0  # items left out to fit the slide
    empty: str = "–"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    subtitle: str = ""
    metrics: tuple[Metric, ...] = ()
    chart: Chart | None = None
    table: Table | None = None
    sections: tuple[Section, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Deck:
    kommune: str
    kommune_name: str
    plan_title: str
    as_of: dt.date
    known_at: dt.datetime | None  # naive UTC, as in StatusReport
    since: dt.date
    made_on: dt.date
    demo: bool
    filters: tuple[tuple[str, str], ...]
    slides: tuple[Slide, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"KoRa-Monitor {self.kommune_name}"

    @property
    def footer(self) -> str:
        """'Stand Oktober 2026 · Datenstand: aktuell · …' — printed on every slide and sheet."""
        return " · ".join(f"{label}: {value}" for label, value in self.filters)

    def slide(self, key: str) -> Slide:
        for s in self.slides:
            if s.key == key:
                return s
        raise KeyError(key)


# --- charts from status frames ----------------------------------------------------------------


def _fraction(value: Any) -> float | None:
    return None if is_missing(value) else float(value)


def attainment_chart(title: str, frame: pd.DataFrame, labels: list[str], keys: list[str]) -> Chart:
    """One series of attainment (columns attainment, status of `frame`), bars coloured by status.

    With `attainment_raw` a value below its start is a negative bar (capped at 1 like the roll-ups).
    """
    raw = frame["attainment_raw"] if "attainment_raw" in frame else frame["attainment"]
    values = tuple(fmt.shown_attainment(a, r) for a, r in zip(frame["attainment"], raw, strict=True))
    return Chart(
        title=title,
        categories=tuple(labels),
        series=(Series("Zielerreichung", values),),
        colors=tuple(STATUS_COLORS.get(str(s), STATUS_COLORS["no_data"]) for s in frame["status"]),
        keys=tuple(keys),
    )


def then_and_now_chart(
    title: str,
    categories: list[str],
    keys: list[str],
    frame: pd.DataFrame,
    *,
    then: str,
    now: str,
    now_color: str,
) -> Chart:
    """Two series side by side: attainment at the last Termin and today (columns
    attainment_before / attainment_after of `frame`)."""
    return Chart(
        title=title,
        categories=tuple(categories),
        series=(
            Series(then, tuple(_fraction(a) for a in frame["attainment_before"]), "#56B4E9"),
            Series(now, tuple(_fraction(a) for a in frame["attainment_after"]), now_color),
        ),
        keys=tuple(keys),
    )
