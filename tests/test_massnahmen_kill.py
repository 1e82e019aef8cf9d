"""kill -9 of `python -m kora massnahmen import` (5 000 Maßnahmen, 20 000 Ereignisse) at random
moments: the DB reopens and holds either nothing of the upload or all of it (upload row, every
version, every event, the derived readings and the audit row)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kora.db import open_database
from kora.massnahmen import quelle
from kora.plan import setup as ops
from tests.conftest import OPERATOR, ROOT
from tests.test_massnahmen_bench_data import big_files

KILLS = 4


def state(db_file: Path) -> tuple[int, int, int, int]:
    db = open_database(db_file)
    try:
        return (
            int(db.scalar("SELECT count(*) FROM uploads WHERE filename LIKE 'Maßnahmenliste:%'")),
            int(db.scalar("SELECT count(*) FROM massnahme_versions")),
            int(db.scalar("SELECT count(*) FROM massnahme_events")),
            int(db.scalar("SELECT count(*) FROM audit_log WHERE action = 'massnahmen_upload' AND outcome = 'ok'")),
        )
    finally:
        db.close()


@pytest.mark.slow
def test_kill_during_list_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    liste, events = big_files(n=5000, n_events=20_000, seed=1)
    (tmp_path / "l.csv").write_bytes(liste)
    (tmp_path / "e.csv").write_bytes(events)
    template = tmp_path / "template.duckdb"
    db = open_database(template)
    ops.init(db, actor=OPERATOR)
    quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Test", kommune="aachen")
    db.close()
    cmd = [
        sys.executable,
        "-m",
        "kora",
        "massnahmen",
        "import",
        str(tmp_path / "l.csv"),
        str(tmp_path / "e.csv"),
        "--json",
    ]
    full = tmp_path / "full.duckdb"
    full.write_bytes(template.read_bytes())
    start = time.monotonic()
    subprocess.run([*cmd, "--db", str(full)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    window = time.monotonic() - start
    complete = state(full)
    assert complete[:3] == (1, 5000, 20_000)
    rng = random.Random(13)
    outcomes = set()
    for i in range(KILLS):
        target = tmp_path / f"k{i}.duckdb"
        target.write_bytes(template.read_bytes())
        proc = subprocess.Popen(
            [*cmd, "--db", str(target)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(window * (0.4 + 0.6 * rng.random()))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = state(target)
        assert got in {(0, 0, 0, 0), complete}, got
        outcomes.add(got == complete)
