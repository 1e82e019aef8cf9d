"""Database faults (issue 15): German answers instead of tracebacks, damaged files refuse writes,
a read-only mode, and a verified backup before every migration."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from kora.db import audit_store, open_database
from kora.db.adapter import _translate, read_only_reason
from kora.errors import DatabaseDamagedError, DatabaseReadOnlyError
from kora.plan import setup
from tests.conftest import APP, OPERATOR, ROOT

FLOOR = ROOT / "tests" / "data" / "hostile" / "floor_valid.csv"


def _kora(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


def _damage(path: Path) -> None:
    """64 KB of random bytes in the middle of the file (the issue's experiment)."""
    data = bytearray(path.read_bytes())
    rng = random.Random(7)
    middle = len(data) // 2
    data[middle : middle + 65536] = bytes(rng.getrandbits(8) for _ in range(65536))
    path.write_bytes(bytes(data))


@pytest.fixture
def filled_path(demo_db: object, db_path: Path) -> Path:
    demo_db.checkpoint()  # type: ignore[attr-defined]
    demo_db.close()  # type: ignore[attr-defined]
    return db_path


def test_a_damaged_database_refuses_the_import_and_stays_as_it_was(filled_path: Path) -> None:
    _damage(filled_path)
    before = filled_path.read_bytes()
    result = _kora("import", str(FLOOR), "--db", str(filled_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "beschädigt" in result.stderr and "python -m kora restore" in result.stderr
    assert filled_path.read_bytes() == before  # was: the import wrote into the damaged file
    with pytest.raises(DatabaseDamagedError):
        open_database(filled_path)


def test_not_a_database_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "kora.duckdb"
    path.write_bytes(b"Das ist keine Datenbank.\n" * 100)
    with pytest.raises(DatabaseDamagedError, match="keine KoRa-/DuckDB-Datenbank"):
        open_database(path)


@pytest.mark.parametrize(
    ("driver_text", "expected", "kind"),
    [
        ("IO Error: Could not write file: No space left on device", "Speicherplatz", None),
        ('IO Error: Cannot open file "x": Read-only file system', "schreibgeschütztes Laufwerk", DatabaseReadOnlyError),
        ("IO Error: Cannot open file: Permission denied", "fehlende Rechte", DatabaseReadOnlyError),
        (
            "Corrupt database file: computed checksum 1 does not match stored checksum 2",
            "beschädigt",
            DatabaseDamagedError,
        ),
    ],
)
def test_driver_faults_say_exactly_what_happened(driver_text: str, expected: str, kind: type | None) -> None:
    err = _translate(duckdb.IOException(driver_text), Path("k.duckdb"))
    assert expected in str(err)
    assert "gleichzeitig eine andere Änderung" not in str(err)  # the old disk-full message
    if kind is not None:
        assert isinstance(err, kind)


def test_read_only_mode_shows_status_and_exports_and_refuses_writes(filled_path: Path, tmp_path: Path) -> None:
    env = {"KORA_READONLY": "1"}
    before = filled_path.read_bytes()
    status = _kora("status", "--db", str(filled_path), env=env)
    assert status.returncode == 0, status.stderr
    out = tmp_path / "bericht.html"
    exported = _kora("export", "--db", str(filled_path), "--format", "html", "--out", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    assert out.stat().st_size > 1000
    refused = _kora("import", str(FLOOR), "--db", str(filled_path), env=env)
    assert refused.returncode == 2 and "nur zum Lesen" in refused.stderr, refused.stderr
    assert filled_path.read_bytes() == before


def test_read_only_is_automatic_for_a_file_that_cannot_be_written(
    filled_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "access", lambda p, mode: mode != os.W_OK)
    assert read_only_reason(filled_path) == "die Datei ist schreibgeschützt"
    with open_database(filled_path) as db:
        assert db.read_only
        assert db.scalar("SELECT count(*) FROM readings") > 0
        with pytest.raises(DatabaseReadOnlyError, match="schreibgeschützt"), db.transaction():
            pass


def _page(db_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str):  # type: ignore[no-untyped-def]
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KORA_DB", str(db_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


def test_page_for_a_file_that_is_not_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kora.duckdb"
    path.write_bytes(b"kein DuckDB" * 500)
    at = _page(path, monkeypatch)
    assert not at.exception
    assert "keine KoRa" in at.error[0].value
    assert "Sicherung" in at.info[0].value


def test_page_while_a_cli_process_holds_the_file(filled_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(filled_path)!r}); print('ok', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        at = _page(filled_path, monkeypatch)
        assert not at.exception
        assert "anderen Programm" in at.error[0].value
        assert "Kommandozeile" in at.info[0].value
    finally:
        holder.communicate("", timeout=30)


def test_page_in_read_only_mode_draws_the_dashboard(filled_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(filled_path, monkeypatch, KORA_READONLY="1")
    assert not at.exception and not at.error
    assert any("Nur\\-Lese\\-Modus" in w.value for w in at.warning)
    assert at.get("plotly_chart")


def test_a_pending_migration_is_preceded_by_a_verified_backup(filled_path: Path) -> None:
    with duckdb.connect(str(filled_path)) as con:  # a database from before migration 6
        con.execute("ALTER TABLE indicators DROP COLUMN plausible_max")
        con.execute("DELETE FROM schema_migrations WHERE version = 6")
    with open_database(filled_path) as db:
        backups = sorted((filled_path.parent / "sicherungen").glob("kora-vor-schema-6-*.duckdb"))
        assert len(backups) == 1
        audit = audit_store.audit_df(db)
        row = audit[audit["action"] == "sicherung"].iloc[0]
        assert row["actor"] == "system" and "vor Migration" in row["detail"]
        setup.ensure_ready(db)
    with duckdb.connect(str(backups[0]), read_only=True) as con:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone() == (5,)
        assert con.execute("SELECT count(*) FROM readings").fetchone()[0] > 0


def test_admin_page_offers_a_verified_backup_download(app_env: Path) -> None:
    """docs/backup.md hook 2: the admin makes a backup while the dashboard holds the file, and downloads it."""
    from streamlit.testing.v1 import AppTest

    with open_database(app_env) as db:
        setup.init(db, actor=OPERATOR)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at = at.switch_page("pages/verwaltung/admin.py").run()
    at = at.button(key="adm_backup").click().run()
    assert not at.exception and not at.error
    assert any("Sicherung" in s.value for s in at.success)
    downloads = at.get("download_button")
    assert downloads and downloads[0].proto.label.endswith(".duckdb herunterladen")
    assert "python -m kora restore" in at.code[0].value
