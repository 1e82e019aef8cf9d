"""CLI writes beside a real `python -m kora serve` (issue 15): the dashboard carries them out.

Streamlit opens the database with the first browser session (`st.cache_resource`); from then on
the server holds the file and its background thread serves the order box. So: start the real
server, open the Übersicht once in Chromium, then run the CLI with and without `--wait`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access.passwords import verify_password
from kora.db import audit_store, auth_store, open_database
from tests.browser.conftest import Server, kora_cli, shot
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
SECRET = "Radweg-Winter-2026"
FILE = ROOT / "tests" / "data" / "hostile" / "floor_valid.csv"


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def held(tmp_path: Path, page) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    db = tmp_path / "kora.duckdb"
    kora_cli("init", db=db)
    server = Server(db, env={"KORA_AUTH": "off"})
    try:
        page.goto(server.url)
        page.wait_for_selector('[data-testid="stMain"] h1')  # the first session: the server now holds the file
        shot(page, "cli_beside_dashboard")
        yield db
    finally:
        server.stop()


def test_account_and_import_commands_run_through_the_real_dashboard(held: Path) -> None:
    db = str(held)
    refused = _cli("user", "add", "kim", "--role", "admin", "--password-stdin", "--db", db, stdin=SECRET + "\n")
    assert refused.returncode == 2 and "--wait 60" in refused.stderr and "Traceback" not in refused.stderr
    added = _cli("user", "add", "kim", "--role", "admin", "--password-stdin", "--db", db, "--wait", "60",
                 stdin=SECRET + "\n")  # fmt: skip
    assert added.returncode == 0 and "ausgeführt vom laufenden Dashboard" in added.stdout, added.stderr
    imported = _cli("import", str(FILE), "--db", db, "--wait", "60", "--user", "nachtlauf")
    assert imported.returncode == 0, imported.stderr
    massnahmen = _cli("massnahmen", "import", str(FILE), "--db", db)
    assert massnahmen.returncode == 2 and "Seite „Maßnahmen“" in massnahmen.stderr


def test_account_survives_a_server_restart(tmp_path: Path, page) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "kora.duckdb"
    kora_cli("init", db=db)
    server = Server(db, env={"KORA_AUTH": "off"})
    try:
        page.goto(server.url)
        page.wait_for_selector('[data-testid="stMain"] h1')
        argv = ["user", "add", "kim", "--role", "admin", "--password-stdin", "--db", str(db), "--wait", "60"]
        assert _cli(*argv, stdin=SECRET + "\n").returncode == 0
    finally:
        server.stop()
    with open_database(db) as con:
        row = auth_store.user_by_name(con, "kim")
        assert row is not None and verify_password(row["password_hash"], SECRET)
        actors = set(audit_store.audit_df(con, action="benutzer_anlegen")["actor"])
        assert any("Kontoauftrag" in a for a in actors)
