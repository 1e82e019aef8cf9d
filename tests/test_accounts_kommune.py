"""Account administration per Kommune in a shared installation: a Kommune's Admin sees and manages
only that Kommune's accounts, the "last active Admin" rule holds per Kommune, and the
installation's operator (CLI, Einzelplatz) keeps the whole view. Library, CLI and page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.access import accounts, membership
from kora.access.roles import Actor
from kora.db import Database, audit_store, open_database
from kora.errors import KoraError, PermissionDenied
from kora.plan import setup
from kora.plan.files import PLAN_FILE
from tests.conftest import APP, KOMMUNE, OPERATOR, ROOT

SECOND = "muenchen"
PASSWORD = "ein-langes-passwort"
ADMIN_PAGE = "pages/verwaltung/admin.py"
PEOPLE = {  # username -> (role, Kommune)
    "ada": ("admin", KOMMUNE),
    "bea": ("leser", KOMMUNE),
    "mia": ("admin", SECOND),
    "max": ("leser", SECOND),
}


def _second_plan(folder: Path) -> Path:
    path = folder / "plan_muenchen.toml"
    path.write_text(
        PLAN_FILE.read_text(encoding="utf-8").replace('kommune = "aachen"', f'kommune = "{SECOND}"', 1),
        encoding="utf-8",
    )
    return path


def _fill(db: Database, folder: Path) -> None:
    setup.init(db, actor=OPERATOR)
    setup.init(db, plan_path=_second_plan(folder), actor=OPERATOR)
    for name, (role, kommune) in PEOPLE.items():
        accounts.add_user(db, OPERATOR, name, role=role, password=PASSWORD, kommune=kommune)


@pytest.fixture
def shared(db_path: Path) -> Database:
    database = open_database(db_path)
    _fill(database, db_path.parent)
    return database


def person(name: str) -> Actor:
    """As a local login makes them (role and Kommune are re-read from the DB on every write)."""
    role, _kommune = PEOPLE[name]
    return Actor(name=name, role=role, source="lokal", display_name=name)


def refusals(db: Database) -> list[tuple[str, str]]:
    frame = audit_store.audit_df(db)
    return [(a, o) for a, o in zip(frame["action"], frame["outcome"], strict=True) if o == "verweigert"]


# --- library ----------------------------------------------------------------------------------------


def test_new_accounts_belong_to_the_kommune_they_were_created_for(shared: Database) -> None:
    assert {n: membership.account_kommune(shared, n) for n in PEOPLE} == {n: k for n, (_r, k) in PEOPLE.items()}
    accounts.add_user(shared, person("mia"), "moritz", role="koordination", vorhaben=[2], kommune=SECOND)
    assert membership.account_kommune(shared, "moritz") == SECOND


@pytest.mark.parametrize(
    ("who", "kommune", "seen"),
    [("ada", KOMMUNE, {"ada", "bea"}), ("mia", SECOND, {"mia", "max"})],
)
def test_a_kommunes_admin_sees_only_its_accounts(shared: Database, who: str, kommune: str, seen: set[str]) -> None:
    view = accounts.managed_kommune(shared, person(who))
    assert view == kommune
    assert set(accounts.users(shared, kommune=view)["username"]) == seen
    assert set(accounts.users_table(shared, kommune=view)["Benutzer"]) == seen
    assert "Kommune" not in accounts.users_table(shared, kommune=view).columns
    assert {u["username"] for u in accounts.user_choices(shared, kommune=view)} == seen


def test_the_installations_operator_keeps_the_whole_view(shared: Database) -> None:
    assert accounts.managed_kommune(shared, OPERATOR) is None
    assert accounts.managed_kommune(shared, Actor.einzelplatz()) is None
    table = accounts.users_table(shared, kommune=None)
    assert dict(zip(table["Benutzer"], table["Kommune"], strict=True)) == {
        "ada": "Aachen",
        "bea": "Aachen",
        "max": "München",
        "mia": "München",
    }


WRITES = {
    "rolle": lambda db, actor, name, k: accounts.update_user(db, actor, name, role="admin", kommune=k),
    "deaktivieren": lambda db, actor, name, k: accounts.set_disabled(db, actor, name, kommune=k),
    "formular": lambda db, actor, name, k: accounts.edit_user(db, actor, name, display_name="X", kommune=k),
    "passwort": lambda db, actor, name, k: accounts.change_password(db, actor, name, "noch-ein-passwort", kommune=k),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize(("who", "target", "kommune"), [("mia", "bea", SECOND), ("ada", "max", KOMMUNE)])
def test_an_admin_cannot_manage_another_kommunes_account_by_naming_their_own(
    shared: Database, write: str, who: str, target: str, kommune: str
) -> None:
    """Passing the own Kommune (which authorize allows) does not open another city's account."""
    before = accounts.users(shared, kommune=None).drop(columns=["changed_at"])
    with pytest.raises(PermissionDenied, match=f"„{target}“ gehört nicht zur Kommune") as refused:
        WRITES[write](shared, person(who), target, kommune)
    assert "Aachen" not in str(refused.value) if who == "mia" else "München" not in str(refused.value)
    assert accounts.users(shared, kommune=None).drop(columns=["changed_at"]).equals(before)
    assert len(refusals(shared)) == 1


def test_an_admin_manages_the_accounts_of_the_own_kommune(shared: Database) -> None:
    accounts.update_user(shared, person("mia"), "max", role="koordination", kommune=SECOND)
    accounts.set_assignments(shared, person("mia"), "max", vorhaben=[2, 5], kommune=SECOND)
    accounts.set_disabled(shared, person("mia"), "max", kommune=SECOND)
    row = accounts.users(shared, kommune=SECOND).set_index("username").loc["max"]
    assert (row["role"], list(row["vorhaben"]), bool(row["disabled"])) == ("koordination", [2, 5], True)
    assert refusals(shared) == []


def test_the_last_admin_rule_holds_per_kommune(shared: Database) -> None:
    """Aachen has an Admin, München has one: neither city may lose its last one, even to the operator."""
    for name, kommune in (("mia", SECOND), ("ada", KOMMUNE)):
        with pytest.raises(KoraError, match="letzte aktive Admin-Konto der Kommune"):
            accounts.set_disabled(shared, OPERATOR, name, kommune=kommune)
        with pytest.raises(KoraError, match="letzte aktive Admin-Konto der Kommune"):
            accounts.update_user(shared, OPERATOR, name, role="leser", kommune=kommune)
    accounts.add_user(shared, OPERATOR, "mara", role="admin", password=PASSWORD, kommune=SECOND)
    accounts.set_disabled(shared, OPERATOR, "mia", kommune=SECOND)  # München keeps mara
    with pytest.raises(KoraError, match="der Kommune Aachen"):  # München's two Admins do not count for Aachen
        accounts.set_disabled(shared, OPERATOR, "ada", kommune=KOMMUNE)


def test_an_unknown_kommune_is_refused_before_anything_is_written(shared: Database) -> None:
    before = len(accounts.users(shared, kommune=None))
    with pytest.raises(KoraError, match="nicht bekannt"):
        accounts.add_user(shared, OPERATOR, "neu", role="leser", kommune="atlantis")
    assert len(accounts.users(shared, kommune=None)) == before


# --- CLI --------------------------------------------------------------------------------------------


def kora(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args, "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, input=stdin,
    )  # fmt: skip


@pytest.fixture
def shared_file(db_path: Path) -> Path:
    with open_database(db_path) as database:
        _fill(database, db_path.parent)
    return db_path


def test_cli_user_list_shows_every_kommune_or_one(shared_file: Path) -> None:
    everyone = kora("user", "list", "--json", db=shared_file)
    assert everyone.returncode == 0, everyone.stderr
    assert {(r["username"], r["kommune"]) for r in json.loads(everyone.stdout)} == {
        (n, k) for n, (_r, k) in PEOPLE.items()
    }
    second = kora("user", "list", "--kommune", SECOND, "--json", db=shared_file)
    assert {r["username"] for r in json.loads(second.stdout)} == {"mia", "max"}
    text = kora("user", "list", db=shared_file).stdout
    assert "München" in text and "Aachen" in text


def test_cli_user_add_disable_and_role_change_per_kommune(shared_file: Path) -> None:
    added = kora("user", "add", "mara", "--role", "admin", "--kommune", SECOND, "--password-stdin",
                 db=shared_file, stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(kora("user", "list", "--kommune", SECOND, "--json", db=shared_file).stdout)
    assert {r["username"] for r in listed} == {"mia", "max", "mara"}
    # the operator manages any account; without --kommune the account's own Kommune is meant
    assert kora("user", "remove", "mia", db=shared_file).returncode == 0
    last = kora("user", "remove", "mara", db=shared_file)
    assert last.returncode != 0 and "letzte aktive Admin-Konto der Kommune München" in last.stderr
    assert kora("user", "assign", "max", "--role", "koordination", "--vorhaben", "2", db=shared_file).returncode == 0
    wrong = kora("user", "remove", "bea", "--kommune", SECOND, db=shared_file)
    assert wrong.returncode != 0 and "gehört nicht zur Kommune München" in wrong.stderr
    rows = {r["username"]: r for r in json.loads(kora("user", "list", "--json", db=shared_file).stdout)}
    assert (rows["mia"]["disabled"], rows["mara"]["disabled"], rows["bea"]["disabled"]) == (True, False, False)
    assert (rows["max"]["role"], rows["max"]["vorhaben"]) == ("koordination", [2])


# --- page -------------------------------------------------------------------------------------------


@pytest.fixture
def shared_app(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KORA_AUTH", raising=False)
    monkeypatch.delenv("KORA_LESEN", raising=False)
    with open_database(app_env) as database:
        _fill(database, app_env.parent)
    return app_env


def _login(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="login_user").input(name)
    at.text_input(key="login_password").input(PASSWORD)
    at = next(b for b in at.button if b.label == "Anmelden").click().run()
    return at.switch_page(ADMIN_PAGE).run()


def _accounts_table(at: AppTest) -> list[str]:
    tables = [d.value for d in at.dataframe if "Benutzer" in d.value.columns]
    assert len(tables) == 1
    return sorted(tables[0]["Benutzer"])


@pytest.mark.parametrize(("who", "seen"), [("ada", ["ada", "bea"]), ("mia", ["max", "mia"])])
def test_verwaltung_page_lists_and_offers_only_the_own_kommunes_accounts(
    shared_app: Path, who: str, seen: list[str]
) -> None:
    at = _login(who)
    assert not at.exception
    assert _accounts_table(at) == seen
    assert {o.split(" · ")[0] for o in at.selectbox(key="adm_edit_user").options} == set(seen)


def test_verwaltung_page_disables_an_account_of_the_own_kommune(shared_app: Path) -> None:
    at = _login("mia")
    at.selectbox(key="adm_edit_user").select("max").run()
    next(c for c in at.checkbox if c.label.startswith("Konto deaktiviert")).check()
    next(b for b in at.button if b.label == "Änderungen speichern").click().run()
    assert not at.exception and not at.error
    database = open_database(shared_app)
    try:
        row = accounts.users(database, kommune=SECOND).set_index("username").loc["max"]
        assert bool(row["disabled"])
    finally:
        database.close()


def test_einzelplatz_keeps_the_whole_view_with_a_kommune_column(
    shared_app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KORA_AUTH", "off")
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page(ADMIN_PAGE).run()
    assert not at.exception
    assert _accounts_table(at) == ["ada", "bea", "max", "mia"]
    assert "Konten aller Kommunen" in " ".join(c.value for c in at.caption)
