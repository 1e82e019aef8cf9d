"""Pure rules and derivations of the Maßnahmenliste: dates, phases, indicators, delays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kora.massnahmen import derive, rules
from kora.massnahmen.rules import DateProblem
from kora.plan import quellen


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("03.2025", "2025-03"),
        ("März 2025", "2025-03"),
        ("Mrz 25", "2025-03"),
        ("2025-03", "2025-03"),
        ("01.03.2025", "2025-03-01"),
        ("1.3.25", "2025-03-01"),
        ("2025-03-14", "2025-03-14"),
        (dt.datetime(2025, 3, 14), "2025-03-14"),
        (dt.date(2025, 3, 14), "2025-03-14"),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_keeps_the_precision_written(cell: object, expected: str | None) -> None:
    assert rules.parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [("31.02.2025", "gibt es nicht"), ("bald", "kein Datum"), ("3/1/2025", "mehrdeutig"), (45717.0, "Zahl")],
)
def test_parse_date_rejects_with_german_reason(cell: object, fragment: str) -> None:
    with pytest.raises(DateProblem, match=fragment):
        rules.parse_date(cell)


@pytest.mark.parametrize(
    ("phase", "dates", "conflict"),
    [
        ("umgesetzt", {"fertigstellung": "2025-09"}, None),
        ("umgesetzt", {}, "Fertigstellung"),
        ("Bau", {"beschluss": "2025-04"}, None),
        ("Bau", {}, "Beschluss voraus"),
        ("Entwurf", {"planungsbeginn": "2025-01", "beschluss": "2025-04"}, "vor dem Beschluss"),
        ("Idee", {"planungsbeginn": "2025-01"}, "Planungsbeginn"),
        ("zurückgestellt", {"planungsbeginn": "2025-01"}, None),
        ("Beschluss", {"beschluss": "2025-04", "fertigstellung": "2025-09"}, "Fertigstellung"),
    ],
)
def test_phase_conflicts(phase: str, dates: dict, conflict: str | None) -> None:
    found = rules.phase_conflict(phase, dates)
    assert (found is None) if conflict is None else (conflict in found)


@pytest.mark.parametrize(
    ("dates", "phase"),
    [({}, "Idee"), ({"planungsbeginn": "2025-01"}, "Vorplanung"), ({"beschluss": "2025-03"}, "Beschluss"),
     ({"fertigstellung": "2025-03-02"}, "umgesetzt")],
)  # fmt: skip
def test_empty_phase_follows_from_dates(dates: dict, phase: str) -> None:
    assert rules.effective_phase(None, dates) == phase


def test_header_keys_ignore_case_umlauts_and_punctuation() -> None:
    assert rules.header_key("Länge (km)") == rules.header_key("laenge km") == "laengekm"
    assert rules.phase_key("ausfuehrungsplanung") == "Ausführungsplanung"
    assert rules.event_kind("richtungsaenderung") == "Richtungsänderung"


MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)]


def _list(rows: list[dict]) -> pd.DataFrame:
    cols = ["nr", "massnahme", "laenge_km", "projektleitung", "steckbrief", *rules.DATE_FIELDS]
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype=object) for c in cols})


def _events(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["nr", "datum", "ereignis"])


def test_the_eight_definitions_on_a_small_list() -> None:
    current = _list(
        [
            {"nr": "A", "massnahme": "a", "laenge_km": 1.2, "projektleitung": "X", "steckbrief": True,
             "planungsbeginn": "2025-01", "beschluss": "2025-04", "fertigstellung": "2025-09-15"},
            {"nr": "B", "massnahme": "b", "laenge_km": 0.8, "projektleitung": None, "steckbrief": True,
             "planungsbeginn": "2025-01", "beschluss": "2025-04-20", "fertigstellung": "2025-09"},
            {"nr": "C", "massnahme": "c", "laenge_km": None, "projektleitung": "Y", "steckbrief": False,
             "planungsbeginn": "2025-03"},
        ]
    )  # fmt: skip
    events = _events(
        [("A", "2025-02", "Abstimmungsschleife"), ("A", "2025-04-30", "Abstimmungsschleife"),
         ("A", "2025-05", "Abstimmungsschleife"), ("B", "2025-06", "Richtungsänderung")]
    )  # fmt: skip
    ids = [*quellen.DERIVED[:-1]]
    out = derive.derive(indicator_ids=ids, months=MONTHS, current=current, events=events, versions=pd.DataFrame())
    value = {(r.indicator_id, r.month.month): r.value for r in out.itertuples()}
    assert value[("km_umgesetzt", 9)] == pytest.approx(2.0)
    assert value[("km_umgesetzt", 8)] == 0.0  # a sum: 0 is a real 0
    assert value[("projekte_umgesetzt", 9)] == 2
    assert value[("planungsdauer_monate", 4)] == 3
    assert value[("abstimmungsschleifen", 4)] == pytest.approx(1.0)  # A: 2 on/before April, B: 0
    assert value[("adhoc_aenderungen", 6)] == 1
    assert value[("steckbriefe_anteil", 1)] == 50.0  # B has no Projektleitung
    assert value[("steckbriefe_anteil", 3)] == 0.0
    assert np.isnan(value[("steckbriefe_anteil", 2)])  # no denominator: not reported, never 0
    assert np.isnan(value[("planungsdauer_monate", 5)])


def _versions(rows: list[tuple[str, str, str | None, str | None]]) -> pd.DataFrame:
    """(nr, recorded local month 'YYYY-MM', fertigstellung_geplant, fertigstellung)."""
    return pd.DataFrame(
        {
            "nr": [r[0] for r in rows],
            "recorded_at": [pd.Timestamp(f"{r[1]}-15 10:00") for r in rows],
            "withdrawn": False,
            "beschluss_geplant": None,
            "beschluss": None,
            "fertigstellung_geplant": [r[2] for r in rows],
            "fertigstellung": [r[3] for r in rows],
        }
    )


def test_a_moved_date_is_a_delay_in_the_month_it_became_known() -> None:
    early = derive.delays(_versions([("A", "2025-01", "2025-09", None), ("A", "2025-03", "2025-12", None)]))
    early = early[early["how"] == "verschoben"]
    assert early[["how", "known", "early"]].to_dict("records") == [
        {"how": "verschoben", "known": 2025 * 12 + 2, "early": True}
    ]
    late = derive.delays(_versions([("A", "2025-01", "2025-04", None), ("A", "2025-03", "2025-06", None)]))
    late = late[late["how"] == "verschoben"]
    assert late["early"].tolist() == [False]


def test_a_planned_month_that_passed_is_a_late_delay_the_month_after() -> None:
    found = derive.delays(_versions([("A", "2025-01", "2025-04", None)]))
    assert found[["how", "known", "early"]].to_dict("records") == [
        {"how": "verstrichen", "known": 2025 * 12 + 4, "early": False}
    ]
    reached = derive.delays(_versions([("A", "2025-01", "2025-04", None), ("A", "2025-05", "2025-04", "2025-04")]))
    assert reached.empty  # reported in May, reached in April: no delay


def test_a_move_after_the_month_passed_is_counted_once() -> None:
    found = derive.delays(_versions([("A", "2025-01", "2025-04", None), ("A", "2025-06", "2025-08", None)]))
    assert found["how"].tolist() == ["verstrichen", "verstrichen"]  # April passed; then August passed
    assert found["known"].tolist() == [2025 * 12 + 4, 2025 * 12 + 8]


DATES = st.one_of(st.none(), st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2024, 2026), st.integers(1, 12)))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(DATES, DATES, DATES, st.one_of(st.none(), st.floats(0, 5)), st.booleans(), st.booleans()),
        max_size=12,
    ),
    events=st.lists(st.tuples(st.integers(0, 11), DATES.filter(bool), st.sampled_from(rules.EVENT_KINDS)), max_size=15),
)
def test_derived_values_equal_a_straightforward_recomputation(rows: list, events: list) -> None:
    current = _list(
        [{"nr": f"N{i}", "massnahme": "x", "planungsbeginn": b, "beschluss": s, "fertigstellung": f, "laenge_km": km,
          "steckbrief": sb, "projektleitung": "P" if pl else None} for i, (b, s, f, km, sb, pl) in enumerate(rows)]
    )  # fmt: skip
    ev = _events([(f"N{i}", d, k) for i, d, k in events if i < len(rows)])
    months = [dt.date(y, m, 1) for y in (2024, 2025, 2026) for m in range(1, 13)]
    out = derive.derive(indicator_ids=list(quellen.DERIVED[:-1]), months=months, current=current, events=ev,
                        versions=pd.DataFrame())  # fmt: skip
    got = {(r.indicator_id, r.month): r.value for r in out.itertuples()}
    recs = current.to_dict("records")
    for month in months:
        key = month.strftime("%Y-%m")
        done = [r for r in recs if r["fertigstellung"] == key]
        decided = [r for r in recs if r["beschluss"] == key]
        begun = [r for r in recs if r["planungsbeginn"] == key]
        assert got[("km_umgesetzt", month)] == pytest.approx(sum(r["laenge_km"] or 0 for r in done))
        assert got[("projekte_umgesetzt", month)] == len(done)
        durations = [
            (int(r["beschluss"][:4]) * 12 + int(r["beschluss"][5:])) - (int(r["planungsbeginn"][:4]) * 12 + int(r["planungsbeginn"][5:]))
            for r in decided if r["planungsbeginn"]
        ]  # fmt: skip
        _same(got[("planungsdauer_monate", month)], np.mean(durations) if durations else None)
        loops = [
            sum(
                1 for e in ev.itertuples() if e.nr == r["nr"] and e.ereignis == "Abstimmungsschleife" and e.datum <= key
            )
            for r in decided
        ]
        _same(got[("abstimmungsschleifen", month)], np.mean(loops) if loops else None)
        turns = sum(1 for e in ev.itertuples() if e.ereignis == "Richtungsänderung" and e.datum == key)
        assert got[("adhoc_aenderungen", month)] == turns
        ok = [bool(r["steckbrief"]) and bool(r["projektleitung"]) for r in begun]
        _same(got[("steckbriefe_anteil", month)], 100 * np.mean(ok) if ok else None)


def _same(value: float, expected: float | None) -> None:
    if expected is None:
        assert np.isnan(value)
    else:
        assert value == pytest.approx(expected)


def test_milestone_values_equal_milestone_summary_month_by_month(demo_db) -> None:  # type: ignore[no-untyped-def]
    from kora.db import plan_store
    from kora.milestones import milestone_summary

    milestones = plan_store.milestones_df(demo_db, "aachen")
    months = [dt.date(y, m, 1) for y in (2025, 2026) for m in range(1, 13)]
    got = derive.milestone_values(milestones, months)
    for month in months:
        share = milestone_summary(milestones, as_of=month)["share_on_time"]
        if share is None:
            assert derive.idx_of(month) not in got.index
        else:
            assert got[derive.idx_of(month)] == pytest.approx(100 * share)
