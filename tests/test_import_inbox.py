"""A CLI import while the dashboard holds the file (issue 15): `import --wait` hands it to the server.

Two real processes: a stand-in for the dashboard that holds the DuckDB file and runs the same
background loop the dashboard starts (`kora.readings.import_inbox.poll_orders`), and the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.db import audit_store, open_database
from kora.plan import setup
from tests.conftest import OPERATOR, ROOT

FILE = ROOT / "tests" / "data" / "hostile" / "floor_valid.csv"
SERVER = """
import sys, threading
from kora.db import open_database
from kora.readings.import_inbox import poll_orders
db = open_database(sys.argv[1])
stop = threading.Event()
threading.Thread(target=poll_orders, args=(db.cursor(), stop), kwargs={"every": 0.2}, daemon=True).start()
print("bereit", flush=True)
sys.stdin.read()
stop.set()
db.close()
"""


@pytest.fixture
def server(db_path: Path) -> Iterator[Path]:
    with open_database(db_path) as db:
        setup.init(db, actor=OPERATOR)
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(db_path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "bereit"
    yield db_path
    proc.communicate("", timeout=60)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kora", *args], cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_import_waits_for_the_dashboard_and_is_stored_by_it(server: Path) -> None:
    refused = _cli("import", str(FILE), "--db", str(server))
    assert refused.returncode == 2 and "geöffnet" in refused.stderr  # without --wait: the lock message, as before
    done = _cli("import", str(FILE), "--db", str(server), "--wait", "60", "--json", "--user", "nachtlauf")
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert outcome["committed"] and outcome["ueber_dashboard"] and outcome["new"] == 2


def test_a_rejected_file_is_answered_with_its_problems(server: Path, tmp_path: Path) -> None:
    bad = tmp_path / "kaputt.csv"
    bad.write_bytes(b"Indikator;Monat;Wert\r\nkm_umgesetzt;2026-03;1e309\r\n")
    result = _cli("import", str(bad), "--db", str(server), "--wait", "60")
    assert result.returncode == 2
    assert "zu groß" in result.stderr and "laufenden Dashboard" in result.stderr


def test_stored_rows_after_the_server_stopped(db_path: Path) -> None:
    with open_database(db_path) as db:
        setup.init(db, actor=OPERATOR)
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(db_path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "bereit"
    try:
        assert _cli("import", str(FILE), "--db", str(db_path), "--wait", "60", "--user", "nachtlauf").returncode == 0
    finally:
        proc.communicate("", timeout=60)
    with open_database(db_path) as db:
        assert db.scalar("SELECT count(*) FROM readings") == 2
        audit = audit_store.audit_df(db)
        row = audit[audit["action"] == "upload"].iloc[0]
        assert "nachtlauf" in row["actor"] and "Importauftrag" in row["actor"]


def test_no_answer_withdraws_the_order(db_path: Path) -> None:
    with open_database(db_path) as db:
        setup.init(db, actor=OPERATOR)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(db_path)!r}); print('ok', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        result = _cli("import", str(FILE), "--db", str(db_path), "--wait", "1")
        assert result.returncode == 2 and "nicht innerhalb von 1 s" in result.stderr
        assert not list((db_path.parent / "sicherungen" / "auftraege").glob("*.import*"))
    finally:
        holder.communicate("", timeout=30)
