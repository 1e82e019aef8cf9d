"""Goal attainment from a real DuckDB file: `build_status`, `known_at`, the CLI, the network DB."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kora import metrics
from kora.db import Database, open_database, readings_store, status_store
from kora.errors import NotFoundError
from kora.periods import normalize_known_at
from kora.plan import setup as ops
from kora.plan.model import Plan
from kora.samples.network import build_network_db
from kora.tracking.status import build_status, series
from tests.conftest import KOMMUNE, OPERATOR, ROOT

D = dt.date
KM = "km_umgesetzt"
# 2025 km readings summing to exactly 1 km; 0.75 km by June ("bisher 1 von 5 km")
KM_2025 = [(KM, D(2025, m, 1), v) for m, v in enumerate([0.25, 0.0, 0.5, 0.0, 0.0, 0.0, 0.25, 0, 0, 0, 0, 0], 1)]


def add_readings(
    db: Database,
    rows: Sequence[tuple[str, dt.date, float | None]],
    *,
    at: dt.datetime,
    kommune: str = "aachen",
    reason: str | None = None,
) -> int:
    """Append reading versions directly (the upload feature is built elsewhere)."""
    upload = readings_store.new_upload(db, kommune=kommune, kind="upload", user="test", at=at, filename="test.csv")
    frame = pd.DataFrame(rows, columns=["indicator_id", "month", "value"]).assign(
        kommune=kommune,
        comment=None,
        source="test",
        upload_id=upload,
        recorded_at=at,
        recorded_by="test",
        reason=reason,
    )
    readings_store.insert_readings(db, frame)
    return upload


def kora(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args, "--db", str(db)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def km_row(report_json: dict) -> dict:
    return next(i for i in report_json["indicators"] if i["id"] == KM)


# --- the issue's "Done when" through the CLI -------------------------------------------------


@pytest.fixture
def km_db(db_path: Path) -> Path:
    db = open_database(db_path)
    ops.init(db, actor=OPERATOR)
    add_readings(db, KM_2025, at=dt.datetime(2026, 1, 10, 9))
    db.close()
    return db_path


def test_done_when_status_json(km_db: Path) -> None:
    out = kora("status", "--json", "--as-of", "2025-12", db=km_db)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["as_of"] == "2025-12"
    km = km_row(payload)
    assert (km["value"], km["target"], km["attainment"]) == (1, 5, 0.2)
    assert (km["year"], km["direction"], km["aggregation"], km["months_reported"]) == (2025, "up", "sum", 12)

    june = km_row(json.loads(kora("status", "--json", "--as-of", "2025-06", db=km_db).stdout))
    assert june["value"] == 0.75
    assert june["expected"] == 2.5
    assert june["needed_per_month"] == pytest.approx((5 - 0.75) / 6)
    assert june["status"] != "on_track"


def test_status_json_has_the_issue_fields(km_db: Path) -> None:
    payload = json.loads(kora("status", "--json", "--as-of", "2025-06", db=km_db).stdout)
    assert {"as_of", "aktionsfelder", "vorhaben", "indicators", "plan", "milestones", "known_at"} <= payload.keys()
    assert {"code", "title", "attainment", "status"} <= payload["aktionsfelder"][0].keys()
    assert {"nr", "aktionsfeld", "title", "attainment", "status"} <= payload["vorhaben"][0].keys()
    fields = {"id", "year", "direction", "aggregation", "value", "baseline", "target", "attainment", "expected",
              "needed_per_month", "forecast", "status", "months_reported"}  # fmt: skip
    for row in payload["indicators"]:
        assert fields <= row.keys()
        assert row["direction"] in ("up", "down", "yesno")
        assert row["status"] in metrics.STATUS_ORDER
    # an indicator without readings: NaN never leaks, it is null
    others = [r for r in payload["indicators"] if r["id"] != KM]
    assert all(r["value"] is None and r["status"] == "no_data" for r in others)


def test_status_table_is_german(km_db: Path) -> None:
    out = kora("status", "--as-of", "2025-06", db=km_db)
    assert out.returncode == 0, out.stderr
    text = out.stdout.replace("\u00a0", " ")  # number and unit are kept together by a no-break space
    assert "Stand Juni 2025" in text
    assert "0,75 km" in text and "2,5 km" in text and "0,71 km" in text
    assert "nicht im Plan" in text and "keine Daten" in text
    assert "Umgesetzte km geschützter Radfahrstreifen" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2025-13"], "Monat „2025-13“ nicht erkannt"),
        (["--as-of", "Juni"], "bitte im Format JJJJ-MM"),
        (["--known-at", "31.03.2025"], "Datum „31.03.2025“ nicht erkannt"),
        (["--kommune", "gibtsnicht"], "„gibtsnicht“ ist kein Plan"),
    ],
)
def test_bad_arguments_give_german_errors(km_db: Path, args: list[str], message: str) -> None:
    out = kora("status", *args, db=km_db)
    assert out.returncode == 2
    assert out.stderr.startswith("Fehler: ") and message in out.stderr
    assert "Traceback" not in out.stderr


def test_to_json_is_exactly_the_cli_output(km_db: Path) -> None:
    with open_database(km_db) as db:
        report = build_status(db, as_of=D(2025, 6, 1), kommune=KOMMUNE)
    out = kora("status", "--json", "--as-of", "2025-06", db=km_db)
    assert out.stdout == report.to_json() + "\n"
    assert "\n" not in report.to_json()  # compact unless asked
    pretty = kora("status", "--json", "--pretty", "--as-of", "2025-06", db=km_db)
    assert pretty.stdout == report.to_json(pretty=True) + "\n"
    assert pretty.stdout.startswith("{\n  ") and json.loads(pretty.stdout) == json.loads(out.stdout)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.integers(-(2**40), 2**40),
            st.booleans(),
            st.one_of(st.none(), st.text(max_size=5)),
            st.one_of(st.none(), st.dates()),
        ),
        max_size=20,
    )
)
def test_json_records_convert_column_wise_exactly_as_per_value(rows: list[tuple]) -> None:
    """The column-wise conversion gives the very values the per-cell `_clean` gives (rounding included)."""
    from kora.tracking.results import _clean, _records

    columns = ["f", "i", "b", "s", "d"]
    frame = pd.DataFrame(rows, columns=columns).astype({"f": "float64", "i": "int64", "b": "bool", "s": "str"})
    expected = [{c: _clean(v) for c, v in zip(columns, row, strict=True)} for row in frame.itertuples(index=False)]
    assert json.dumps(_records(frame, columns)) == json.dumps(expected)


# --- two time axes: corrections and known_at ---------------------------------------------------

FEB = D(2025, 2, 1)


@pytest.fixture
def corrected_db(db: Database) -> Database:
    """km: January 0.5 (reported 5 Feb); February first 1.5 (5 Mar), corrected to 0.5 (5 Apr)."""
    add_readings(db, [(KM, D(2025, 1, 1), 0.5)], at=dt.datetime(2025, 2, 5, 9))
    add_readings(db, [(KM, FEB, 1.5)], at=dt.datetime(2025, 3, 5, 9))
    add_readings(db, [(KM, FEB, 0.5)], at=dt.datetime(2025, 4, 5, 9), reason="Abschnitt doppelt gezählt")
    return db


@pytest.mark.parametrize(
    ("known_at", "value", "months"),
    [
        (None, 1.0, 2),  # now: the correction counts
        (D(2025, 3, 31), 2.0, 2),  # "Stand 31.03.": as shown at the Brownbag
        (D(2025, 3, 4), 0.5, 1),  # February not yet reported
        (D(2025, 4, 5), 1.0, 2),  # a date means the end of that day
        (dt.datetime(2025, 4, 5, 8, 59), 2.0, 2),  # a datetime is taken exactly (UTC)
        (D(2025, 2, 4), None, 0),  # nothing known yet
    ],
)
def test_corrections_with_known_at(
    corrected_db: Database, known_at: dt.date | None, value: float | None, months: int
) -> None:
    report = build_status(corrected_db, as_of=D(2025, 2, 1), known_at=known_at, kommune=KOMMUNE)
    row = report.indicators.set_index("id").loc[KM]
    if value is None:
        assert pd.isna(row["value"]) and row["status"] == "no_data"
    else:
        assert row["value"] == pytest.approx(value)
    assert row["months_reported"] == months


def test_withdrawn_reading_counts_until_withdrawn(corrected_db: Database) -> None:
    add_readings(corrected_db, [(KM, D(2025, 1, 1), None)], at=dt.datetime(2025, 5, 5, 9), reason="zurückgezogen")
    now = build_status(corrected_db, as_of=FEB, kommune=KOMMUNE).indicators.set_index("id").loc[KM]
    before = (
        build_status(corrected_db, as_of=FEB, known_at=D(2025, 5, 1), kommune=KOMMUNE)
        .indicators.set_index("id")
        .loc[KM]
    )
    assert (now["value"], now["months_reported"]) == (0.5, 1)
    assert (before["value"], before["months_reported"]) == (1.0, 2)


def test_known_at_date_is_the_end_of_the_local_day(db: Database) -> None:
    # 31 March 22:30 UTC is already 1 April 00:30 in Aachen
    add_readings(db, [(KM, D(2025, 3, 1), 1.0)], at=dt.datetime(2025, 3, 31, 22, 30))
    assert normalize_known_at(D(2025, 3, 31)) == dt.datetime(2025, 3, 31, 21, 59, 59, 999999)
    march = D(2025, 3, 1)
    assert (
        build_status(db, as_of=march, known_at=D(2025, 3, 31), kommune=KOMMUNE)
        .indicators.set_index("id")
        .loc[KM, "months_reported"]
        == 0
    )
    assert (
        build_status(db, as_of=march, known_at=D(2025, 4, 1), kommune=KOMMUNE)
        .indicators.set_index("id")
        .loc[KM, "months_reported"]
        == 1
    )


def test_series_is_reproducible_with_known_at(corrected_db: Database) -> None:
    brownbag = series(corrected_db, KM, as_of=FEB, known_at=D(2025, 3, 31), kommune=KOMMUNE)
    today = series(corrected_db, KM, as_of=FEB, kommune=KOMMUNE)
    assert brownbag["value"].iloc[:2].tolist() == [0.5, 1.5]
    assert today["value"].iloc[:2].tolist() == [0.5, 0.5]
    assert today["running"].iloc[1] == 1.0


# --- the report on Beispieldaten ----------------------------------------------------------------


def test_report_on_demo_data(demo_db: Database, plan: Plan) -> None:
    report = build_status(demo_db, as_of=D(2026, 10, 1), kommune=KOMMUNE)
    ind = report.indicators
    assert len(ind) == len(plan.indicators) and report.demo
    assert set(ind["status"]) <= set(metrics.STATUS_ORDER)
    assert ind["attainment"].between(0, 1).all()
    due = ind.set_index("id")["months_due"]
    assert due.drop("ansprechpartner_bekannt").eq(10).all() and ind["year"].eq(2026).all()
    # the quarterly survey is due in March, June and September by October
    assert due["ansprechpartner_bekannt"] == 3
    assert ind.set_index("id").loc["ansprechpartner_bekannt", "completeness"] == 1.0
    assert list(report.aktionsfelder["code"]) == ["A", "B", "C", "D"]
    assert list(report.vorhaben["nr"]) == list(range(1, 8))
    assert set(report.indicator_vorhaben.columns) >= {"indicator_id", "nr"}
    assert report.plan["status"] in metrics.STATUS_ORDER and 0 <= report.plan["attainment"] <= 1
    assert report.milestones["due"] >= report.milestones["reached_on_time"]
    # the chart series agrees with the table
    km = ind.set_index("id").loc[KM]
    s = series(demo_db, KM, as_of=D(2026, 10, 1), kommune=KOMMUNE)
    assert s["running"].iloc[9] == pytest.approx(km["value"])
    assert s["forecast"].iloc[11] == pytest.approx(km["forecast"])


def test_unknown_kommune_and_indicator(db: Database) -> None:
    with pytest.raises(NotFoundError, match="gibtsnicht"):
        build_status(db, kommune="gibtsnicht", as_of=D(2025, 6, 1))
    with pytest.raises(NotFoundError, match="gibtsnicht"):
        series(db, "gibtsnicht", as_of=D(2025, 6, 1), kommune=KOMMUNE)


def test_status_store_agrees_with_readings_store(corrected_db: Database) -> None:
    """The year-window query picks the same versions as readings_store.current_readings_df."""
    for known_at in (None, dt.datetime(2025, 3, 31, 23)):
        mine = status_store.readings_df(
            corrected_db, "aachen", first_month=D(2025, 1, 1), last_month=D(2025, 12, 1), known_at=known_at
        )
        theirs = readings_store.current_readings_df(corrected_db, kommune="aachen", known_at=known_at)
        cols = ["indicator_id", "month", "value"]
        pd.testing.assert_frame_equal(mine[cols].reset_index(drop=True), theirs[cols].reset_index(drop=True))


# --- network scale ------------------------------------------------------------------------------


def test_network_db_is_deterministic_and_consistent(tmp_path: Path) -> None:
    frames = []
    for name in ("a", "b"):
        with open_database(tmp_path / f"{name}.duckdb") as db:
            info = build_network_db(db, kommunen=3, indicators=8, years=2, versions=2, seed=5)
            assert info.readings == 3 * 8 * 24 * 2
            assert readings_store.count_readings(db) == info.readings
            frames.append(readings_store.current_readings_df(db)[["kommune", "indicator_id", "month", "value"]])
            if name == "a":
                every = build_status(db, kommune=None, as_of=D(2026, 10, 1))
                one = build_status(db, kommune="netz02", as_of=D(2026, 10, 1))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert list(every.kommunen["kommune"]) == ["netz01", "netz02", "netz03"]
    assert set(every.indicators["status"]) - {"no_data"}  # statuses are computed, not all empty
    # computing all Kommunen at once gives the same rows as one at a time
    cols = ["id", "value", "attainment", "expected", "forecast", "status", "warning_since"]
    batch = every.indicators[every.indicators["kommune"] == "netz02"][cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(batch, one.indicators[cols].reset_index(drop=True))
    v_batch = every.vorhaben[every.vorhaben["kommune"] == "netz02"].reset_index(drop=True)
    pd.testing.assert_frame_equal(v_batch, one.vorhaben.reset_index(drop=True))
    assert every.to_dict()["kommunen"][1]["kommune"] == "netz02"
    # each Kommune's row is its own Gesamt, raw mean and Soll included (what its Übersicht shows)
    row = every.to_dict()["kommunen"][1]
    plan = one.to_dict()["plan"]
    assert row["status"] == plan["status"]
    for key in ("attainment", "attainment_raw", "soll"):
        assert row[key] is not None and row[key] == pytest.approx(plan[key]), key


# --- property: known_at = now equals the latest versions --------------------------------------

version = st.tuples(
    st.sampled_from(["ind01", "ind02", "ind03", "ind04", "ind05"]),
    st.integers(1, 10),  # month of 2024
    st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
    st.integers(0, 500),  # days after 2024-01-01 when recorded
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions=st.lists(version, min_size=1, max_size=25))
def test_known_at_now_equals_latest_versions(versions: list[tuple[str, int, float | None, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, open_database(Path(tmp) / "p.duckdb") as db:
        # everything recorded well before the real "now"
        build_network_db(db, kommunen=1, indicators=5, years=1, versions=1, seed=1, last_month=D(2024, 10, 1))
        for ind, month, value, day in versions:
            at = dt.datetime(2024, 1, 1) + dt.timedelta(days=day, seconds=month)
            add_readings(db, [(ind, D(2024, month, 1), value)], at=at, kommune="netz01")
        as_of = D(2024, 10, 1)
        now = ops.utcnow() + dt.timedelta(seconds=1)
        latest = build_status(db, kommune="netz01", as_of=as_of)
        at_now = build_status(db, kommune="netz01", as_of=as_of, known_at=now)
        pd.testing.assert_frame_equal(latest.indicators, at_now.indicators)
        # and it is what the pure function makes of readings_store's newest versions
        current = readings_store.current_readings_df(db, kommune="netz01")
        inputs_ind = status_store.indicators_df(db, "netz01")
        direct = metrics.indicator_status(inputs_ind, status_store.targets_df(db, "netz01"), current, as_of=as_of)
        cols = ["id", "value", "attainment_raw", "forecast", "status", "months_reported"]
        pd.testing.assert_frame_equal(latest.indicators[cols], direct[cols])


def test_known_at_shows_the_targets_as_they_were(demo_db: Database) -> None:
    """A Brownbag deck 'Stand 31.03.' stays reproducible after an admin changes a target."""
    import datetime as dt

    from kora.plan import edits as admin
    from tests.conftest import OPERATOR

    before_edit = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    admin.set_plan_value(
        demo_db, OPERATOR, "km_umgesetzt", field="target", year=2026, value=2.0, reason="Test", kommune=KOMMUNE
    )
    admin.set_plan_value(
        demo_db, OPERATOR, "km_umgesetzt", field="target", year=2026, value=3.0, reason="Test 2", kommune=KOMMUNE
    )
    admin.set_plan_value(demo_db, OPERATOR, "kritik_extern", field="weight", value=3.0, reason="Test", kommune=KOMMUNE)
    as_of = dt.date(2026, 10, 1)
    now = build_status(demo_db, as_of=as_of, kommune=KOMMUNE).indicators.set_index("id")
    then = build_status(demo_db, as_of=as_of, known_at=before_edit, kommune=KOMMUNE).indicators.set_index("id")
    assert now.loc["km_umgesetzt", "target"] == 3.0
    assert then.loc["km_umgesetzt", "target"] == 5.0
    assert now.loc["kritik_extern", "weight"] == 3.0
    assert then.loc["kritik_extern", "weight"] == 1.0


def test_all_series_equals_series_one_by_one(demo_db: Database) -> None:
    """The page's one-read series are exactly the per-indicator series (values and attrs)."""
    from kora.tracking.status import all_series

    as_of = D(2026, 10, 1)
    every = all_series(demo_db, kommune="aachen", as_of=as_of)
    ids = status_store.indicators_df(demo_db, "aachen")["id"].tolist()
    assert sorted(every) == sorted(ids)
    for indicator_id in ids:
        one = series(demo_db, indicator_id, kommune="aachen", as_of=as_of)
        pd.testing.assert_frame_equal(every[indicator_id], one)
        assert every[indicator_id].attrs == one.attrs
