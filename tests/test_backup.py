"""Backup and restore (issue 15): backup → damage the file → restore → identical data, on real DuckDB files.

Also: restore refuses to overwrite without force, refuses damaged or foreign backups before it
replaces anything, refuses while another process holds the database; backups are audited; and
while "the dashboard" (another process) holds the file, `python -m kora backup` gets its copy
through the order folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kora.access.backup import create_backup, restore_backup
from kora.access.backup_inbox import MAX_ORDERS_PER_CALL, handle_orders, order_folder, place_order
from kora.access.roles import Actor
from kora.db import Database, audit_store, open_database
from kora.db import backup as files
from kora.errors import DatabaseError, PermissionDenied
from kora.readings.commit import import_file
from tests.conftest import KOMMUNE, OPERATOR, ROOT, TODAY

CSV = "Indikator;Monat;Wert;Kommentar\r\nkm_umgesetzt;2026-03;0,7;Lütticher Str.\r\n".encode("cp1252")


def all_tables(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table (audit log and sequences' users included), order-independent."""
    names = [r[0] for r in db.rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")]
    return {n: sorted(db.rows(f'SELECT * FROM "{n}"'), key=repr) for n in sorted(names)}


def damage(path: Path, *, at: float = 0.5, size: int = 64 * 1024) -> None:
    """Random bytes over part of the file, like a failing disk or a bad copy."""
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    data[start : start + size] = os.urandom(min(size, len(data) - start))
    path.write_bytes(bytes(data))


@pytest.fixture
def filled(demo_db: Database) -> Database:
    """Beispieldaten plus a real upload (sequences past 1, a comment with an umlaut)."""
    assert import_file(
        demo_db, CSV, filename="maerz.csv", actor=OPERATOR, reason="Test", today=TODAY, kommune=KOMMUNE
    ).committed
    return demo_db


def test_backup_damage_restore_gives_identical_data(filled: Database, db_path: Path, tmp_path: Path) -> None:
    before = all_tables(filled)
    out = tmp_path / "sicherung.duckdb"
    result = create_backup(filled, out, actor=OPERATOR)
    assert result.info.rows["readings"] == len(before["readings"]) > 300
    audit = audit_store.audit_df(filled, action="sicherung")
    assert audit.iloc[0]["outcome"] == "ok" and audit.iloc[0]["object"] == str(out)
    filled.close()

    damage(db_path)
    with pytest.raises(DatabaseError), open_database(db_path) as broken:  # the damaged file really is damaged
        all_tables(broken)

    restored = restore_backup(out, db_path, actor=OPERATOR, force=True)
    kept = restored.info.kept[0]
    assert kept.name.startswith("kora.duckdb.vor-wiederherstellung-")
    assert kept.exists()  # nothing is lost: the damaged file stays next to it
    with open_database(db_path) as db:
        after = all_tables(db)
        audit_after = after.pop("audit_log")
        audit_before = before.pop("audit_log")
        assert after == before
        actions = [row[3] for row in audit_after]
        assert sorted(audit_after, key=repr) != audit_before and actions.count("wiederherstellung") == 1
        assert [r for r in audit_after if r[3] != "wiederherstellung"] == audit_before
        # the sequences continue after the restored rows
        again = import_file(
            db,
            CSV.replace(b"0,7", b"0,8"),
            filename="neu.csv",
            actor=OPERATOR,
            reason="x",
            today=TODAY,
            kommune=KOMMUNE,
        )
        assert again.result is not None and again.result.upload_id == max(r[0] for r in before["uploads"]) + 1


def test_restore_refuses_to_overwrite_without_force(filled: Database, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.duckdb"
    create_backup(filled, out, actor=OPERATOR)
    filled.close()
    content = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="mit --force bestätigen"):
        restore_backup(out, db_path, actor=OPERATOR)
    assert db_path.read_bytes() == content


def test_restore_into_a_new_path_needs_no_force(filled: Database, tmp_path: Path) -> None:
    out = tmp_path / "s.duckdb"
    create_backup(filled, out, actor=OPERATOR)
    before = all_tables(filled)
    result = restore_backup(out, tmp_path / "neu" / "kora.duckdb", actor=OPERATOR)
    assert result.info.kept == []
    with open_database(tmp_path / "neu" / "kora.duckdb") as db:
        after = all_tables(db)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}


def _foreign_duckdb(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p, _out: p.write_bytes(b"Indikator;Monat\r\n"), "keine lesbare KoRa-Monitor-Sicherung"),
        (lambda p, _out: _foreign_duckdb(p), "keine KoRa-Monitor-Sicherung"),
        (lambda p, out: (p.write_bytes(out.read_bytes()), damage(p, at=0.3, size=10**9)), "Sicherung"),
        (lambda p, _out: None, "gibt es nicht"),
    ],
    ids=["text-file", "foreign-duckdb", "damaged-backup", "missing"],
)
def test_restore_checks_the_backup_before_replacing_anything(
    filled: Database, db_path: Path, tmp_path: Path, make, message: str
) -> None:
    good = tmp_path / "gut.duckdb"
    create_backup(filled, good, actor=OPERATOR)
    filled.close()
    bad = tmp_path / "schlecht.duckdb"
    make(bad, good)
    content = db_path.read_bytes()
    with pytest.raises(DatabaseError, match=message):
        restore_backup(bad, db_path, actor=OPERATOR, force=True)
    assert db_path.read_bytes() == content
    assert not list(tmp_path.glob("*.vor-wiederherstellung-*"))


def test_backup_refuses_existing_file_and_its_own_database(filled: Database, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.duckdb"
    out.write_bytes(b"alt")
    with pytest.raises(DatabaseError, match="gibt es schon"):
        create_backup(filled, out, actor=OPERATOR)
    assert out.read_bytes() == b"alt"
    with pytest.raises(DatabaseError, match="Datenbankdatei selbst"):
        create_backup(filled, db_path, actor=OPERATOR, overwrite=True)
    assert [r for r in audit_store.audit_df(filled, action="sicherung")["outcome"]] == ["abgelehnt", "abgelehnt"]
    assert create_backup(filled, out, actor=OPERATOR, overwrite=True).info.rows["readings"] > 0
    assert not list(tmp_path.glob(".*unfertig*"))  # no half-written copy left behind


def test_only_admins_back_up_and_only_the_operator_restores(filled: Database, tmp_path: Path) -> None:
    reader = Actor(name="lea", role="leser", source="oidc", display_name="Lea", email="lea@example.invalid")
    with pytest.raises(PermissionDenied):
        create_backup(filled, tmp_path / "s.duckdb", actor=reader)
    assert not (tmp_path / "s.duckdb").exists()
    assert audit_store.audit_df(filled, action="sicherung").iloc[0]["outcome"] == "verweigert"
    admin_on_web = Actor(name="ada", role="admin", source="lokal", display_name="Ada")
    with pytest.raises(PermissionDenied, match="Kommandozeile"):
        restore_backup(tmp_path / "s.duckdb", tmp_path / "x.duckdb", actor=admin_on_web)


# --- across processes: the CLI, a "dashboard" that holds the file ----------------------------------


def kora(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


HOLDER = textwrap.dedent(
    """
    import sys, time
    from kora.db import open_database
    from kora.access.backup_inbox import handle_orders
    db = open_database(sys.argv[1])
    print("bereit", flush=True)
    serve = sys.argv[2] == "serve"
    while True:
        if serve:
            handle_orders(db)
        time.sleep(0.2)
    """
)


@pytest.fixture
def holder(filled: Database, db_path: Path, request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database like the dashboard does (`serve`: polling the order folder)."""
    filled.close()
    mode = getattr(request, "param", "serve")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), mode], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "bereit"
    yield proc
    proc.kill()
    proc.wait()


def test_cli_backup_and_restore_round_trip(filled: Database, db_path: Path, tmp_path: Path) -> None:
    before = all_tables(filled)
    filled.close()
    out = tmp_path / "s.duckdb"
    made = kora("backup", "--db", str(db_path), "--out", str(out), "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["zeilen"]["readings"] == len(before["readings"])
    refused = kora("restore", str(out), "--db", str(db_path))
    assert refused.returncode == 2 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    damage(db_path)
    done = kora("restore", str(out), "--db", str(db_path), "--force")
    assert done.returncode == 0, done.stderr
    assert "Wiederhergestellt" in done.stdout
    with open_database(db_path) as db:
        assert all_tables(db)["readings"] == before["readings"]


def test_cli_backup_while_the_dashboard_holds_the_file(holder, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "live.duckdb"
    made = kora("backup", "--db", str(db_path), "--out", str(out), "--wait", "60")
    assert made.returncode == 0, made.stderr
    assert "erstellt vom laufenden Dashboard" in made.stdout
    info = files.inspect_backup(out)
    assert info.rows["readings"] > 300
    # restoring over a file another process holds is refused, nothing replaced
    refused = kora("restore", str(out), "--db", str(db_path), "--force")
    assert refused.returncode == 2 and "Dashboard beenden" in refused.stderr
    assert not list(db_path.parent.glob("*.vor-wiederherstellung-*"))


@pytest.mark.parametrize("holder", ["hold"], indirect=True)
def test_cli_backup_says_what_to_do_when_the_holder_does_not_answer(holder, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "live.duckdb"
    quick = kora("backup", "--db", str(db_path), "--out", str(out), "--wait", "0")
    assert quick.returncode == 2 and "anderen Programm" in quick.stderr
    waited = kora("backup", "--db", str(db_path), "--out", str(out), "--wait", "1")
    assert waited.returncode == 2 and "nicht innerhalb von 1 s bearbeitet" in waited.stderr
    assert not out.exists()
    assert not list(order_folder(db_path).glob("*.auftrag.json"))  # the order was withdrawn


def test_order_folder_ignores_junk_and_caps_the_work(filled: Database, db_path: Path) -> None:
    folder = order_folder(db_path)
    folder.mkdir(parents=True)
    (folder / "kaputt.auftrag.json").write_text("{nicht json", encoding="utf-8")
    (folder / "0123456789abcdef.auftrag.json").write_text(json.dumps({"id": "../../etc/x"}), encoding="utf-8")
    ids = [place_order(db_path, requested_by="kim") for _ in range(MAX_ORDERS_PER_CALL + 1)]
    time.sleep(0.01)
    answers = handle_orders(filled)
    assert len(answers) == MAX_ORDERS_PER_CALL and all(a.ok for a in answers)
    assert all(a.backup is not None and a.backup.parent == folder.parent for a in answers)
    assert not (folder / "kaputt.auftrag.json").exists()
    assert len(list(folder.glob("*.auftrag.json"))) == 1  # the fourth waits for the next poll
    assert len(list(folder.glob("*.antwort.json"))) == MAX_ORDERS_PER_CALL
    assert set(ids) >= {p.name.split(".")[0] for p in folder.glob("*.antwort.json")}
    actors = audit_store.audit_df(filled, action="sicherung")["actor"].tolist()
    assert actors == ["kim (Sicherungsauftrag)"] * MAX_ORDERS_PER_CALL


def test_poll_orders_serves_from_a_background_thread(filled: Database, db_path: Path) -> None:
    import threading

    from kora.access.backup_inbox import poll_orders, wait_for_answer

    stop = threading.Event()
    thread = threading.Thread(target=poll_orders, args=(filled.cursor(), stop), kwargs={"every": 0.1})
    thread.start()
    try:
        answer = wait_for_answer(db_path, place_order(db_path, requested_by="kim"), timeout=60)
    finally:
        stop.set()
        thread.join()
    assert answer is not None and answer.ok and answer.backup is not None
    assert files.inspect_backup(answer.backup).rows["readings"] > 300


def test_backup_before_migrations_only_when_a_migration_is_pending(filled: Database, db_path: Path) -> None:
    assert files.backup_before_migrations(filled) is None  # schema current: nothing to protect
    filled.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
    info = files.backup_before_migrations(filled)
    assert info is not None and info.path.parent == db_path.parent / "sicherungen"
    assert "vor-schema-" in info.path.name
    assert files.inspect_backup(info.path).rows == info.rows
    with open_database(db_path.parent / "neu.duckdb", migrate=False) as fresh:
        assert files.backup_before_migrations(fresh) is None  # a new database has nothing to lose
