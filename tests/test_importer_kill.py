"""kill -9 of `python -m kora import` (100 000 rows) at random moments: all or nothing.

The subprocess is killed somewhere between start-up and the end of its run (the window is
measured by one complete run first and weighted towards its end, where parsing turns into the
commit and the checkpoint on close). After each kill the DB must reopen and hold either
nothing of the upload or all of it (upload row, every version, its audit row).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kora.db import Database, open_database
from kora.plan import setup as ops
from tests.conftest import OPERATOR, ROOT
from tests.data.bigplan import big_long_csv, write_big_plan

ROWS = 100_000
KILLS = 5


def import_cmd(csv: Path, db_file: Path) -> list[str]:
    return [sys.executable, "-m", "kora", "import", str(csv), "--db", str(db_file), "--user", "kill-test", "--json"]


def state(db: Database) -> tuple[int, int, int]:
    uploads = int(db.scalar("SELECT count(*) FROM uploads WHERE kind = 'upload'"))
    readings = int(db.scalar("SELECT count(*) FROM readings"))
    audits = int(db.scalar("SELECT count(*) FROM audit_log WHERE action = 'upload' AND outcome = 'ok'"))
    return uploads, readings, audits


@pytest.mark.slow
def test_kill_9_during_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    plan, catalogue = write_big_plan(tmp_path / "plan")
    template = tmp_path / "template.duckdb"
    db = open_database(template)
    ops.init(db, plan_path=plan, catalogue_path=catalogue, actor=OPERATOR)
    db.checkpoint()
    db.close()
    csv = tmp_path / "gross.csv"
    csv.write_bytes(big_long_csv(ROWS))

    # one complete run: it must succeed, and it measures the window to kill in
    full = tmp_path / "full.duckdb"
    shutil.copy(template, full)
    start = time.monotonic()
    proc = subprocess.run(import_cmd(csv, full), cwd=ROOT, capture_output=True, text=True, timeout=300)
    duration = time.monotonic() - start
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    db = open_database(full)
    assert state(db) == (1, ROWS, 1)
    db.close()

    rng = random.Random(os.environ.get("KORA_KILL_SEED"))
    outcomes = []
    for i in range(KILLS):
        target = tmp_path / f"kill{i}.duckdb"
        shutil.copy(template, target)
        delay = duration * rng.uniform(0.55, 1.02)
        child = subprocess.Popen(
            import_cmd(csv, target), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        db = open_database(target)  # reopens: WAL replayed or discarded
        got = state(db)
        db.close()
        assert got in ((0, 0, 0), (1, ROWS, 1)), (i, round(delay, 2), got)
        outcomes.append(got[0])

    # after a kill the DB still takes the import
    target = tmp_path / "kill0.duckdb"
    proc = subprocess.run(import_cmd(csv, target), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (outcomes, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    db = open_database(target)
    assert state(db)[1] == ROWS
    db.close()
    print(f"kill -9 outcomes (1 = committed before the kill): {outcomes}, full run {duration:.1f} s")
