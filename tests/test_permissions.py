"""Every write entry point × every role, on real DuckDB files: only the intended cells write.

A refused cell raises PermissionDenied, writes exactly one audit row "verweigert" and leaves
every data table (readings, plan, milestones, accounts, assignments …) byte-for-byte as it
was. The roles come from the `users` table (the session's Actor is only an identity), so the
actors here are made the way a login makes them.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kora.access import accounts, login, roles
from kora.access.roles import Actor
from kora.db import Database, audit_store, auth_store, open_database
from kora.errors import PermissionDenied
from kora.plan import edits, setup
from kora.readings.commit import commit_upload, import_file
from kora.readings.preview import preview_upload
from kora.readings.revert import revert_upload
from kora.samples.beispieldaten import load_demo, remove_demo
from tests.conftest import OPERATOR, TODAY

IND = "zuarbeit_stunden"  # belongs to Vorhaben 2 only
THIS, OTHER = 2, 1
MILESTONE = "M2.1"
HEADER = "Indikator;Monat;Wert;Kommentar\r\n"
NEW_FILE = (HEADER + f"{IND};01.2025;14;\r\n{IND};02.2025;13;\r\n").encode()
CORRECTION = (HEADER + f"{IND};01.2025;15;\r\n").encode()

ROLES = ("anonym", "leser", "koordination_anderes", "koordination_dieses", "admin")
PEOPLE = {  # username -> (role, Vorhaben)
    "lea": ("leser", ()),
    "otto": ("koordination", (OTHER,)),
    "kim": ("koordination", (THIS,)),
    "ada": ("admin", ()),
    "bea": ("leser", ()),  # the account the user-management cells act on
}
ROLE_USER = {"leser": "lea", "koordination_anderes": "otto", "koordination_dieses": "kim", "admin": "ada"}


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every table's content except the audit log (which a refusal must add to)."""
    tables = [
        r[0]
        for r in db.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
        )
        if r[0] not in ("audit_log", "schema_migrations")
    ]
    return {t: sorted(db.rows(f"SELECT * FROM {t}"), key=repr) for t in tables}


def audit_rows(db: Database) -> list[tuple]:
    return db.rows("SELECT id, actor, action, outcome FROM audit_log ORDER BY id")


def _build_template(path: Path, *, with_upload: bool) -> Path:
    db = open_database(path)
    setup.init(db, actor=OPERATOR)
    for name, (role, vorhaben) in PEOPLE.items():
        accounts.add_user(db, OPERATOR, name, role=role, vorhaben=vorhaben, email=f"{name}@aachen.de")
    if with_upload:
        import_file(db, NEW_FILE, filename="erst.csv", actor=OPERATOR, today=TODAY)
    db.checkpoint()
    db.close()
    return path


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Plan and the four people, once with one committed upload (by an admin) and once without
    readings (Beispieldaten are only ever loaded into a DB without real readings)."""
    folder = tmp_path_factory.mktemp("perm")
    return {
        "upload": _build_template(folder / "template.duckdb", with_upload=True),
        "leer": _build_template(folder / "empty.duckdb", with_upload=False),
    }


@pytest.fixture
def perm_db(request: pytest.FixtureRequest, templates: dict[str, Path], tmp_path: Path) -> Iterator[Database]:
    entry = request.node.callspec.params.get("entry", "") if hasattr(request.node, "callspec") else ""
    path = tmp_path / "kora.duckdb"
    shutil.copy(templates["leer" if entry.startswith("beispieldaten") else "upload"], path)
    db = open_database(path)
    yield db
    db.close()


def actor_for(db: Database, role: str) -> Actor | None:
    if role == "anonym":
        return None
    row = auth_store.user_by_name(db, ROLE_USER[role])
    assert row is not None
    return roles.actor_for_row(db, row, source="lokal", kommune="aachen")


# --- the write entry points (each gets the DB and the acting person) -----------------------------


def upload_commit(db: Database, actor: Actor | None) -> None:
    data = (HEADER + f"{IND};03.2025;12;\r\n").encode()
    preview = preview_upload(db, data, filename="neu.csv", actor=OPERATOR, today=TODAY)
    commit_upload(db, preview, actor=actor)


def correction(db: Database, actor: Actor | None) -> None:
    preview = preview_upload(db, CORRECTION, filename="korr.csv", actor=OPERATOR, today=TODAY)
    assert preview.needs_reason
    commit_upload(db, preview, actor=actor, reason="Doppelt gezählt")


def revert(db: Database, actor: Actor | None) -> None:
    revert_upload(db, 1, actor=actor, reason="falsche Datei")


def target_edit(db: Database, actor: Actor | None) -> None:
    edits.set_plan_value(db, actor, IND, field="target", year=2026, value=9.0, reason="Beschluss AK")


def baseline_edit(db: Database, actor: Actor | None) -> None:
    edits.set_plan_value(db, actor, IND, field="baseline", value=17.0, reason="Nacherhebung")


def weight_edit(db: Database, actor: Actor | None) -> None:
    edits.set_plan_value(db, actor, IND, field="weight", value=2.0, reason="Schwerpunkt")


def milestone_edit(db: Database, actor: Actor | None) -> None:
    edits.set_milestone(
        db, actor, MILESTONE, status="erreicht", reached_on=dt.date(2026, 3, 1), reason="Protokoll", today=TODAY
    )


def assignment(db: Database, actor: Actor | None) -> None:
    accounts.set_assignments(db, actor, "otto", vorhaben=[OTHER, 3])  # otto is also a role: he may not


def user_add(db: Database, actor: Actor | None) -> None:
    accounts.add_user(db, actor, "neu", role="leser")


def user_change(db: Database, actor: Actor | None) -> None:
    accounts.update_user(db, actor, "bea", role="admin")


def user_disable(db: Database, actor: Actor | None) -> None:
    accounts.set_disabled(db, actor, "bea")


def user_form(db: Database, actor: Actor | None) -> None:
    accounts.edit_user(
        db, actor, "bea", role="koordination", display_name="Bea", email=None, password=None, disabled=False
    )


def user_password(db: Database, actor: Actor | None) -> None:
    accounts.change_password(db, actor, "bea", "ein-neues-passwort")


def demo_load(db: Database, actor: Actor | None) -> None:
    load_demo(db, actor=actor, today=TODAY)


def demo_remove(db: Database, actor: Actor | None) -> None:
    remove_demo(db, actor=actor)


def plan_reload(db: Database, actor: Actor | None) -> None:
    setup.init(db, reload=True, actor=actor)


COORDINATOR_OK = {"koordination_dieses", "admin"}
ADMIN_ONLY = {"admin"}
ENTRY_POINTS: dict[str, tuple[Callable[[Database, Actor | None], None], set[str], str]] = {
    "upload": (upload_commit, COORDINATOR_OK, "upload"),
    "korrektur": (correction, COORDINATOR_OK, "upload"),
    "ruecknahme": (revert, COORDINATOR_OK, "upload_ruecknahme"),
    "jahresziel": (target_edit, ADMIN_ONLY, "zielwert_aendern"),
    "startwert": (baseline_edit, ADMIN_ONLY, "startwert_aendern"),
    "gewicht": (weight_edit, ADMIN_ONLY, "gewicht_aendern"),
    "meilenstein": (milestone_edit, COORDINATOR_OK, "meilenstein_aendern"),
    "zuordnung": (assignment, ADMIN_ONLY, "koordination_zuordnen"),
    "benutzer_anlegen": (user_add, ADMIN_ONLY, "benutzer_anlegen"),
    "benutzer_aendern": (user_change, ADMIN_ONLY, "benutzer_aendern"),
    "benutzer_deaktivieren": (user_disable, ADMIN_ONLY, "benutzer_deaktivieren"),
    "benutzer_formular": (user_form, ADMIN_ONLY, "benutzer_aendern"),
    "passwort": (user_password, ADMIN_ONLY, "passwort_aendern"),
    "beispieldaten_laden": (demo_load, ADMIN_ONLY, "beispieldaten_geladen"),
    "beispieldaten_entfernen": (demo_remove, ADMIN_ONLY, "beispieldaten_entfernt"),
    "plan_neu_laden": (plan_reload, ADMIN_ONLY, "plan_neu_geladen"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_write_matrix(perm_db: Database, entry: str, role: str) -> None:
    write, allowed, action = ENTRY_POINTS[entry]
    if entry == "beispieldaten_entfernen":
        load_demo(perm_db, actor=OPERATOR, today=TODAY)
    actor = actor_for(perm_db, role)
    before = snapshot(perm_db)
    audit_before = audit_rows(perm_db)
    if role in allowed:
        write(perm_db, actor)
        assert snapshot(perm_db) != before, f"{entry} as {role} should have written"
        new = audit_rows(perm_db)[len(audit_before) :]
        assert [(a, o) for _, _, a, o in new if o == "verweigert"] == []
        assert any(a == action and o == "ok" for _, _, a, o in new)
        assert {who for _, who, _, _ in new} == {ROLE_USER[role]}
    else:
        with pytest.raises(PermissionDenied) as refused:
            write(perm_db, actor)
        assert "Keine Berechtigung" in str(refused.value)
        assert snapshot(perm_db) == before, f"{entry} as {role} changed data"
        new = audit_rows(perm_db)[len(audit_before) :]
        assert [(a, o) for _, _, a, o in new] == [(action, "verweigert")]
        assert new[0][1] == (ROLE_USER[role] if actor else roles.ANONYMOUS)


# --- the rules behind the matrix ------------------------------------------------------------------


def test_refusal_names_what_is_missing(perm_db: Database) -> None:
    with pytest.raises(PermissionDenied, match=r"„zuarbeit_stunden“ \(Vorhaben 2\).*Vorhaben 1"):
        upload_commit(perm_db, actor_for(perm_db, "koordination_anderes"))
    with pytest.raises(PermissionDenied, match=r"nur Admins.*Koordinator\*in angemeldet"):
        target_edit(perm_db, actor_for(perm_db, "koordination_dieses"))
    with pytest.raises(PermissionDenied, match="nur nach der Anmeldung"):
        revert(perm_db, None)
    detail = audit_store.audit_df(perm_db, outcome="verweigert")["detail"].iloc[-1]
    assert "grund" in detail


def test_shared_indicator_may_be_written_by_a_coordinator_of_any_of_its_vorhaben(perm_db: Database) -> None:
    accounts.set_assignments(perm_db, OPERATOR, "kim", vorhaben=[6])  # abstimmungsschleifen serves 4 and 6
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + "abstimmungsschleifen;01.2025;3;\r\n").encode()
    preview = preview_upload(perm_db, data, filename="a.csv", actor=kim, today=TODAY)
    assert preview.forbidden == []
    assert commit_upload(perm_db, preview, actor=kim).new == 1


def test_mixed_file_is_refused_whole_and_the_preview_says_why(perm_db: Database) -> None:
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + f"{IND};04.2025;11;\r\nkritik_extern;04.2025;40;\r\n").encode()
    preview = preview_upload(perm_db, data, filename="mix.csv", actor=kim, today=TODAY)
    assert preview.forbidden == ["kritik_extern"]
    assert "kritik_extern" in preview.forbidden_message and "Vorhaben 2" in preview.forbidden_message
    before = snapshot(perm_db)
    with pytest.raises(PermissionDenied, match="kritik_extern"):
        commit_upload(perm_db, preview, actor=kim)
    assert snapshot(perm_db) == before


def test_out_of_scope_preview_is_refused_and_audited_once(perm_db: Database) -> None:
    """The upload page offers no Speichern for a file outside the coordinator's Vorhaben, so the
    preview is the refusal: it writes one "verweigert" row naming the indicators, and nothing else."""
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + f"{IND};04.2025;11;\r\nkritik_extern;04.2025;40;\r\n").encode()
    before = snapshot(perm_db)
    audit_before = audit_rows(perm_db)
    preview = preview_upload(perm_db, data, filename="mix.csv", actor=kim, today=TODAY)
    assert preview.forbidden == ["kritik_extern"]
    assert snapshot(perm_db) == before
    new = audit_rows(perm_db)[len(audit_before) :]
    assert [(who, a, o) for _, who, a, o in new] == [("kim", "upload", "verweigert")]
    row = audit_store.audit_df(perm_db, outcome="verweigert").iloc[0]
    assert row["object"] == "mix.csv" and "kritik_extern" in row["detail"]
    # in scope: a preview writes no audit row; a dry run of the refused file writes none either
    n = len(audit_rows(perm_db))
    preview_upload(perm_db, (HEADER + f"{IND};04.2025;11;\r\n").encode(), filename="ok.csv", actor=kim, today=TODAY)
    import_file(perm_db, data, filename="mix.csv", actor=kim, today=TODAY, dry_run=True)
    assert len(audit_rows(perm_db)) == n


def test_out_of_scope_cli_import_is_refused_with_one_audit_row(perm_db: Database) -> None:
    otto = actor_for(perm_db, "koordination_anderes")
    before = snapshot(perm_db)
    audit_before = audit_rows(perm_db)
    with pytest.raises(PermissionDenied, match="zuarbeit_stunden"):
        import_file(perm_db, (HEADER + f"{IND};06.2025;9;\r\n").encode(), filename="x.csv", actor=otto, today=TODAY)
    assert snapshot(perm_db) == before
    new = audit_rows(perm_db)[len(audit_before) :]
    assert [(who, a, o) for _, who, a, o in new] == [("otto", "upload", "verweigert")]


def test_unchanged_cells_of_other_vorhaben_do_not_block_an_upload(perm_db: Database) -> None:
    """A coordinator may re-upload a sheet that repeats others' values unchanged: only writes count."""
    import_file(
        perm_db, (HEADER + "kritik_extern;01.2025;50;\r\n").encode(), filename="o.csv", actor=OPERATOR, today=TODAY
    )
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + f"{IND};05.2025;11;\r\nkritik_extern;01.2025;50;\r\n").encode()
    preview = preview_upload(perm_db, data, filename="voll.csv", actor=kim, today=TODAY)
    assert preview.forbidden == []
    assert commit_upload(perm_db, preview, actor=kim).new == 1


def test_single_indicator_assignment(perm_db: Database) -> None:
    accounts.set_assignments(perm_db, OPERATOR, "otto", indicators=["formate_aktiv"])
    otto = actor_for(perm_db, "koordination_anderes")
    ok = (HEADER + "formate_aktiv;01.2025;2;\r\n").encode()
    import_file(perm_db, ok, filename="f.csv", actor=otto, today=TODAY)
    other_of_vorhaben_7 = (HEADER + "erwartungen_dokumentiert;01.2025;20;\r\n").encode()
    with pytest.raises(PermissionDenied):
        import_file(perm_db, other_of_vorhaben_7, filename="e.csv", actor=otto, today=TODAY)


def test_role_comes_from_the_database_not_from_the_session(perm_db: Database) -> None:
    """A stale or forged session Actor gets no more than the account has now."""
    forged = Actor(name="lea", role="admin", source="lokal")
    with pytest.raises(PermissionDenied, match="Leser"):
        target_edit(perm_db, forged)
    kim = actor_for(perm_db, "koordination_dieses")
    accounts.set_disabled(perm_db, OPERATOR, "kim")
    with pytest.raises(PermissionDenied, match="deaktiviert"):
        upload_commit(perm_db, kim)
    accounts.set_disabled(perm_db, OPERATOR, "kim", disabled=False)
    accounts.set_assignments(perm_db, OPERATOR, "kim", vorhaben=[OTHER])
    with pytest.raises(PermissionDenied):
        upload_commit(perm_db, kim)  # the session still says Vorhaben 2; the DB says 1


def test_sso_person_gets_the_role_of_the_account_with_the_same_email(perm_db: Database) -> None:
    actor, why = login.actor_from_claims(perm_db, {"email": "KIM@aachen.de", "name": "Kim Meier", "sub": "x1"})
    assert why is None and actor is not None
    assert (actor.role, actor.source, actor.vorhaben, actor.name) == (
        "koordination",
        "oidc",
        frozenset({THIS}),
        "kim@aachen.de",
    )
    upload_commit(perm_db, actor)  # allowed: Vorhaben 2
    stranger, _ = login.actor_from_claims(perm_db, {"email": "fremd@aachen.de"})
    assert stranger is not None and stranger.role == "leser"
    with pytest.raises(PermissionDenied):
        upload_commit(perm_db, stranger)


def test_cli_operator_is_admin_and_recorded_with_the_os_user(perm_db: Database) -> None:
    cli = Actor.cli("Automatisierung")
    target_edit(perm_db, cli)
    row = audit_store.audit_df(perm_db, action="zielwert_aendern").iloc[0]
    assert row["actor"].startswith("Automatisierung (Kommandozeile, Benutzer ")


def test_last_admin_cannot_be_disabled_or_demoted(perm_db: Database) -> None:
    from kora.errors import KoraError

    with pytest.raises(KoraError, match="letzte aktive Admin"):
        accounts.set_disabled(perm_db, OPERATOR, "ada")
    with pytest.raises(KoraError, match="letzte aktive Admin"):
        accounts.update_user(perm_db, OPERATOR, "ada", role="leser")
