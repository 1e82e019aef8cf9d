"""Display tables and texts the pages show, computed from real status reports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kora import fmt
from kora.db import Database
from kora.plan import setup as ops
from kora.report import tables as views
from kora.tracking.status import build_status
from tests.conftest import KOMMUNE

AS_OF = dt.date(2026, 10, 1)


@pytest.fixture
def report(demo_db: Database):
    return build_status(demo_db, as_of=AS_OF, kommune=KOMMUNE)


def test_field_cards_one_per_aktionsfeld(report) -> None:
    cards = views.field_cards(report, None)
    assert [c["code"] for c in cards] == ["A", "B", "C", "D"]
    for card in cards:
        assert card["status_text"].split(" ", 1)[1] in {"im Plan", "gefährdet", "nicht im Plan", "keine Daten"}
        assert card["attainment_text"].endswith("%")
        assert card["delta_text"] is None


def test_field_cards_delta_to_previous_month(demo_db: Database, report) -> None:
    previous = build_status(demo_db, as_of=dt.date(2026, 9, 1), kommune=KOMMUNE)
    card = views.field_cards(report, previous)[0]
    prev_att = previous.aktionsfelder.set_index("code").loc["A", "attainment"]
    assert card["delta"] == pytest.approx(card["attainment"] - prev_att)
    assert card["delta_text"].endswith("Pp. zum Vormonat")


def test_headline_names_fields_not_on_track(report) -> None:
    text = views.headline(report)
    assert text.startswith("Gesamt **")
    for row in report.aktionsfelder.itertuples(index=False):
        if row.status in ("off_track", "at_risk"):
            assert f"**{row.code}**" in text


def test_missing_for_month_knows_quarterly_indicators(report) -> None:
    # Beispieldaten report every monthly indicator; the quarterly survey was due in September
    assert views.missing_for_month(report).empty
    ind = report.indicators
    km = ind["id"] == "km_umgesetzt"
    ind.loc[km, "last_month"] = dt.date(2026, 9, 1)
    missing = views.missing_for_month(report)
    assert missing.to_dict("records") == [
        {
            "Indikator": "Umgesetzte km geschützter Radfahrstreifen",
            "Fällig für": "Oktober 2026",
            "Letzte Meldung": "September 2026",
        }
    ]


def test_indicator_table_is_german(report) -> None:
    table = views.indicator_table(views.indicators_of(report, 1))
    assert list(table.columns)[:3] == ["Indikator", "Status", "Wert"]
    km = table.set_index("Indikator").loc["Umgesetzte km geschützter Radfahrstreifen"]
    assert km["Jahresziel"] == "5\u00a0km"
    assert "," in km["Wert"] or km["Wert"].endswith("km")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Planer*innen", "Planer\\*innen"), ("a_b", "a\\_b"), ("<b>x</b>", "\\<b\\>x\\</b\\>"), ("plain", "plain")],
)
def test_escape_md(text: str, expected: str) -> None:
    assert fmt.markdown(text) == expected


def test_partner_matrix_matches_the_seed(db: Database) -> None:
    plan = ops.plan_dict(db, kommune=KOMMUNE)
    matrix = views.partner_matrix(plan)
    assert matrix.loc["Frankfurt am Main", "Anzahl Vorhaben"] == 6  # all but Vorhaben 3
    assert matrix.loc["Hannover", "1 (A)"] == "●"
    assert matrix.loc["Hannover", "2 (A)"] == ""
    assert matrix.index[0] == "Frankfurt am Main"
    assert "Vorhaben 1" not in views.partners_for(plan, "Augsburg")


def test_milestones_overdue_flag() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "nr": [1, 1, 1, 1],
            "aktionsfeld": ["A"] * 4,
            "text": ["x"] * 4,
            "due": [dt.date(2026, 10, 31), dt.date(2026, 11, 1), dt.date(2026, 1, 1), None],
            "status": ["offen", "offen", "erreicht", "offen"],
            "reached_on": [None, None, dt.date(2025, 12, 1), None],
        }
    )
    out = views.milestone_frame(frame, AS_OF)
    assert list(out["overdue"]) == [True, False, False, False]
    table = views.milestone_table(out)
    assert list(table["Status"]) == ["⛔ überfällig", "🕒 offen", "✅ erreicht", "🕒 offen"]
    assert list(table["Fällig"]) == ["31.10.2026", "01.11.2026", "01.01.2026", "–"]
    assert views.milestone_counts(out) == {"total": 4, "erreicht": 1, "verschoben": 0, "overdue": 1}


def test_ideas_markdown_nests_teilvorhaben() -> None:
    md = views.ideas_markdown([{"text": "Aufbau", "teilvorhaben": 2, "punkte": ["a", "b"]}, {"text": "frei"}])
    assert md.splitlines() == ["- **Teilvorhaben 2:** Aufbau", "    - a", "    - b", "- frei"]


def test_january_says_why_there_is_no_change_to_the_previous_month(demo_db: Database) -> None:
    january = build_status(demo_db, as_of=dt.date(2026, 1, 1), kommune=KOMMUNE)
    cards = views.field_cards(january, None)
    assert {c["delta_text"] for c in cards} == {"neues Berichtsjahr: kein Vormonatsvergleich"}


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("km_umgesetzt", "0\u00a0km (Summe ab Jahresbeginn)"),
        ("abstimmungsschleifen", "2 (Ziel des Vorjahres)"),
    ],
)
def test_start_text_says_where_the_path_starts(report, indicator: str, expected: str) -> None:
    row = report.indicators.set_index("id").loc[indicator].copy()
    row["id"] = indicator
    assert views.start_text(row) == expected


def test_start_text_in_the_first_plan_year_is_the_baseline(demo_db: Database) -> None:
    row = (
        build_status(demo_db, as_of=dt.date(2025, 6, 1), kommune=KOMMUNE)
        .indicators.set_index("id")
        .loc["abstimmungsschleifen"]
    )
    assert views.start_text(row) == "4 (Ausgangswert)"
