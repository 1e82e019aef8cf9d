"""Long slides are carried onto "Fortsetzung" slides for the projector (kora.report.continuation)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kora.report import continuation
from kora.report.continuation import CONTINUED, fits, split_slide
from kora.report.deck import Chart, Deck, Item, Metric, Section, Series, Slide, Table

METRICS = (Metric("Neue Messwerte", "14"), Metric("Korrekturen", "2"))
CHART = Chart("Zielerreichung", ("A", "B", "C", "D"), (Series("am 01.11.2026", (0.5, 0.1, 0.7, 0.9)),))
COLUMNS = ("Nr", "Maßnahme", "Phase", "Beschluss", "Fertigstellung")


def table(n: int, text: str = "Radfahrstreifen Jülicher Straße") -> Table:
    rows = tuple((f"B-{i:03d}", text, "umgesetzt", "07.2024", "01.2025") for i in range(n))
    return Table(columns=COLUMNS, rows=rows, widths=(1.0, 4.0, 1.6, 1.3, 1.3))


def section(heading: str, n: int, *, detail: str = "", more: int = 0) -> Section:
    items = tuple(Item(f"{heading} Eintrag {i}", detail) for i in range(n))
    return Section(heading=heading, items=items, more=more, empty=f"Keine {heading}.")


def rows_of(parts: tuple[Slide, ...]) -> list[tuple[str, ...]]:
    return [r for p in parts if p.table is not None for r in p.table.rows]


def items_of(parts: tuple[Slide, ...]) -> list[tuple[str, str]]:
    return [(s.heading, i.text) for p in parts for s in p.sections for i in s.items]


def headings_of(parts: tuple[Slide, ...]) -> list[str]:
    """Section headings in order, a heading continued on the next slide counted once."""
    out: list[str] = []
    for p in parts:
        for s in p.sections:
            if not out or out[-1] != s.heading:
                out.append(s.heading)
    return out


@pytest.mark.parametrize(
    ("slide", "n_parts"),
    [
        (Slide("titel", "Titel", metrics=METRICS, chart=CHART), 1),  # short: untouched
        (Slide("massnahmen", "Maßnahmenliste", table=table(10)), 1),
        (Slide("massnahmen", "Maßnahmenliste", table=table(14, "Radfahrstreifen Jülicher Straße " * 4)), 3),
        (Slide("massnahmen", "Maßnahmenliste", table=table(60)), 4),
        (
            Slide(
                "aenderungen",
                "Änderungen",
                metrics=METRICS,
                chart=CHART,
                sections=(section("Korrekturen", 6, detail="Korrekturgrund: Tippfehler in der Vorlage"),),
            ),
            2,
        ),
        (
            Slide("erfolge", "Erfolge", sections=tuple(section(h, 6, detail="Jahresziel 40 " * 8) for h in "ABCD")),
            2,
        ),
    ],
    ids=["kurz", "tabelle-passt", "tabelle-2", "tabelle-3", "korrekturen-unter-diagramm", "vier-listen"],
)
def test_split_keeps_every_row_and_item_once_in_order_and_each_part_fits(slide: Slide, n_parts: int) -> None:
    parts = split_slide(slide)
    assert len(parts) == n_parts
    assert all(fits(p) for p in parts), [round(continuation.slide_lines(p), 1) for p in parts]
    assert rows_of(parts) == list(slide.table.rows if slide.table else ())
    assert items_of(parts) == [(s.heading, i.text) for s in slide.sections for i in s.items]
    assert headings_of(parts) == [s.heading for s in slide.sections]
    assert parts[0].title == slide.title and parts[0].metrics == slide.metrics and parts[0].chart == slide.chart
    for k, part in enumerate(parts[1:], start=2):
        assert part.title == slide.title + CONTINUED and part.key == f"{slide.key}-{k}"
        assert part.metrics == () and part.chart is None and part.notes == ""
        assert part.subtitle == slide.subtitle  # the reader still knows what the list is about


def test_the_corrections_below_a_chart_move_to_the_continuation_not_below_the_fold() -> None:
    """Issue 11: slide 7's Korrekturen were below the fold; now they open the next slide, whole."""
    reason = "Korrekturgrund: Zählung doppelt erfasst, Wert aus dem Fachverfahren übernommen"
    sections = (
        section("Neue Messwerte", 6, more=8),
        section("Statusänderungen", 1),
        section("Korrekturen", 4, detail=reason),
    )
    slide = Slide("aenderungen", "Was hat sich geändert?", metrics=METRICS, chart=CHART, sections=sections)
    parts = split_slide(slide)
    assert parts[0].chart == CHART and len(parts) == 2
    with_corrections = [p for p in parts if any(x.heading == "Korrekturen" for x in p.sections)]
    assert with_corrections == [parts[1]]  # not under the chart, and not torn apart
    assert len(parts[1].sections[-1].items) == 4 and parts[1].title.endswith(CONTINUED)
    news = [x for p in parts for x in p.sections if x.heading == "Neue Messwerte"]
    assert news[-1].more == 8  # "… und 8 weitere" stays with its list


def test_an_empty_section_keeps_its_empty_text() -> None:
    sections = (section("Neue Messwerte", 6), section("Meilensteine", 0))
    parts = split_slide(Slide("x", "X", metrics=METRICS, chart=CHART, sections=sections), screen_lines=20)
    shown = [s for p in parts for s in p.sections if s.heading == "Meilensteine"]
    assert len(shown) == 1 and shown[0].items == () and shown[0].empty == "Keine Meilensteine."


def test_an_item_taller_than_the_screen_gets_a_slide_of_its_own() -> None:
    giant = Section("Korrekturen", (Item("kurz"), Item("x " * 3000), Item("kurz danach")))
    parts = split_slide(Slide("x", "X", sections=(giant,)))
    assert items_of(parts) == [("Korrekturen", "kurz"), ("Korrekturen", "x " * 3000), ("Korrekturen", "kurz danach")]
    assert any(not fits(p) and len(items_of((p,))) == 1 for p in parts)  # it cannot be split further


def test_for_projector_splits_only_what_is_too_long() -> None:
    short = Slide("titel", "Titel", metrics=METRICS, chart=CHART)
    long = Slide("massnahmen", "Maßnahmenliste", table=table(40))
    day = dt.date(2026, 11, 29)
    deck = Deck("aachen", "Stadt Aachen", "Plan", day, None, day, day, False, (), (short, long))
    keys = [s.key for s in continuation.for_projector(deck).slides]
    assert keys[0] == "titel" and keys[1] == "massnahmen" and len(keys) >= 3
    assert all(k.startswith("massnahmen-") for k in keys[2:])


@pytest.mark.parametrize(
    ("text", "chars", "lines"),
    [("", 40, 1), ("a" * 40, 40, 1), ("a" * 41, 40, 2), ("a\nb", 40, 2), ("a" * 100 + "\nb", 40, 4)],
)
def test_text_lines(text: str, chars: float, lines: int) -> None:
    assert continuation.text_lines(text, chars) == lines


texts = st.text(alphabet="abc äöü", min_size=1, max_size=300)


@settings(max_examples=60, deadline=None)
@given(
    n_rows=st.integers(0, 40),
    row_text=texts,
    sections=st.lists(st.tuples(st.sampled_from("ABCDE"), st.lists(texts, max_size=12)), max_size=5),
    with_chart=st.booleans(),
)
def test_split_never_loses_or_repeats_anything(
    n_rows: int, row_text: str, sections: list[tuple[str, list[str]]], with_chart: bool
) -> None:
    secs = tuple(Section(f"{h}{k}", tuple(Item(t) for t in items)) for k, (h, items) in enumerate(sections))
    slide = Slide(
        "s", "S", chart=CHART if with_chart else None, table=table(n_rows, row_text) if n_rows else None, sections=secs
    )
    parts = split_slide(slide)
    assert rows_of(parts) == list(slide.table.rows if slide.table else ())
    assert items_of(parts) == [(s.heading, i.text) for s in secs for i in s.items]
    assert headings_of(parts) == [s.heading for s in secs]
    for p in parts:  # each part fits, or holds one row/item that cannot be split
        assert fits(p) or len(rows_of((p,))) + len(items_of((p,))) <= 1 or p is parts[0]


def pairs(n: int) -> Chart:
    """A then-and-now chart of `n` indicators, most improved first (as the Erfolge slide has it)."""
    names = tuple(f"Indikator {i}" for i in range(n))
    return Chart(
        "Zielerreichung am 01.11.2026 und heute",
        names,
        (Series("am 01.11.2026", tuple(0.1 * (i % 10) for i in range(n))), Series("heute", (0.9,) * n)),
        keys=tuple(f"ind{i}" for i in range(n)),
    )


NOTED_METRICS = (  # as on the Erfolge slide: a note under the values makes the boxes taller
    Metric("Verbessert seit 01.11.2026", "4", "Indikatoren"),
    Metric("Im Plan", "9 von 15", "Indikatoren"),
    Metric("Meilensteine erreicht 2026", "6"),
)


@pytest.mark.parametrize(
    ("metrics", "n", "kept"),
    [
        (NOTED_METRICS, 3, 3),  # fits with its metrics: untouched
        (NOTED_METRICS, 4, 3),  # the Beispieldaten's Erfolge slide: 11 px below a 720p screen's edge with all four
        (NOTED_METRICS, 10, 3),
        (METRICS, 4, 4),  # slide 9 (metrics without notes): all four Aktionsfelder fit; trimming one misled
        (METRICS, 10, 4),
    ],
)
def test_a_chart_too_tall_for_a_small_screen_keeps_its_first_bars(
    metrics: tuple[Metric, ...], n: int, kept: int
) -> None:
    slide = Slide("erfolge", "Erfolge", metrics=metrics, chart=pairs(n), sections=(section("Besser", n),))
    parts = split_slide(slide)
    chart = parts[0].chart
    assert chart is not None and chart.categories == pairs(n).categories[:kept]
    assert chart.keys == pairs(n).keys[:kept] and all(len(s.values) == kept for s in chart.series)
    assert ("(die ersten" in chart.title) == (kept < n)
    assert len(items_of(parts)) == n  # the list still names every indicator
    assert all(fits(p) for p in parts)


@settings(max_examples=40)
@given(st.integers(1, 30), st.sampled_from([(), METRICS, NOTED_METRICS]))
def test_the_first_slide_fits_for_any_number_of_bars(n: int, metrics: tuple[Metric, ...]) -> None:
    slide = Slide("x", "X", metrics=metrics, chart=pairs(n))
    first = split_slide(slide)[0]
    assert first.chart is not None and 1 <= len(first.chart.categories) <= n
    assert fits(first)
