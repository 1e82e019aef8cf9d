"""The DuckDB layer against real temporary files: migrations, init, Beispieldaten, locks."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kora.db import Database, open_database, plan_store, readings_store
from kora.db.migrations import MIGRATIONS
from kora.errors import KoraError, PlanFileError
from kora.plan import setup as ops
from kora.plan.files import CATALOGUE_FILE
from kora.samples.beispieldaten import has_demo, load_demo, remove_demo
from tests.conftest import KOMMUNE, OPERATOR, ROOT, TODAY

CONTENT_TABLES = (
    "kommunen",
    "aktionsfelder",
    "vorhaben",
    "vorhaben_partner",
    "indicators",
    "indicator_targets",
    "indicator_vorhaben",
    "milestones",
    "milestone_events",
    "uploads",
    "readings",
)


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Content of every data table, for 'nothing changed' assertions (audit excluded)."""
    out = {}
    for table in CONTENT_TABLES:
        cols = [r[0] for r in db.rows(f"DESCRIBE {table}")]
        out[table] = sorted(db.rows(f"SELECT * FROM {table}"), key=repr)
        out[table + ".cols"] = cols
    return out


def test_migrations_are_recorded_once(db: Database) -> None:
    versions = [r[0] for r in db.rows("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m[0] for m in MIGRATIONS]


def test_init_twice_changes_nothing(db: Database) -> None:
    before = snapshot(db)
    result = ops.init(db, actor=OPERATOR)
    assert not result.plan_loaded and not result.plan_reloaded
    assert snapshot(db) == before


def test_reopen_applies_no_migration_again(db_path: Path) -> None:
    first = open_database(db_path)
    ops.init(first, actor=OPERATOR)
    before = snapshot(first)
    first.close()
    again = open_database(db_path)
    assert snapshot(again) == before
    again.close()


def test_reload_plan_keeps_readings(demo_db: Database) -> None:
    n = readings_store.count_readings(demo_db)
    result = ops.init(demo_db, reload=True, actor=OPERATOR)
    assert result.plan_reloaded
    assert readings_store.count_readings(demo_db) == n


def test_broken_catalogue_leaves_db_unchanged(db: Database, tmp_path: Path) -> None:
    before = snapshot(db)
    broken = tmp_path / "indikatoren.toml"
    broken.write_text(CATALOGUE_FILE.read_text(encoding="utf-8").replace("vorhaben = [7]", "vorhaben = [8]"), "utf-8")
    with pytest.raises(PlanFileError):
        ops.init(db, catalogue_path=broken, reload=True, actor=OPERATOR)
    assert snapshot(db) == before


def test_plan_dict_shape(db: Database) -> None:
    plan = ops.plan_dict(db, kommune=KOMMUNE)
    assert [f["code"] for f in plan["aktionsfelder"]] == ["A", "B", "C", "D"]
    assert [v["nr"] for v in plan["vorhaben"]] == list(range(1, 8))
    keys = {"nr", "aktionsfeld", "title", "zielsetzung", "umsetzungsideen", "meilensteine"}
    keys |= {"indikatoren_text", "partner_cities", "vorsaetze"}
    assert all(keys <= set(v) for v in plan["vorhaben"])
    km = next(i for i in plan["indicators"] if i["id"] == "km_umgesetzt")
    assert km["targets"] == {"2025": 5.0, "2026": 5.0, "2027": 5.0}
    assert set(km) >= {"id", "name", "unit", "direction", "aggregation", "baseline", "targets", "vorhaben"}


def test_demo_loads_until_last_complete_month_and_is_labelled(demo_db: Database) -> None:
    current = readings_store.current_readings_df(demo_db, kommune="aachen")
    assert current["month"].min().date() == dt.date(2025, 1, 1)
    assert current["month"].max().date() == dt.date(2026, 10, 1)
    assert current["is_demo"].all()
    assert has_demo(demo_db, kommune=KOMMUNE)


def test_demo_twice_is_refused_and_remove_leaves_nothing(demo_db: Database) -> None:
    with pytest.raises(KoraError, match="bereits geladen"):
        load_demo(demo_db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    remove_demo(demo_db, actor=OPERATOR, kommune=KOMMUNE)
    assert readings_store.count_readings(demo_db) == 0
    assert not has_demo(demo_db, kommune=KOMMUNE)
    assert (plan_store.milestones_df(demo_db, "aachen")["status"] == "offen").all()


def test_known_at_sees_the_older_version(demo_db: Database) -> None:
    feb = dt.datetime(2025, 2, 1)
    now = readings_store.current_readings_df(demo_db, kommune="aachen")
    then = readings_store.current_readings_df(demo_db, kommune="aachen", known_at=dt.datetime(2025, 3, 10))
    km_now = now[(now.indicator_id == "km_umgesetzt") & (now.month == feb)]["value"].item()
    km_then = then[(then.indicator_id == "km_umgesetzt") & (then.month == feb)]["value"].item()
    assert km_then == pytest.approx(km_now + 1.0)


def test_failed_transaction_leaves_nothing(db: Database) -> None:
    before = snapshot(db)
    with pytest.raises(RuntimeError), db.transaction():
        readings_store.new_upload(db, kommune="aachen", kind="upload", user="t", at=dt.datetime(2026, 1, 1))
        raise RuntimeError("boom")
    assert snapshot(db) == before


def test_second_process_gets_a_german_lock_message(db_path: Path) -> None:
    holder = open_database(db_path)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kora", "plan", "--db", str(db_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
    finally:
        holder.close()
    assert proc.returncode == 2
    assert "von einem anderen Programm" in proc.stderr and "Prozess" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cursor_per_thread(demo_db: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def count(_: int) -> int:
        return readings_store.count_readings(demo_db.cursor())

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(count, range(8)))
    assert len(set(results)) == 1


def test_demo_refuses_a_db_with_real_readings(db: Database) -> None:
    """Back-dated demo versions would otherwise become the 'current' value of real cells."""
    upload = readings_store.new_upload(db, kommune="aachen", kind="upload", user="kim", at=dt.datetime(2026, 11, 2))
    readings_store.insert_readings(
        db,
        pd.DataFrame(
            [
                {
                    "kommune": "aachen", "indicator_id": "km_umgesetzt", "month": dt.date(2026, 10, 1), "value": 2.0,
                    "comment": None, "source": None, "upload_id": upload, "recorded_at": dt.datetime(2026, 11, 2),
                    "recorded_by": "kim", "reason": None,
                }
            ]
        ),
    )  # fmt: skip
    before = snapshot(db)
    with pytest.raises(KoraError, match="bereits echte Messwerte"):
        load_demo(db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    assert snapshot(db) == before
