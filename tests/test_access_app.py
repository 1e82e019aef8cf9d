"""AppTest through app.py: login (local form and SSO via `at.user`), navigation by role,
Einzelplatz label, fail-closed start, Verwaltung and Audit-Log pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.access import accounts
from kora.db import audit_store, open_database, readings_store
from kora.plan import setup
from tests.conftest import APP, KOMMUNE, OPERATOR

PASSWORD = "ein-langes-passwort"
SSO = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "k" * 40,
    "client_id": "kora",
    "client_secret": "geheim-im-test",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}
UPLOAD = "pages/messwerte/upload.py"
ADMIN = "pages/verwaltung/admin.py"
AUDIT = "pages/verwaltung/audit.py"
OWN = b"Indikator;Monat;Wert;Kommentar\r\nzuarbeit_stunden;01.2025;14;\r\n"
FOREIGN = b"Indikator;Monat;Wert;Kommentar\r\nkritik_extern;01.2025;40;\r\n"


@pytest.fixture
def people(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Local accounts (so the default mode is `lokal`): Leser*in, Koordinator*in for Vorhaben 2, Admin."""
    monkeypatch.delenv("KORA_AUTH", raising=False)
    monkeypatch.delenv("KORA_LESEN", raising=False)
    db = open_database(app_env)
    try:
        setup.init(db, actor=OPERATOR)
        accounts.add_user(db, OPERATOR, "lea", role="leser", password=PASSWORD, email="lea@aachen.de", kommune=KOMMUNE)
        accounts.add_user(
            db, OPERATOR, "kim", role="koordination", vorhaben=[2], password=PASSWORD, email="kim@aachen.de",
            display_name="Kim Meier", kommune=KOMMUNE,
        )  # fmt: skip
        accounts.add_user(
            db, OPERATOR, "ada", role="admin", password=PASSWORD, display_name="Ada Admin", kommune=KOMMUNE
        )
    finally:
        db.close()
    return app_env


def start(**secrets: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if secrets:
        at.secrets = dict(secrets)
    return at.run()


def login(at: AppTest, user: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    return next(b for b in at.button if b.label == "Anmelden").click().run()


def pages(at: AppTest) -> set[str]:
    """Script paths registered in the navigation of the last run."""
    found = set()
    before = at._page_hash  # probing must not change which page the next run shows
    for page in ("pages/dashboard/uebersicht.py", UPLOAD, ADMIN, AUDIT, "pages/konto/anmeldung.py"):
        try:
            at.switch_page(page)
        except ValueError:
            continue
        found.add(page)
    at._page_hash = before
    return found


def sidebar_text(at: AppTest) -> str:
    return " ".join([c.value for c in at.sidebar.caption] + [i.value for i in at.sidebar.info])


def test_einzelplatz_mode_is_labelled_and_needs_no_login(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_AUTH", raising=False)
    at = start()
    assert not at.exception and not at.error
    assert "Einzelplatzmodus: keine Anmeldung" in sidebar_text(at)
    assert {UPLOAD, ADMIN, AUDIT} <= pages(at)
    assert "pages/konto/anmeldung.py" not in pages(at)


@pytest.mark.parametrize(
    ("env", "address", "expected"),
    [
        ({"KORA_AUTH": "oidc"}, "localhost", "Stadt-Login (KORA_AUTH=oidc) ist unvollständig"),
        ({"KORA_AUTH": "lokal"}, "localhost", "kein aktives Konto"),
        ({"KORA_AUTH": "off"}, "0.0.0.0", "nur erlaubt, wenn der Server ausschließlich auf localhost"),
        ({}, "0.0.0.0", "Keine Anmeldung eingerichtet"),
    ],
)
def test_start_fails_closed_with_a_german_message(
    app_env: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], address: str, expected: str
) -> None:
    from streamlit import config

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    old = config.get_option("server.address")
    config.set_option("server.address", address)
    try:
        at = start()
    finally:
        config.set_option("server.address", old)
    assert not at.exception
    assert len(at.error) == 1 and expected in at.error[0].value
    assert not at.title and not at.metric  # nothing else is served
    assert not at.sidebar.selectbox


def test_local_login_then_role_navigation(people: Path) -> None:
    at = start()
    assert at.title[0].value == "Anmelden"
    assert pages(at) == {"pages/konto/anmeldung.py"}  # reading needs a login by default
    at = login(at, "lea", "falsches-passwort")
    assert any("Anmeldung fehlgeschlagen" in e.value for e in at.error)
    at = login(at, "lea")
    assert not at.exception
    assert "Lea" in sidebar_text(at) or "lea" in sidebar_text(at)
    assert "Leser" in sidebar_text(at)
    seen = pages(at)
    assert "pages/dashboard/uebersicht.py" in seen
    assert UPLOAD not in seen and ADMIN not in seen and AUDIT not in seen  # a Leser*in sees no upload
    db = open_database(people)
    try:
        outcomes = sorted(audit_store.audit_df(db, action="anmeldung")["outcome"])
    finally:
        db.close()
    assert outcomes == ["abgelehnt", "ok"]


def test_open_reading_shows_dashboards_without_login_but_no_upload(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KORA_LESEN", "offen")
    at = start()
    assert not at.exception and not at.error
    assert "Nicht angemeldet" in sidebar_text(at)
    seen = pages(at)
    assert "pages/dashboard/uebersicht.py" in seen and "pages/konto/anmeldung.py" in seen
    assert UPLOAD not in seen
    assert not [b for b in at.button if b.key == "load_demo"]  # Beispieldaten only for Admins


def test_coordinator_uploads_for_own_vorhaben_and_is_refused_for_another(people: Path) -> None:
    at = login(start(), "kim")
    at = at.switch_page(UPLOAD).run()
    assert not at.exception
    assert not [t for t in at.text_input if t.key == "upload_user"]  # the name comes from the login
    at = at.file_uploader[0].set_value(("fremd.csv", FOREIGN, "text/csv")).run()
    assert any("nicht speichern" in e.value and "kritik" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "upload_commit"]
    at = at.file_uploader[0].set_value(("eigen.csv", OWN, "text/csv")).run()
    at.button(key="upload_commit").click().run()
    assert any("Gespeichert als Upload" in s.value for s in at.success)
    db = open_database(people)
    try:
        assert readings_store.count_readings(db) == 1
        assert importer_history_names(db) == ["kim"]
    finally:
        db.close()
    seen = pages(at)
    assert ADMIN in seen and AUDIT not in seen  # Verwaltung (milestones) yes, audit log no


def importer_history_names(db: object) -> list[str]:
    from kora.readings.history import upload_history

    return upload_history(db, kommune=KOMMUNE)["Von"].tolist()  # type: ignore[arg-type]


def test_coordinator_keeps_milestones_of_own_vorhaben_only(people: Path) -> None:
    at = login(start(), "kim")
    at = at.switch_page(ADMIN).run()
    assert not at.exception and not at.error
    assert not at.tabs  # only the milestone part, no targets/users tabs
    options = at.selectbox(key="adm_milestone").options
    assert options and all("Vorhaben 2" in o for o in options)
    at.text_input(key="adm_ms_reason").input("Workshop hat stattgefunden")
    next(r for r in at.radio if r.label == "Neuer Status").set_value("erreicht")
    at = next(b for b in at.button if b.label == "Meilenstein speichern").click().run()
    assert not at.exception
    assert any("gespeichert" in s.value for s in at.success)


def test_admin_changes_a_target_with_reason_and_sees_it_in_the_audit_log(people: Path) -> None:
    at = login(start(), "ada")
    at = at.switch_page(ADMIN).run()
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs] == ["Ziele & Startwerte", "Meilensteine", "Koordination", "Benutzer", "Sicherung"]
    at.selectbox(key="adm_indicator").set_value("kritik_extern")
    at.radio(key="adm_field").set_value("target")
    at.selectbox(key="adm_year").set_value(2026)
    at.number_input(key="adm_value").set_value(33.0)
    at.text_input(key="adm_reason").input("Beschluss Lenkungskreis")
    at = next(b for b in at.button if b.label == "Änderung speichern").click().run()
    assert not at.exception
    assert any("40 → 33" in s.value for s in at.success)
    at = at.switch_page(AUDIT).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    row = table[table["Aktion"] == "Jahresziel geändert"].iloc[0]
    assert (row["Wer"], row["Grund"]) == ("ada", "Beschluss Lenkungskreis")
    assert {"Anmeldung", "Benutzer angelegt"} <= set(table["Aktion"])
    assert len(at.get("download_button")) == 2


def test_admin_without_reason_changes_nothing(people: Path) -> None:
    at = login(start(), "ada").switch_page(ADMIN).run()
    at.number_input(key="adm_value").set_value(1.0)
    at = next(b for b in at.button if b.label == "Änderung speichern").click().run()
    assert any("Grund" in e.value for e in at.error)


def test_sso_login_button_and_logged_out_branch(people: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = {"auth": SSO}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Anmelden"
    assert [b.label for b in at.button] == ["Mit dem Stadt-Login anmelden"]
    assert not [t for t in at.text_input if t.key == "login_password"]  # no local form in SSO mode


@pytest.mark.parametrize(
    ("email", "role_text", "can_upload"),
    [("kim@aachen.de", "Koordinator", True), ("lea@aachen.de", "Leser", False), ("neu@aachen.de", "Leser", False)],
)
def test_sso_logged_in_gets_the_role_of_the_account(people: Path, email: str, role_text: str, can_upload: bool) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = {"auth": SSO}
    at.user = {"is_logged_in": True, "email": email, "name": "Person aus dem Stadt-Login"}
    at.run()
    assert not at.exception and not at.error
    assert role_text in sidebar_text(at)
    assert (UPLOAD in pages(at)) is can_upload
    at.run()  # a second run in the same session audits no second login
    db = open_database(people)
    try:
        logins = audit_store.audit_df(db, action="anmeldung")
    finally:
        db.close()
    assert logins["actor"].tolist() == [email]


def test_disabled_sso_account_gets_no_access(people: Path) -> None:
    db = open_database(people)
    try:
        accounts.set_disabled(db, OPERATOR, "kim", kommune=KOMMUNE)
    finally:
        db.close()
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = {"auth": SSO}
    at.user = {"is_logged_in": True, "email": "kim@aachen.de"}
    at.run()
    assert not at.exception
    assert any("deaktiviert" in w.value for w in at.warning)
    assert pages(at) == {"pages/konto/anmeldung.py"}


def test_logout_ends_the_local_session(people: Path) -> None:
    at = login(start(), "kim")
    at = at.switch_page("pages/konto/anmeldung.py").run()
    assert at.title[0].value == "Mein Konto"
    at = at.button(key="logout").click().run()
    assert not at.exception
    assert pages(at) == {"pages/konto/anmeldung.py"}
