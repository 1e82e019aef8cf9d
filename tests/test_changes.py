"""'What changed since the last Termin': the pure comparisons and the real version history."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kora.db import Database, plan_store, readings_store
from kora.errors import KoraError
from kora.tracking import change_table, changes, compare
from tests.conftest import KOMMUNE, TODAY

NaN = float("nan")


def add_reading(
    db: Database,
    indicator_id: str,
    month: dt.date,
    value: float | None,
    *,
    at: dt.datetime,
    comment: str | None = None,
    user: str = "test",
) -> None:
    """One reading version as the importer writes it: an upload, then the version."""
    upload = readings_store.new_upload(db, kommune="aachen", kind="upload", user=user, at=at, filename="test.csv")
    frame = pd.DataFrame(
        [
            {
                "kommune": "aachen",
                "indicator_id": indicator_id,
                "month": month,
                "value": value,
                "comment": comment,
                "source": "test",
                "upload_id": upload,
                "recorded_at": at,
                "recorded_by": user,
                "reason": None,
            }
        ],
        columns=list(readings_store.READING_COLUMNS),
    )
    readings_store.insert_readings(db, frame)


# --- classify_readings: a table of hand-made cells --------------------------------------------

META = pd.DataFrame([{"id": "km", "name": "Kilometer", "unit": "km", "direction": "up"}])


def touched(**cell: object) -> pd.DataFrame:
    base = {
        "indicator_id": "km",
        "month": pd.Timestamp("2026-10-01"),
        "value_after": 1.0,
        "comment_after": None,
        "recorded_at": pd.Timestamp("2026-11-05 09:00"),
        "recorded_by": "x",
        "reason": None,
        "is_demo": False,
        "n_versions": 1,
        "had_before": False,
        "value_before": NaN,
        "comment_before": None,
        "recorded_before": pd.NaT,
    }
    return pd.DataFrame([{**base, **cell}])


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ({}, "new"),  # never reported before
        ({"had_before": True, "value_before": NaN}, "new"),  # withdrawn before, reported again
        ({"had_before": True, "value_before": 2.0}, "correction"),
        ({"had_before": True, "value_before": 1.0}, None),  # re-sent unchanged
        ({"had_before": True, "value_before": 1.0, "comment_after": "Quelle ergänzt"}, "correction"),
        ({"had_before": True, "value_before": 2.0, "value_after": NaN}, "withdrawn"),
        ({"value_after": NaN}, None),  # reported and withdrawn within the window
    ],
)
def test_classify_readings(cell: dict[str, object], kind: str | None) -> None:
    new, corrections = compare.classify_readings(touched(**cell), META)
    assert len(new) == (kind == "new")
    assert len(corrections) == (kind in ("correction", "withdrawn"))
    if kind == "withdrawn":
        assert bool(corrections["withdrawn"].iloc[0])
    if kind == "new":
        assert new["name"].iloc[0] == "Kilometer"


values = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.5]))


@settings(max_examples=200, deadline=None)
@given(had_before=st.booleans(), before=values, after=values, comment_changed=st.booleans())
def test_a_cell_is_new_or_corrected_or_nothing(
    had_before: bool, before: float | None, after: float | None, comment_changed: bool
) -> None:
    """Property: each touched cell lands in at most one list, and 'new' means no value before."""
    cell = touched(
        had_before=had_before,
        value_before=NaN if before is None or not had_before else before,
        value_after=NaN if after is None else after,
        comment_after="neu" if comment_changed else None,
    )
    new, corrections = compare.classify_readings(cell, META)
    assert len(new) + len(corrections) <= 1
    valued_before = had_before and before is not None
    assert len(new) == (not valued_before and after is not None)
    if valued_before:
        expect = after is None or after != before or comment_changed
        assert len(corrections) == expect


# --- status comparisons ----------------------------------------------------------------------


def status_frame(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": i, "name": i.upper(), "status": s, "attainment": np.nan if a is None else a} for i, s, a in rows]
    )


def test_compare_indicators_and_improved() -> None:
    before = status_frame(
        [("a", "off_track", 0.2), ("b", "on_track", 0.9), ("c", "at_risk", 0.5), ("d", "no_data", None)]
    )
    after = status_frame([("a", "at_risk", 0.5), ("b", "at_risk", 0.8), ("c", "at_risk", 0.6), ("d", "on_track", 1.0)])
    cmp = compare.compare_indicators(before, after, comparable=True)
    by_id = cmp.set_index("id")
    assert by_id.loc["a", "better"] is True and by_id.loc["b", "better"] is False
    assert by_id.loc["c", "better"] is None and by_id.loc["d", "better"] is None  # no_data: not better/worse
    assert by_id.loc["c", "delta"] == pytest.approx(0.1)
    assert list(compare.status_changes(cmp)["id"]) == ["a", "b", "d"]  # better first, then worse, then the rest
    assert list(compare.improved(cmp)["id"]) == ["a", "c"]  # b got worse; d has no comparable status
    # a new year restarts attainment: no deltas, only the status counts
    across = compare.compare_indicators(before, after, comparable=False)
    assert across["delta"].isna().all()
    assert list(compare.improved(across)["id"]) == ["a"]


def test_compare_milestones_lists_reached_first() -> None:
    base = {"nr": 1, "aktionsfeld": "A", "text": "t", "reached_on": None, "status_since": None}
    before = pd.DataFrame(
        [
            {**base, "id": "M1", "status": "offen", "due": dt.date(2026, 3, 1)},
            {**base, "id": "M2", "status": "offen", "due": dt.date(2026, 3, 1)},
            {**base, "id": "M3", "status": "offen", "due": dt.date(2026, 3, 1)},
        ]
    )
    after = before.copy()
    after.loc[0, ["status", "due"]] = ["verschoben", dt.date(2026, 9, 1)]
    after.loc[2, ["status", "reached_on"]] = ["erreicht", dt.date(2026, 10, 2)]
    out = compare.compare_milestones(before, after)
    assert list(out["id"]) == ["M3", "M1"]
    assert list(out["status_after"]) == ["erreicht", "verschoben"]


@pytest.mark.parametrize(
    ("since", "as_of", "expected"),
    [
        (dt.date(2026, 10, 29), dt.date(2026, 10, 1), dt.date(2026, 9, 1)),
        (dt.date(2026, 11, 2), dt.date(2026, 10, 1), dt.date(2026, 10, 1)),
        (dt.date(2026, 11, 2), dt.date(2026, 6, 1), dt.date(2026, 6, 1)),  # never later than today's Stand
        (dt.date(2026, 1, 15), dt.date(2026, 2, 1), dt.date(2025, 12, 1)),
    ],
)
def test_previous_as_of(since: dt.date, as_of: dt.date, expected: dt.date) -> None:
    assert compare.previous_as_of(since, as_of) == expected


# --- against a real database ------------------------------------------------------------------


def test_new_readings_corrections_and_milestones_since(demo_db: Database) -> None:
    since = dt.date(2026, 11, 10)
    later = dt.datetime(2026, 11, 12, 8, 0)
    add_reading(demo_db, "projekte_umgesetzt", dt.date(2026, 10, 1), 3.0, at=later)  # already reported: correction
    add_reading(demo_db, "km_umgesetzt", dt.date(2026, 10, 1), None, at=later)  # withdrawn
    plan_store.add_milestone_event(
        demo_db, kommune="aachen", milestone_id="M1.3", status="erreicht", reached_on=dt.date(2026, 11, 11),
        due=None, actor="test", reason=None, at=later,
    )  # fmt: skip
    result = changes.build_changes(demo_db, as_of=dt.date(2026, 10, 1), since=since, kommune=KOMMUNE)
    assert result.new_readings.empty  # October readings were recorded on 5 November, before the Termin
    corr = result.corrections.set_index("indicator_id")
    assert corr.loc["projekte_umgesetzt", "value_after"] == 3.0
    assert bool(corr.loc["km_umgesetzt", "withdrawn"])
    assert list(result.milestones_reached["id"]) == ["M1.3"]
    assert result.previous_as_of == dt.date(2026, 10, 1)
    assert result.counts()["corrections"] == 2


def test_the_termin_day_counts_until_local_midnight(demo_db: Database) -> None:
    """A reading stored late on the Termin day was known at the Termin; after midnight (Berlin) it is new."""
    since = dt.date(2026, 11, 20)
    before_midnight = dt.datetime(2026, 11, 20, 22, 30)  # 23:30 in Aachen
    after_midnight = dt.datetime(2026, 11, 20, 23, 30)  # 00:30 on the 21st in Aachen
    add_reading(demo_db, "formate_aktiv", dt.date(2026, 11, 1), 4.0, at=before_midnight)
    add_reading(demo_db, "kritik_extern", dt.date(2026, 11, 1), 2.0, at=after_midnight)
    result = changes.build_changes(demo_db, as_of=dt.date(2026, 11, 1), since=since, kommune=KOMMUNE)
    assert list(result.new_readings["indicator_id"]) == ["kritik_extern"]


def test_known_at_limits_the_window(demo_db: Database) -> None:
    add_reading(demo_db, "kritik_extern", dt.date(2026, 10, 1), 9.0, at=dt.datetime(2026, 11, 20, 9, 0))
    result = changes.build_changes(
        demo_db, as_of=dt.date(2026, 10, 1), since=dt.date(2026, 11, 1), known_at=dt.date(2026, 11, 15), kommune=KOMMUNE
    )
    assert "kritik_extern" not in set(result.corrections["indicator_id"])  # stored after the Datenstand
    assert len(result.new_readings) > 0  # the October readings of 5 November


def test_termin_after_datenstand_is_a_german_error(demo_db: Database) -> None:
    with pytest.raises(KoraError, match="letzte Termin"):
        changes.build_changes(
            demo_db,
            as_of=dt.date(2026, 10, 1),
            since=dt.date(2026, 10, 20),
            known_at=dt.date(2026, 10, 1),
            kommune=KOMMUNE,
        )


def test_change_rows_keep_numbers_numeric(demo_db: Database) -> None:
    add_reading(demo_db, "kritik_extern", dt.date(2026, 10, 1), 7.0, at=dt.datetime(2026, 11, 20), comment="=1+1")
    result = changes.build_changes(demo_db, as_of=dt.date(2026, 10, 1), since=dt.date(2026, 11, 10), kommune=KOMMUNE)
    rows = change_table.change_rows(result)
    correction = next(r for r in rows if r["Art"] == "Korrektur")
    assert isinstance(correction["Nachher"], float) and correction["Nachher"] == 7.0
    assert correction["Kommentar"] == "=1+1"
    assert correction["Gespeichert"] == dt.datetime(2026, 11, 20, 1, 0)  # shown in local time (CET)


def test_default_since_is_four_weeks_back() -> None:
    assert compare.default_since(TODAY) == dt.date(2026, 10, 29)


def test_an_indicator_below_its_start_compares_by_its_raw_value() -> None:
    """−100 % → −50 % is half the way back, not "0 % → 0 %" (then it never counted as improved)."""
    before = status_frame([("a", "off_track", 0.0)]).assign(attainment_raw=[-1.0])
    after = status_frame([("a", "off_track", 0.0)]).assign(attainment_raw=[-0.5])
    cmp = compare.compare_indicators(before, after, comparable=True).set_index("id")
    assert (cmp.loc["a", "attainment_before"], cmp.loc["a", "attainment_after"]) == (-1.0, -0.5)
    assert cmp.loc["a", "delta"] == pytest.approx(0.5)
    assert list(compare.improved(cmp.reset_index())["id"]) == ["a"]


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [
        ({"attainment": 0.63}, {"attainment": 0.65}, "Gesamt 63\u00a0% → 65\u00a0%"),
        # a part below its start: the slide says what the Übersicht says (40 %), not the clamped 65 %
        (
            {"attainment": 0.63, "attainment_raw": 0.30},
            {"attainment": 0.65, "attainment_raw": 0.40},
            "Gesamt 30\u00a0% → 40\u00a0%",
        ),
    ],
)
def test_plan_line_uses_the_shown_attainment(before: dict, after: dict, line: str) -> None:
    from types import SimpleNamespace

    from kora.report import then_now

    changes = SimpleNamespace(plan_before=before, plan_after=after, comparable=True)
    assert then_now.plan_line(changes) == line  # type: ignore[arg-type]
