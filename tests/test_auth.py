"""Access modes, local login, passwords, admin edits surviving a plan reload, audit export,
the user CLI and the hardening rules (append-only audit log, no HTML from user text, limits)."""

from __future__ import annotations

import ast
import io
import json
import re
import tomllib
from pathlib import Path

import pytest

from kora.access import accounts, audit, login, modes, roles
from kora.access.login import LoginFailed, LoginThrottle
from kora.access.modes import resolve_access
from kora.access.roles import Actor
from kora.db import Database, audit_store
from kora.errors import KoraError, PermissionDenied, ValidationError
from kora.plan import edits, setup
from kora.readings.commit import import_file
from kora.readings.history import upload_history
from kora.readings.ingest import MAX_UPLOAD_BYTES
from kora.report.export import audit_log
from tests.conftest import KOMMUNE, OPERATOR, ROOT, TODAY

GOOD_AUTH = {
    "redirect_uri": "https://kora.intranet.aachen.de/oauth2callback",
    "cookie_secret": "q" * 40,
    "client_id": "kora",
    "client_secret": "s3cr3t",
    "server_metadata_url": "https://sso.aachen.de/.well-known/openid-configuration",
}


# --- modes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "section", "accounts_n", "address", "mode", "problem"),
    [
        ({}, None, 0, "localhost", "off", None),
        ({}, None, 0, "127.0.0.1", "off", None),
        ({}, None, 0, "::1", "off", None),
        ({}, None, 0, "0.0.0.0", "off", "nicht nur lokal"),
        ({}, None, 0, None, "off", "alle Netzwerkschnittstellen"),
        ({}, None, 2, "0.0.0.0", "lokal", None),
        ({}, GOOD_AUTH, 2, "0.0.0.0", "oidc", None),
        ({"KORA_AUTH": "off"}, None, 3, "localhost", "off", None),
        ({"KORA_AUTH": "off"}, None, 0, "10.1.2.3", "off", "nur erlaubt"),
        ({"KORA_AUTH": "lokal"}, None, 0, "localhost", "lokal", "kein aktives Konto"),
        ({"KORA_AUTH": "lokal"}, None, 1, "0.0.0.0", "lokal", None),
        ({"KORA_AUTH": "oidc"}, None, 1, "0.0.0.0", "oidc", "fehlt der Abschnitt [auth]"),
        ({"KORA_AUTH": "oidc"}, {**GOOD_AUTH, "client_secret": ""}, 0, "0.0.0.0", "oidc", "client_secret"),
        ({"KORA_AUTH": "oidc"}, {**GOOD_AUTH, "cookie_secret": "change-me"}, 0, "0.0.0.0", "oidc", "cookie_secret"),
        ({"KORA_AUTH": "oidc"}, {**GOOD_AUTH, "redirect_uri": "https://x/"}, 0, "0.0.0.0", "oidc", "oauth2callback"),
        ({"KORA_AUTH": "ldap"}, None, 0, "localhost", "off", "unbekannt"),
        ({"KORA_LESEN": "vielleicht"}, None, 0, "localhost", "off", "KORA_LESEN"),
    ],
)
def test_mode_resolution(
    env: dict[str, str], section: dict | None, accounts_n: int, address: str | None, mode: str, problem: str | None
) -> None:
    cfg = resolve_access(env, auth_section=section, login_accounts=accounts_n, address=address)
    assert cfg.mode == mode
    if problem is None:
        assert cfg.problem is None
    else:
        assert cfg.problem is not None and problem in cfg.problem


def test_reading_needs_login_unless_configured_open() -> None:
    closed = resolve_access({}, auth_section=None, login_accounts=1, address="0.0.0.0")
    assert not closed.open_reading
    opened = resolve_access({"KORA_LESEN": "offen"}, auth_section=None, login_accounts=1, address="0.0.0.0")
    assert opened.open_reading
    laptop = resolve_access({}, auth_section=None, login_accounts=0, address="localhost")
    assert laptop.single_user and laptop.open_reading


def test_role_claim_mapping() -> None:
    cfg = resolve_access(
        {"KORA_ROLLEN_CLAIM": "groups", "KORA_ROLLEN_ZUORDNUNG": "KoRa-Admins=admin, KoRa-Lesende=leser"},
        auth_section=GOOD_AUTH,
        login_accounts=0,
        address="0.0.0.0",
    )
    mapping = {**{r: r for r in roles.ROLES}, **cfg.role_mapping}
    assert login.role_from_claims({"groups": ["Sonstige", "KoRa-Admins"]}, "groups", mapping) == "admin"
    assert login.role_from_claims({"groups": "kora-lesende"}, "groups", mapping) == "leser"
    assert login.role_from_claims({}, "groups", mapping) is None


def test_sso_claims(db: Database) -> None:
    admin_claims = {"email": "chef@aachen.de", "kora_rolle": "admin"}
    actor, _ = login.actor_from_claims(db, admin_claims, role_claim="kora_rolle")
    assert actor is not None and actor.role == "admin"
    nobody, why = login.actor_from_claims(db, {"email": "x@aachen.de"}, default_role=None)
    assert nobody is None and "kein Zugang" in why
    accounts.add_user(db, OPERATOR, "ex", role="admin", email="ex@aachen.de", kommune=KOMMUNE)
    accounts.add_user(db, OPERATOR, "chef2", role="admin", kommune=KOMMUNE)
    accounts.set_disabled(db, OPERATOR, "ex", kommune=KOMMUNE)
    gone, why = login.actor_from_claims(db, {"email": "ex@aachen.de", "kora_rolle": "admin"}, role_claim="kora_rolle")
    assert gone is None and "deaktiviert" in why
    missing, why = login.actor_from_claims(db, {})
    assert missing is None and why


# --- passwords and local login ---------------------------------------------------------------------


def test_passwords_are_argon2_hashed_and_never_stored_plain(db: Database) -> None:
    accounts.add_user(
        db, OPERATOR, "Kim.Meier", role="koordination", vorhaben=[2], password="richtig-langes-pw", kommune=KOMMUNE
    )
    stored = db.scalar("SELECT password_hash FROM users WHERE username = 'kim.meier'")
    assert stored.startswith("$argon2id$") and "richtig-langes-pw" not in stored
    assert "richtig-langes-pw" not in json.dumps(audit_store.audit_df(db).astype(str).to_dict())
    with pytest.raises(KoraError, match="zu kurz"):
        accounts.add_user(db, OPERATOR, "kurz", role="leser", password="kurz", kommune=KOMMUNE)


def test_local_login_success_failure_and_audit(db: Database) -> None:
    accounts.add_user(
        db, OPERATOR, "kim", role="koordination", vorhaben=[2], password="richtig-langes-pw", kommune=KOMMUNE
    )
    throttle = LoginThrottle()
    actor = login.login_local(db, " KIM ", "richtig-langes-pw", throttle=throttle)
    assert (actor.name, actor.role, actor.source, actor.vorhaben) == ("kim", "koordination", "lokal", frozenset({2}))
    with pytest.raises(LoginFailed, match="falsch"):
        login.login_local(db, "kim", "falsch-falsch", throttle=throttle)
    with pytest.raises(LoginFailed, match="falsch"):
        login.login_local(db, "niemand", "egal-egal-egal", throttle=throttle)
    rows = audit_store.audit_df(db, action="anmeldung")
    assert sorted(rows["outcome"]) == ["abgelehnt", "abgelehnt", "ok"]
    accounts.set_disabled(db, OPERATOR, "kim", kommune=KOMMUNE)
    with pytest.raises(LoginFailed):
        login.login_local(db, "kim", "richtig-langes-pw", throttle=throttle)


def test_failed_logins_are_braked() -> None:
    now = [1000.0]
    throttle = LoginThrottle(free=3, base_wait=30, max_wait=120, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.wait_seconds("kim") == 0
        throttle.failed("Kim")
    assert throttle.wait_seconds("kim") == 30
    now[0] += 31
    assert throttle.wait_seconds("kim") == 0
    throttle.failed("kim")
    assert throttle.wait_seconds("kim") == 60
    for _ in range(5):
        throttle.failed("kim")
    assert throttle.wait_seconds("kim") == 120  # capped
    throttle.succeeded("kim")
    assert throttle.wait_seconds("kim") == 0


def test_a_braked_source_is_refused_even_with_the_right_password_but_others_are_not(db: Database) -> None:
    """Only the client that failed waits: a guesser cannot lock the real person out (issue 15)."""
    accounts.add_user(db, OPERATOR, "kim", role="leser", password="richtig-langes-pw", kommune=KOMMUNE)
    throttle = LoginThrottle(free=1, base_wait=60)
    with pytest.raises(LoginFailed):
        login.login_local(db, "kim", "falsch-falsch", client="203.0.113.9", throttle=throttle)
    with pytest.raises(LoginFailed, match="Zu viele Fehlversuche"):
        login.login_local(db, "kim", "richtig-langes-pw", client="203.0.113.9", throttle=throttle)
    assert login.login_local(db, "kim", "richtig-langes-pw", client="10.0.0.5", throttle=throttle).name == "kim"


def test_own_password_change_needs_the_old_one(db: Database) -> None:
    accounts.add_user(db, OPERATOR, "kim", role="leser", password="richtig-langes-pw", kommune=KOMMUNE)
    kim = login.login_local(db, "kim", "richtig-langes-pw", throttle=LoginThrottle())
    with pytest.raises(ValidationError, match="bisherige"):
        accounts.change_password(db, kim, "kim", "ganz-neues-passwort", old_password="falsch", kommune=KOMMUNE)
    accounts.change_password(db, kim, "kim", "ganz-neues-passwort", old_password="richtig-langes-pw", kommune=KOMMUNE)
    assert login.login_local(db, "kim", "ganz-neues-passwort", throttle=LoginThrottle()).name == "kim"


def test_account_validation(db: Database) -> None:
    with pytest.raises(ValidationError, match="Benutzername"):
        accounts.add_user(db, OPERATOR, "Kim Meier", role="leser", kommune=KOMMUNE)
    with pytest.raises(ValidationError, match="Rolle"):
        accounts.add_user(db, OPERATOR, "kim", role="chef", kommune=KOMMUNE)
    with pytest.raises(ValidationError, match="Vorhaben 9"):
        accounts.add_user(db, OPERATOR, "kim", role="koordination", vorhaben=[9], kommune=KOMMUNE)
    with pytest.raises(ValidationError, match="nur Koordinator"):
        accounts.add_user(db, OPERATOR, "kim", role="leser", vorhaben=[2], kommune=KOMMUNE)
    accounts.add_user(db, OPERATOR, "kim", role="leser", email="kim@aachen.de", kommune=KOMMUNE)
    with pytest.raises(ValidationError, match="gehört bereits"):
        accounts.add_user(db, OPERATOR, "kim2", role="leser", email="KIM@aachen.de", kommune=KOMMUNE)
    with pytest.raises(ValidationError, match="gibt es bereits"):
        accounts.add_user(db, OPERATOR, "KIM", role="leser", kommune=KOMMUNE)


# --- admin edits ---------------------------------------------------------------------------------------


def test_admin_edits_survive_a_plan_reload(db: Database) -> None:
    edits.set_plan_value(
        db, OPERATOR, "kritik_extern", field="target", year=2026, value=35, reason="Ratsbeschluss", kommune=KOMMUNE
    )
    edits.set_plan_value(
        db, OPERATOR, "kritik_extern", field="target", year=2028, value=25, reason="neues Jahr", kommune=KOMMUNE
    )
    edits.set_plan_value(
        db, OPERATOR, "kritik_extern", field="baseline", value=58, reason="Nacherhebung", kommune=KOMMUNE
    )
    edits.set_plan_value(db, OPERATOR, "kritik_extern", field="weight", value=2, reason="Schwerpunkt", kommune=KOMMUNE)
    result = setup.init(db, reload=True, actor=OPERATOR)
    assert result.admin_changes == 4 and "erneut" in result.message()
    ind = next(i for i in setup.plan_dict(db, kommune=KOMMUNE)["indicators"] if i["id"] == "kritik_extern")
    assert ind["targets"] == {"2025": 48.0, "2026": 35.0, "2027": 30.0, "2028": 25.0}
    assert (ind["baseline"], ind["weight"]) == (58.0, 2.0)
    changes = edits.plan_changes(db, kommune=KOMMUNE)
    assert changes["Grund"].tolist()[-1] == "Ratsbeschluss"
    assert changes["Feld"].tolist()[-1] == "Jahresziel 2026"
    assert changes[["Alt", "Neu"]].values.tolist()[-1] == ["40", "35"]


def test_admin_edit_validation_and_no_op(db: Database) -> None:
    with pytest.raises(ValidationError, match="Grund"):
        edits.set_plan_value(db, OPERATOR, "kritik_extern", field="weight", value=2, reason=" ", kommune=KOMMUNE)
    with pytest.raises(ValidationError, match="außerhalb"):
        edits.set_plan_value(
            db, OPERATOR, "ansprechpartner_bekannt", field="target", year=2026, value=120, reason="x", kommune=KOMMUNE
        )
    with pytest.raises(ValidationError, match="Ja/Nein"):
        edits.set_plan_value(
            db, OPERATOR, "koordination_besetzt", field="target", year=2026, value=0.5, reason="x", kommune=KOMMUNE
        )
    same = edits.set_plan_value(
        db, OPERATOR, "kritik_extern", field="target", year=2026, value=40, reason="x", kommune=KOMMUNE
    )
    assert not same.changed and "nichts geändert" in same.message


def test_milestone_edit_rules(db: Database) -> None:
    with pytest.raises(ValidationError, match="Zukunft"):
        edits.set_milestone(
            db,
            OPERATOR,
            "M2.1",
            status="erreicht",
            reached_on=TODAY.replace(year=2027),
            reason="x",
            today=TODAY,
            kommune=KOMMUNE,
        )
    with pytest.raises(ValidationError, match="neue Fälligkeitsdatum"):
        edits.set_milestone(db, OPERATOR, "M2.1", status="verschoben", reason="Verzug", today=TODAY, kommune=KOMMUNE)
    edits.set_milestone(
        db,
        OPERATOR,
        "M2.1",
        status="verschoben",
        due=TODAY.replace(year=2027),
        reason="Verzug",
        today=TODAY,
        kommune=KOMMUNE,
    )
    row = setup.plan_dict(db, kommune=KOMMUNE)["vorhaben"][1]["meilensteine"][0]
    assert (row["status"], row["faellig"]) == ("verschoben", "2027-11-26")
    assert audit_store.audit_df(db, action="meilenstein_aendern")["detail"].str.contains("Verzug").all()


# --- audit log -----------------------------------------------------------------------------------------


def test_audit_page_data_filters_and_formula_safe_exports(db: Database) -> None:
    evil = accounts.add_user(
        db, OPERATOR, "kim", role="koordination", vorhaben=[2], display_name="=HYPERLINK(1)", kommune=KOMMUNE
    )
    edits.set_plan_value(
        db, OPERATOR, "kritik_extern", field="target", year=2026, value=35, reason="=1+1 Beschluss", kommune=KOMMUNE
    )
    with pytest.raises(PermissionDenied):
        edits.set_plan_value(db, None, "kritik_extern", field="weight", value=3, reason="x", kommune=KOMMUNE)
    table = audit.entries(db, OPERATOR)
    assert list(table.columns) == audit.COLUMNS
    assert set(table["Aktion"]) >= {"Plan geladen", "Benutzer angelegt", "Jahresziel geändert", "Gewicht geändert"}
    refused = audit.entries(db, OPERATOR, audit.AuditFilter(outcomes=("verweigert",)))
    assert refused["Wer"].tolist() == ["anonym"] and "Anmeldung" in refused["Grund"].iloc[0]
    only_targets = audit.entries(
        db, OPERATOR, audit.AuditFilter(actions=("zielwert_aendern",), since=TODAY.replace(year=2000))
    )
    assert only_targets["Grund"].tolist() == ["=1+1 Beschluss"]
    assert "40 → 35" in only_targets["Details"].iloc[0]
    csv_text = audit_log.to_csv(only_targets).decode("utf-8-sig")
    assert "'=1+1 Beschluss" in csv_text and ";=1" not in csv_text
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(audit_log.to_xlsx(only_targets))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1 Beschluss"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert evil == "kim"
    with pytest.raises(PermissionDenied):
        audit.entries(db, Actor(name="lea", role="leser", source="oidc", email="lea@aachen.de"))


def test_audit_log_is_append_only_in_the_code() -> None:
    """No UPDATE or DELETE of audit_log anywhere (SQL lives in kora/db, but look everywhere)."""
    pattern = re.compile(
        r"\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+audit_log|DROP\s+TABLE\s+audit_log)", re.I
    )
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*(ROOT / "kora").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- hardening -------------------------------------------------------------------------------------------


def _calls(path: Path) -> list[tuple[str, ast.Call]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            out.append((node.func.attr, node))
    return out


def test_no_html_from_user_text() -> None:
    """unsafe_allow_html=True is never used; st.html only with a constant (static CSS) or the one vetted
    `redirect_script(path)` of kora.web.gate (a checked local path, escaped; see test_redirect_script_…)."""
    offenders = []
    for p in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "kora").rglob("*.py")]:
        for name, call in _calls(p):
            for kw in call.keywords:
                if kw.arg == "unsafe_allow_html" and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False
                ):
                    offenders.append(f"{p.relative_to(ROOT)}:{call.lineno} unsafe_allow_html")
            if name == "html" and isinstance(call.func.value, ast.Name) and call.func.value.id == "st":
                arg = call.args[0] if call.args else None
                vetted = (
                    isinstance(arg, ast.Call)
                    and isinstance(arg.func, ast.Name)
                    and arg.func.id == "redirect_script"
                    and p == ROOT / "kora" / "web" / "gate.py"
                )
                if not (isinstance(arg, ast.Constant) or (isinstance(arg, ast.Name) and arg.id.isupper()) or vetted):
                    offenders.append(f"{p.relative_to(ROOT)}:{call.lineno} st.html with computed text")
    assert offenders == []


def test_server_config_is_hardened() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 5
    assert config["server"]["address"] == "localhost"
    assert MAX_UPLOAD_BYTES == 5 * 1024 * 1024


def test_secrets_stay_out_of_the_repository() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert set(modes.REQUIRED_AUTH_KEYS) <= set(example["auth"])
    problem = modes.auth_secrets_problem(example["auth"])
    assert problem is not None and "Platzhalter" in problem  # the example never works as is


# --- the user CLI ------------------------------------------------------------------------------------------


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, str, str]:
    from kora.cli.main import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_user_cli(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(db_path)]
    code, out, _ = run_cli(
        monkeypatch, capsys, "user", "add", "kim", "--role", "koordination", "--vorhaben", "2,4", "--indikator",
        "formate_aktiv", "--email", "kim@aachen.de", "--name", "Kim Meier", "--password-stdin", *db,
        stdin="ein-langes-passwort\n",
    )  # fmt: skip
    assert code == 0 and "angelegt" in out
    code, _, err = run_cli(monkeypatch, capsys, "user", "add", "ada", "--role", "admin", *db)
    assert code == 2 and "--password-stdin" in err  # no terminal, no default password
    code, _, err = run_cli(
        monkeypatch, capsys, "user", "add", "xy", "--role", "admin", "--password-stdin", *db, stdin="kurz\n"
    )
    assert code == 2 and "zu kurz" in err
    assert (
        run_cli(monkeypatch, capsys, "user", "passwd", "kim", "--password-stdin", *db, stdin="noch-ein-passwort\n")[0]
        == 0
    )
    assert run_cli(monkeypatch, capsys, "user", "remove", "kim", *db)[0] == 0
    code, out, _ = run_cli(monkeypatch, capsys, "user", "list", "--json", *db)
    users = json.loads(out)
    assert users == [
        {
            "username": "kim",
            "name": "Kim Meier",
            "email": "kim@aachen.de",
            "role": "koordination",
            "vorhaben": [2, 4],
            "indikatoren": ["formate_aktiv"],
            "password": True,
            "disabled": True,
        }
    ]
    from kora.db import open_database

    database = open_database(db_path)
    try:
        actions = audit_store.audit_df(database)["action"].tolist()
        actors = set(audit_store.audit_df(database)["actor"])
    finally:
        database.close()
    assert {"benutzer_anlegen", "passwort_aendern", "benutzer_deaktivieren"} <= set(actions)
    assert actors & {roles.os_user()}  # the CLI records the machine operator


def test_cli_import_records_the_operator(db: Database) -> None:
    data = b"Indikator;Monat;Wert\r\nkritik_extern;01.2025;4\r\n"
    outcome = import_file(db, data, filename="m.csv", actor=Actor.cli(), today=TODAY, kommune=KOMMUNE)
    assert outcome.committed
    assert upload_history(db, kommune=KOMMUNE)["Von"].tolist() == [roles.os_user()]


def test_serve_refuses_to_start_a_server_that_would_fail_closed(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "KORA_AUTH": "off"}
    done = subprocess.run(
        [sys.executable, "-m", "kora", "serve", "--db", str(tmp_path / "k.duckdb"), "--server.address", "0.0.0.0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Einzelplatzmodus (KORA_AUTH=off) ist nur erlaubt" in done.stderr


def test_admin_user_form_is_all_or_nothing(db: Database) -> None:
    """A role change next to a too-short password must not be half saved (found in review)."""
    accounts.add_user(db, OPERATOR, "ada", role="admin", password="richtig-langes-pw", kommune=KOMMUNE)
    accounts.add_user(db, OPERATOR, "lea", role="leser", password="richtig-langes-pw", kommune=KOMMUNE)
    audit_before = len(audit_store.audit_df(db))
    with pytest.raises(KoraError, match="zu kurz"):
        accounts.edit_user(
            db,
            OPERATOR,
            "lea",
            role="admin",
            display_name="Lea",
            email=None,
            password="kurz",
            disabled=False,
            kommune=KOMMUNE,
        )
    lea = next(u for u in accounts.user_choices(db) if u["username"] == "lea")
    assert lea["role"] == "leser"
    assert len(audit_store.audit_df(db)) == audit_before

    accounts.edit_user(
        db, OPERATOR, "lea", role="koordination", display_name="Lea L.", email="lea@aachen.de",
        password="ein-neues-passwort", disabled=False, kommune=KOMMUNE,
    )  # fmt: skip
    lea = next(u for u in accounts.user_choices(db) if u["username"] == "lea")
    assert (lea["role"], lea["display_name"], lea["email"]) == ("koordination", "Lea L.", "lea@aachen.de")
    assert login.login_local(db, "lea", "ein-neues-passwort").name == "lea"


def test_admin_may_set_their_own_password_in_the_form(db: Database) -> None:
    accounts.add_user(db, OPERATOR, "ada", role="admin", password="richtig-langes-pw", kommune=KOMMUNE)
    ada = login.login_local(db, "ada", "richtig-langes-pw")
    accounts.edit_user(
        db,
        ada,
        "ada",
        role="admin",
        display_name="Ada",
        email=None,
        password="noch-ein-langes-pw",
        disabled=False,
        kommune=KOMMUNE,
    )
    assert login.login_local(db, "ada", "noch-ein-langes-pw").name == "ada"


def test_two_admin_sessions_cannot_create_the_same_user_twice(db: Database) -> None:
    """Uniqueness is checked under the write lock, so concurrent sessions cannot both pass."""
    from concurrent.futures import ThreadPoolExecutor

    def create(_: int) -> str:
        try:
            accounts.add_user(db.cursor(), OPERATOR, "zoe", role="leser", password="richtig-langes-pw", kommune=KOMMUNE)
        except KoraError as err:
            return type(err).__name__
        return "ok"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(create, range(4)))
    assert outcomes.count("ok") == 1
    assert [u["username"] for u in accounts.user_choices(db)].count("zoe") == 1
