"""Slides that fit a projector: long lists and tables go onto "Fortsetzung" slides.

A slide on the projector must fit the screen (1920 × 1080 and, scaled, 1280 × 720) at a type
size the back of the room can read — a presenter who scrolls loses the audience, and content
below the fold is never seen. So before the Präsentationsmodus draws the deck, every slide is
measured here in *lines of body text* (24 px type on a 1080 px screen, see `LINE_PX`) and what
does not fit is carried onto continuation slides with the same title plus "(Fortsetzung)":
table rows in order, section items in order (headings repeated). Metrics and the chart stay on
the first slide. Nothing is dropped: every row and item appears on exactly one slide.

Pure functions on `kora.report.deck` data; the estimate is deliberately pessimistic (widths of
a wide sans-serif), and the browser test tests/browser/test_slide_layout.py measures the result.
The PPTX has its own text fitting (`kora.report.export.slide_fit`); this is for the screen.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable

from kora.report.deck import Chart, Deck, Item, Section, Slide, Table

CONTINUED = " (Fortsetzung)"
LINE_PX = 35  # one line of 24 px body text (line height 1.45) on the 1080 px design screen
SCREEN_LINES = 1080 / LINE_PX
FULL_WIDTH_CHARS = 130  # characters of body text in one full-width line at 1920 px (pessimistic)
HEADER_LINES = 7.4  # title, subtitle, two footer lines, paddings (measured: ≈ 240 px)
METRICS_LINES = 5.0  # bordered metric boxes with a note (measured: 166 px)
METRICS_PLAIN_LINES = 3.6  # the same boxes without notes (slide 9 at 720p: 92 px against 124 px with notes)
SECTION_HEADING_LINES = 1.8
TABLE_ROW_PAD = 0.3  # cell padding and border of one table row, in lines (a one-line row: 42 px)
CHART_SIDE = 0.5  # share of the width the chart takes when it stands beside a table
BAR_PX = 40  # one bar in a projector chart (20 px labels)
CHART_FRAME_PX = 140  # chart title, axis ticks and axis title (grouped charts: + 50 for the legend)


def chart_px(chart: Chart) -> int:
    """Height of a projector chart in px at 1080p: the page's chart box and the plotly figure have it."""
    grouped = len(chart.series) > 1
    n_bars = len(chart.categories) * len(chart.series)
    return CHART_FRAME_PX + (50 if grouped else 0) + int(BAR_PX * (0.75 if grouped else 1.0) * n_bars)


def text_lines(text: str, chars: float) -> int:
    """Lines a text needs in a column `chars` characters wide (each explicit line wraps on its own)."""
    return sum(max(1, math.ceil(len(part) / max(chars, 8.0))) for part in str(text).split("\n"))


def _table_widths(table: Table) -> tuple[float, ...]:
    widths = table.widths if len(table.widths) == len(table.columns) else (1.0,) * len(table.columns)
    total = sum(widths)
    return tuple(w / total for w in widths)


def row_lines(row: tuple[str, ...], table: Table, *, width_share: float) -> float:
    """A table row's height in lines: its tallest cell, plus padding."""
    shares = _table_widths(table)
    cells = [
        text_lines(cell, FULL_WIDTH_CHARS * width_share * share - 2) for cell, share in zip(row, shares, strict=True)
    ]
    return max(cells, default=1) + TABLE_ROW_PAD


def table_lines(table: Table, rows: tuple[tuple[str, ...], ...], *, width_share: float) -> float:
    return row_lines(table.columns, table, width_share=width_share) + sum(
        row_lines(r, table, width_share=width_share) for r in rows
    )


def per_row(n_sections: int) -> int:
    """Sections side by side on one slide row: one alone uses the full width, two or four go in
    two columns, else three (the page follows this)."""
    return 2 if n_sections in (2, 4) else max(1, min(n_sections, 3))


def item_lines(item: Item, chars: float) -> float:
    return text_lines(item.text, chars) + (0.85 * text_lines(item.detail, chars / 0.85) if item.detail else 0)


def section_lines(section: Section, *, columns: int) -> float:
    chars = FULL_WIDTH_CHARS / columns - 3
    body = sum(item_lines(i, chars) for i in section.items) if section.items else 1.0
    return SECTION_HEADING_LINES + body + (0.8 if section.more else 0)


def sections_lines(sections: tuple[Section, ...]) -> float:
    """Sections in a grid of `per_row` columns: each grid row is as tall as its tallest section."""
    if not sections:
        return 0.0
    n = per_row(len(sections))
    return sum(max(section_lines(s, columns=n) for s in sections[i : i + n]) + 0.6 for i in range(0, len(sections), n))


def beside(slide: Slide) -> bool:
    """Chart and table side by side (the Aktionsfeld slides): both stay readable on one screen."""
    return slide.chart is not None and slide.table is not None


SMALL_SCREEN_PX = 720
SMALL_SCALE = 0.64  # kora.web.style scales text by this on a 1280 × 720 screen; charts keep their pixel height
# Paddings that do not scale with the text: the lines model was 23 px short on the 720p screen for the
# Beispieldaten's Erfolge slide (metrics and a chart of four then-and-now pairs: 11 px below the edge).
SMALL_SCREEN_SLACK_PX = 24


def metrics_lines(slide: Slide) -> float:
    """The metric boxes' height in lines: a note under a value makes every box of the row taller."""
    if not slide.metrics:
        return 0.0
    return METRICS_LINES if any(m.note for m in slide.metrics) else METRICS_PLAIN_LINES


def slide_px(slide: Slide, *, text_scale: float = 1.0) -> float:
    """Estimated height of the slide as the page draws it, in px: text (lines × `LINE_PX`) scaled
    by `text_scale`, charts at their own pixel height (plotly does not follow the page's scale)."""
    line = LINE_PX * text_scale
    text = (HEADER_LINES + metrics_lines(slide) + sections_lines(slide.sections)) * line
    chart = float(chart_px(slide.chart)) if slide.chart is not None else 0.0
    share = 1 - CHART_SIDE if beside(slide) else 1.0
    table = table_lines(slide.table, slide.table.rows, width_share=share) * line if slide.table is not None else 0.0
    return text + (max(chart, table) if beside(slide) else chart + table)


def slide_lines(slide: Slide) -> float:
    """Estimated height of the slide on the 1080p design screen, in body lines."""
    return slide_px(slide) / LINE_PX


def fits(slide: Slide, *, screen_lines: float = SCREEN_LINES) -> bool:
    """The slide fits the 1080p screen (`screen_lines` high) and, scaled, a 720p one of the same share."""
    share = screen_lines / SCREEN_LINES
    small = slide_px(slide, text_scale=SMALL_SCALE) + SMALL_SCREEN_SLACK_PX
    return slide_px(slide) <= screen_lines * LINE_PX and small <= SMALL_SCREEN_PX * share


def _first_part(slide: Slide) -> Slide:
    """The slide without its table rows and section items (what always stays on the first slide)."""
    table = dataclasses.replace(slide.table, rows=()) if slide.table is not None else None
    return dataclasses.replace(slide, table=table, sections=())


def _continuation(slide: Slide, number: int) -> Slide:
    """An empty next slide for the rest: same title with "(Fortsetzung)", no metrics, no chart."""
    return dataclasses.replace(
        slide,
        key=f"{slide.key}-{number}",
        title=slide.title + CONTINUED,
        metrics=(),
        chart=None,
        table=dataclasses.replace(slide.table, rows=()) if slide.table is not None else None,
        sections=(),
        notes="",
    )


def _add_row(slide: Slide, row: tuple[str, ...]) -> Slide:
    assert slide.table is not None
    return dataclasses.replace(slide, table=dataclasses.replace(slide.table, rows=(*slide.table.rows, row)))


def _add_item(slide: Slide, template: Section, item: Item | None) -> Slide:
    """`item` appended under `template`'s heading (a new section when the slide lacks it yet)."""
    sections = list(slide.sections)
    if not sections or sections[-1].heading != template.heading:
        sections.append(dataclasses.replace(template, items=(), more=0))
    if item is not None:
        sections[-1] = dataclasses.replace(sections[-1], items=(*sections[-1].items, item))
    return dataclasses.replace(slide, sections=tuple(sections))


def _add_section(slide: Slide, section: Section) -> Slide:
    return dataclasses.replace(slide, sections=(*slide.sections, section))


def _with_more(slide: Slide, heading: str, more: int) -> Slide:
    sections = tuple(dataclasses.replace(s, more=more) if s.heading == heading else s for s in slide.sections)
    return dataclasses.replace(slide, sections=sections)


def _first_bars(chart: Chart, n: int) -> Chart:
    """The chart's first `n` categories (the slides order them most important first), saying so."""
    total = len(chart.categories)
    return dataclasses.replace(
        chart,
        title=f"{chart.title} (die ersten {n} von {total})",
        categories=chart.categories[:n],
        series=tuple(dataclasses.replace(s, values=s.values[:n]) for s in chart.series),
        colors=chart.colors[:n],
        keys=chart.keys[:n],
    )


def fit_chart(slide: Slide, *, screen_lines: float = SCREEN_LINES) -> Slide:
    """A chart whose bars alone push the slide's first part (title, metrics, chart) off the screen
    keeps as many of its first bars as fit; its lists still name every entry, on later slides.

    Charts keep their pixel height on a small screen while the text shrinks, so splitting the
    lists cannot help there: ten then-and-now pairs are 790 px on a 720 px screen.
    """
    chart = slide.chart
    if chart is None or fits(_first_part(slide), screen_lines=screen_lines):
        return slide
    for n in range(len(chart.categories) - 1, 0, -1):
        trimmed = dataclasses.replace(slide, chart=_first_bars(chart, n))
        if fits(_first_part(trimmed), screen_lines=screen_lines):
            return trimmed
    return dataclasses.replace(slide, chart=_first_bars(chart, 1))


def split_slide(slide: Slide, *, screen_lines: float = SCREEN_LINES) -> tuple[Slide, ...]:
    """The slide as one or more slides that each fit `screen_lines` (greedy, order kept).

    A single row or item taller than a whole screen still gets a slide of its own (it cannot be
    split further); every row and item lands on exactly one slide, and a section's "… und N
    weitere" count stays with its last part. A chart too tall for any screen keeps its first bars.
    """
    slide = fit_chart(slide, screen_lines=screen_lines)
    if fits(slide, screen_lines=screen_lines):
        return (slide,)
    out = [_first_part(slide)]

    def place(add: Callable[[Slide], Slide]) -> None:
        candidate = add(out[-1])
        if fits(candidate, screen_lines=screen_lines) or not _has_content(out[-1]):
            out[-1] = candidate
        else:
            out.append(add(_continuation(slide, len(out) + 1)))

    for row in slide.table.rows if slide.table is not None else ():
        place(functools.partial(_add_row, row=row))
    for section in slide.sections:
        whole = _add_section(_continuation(slide, 0), section)
        if not fits(_add_section(out[-1], section), screen_lines=screen_lines) and fits(
            whole, screen_lines=screen_lines
        ):
            out.append(_add_section(_continuation(slide, len(out) + 1), section))  # kept together on a new slide
            continue
        for item in section.items or (None,):
            place(functools.partial(_add_item, template=section, item=item))
        if section.more:
            out[-1] = _with_more(out[-1], section.heading, section.more)
    return tuple(_without_empty_table(s) for s in out)


def _has_content(slide: Slide) -> bool:
    rows = slide.table.rows if slide.table is not None else ()
    return bool(rows or any(s.items for s in slide.sections) or slide.metrics or slide.chart is not None)


def _without_empty_table(slide: Slide) -> Slide:
    """A table none of whose rows fit is not drawn as a bare header: its rows are on the next slide."""
    if slide.table is None or slide.table.rows:
        return slide
    return dataclasses.replace(slide, table=None)


def for_projector(deck: Deck, *, screen_lines: float = SCREEN_LINES) -> Deck:
    """The deck with every long slide split into slides that fit the projector screen."""
    slides = tuple(part for s in deck.slides for part in split_slide(s, screen_lines=screen_lines))
    return dataclasses.replace(deck, slides=slides)
