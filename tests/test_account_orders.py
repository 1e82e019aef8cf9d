"""Account changes while the dashboard holds the file (issue 15): `user … --wait` hands them to the server.

Three levels: the order box and the server's handler in-process (a real DuckDB file); the CLI
against a second process that holds the file and runs the dashboard's background loop; and the
German advice every other CLI write gives when it meets the lock. The real `python -m kora serve`
is exercised in tests/browser/test_cli_beside_dashboard.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access import account_orders, orders
from kora.access.passwords import hash_password, verify_password
from kora.cli import common
from kora.cli.main import build_parser
from kora.db import audit_store, auth_store, open_database
from kora.errors import DatabaseLockedError, KoraError
from kora.plan import setup
from tests import test_import_inbox
from tests.conftest import OPERATOR, ROOT

SERVER = test_import_inbox.SERVER  # a stand-in dashboard: holds the file and answers the order folder
SECRET = "Fahrrad-Sommer-2026"


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=180
    )


def _folder(db_path: Path) -> Path:
    return db_path.parent / "sicherungen" / "auftraege"


# --- in-process: the order box and the server's handler --------------------------------------------


@pytest.fixture
def ready(db_path: Path) -> Path:
    with open_database(db_path) as db:
        setup.init(db, actor=OPERATOR)
    return db_path


@pytest.mark.parametrize(
    ("action", "params", "expected"),
    [
        ("add", {"name": "kim", "rolle": "leser", "anzeigename": "Kim M."}, "angelegt"),
        ("add", {"name": "kim", "rolle": "koordination", "vorhaben": ["2"]}, "angelegt"),
        ("remove", {"name": "alex"}, "deaktiviert"),
        ("assign", {"name": "alex", "rolle": "koordination", "vorhaben": ["2", "5"]}, "Zuordnung"),
    ],
)
def test_the_server_carries_out_each_action_with_audit(ready: Path, action: str, params: dict, expected: str) -> None:
    with open_database(ready) as db:
        account_orders._add(db, OPERATOR, {"name": "alex", "rolle": "leser"}, "aachen")
        orders.place(ready, "konto", {"von": "nachtlauf", "aktion": action, "kommune": "aachen", "werte": params})
        (answer,) = account_orders.handle_orders(db)
        assert answer["ok"], answer
        assert expected in answer["meldung"]
        audit = audit_store.audit_df(db)
        assert "nachtlauf (Kontoauftrag)" in set(audit["actor"])
    assert [p.name.split(".", 1)[1] for p in _folder(ready).iterdir()] == ["konto-antwort.json"]  # order taken


def test_a_hashed_password_is_stored_and_verifies(ready: Path) -> None:
    hashed = hash_password(SECRET)
    with open_database(ready) as db:
        orders.place(ready, "konto", {"von": "it", "aktion": "add", "kommune": "aachen", "werte": {"name": "kim", "rolle": "admin",
                                                                              "passwort_hash": hashed}})  # fmt: skip
        orders.place(ready, "konto", {"von": "it", "aktion": "passwd", "kommune": "aachen", "werte": {"name": "kim",
                                                                                 "passwort_hash": hash_password(SECRET + "!")}})  # fmt: skip
        answers = account_orders.handle_orders(db)
        assert [a["ok"] for a in answers] == [True, True], answers
        row = auth_store.user_by_name(db, "kim")
        assert row is not None and verify_password(row["password_hash"], SECRET + "!")


@pytest.mark.parametrize(
    ("werte", "words"),
    [
        ({"name": "kim", "rolle": "admin", "passwort_hash": "Klartext-Passwort-123"}, "kein argon2id-Hash"),
        ({"name": "kim", "rolle": "admin", "passwort_hash": "$argon2id$kaputt"}, "beschädigt"),
        ({"name": "kim", "rolle": "chef"}, "Rolle"),
        ("kein dict", "unvollständig"),
    ],
)
@pytest.mark.parametrize("kommune", ["aachen", None, "atlantis"])
def test_bad_orders_are_refused_in_german_and_change_nothing(
    ready: Path, werte: object, words: str, kommune: str | None
) -> None:
    with open_database(ready) as db:
        orders.place(ready, "konto", {"von": "x", "aktion": "add", "kommune": kommune, "werte": werte})
        (answer,) = account_orders.handle_orders(db)
        assert not answer["ok"] and (words if kommune == "aachen" else "keine bekannte Kommune") in answer["meldung"]
        assert auth_store.user_by_name(db, "kim") is None


def test_the_cli_never_hands_over_a_clear_text_password(ready: Path) -> None:
    locked = DatabaseLockedError("gesperrt.")
    with pytest.raises(KoraError, match="nur als Hash"):
        account_orders.change_through_server(
            ready, action="add", params={"name": "kim", "passwort": SECRET}, requested_by="x", kommune="aachen",
            timeout=1, locked=locked,
        )  # fmt: skip
    assert not _folder(ready).exists() or not list(_folder(ready).iterdir())


def test_no_answer_withdraws_the_order(ready: Path) -> None:
    with pytest.raises(DatabaseLockedError, match="zurückgezogen"):
        account_orders.change_through_server(
            ready, action="remove", params={"name": "kim"}, requested_by="x", kommune="aachen", timeout=0.5,
            locked=DatabaseLockedError("gesperrt."),
        )  # fmt: skip
    assert not list(_folder(ready).glob("*.konto*"))


# --- the CLI against a process that holds the file ----------------------------------------------


@pytest.fixture
def server(ready: Path) -> Iterator[Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ready)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "bereit"
    yield ready
    proc.communicate("", timeout=60)


def test_user_commands_go_through_the_server(server: Path) -> None:
    db = str(server)
    refused = _cli("user", "add", "kim", "--role", "admin", "--password-stdin", "--db", db, stdin=SECRET + "\n")
    assert refused.returncode == 2 and "--wait 60" in refused.stderr  # the lock message says how
    steps = [
        (["user", "add", "kim", "--role", "koordination", "--vorhaben", "2", "--password-stdin"], SECRET + "\n"),
        (["user", "passwd", "kim", "--password-stdin"], SECRET + "-neu\n"),
        (["user", "assign", "kim", "--vorhaben", "2,5"], ""),
        (["user", "remove", "kim"], ""),
        (["user", "enable", "kim"], ""),
    ]
    for argv, stdin in steps:
        done = _cli(*argv, "--db", db, "--wait", "60", stdin=stdin)
        assert done.returncode == 0, (argv, done.stderr)
        assert "ausgeführt vom laufenden Dashboard" in done.stdout
        assert SECRET not in "".join(p.read_text(errors="replace") for p in _folder(server).glob("*"))
    weak = _cli("user", "passwd", "kim", "--password-stdin", "--db", db, "--wait", "60", stdin="kurz\n")
    assert weak.returncode == 2 and "zu kurz" in weak.stderr  # checked in the CLI, nothing handed over
    duplicate = _cli("user", "add", "kim", "--role", "leser", "--sso", "--db", db, "--wait", "60")
    assert duplicate.returncode == 2 and "gibt es bereits" in duplicate.stderr  # the server's refusal, in German


def test_stored_accounts_after_the_server_stopped(ready: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ready)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "bereit"
        argv = ["user", "add", "kim", "--role", "admin", "--password-stdin", "--db", str(ready), "--wait", "60"]
        assert _cli(*argv, stdin=SECRET + "\n").returncode == 0
    finally:
        proc.communicate("", timeout=60)
    with open_database(ready) as db:
        row = auth_store.user_by_name(db, "kim")
        assert row is not None and row["role"] == "admin" and verify_password(row["password_hash"], SECRET)
        audit = audit_store.audit_df(db)
        created = audit[audit["action"] == "benutzer_anlegen"]
        assert len(created) == 1 and "Kontoauftrag" in created.iloc[0]["actor"]


# --- every other write: German advice instead of the bare lock message ------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["import", "x.csv"], "Messwerte hochladen"),
        (["revert", "1", "--reason", "x"], "Historie"),
        (["massnahmen", "import", "x.csv"], "Seite „Maßnahmen“"),
        (["massnahmen", "ableiten"], "Dashboard kurz beenden"),
        (["quelle", "km_umgesetzt", "massnahmen", "--reason", "x"], "Seite „Maßnahmen“"),
        (["netzwerk", "import", "x.zip"], "Städtevergleich"),
        (["init", "--reload-plan"], "migriert beim Start"),
        (["demo"], "Beispieldaten"),
        (["user", "add", "kim", "--role", "leser"], "--wait 60"),
        (["status"], "backup --out"),
    ],
)
def test_every_cli_write_says_what_to_do_while_the_dashboard_runs(argv: list[str], words: str) -> None:
    args = build_parser().parse_known_args(argv)[0]
    assert words in common.while_dashboard_runs(args)


def test_open_db_adds_the_advice_to_the_lock_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def held(path: object) -> object:
        raise DatabaseLockedError("Die Datenbank ist gerade von einem anderen Programm geöffnet.")

    monkeypatch.setattr(common, "open_database", held)
    with pytest.raises(DatabaseLockedError, match="Seite „Maßnahmen“ hochladen"):
        common.open_db(argparse.Namespace(command="massnahmen", massnahmen_command="import", db=None))


def test_an_order_taken_but_not_answered_is_not_reported_as_withdrawn(ready: Path) -> None:
    order_id = orders.place(
        ready, "konto", {"von": "x", "aktion": "remove", "kommune": "aachen", "werte": {"name": "k"}}
    )
    orders.take(ready, "konto", order_id, max_bytes=0)  # the server took it and is still working
    with pytest.raises(KoraError, match="noch ausgeführt"):
        orders.wait(ready, "konto", order_id, timeout=0.3, poll=0.05)
