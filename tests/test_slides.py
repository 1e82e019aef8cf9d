"""The deck as data: which slides, which numbers (those of the StatusReport), which texts."""

from __future__ import annotations

import datetime as dt

import pytest

from kora import fmt
from kora.db import Database
from kora.plan import setup as ops
from kora.report import slides
from kora.report.deck import Deck
from kora.tracking.changes import build_changes
from kora.tracking.status import build_status
from tests.conftest import KOMMUNE, TODAY
from tests.test_changes import add_reading

AS_OF = dt.date(2026, 10, 1)
SINCE = dt.date(2026, 10, 29)


def make_deck(db: Database, *, as_of: dt.date = AS_OF, since: dt.date = SINCE) -> tuple[Deck, object]:
    report = build_status(db, as_of=as_of, kommune=KOMMUNE)
    changes = build_changes(db, as_of=as_of, since=since, report=report, kommune=KOMMUNE)
    return slides.build_deck(report, changes, ops.plan_dict(db, kommune=KOMMUNE), made_on=TODAY), report


def test_slide_order_and_german_titles(demo_db: Database) -> None:
    deck, _ = make_deck(demo_db)
    assert [s.key for s in deck.slides] == [
        "titel", "feld-A", "feld-B", "feld-C", "feld-D", "erfolge", "aenderungen", "unterstuetzung",
    ]  # fmt: skip
    assert deck.slide("feld-B").title == "Aktionsfeld B: Umgang mit Politik"
    assert deck.slide("aenderungen").title == "Was hat sich seit dem letzten Termin geändert?"
    assert deck.slide("unterstuetzung").title == "Wo wir Unterstützung brauchen"
    assert "Stand Oktober 2026" in deck.slide("titel").subtitle
    assert "26.11.2026" in deck.slide("titel").subtitle  # the date of the Brownbag


def test_footer_names_stand_and_filters(demo_db: Database) -> None:
    deck, _ = make_deck(demo_db)
    assert dict(deck.filters) == {
        "Kommune": "Stadt Aachen",
        "Stand": "Oktober 2026",
        "Datenstand": "aktuell (alle gespeicherten Korrekturen)",
        "Letzter Termin": "29.10.2026",
        "Erstellt": "26.11.2026",
        "Daten": "Beispieldaten, keine echten Messwerte",
    }
    assert "Stand: Oktober 2026" in deck.footer


def test_numbers_are_those_of_the_status_report(demo_db: Database) -> None:
    deck, report = make_deck(demo_db)
    payload = report.to_dict()
    title = deck.slide("titel")
    assert title.metrics[0].value == fmt.attainment(payload["plan"]["attainment"], payload["plan"]["attainment_raw"])
    assert list(title.chart.keys) == [f["code"] for f in payload["aktionsfelder"]]
    # raw attainment capped at 1: a field below its start is a negative bar (issue 11)
    raw = [fmt.shown_attainment(f["attainment"], f["attainment_raw"]) for f in payload["aktionsfelder"]]
    assert list(title.chart.series[0].values) == pytest.approx(raw)
    by_id = {i["id"]: i for i in payload["indicators"]}
    for code in "ABCD":
        chart = deck.slide(f"feld-{code}").chart
        want = [fmt.shown_attainment(by_id[k]["attainment"], by_id[k]["attainment_raw"]) for k in chart.keys]
        assert list(chart.series[0].values) == pytest.approx(want)


def test_support_slide_names_the_partner_cities_of_off_track_vorhaben(demo_db: Database) -> None:
    deck, report = make_deck(demo_db)
    plan = ops.plan_dict(demo_db, kommune=KOMMUNE)
    off = set(report.indicators.loc[report.indicators["status"] == "off_track", "id"])
    assert off, "Beispieldaten should have off-track indicators"
    table = deck.slide("unterstuetzung").table
    assert table is not None
    rows = {row[0].split(".")[0]: row for row in table.rows}
    for v in plan["vorhaben"]:
        mine = off & set(v["indicators"])
        if mine:
            assert rows[str(v["nr"])][2] == ", ".join(v["partner_cities"])
        else:
            assert str(v["nr"]) not in rows


def test_changes_slide_lists_new_readings_and_user_text_verbatim(demo_db: Database) -> None:
    comment = '<script>alert(1)</script> =HYPERLINK("http://x","y")'
    add_reading(demo_db, "kritik_extern", dt.date(2026, 10, 1), 5.0, at=dt.datetime(2026, 11, 20, 10), comment=comment)
    deck, _ = make_deck(demo_db, since=dt.date(2026, 11, 15))
    slide = deck.slide("aenderungen")
    counts = {m.label: m.value for m in slide.metrics}
    assert counts["Korrekturen"] == "1" and counts["Neue Messwerte"] == "0"
    corrections = next(s for s in slide.sections if s.heading == "Korrekturen")
    assert corrections.items[0].text.startswith("Kritische Rückmeldungen externer Akteure, Okt 26:")
    assert corrections.items[0].detail == f"Kommentar: {comment}"  # plain text; renderers escape it


def test_empty_database_still_makes_a_deck(db: Database) -> None:
    deck, _ = make_deck(db)
    assert len(deck.slides) == 8
    assert deck.slide("titel").metrics[0].value == "–"
    assert deck.slide("unterstuetzung").table is None


@pytest.mark.parametrize(
    ("index", "delta", "wrap", "expected"),
    [(0, -1, False, 0), (0, 1, False, 1), (7, 1, False, 7), (7, 1, True, 0), (0, -1, True, 7)],
)
def test_step(index: int, delta: int, wrap: bool, expected: int) -> None:
    assert slides.step(index, 8, delta, wrap=wrap) == expected


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "[klick](javascript:alert(1))", "**fett** _kursiv_ $x$ :red[rot]", "1. Liste"]
)
def test_markdown_text_leaves_no_markup(text: str) -> None:
    out = fmt.markdown(text)
    for ch in "<>[]()*_$:":
        assert ch not in out.replace("\\" + ch, "")
    assert out.replace("\\", "") == text


@pytest.mark.parametrize(
    ("reason", "comment", "expected"),
    [
        ("Tippfehler", None, "Korrekturgrund: Tippfehler"),
        (None, "Zählung aus Q3", "Kommentar: Zählung aus Q3"),
        ("Tippfehler", "Zählung aus Q3", "Korrekturgrund: Tippfehler · Kommentar: Zählung aus Q3"),
        (None, None, ""),
        ("  ", float("nan"), ""),
        ("Zeile\nzwei", None, "Korrekturgrund: Zeile zwei"),
        ("x" * 300, None, "Korrekturgrund: " + "x" * (slides.DETAIL_WIDTH - len("Korrekturgrund: ") - 1) + "…"),
    ],
)
def test_a_korrekturgrund_is_labelled_as_such(reason: object, comment: object, expected: str) -> None:
    """Issue 11: a reason for a correction was shown as "Kommentar:" on the page, in PPTX and HTML."""
    assert slides.correction_note(reason=reason, comment=comment) == expected


def test_correction_items_name_the_reason_not_a_comment() -> None:
    import pandas as pd

    corrections = pd.DataFrame(
        [
            {
                "name": "Umgesetzte km", "month": dt.date(2026, 10, 1), "unit": "km", "direction": "up",
                "value_before": 3.0, "value_after": 2.5, "withdrawn": False, "value_changed": True,
                "comment": None, "reason": "Doppelt gezählt",
            }
        ]
    )  # fmt: skip
    (item,) = slides._correction_items(corrections)
    assert item.detail == "Korrekturgrund: Doppelt gezählt"
    assert "Kommentar" not in item.detail


@pytest.mark.parametrize(
    ("since", "subtitle", "then", "now"),
    [
        (
            dt.date(2026, 11, 10),  # the last Termin already had Stand Oktober: only late and corrected values
            "Seit dem 10.11.2026 · Stand weiterhin Oktober 2026: nachgemeldete und korrigierte Werte",
            "am 10.11.2026",
            "heute",
        ),
        (
            dt.date(2026, 10, 29),
            "Seit dem 29.10.2026: damals Stand September 2026, heute Stand Oktober 2026",
            "am 29.10.2026 (Stand September 2026)",
            "heute (Stand Oktober 2026)",
        ),
    ],
    ids=["gleicher-stand", "anderer-stand"],
)
def test_changes_slide_says_plainly_when_both_stande_are_equal(
    demo_db: Database, since: dt.date, subtitle: str, then: str, now: str
) -> None:
    """Issue 11: not "damals Stand Oktober 2026, heute Stand Oktober 2026"."""
    deck, _ = make_deck(demo_db, since=since)
    slide = deck.slide("aenderungen")
    assert slide.subtitle.startswith(subtitle + " · Gesamt ")
    assert "damals Stand Oktober 2026, heute Stand Oktober 2026" not in slide.subtitle
    assert slide.chart is not None
    assert [s.name for s in slide.chart.series] == [then, now]


def test_then_and_now_bars_show_a_regression_like_the_title_slide(demo_db: Database) -> None:
    """Issue 11: the Änderungen chart read "B 0 % → 0 %" while the title slide showed B at −100 %."""
    deck, _ = make_deck(demo_db, since=dt.date(2026, 11, 10))
    title, changes = deck.slide("titel").chart, deck.slide("aenderungen").chart
    assert title is not None and changes is not None
    now = dict(zip(changes.keys, changes.series[1].values, strict=True))
    assert now == pytest.approx(dict(zip(title.keys, title.series[0].values, strict=True)))
    assert min(v for v in now.values() if v is not None) < 0  # the Beispieldaten's B lies below its start


def test_aktionsfeld_names_on_slide_charts_are_whole(plan) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: 'C · Ziele, integratives Arbeiten und Planungs…' was cut on the then-and-now and overview charts."""
    for feld in plan.aktionsfelder:
        label = slides.short(f"⚠️ {feld.code} · {feld.title}", slides.FIELD_LABEL_WIDTH)
        assert not label.endswith("…") and feld.title in label


def test_then_now_items_show_a_regression_with_a_real_minus() -> None:
    """An indicator below its start is listed as it is shown (raw, '−100 % → −50 %'), not '0 % → 0 %'."""
    import pandas as pd

    from kora.tracking import compare

    before = pd.DataFrame(
        [{"id": "a", "name": "Planungsdauer", "status": "off_track", "attainment": 0.0, "attainment_raw": -1.0}]
    )
    after = before.assign(status="at_risk", attainment_raw=-0.5)
    cmp = compare.compare_indicators(before, after, comparable=True)
    [improved] = slides._improved_items(compare.improved(cmp))
    assert improved.text.startswith("Planungsdauer: \u2212100\u00a0% → \u221250\u00a0%")
    [changed] = slides._status_change_items(compare.status_changes(cmp))
    assert changed.detail == "Zielerreichung \u2212100\u00a0% → \u221250\u00a0%"


def test_milestone_counts_name_their_scope(demo_db: Database) -> None:
    """Erfolge counts the year's milestones, Änderungen the ones since the last Termin: the labels say which."""
    deck, _ = make_deck(demo_db)
    slides_by_key = {s.key: s for s in deck.slides}
    labels = {k: [m.label for m in slides_by_key[k].metrics] for k in ("erfolge", "aenderungen")}
    assert "Meilensteine erreicht 2026" in labels["erfolge"]
    assert "Meilensteine neu erreicht" in labels["aenderungen"]


def test_the_projector_keeps_every_aktionsfeld_beside_the_gesamt(demo_db: Database) -> None:
    """Slide 9 says "Gesamt 28 % → 40 %", the mean of the four Aktionsfelder: the projector deck may
    trim a too-tall chart, but never this one (the first cut of the trimming dropped D at 720p)."""
    from kora.report import continuation

    deck, _ = make_deck(demo_db)
    slide = next(s for s in continuation.for_projector(deck).slides if s.key == "aenderungen")
    assert slide.chart is not None and len(slide.chart.categories) == 4
    assert "(die ersten" not in slide.chart.title
