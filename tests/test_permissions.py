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
from kora.network import members
from kora.network import service as network_service
from kora.plan import edits, setup
from kora.plan.files import PLAN_FILE
from kora.readings.commit import commit_upload, import_file
from kora.readings.preview import preview_upload
from kora.readings.revert import revert_upload
from kora.samples.beispieldaten import load_demo, remove_demo
from tests.conftest import KOMMUNE, OPERATOR, TODAY

IND = "zuarbeit_stunden"  # belongs to Vorhaben 2 only
THIS, OTHER = 2, 1
MILESTONE = "M2.1"
HEADER = "Indikator;Monat;Wert;Kommentar\r\n"
NEW_FILE = (HEADER + f"{IND};01.2025;14;\r\n{IND};02.2025;13;\r\n").encode()
CORRECTION = (HEADER + f"{IND};01.2025;15;\r\n").encode()

ROLES = (
    "anonym",
    "leser",
    "koordination_anderes",
    "koordination_dieses",
    "admin",
    # a shared installation: people of a second Kommune (München) with the same roles there
    "koordination_andere_kommune",
    "admin_andere_kommune",
)
SECOND = "muenchen"
PEOPLE = {  # username -> (role, Vorhaben)
    "lea": ("leser", ()),
    "otto": ("koordination", (OTHER,)),
    "kim": ("koordination", (THIS,)),
    "ada": ("admin", ()),
    "bea": ("leser", ()),  # the account the user-management cells act on
}
SECOND_PEOPLE = {"moritz": ("koordination", (THIS,)), "mia": ("admin", ())}  # belong to München
ROLE_USER = {
    "leser": "lea",
    "koordination_anderes": "otto",
    "koordination_dieses": "kim",
    "admin": "ada",
    "koordination_andere_kommune": "moritz",
    "admin_andere_kommune": "mia",
}


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


def second_plan(folder: Path) -> Path:
    """The same plan files for München: a shared installation holds both Kommunen."""
    path = folder / "plan_muenchen.toml"
    path.write_text(
        PLAN_FILE.read_text(encoding="utf-8").replace('kommune = "aachen"', f'kommune = "{SECOND}"', 1),
        encoding="utf-8",
    )
    return path


def _build_template(path: Path, *, with_upload: bool) -> Path:
    db = open_database(path)
    setup.init(db, actor=OPERATOR)
    setup.init(db, plan_path=second_plan(path.parent), actor=OPERATOR)
    for name, (role, vorhaben) in PEOPLE.items():
        accounts.add_user(db, OPERATOR, name, role=role, vorhaben=vorhaben, email=f"{name}@aachen.de", kommune=KOMMUNE)
    for name, (role, vorhaben) in SECOND_PEOPLE.items():
        accounts.add_user(db, OPERATOR, name, role=role, vorhaben=vorhaben, email=f"{name}@muenchen.de", kommune=SECOND)
        members.set_user_kommune(db, OPERATOR, name, SECOND)
    if with_upload:
        import_file(db, NEW_FILE, filename="erst.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
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


@pytest.fixture(autouse=True)
def _own_is_aachen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)


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
    preview = preview_upload(db, data, filename="neu.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
    commit_upload(db, preview, actor=actor)


def correction(db: Database, actor: Actor | None) -> None:
    preview = preview_upload(db, CORRECTION, filename="korr.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
    assert preview.needs_reason
    commit_upload(db, preview, actor=actor, reason="Doppelt gezählt")


def revert(db: Database, actor: Actor | None) -> None:
    revert_upload(db, 1, actor=actor, reason="falsche Datei", kommune=KOMMUNE)


def target_edit(db: Database, actor: Actor | None) -> None:
    edits.set_plan_value(db, actor, IND, field="target", year=2026, value=9.0, reason="Beschluss AK", kommune=KOMMUNE)


def baseline_edit(db: Database, actor: Actor | None) -> None:
    edits.set_plan_value(db, actor, IND, field="baseline", value=17.0, reason="Nacherhebung", kommune=KOMMUNE)


def weight_edit(db: Database, actor: Actor | None) -> None:
    edits.set_plan_value(db, actor, IND, field="weight", value=2.0, reason="Schwerpunkt", kommune=KOMMUNE)


def milestone_edit(db: Database, actor: Actor | None) -> None:
    edits.set_milestone(
        db,
        actor,
        MILESTONE,
        status="erreicht",
        reached_on=dt.date(2026, 3, 1),
        reason="Protokoll",
        today=TODAY,
        kommune=KOMMUNE,
    )


def assignment(db: Database, actor: Actor | None) -> None:
    accounts.set_assignments(db, actor, "otto", vorhaben=[OTHER, 3], kommune=KOMMUNE)  # otto is also a role: he may not


def user_add(db: Database, actor: Actor | None) -> None:
    accounts.add_user(db, actor, "neu", role="leser", kommune=KOMMUNE)


def user_change(db: Database, actor: Actor | None) -> None:
    accounts.update_user(db, actor, "bea", role="admin", kommune=KOMMUNE)


def user_disable(db: Database, actor: Actor | None) -> None:
    accounts.set_disabled(db, actor, "bea", kommune=KOMMUNE)


def user_form(db: Database, actor: Actor | None) -> None:
    accounts.edit_user(
        db,
        actor,
        "bea",
        role="koordination",
        display_name="Bea",
        email=None,
        password=None,
        disabled=False,
        kommune=KOMMUNE,
    )


def user_password(db: Database, actor: Actor | None) -> None:
    accounts.change_password(db, actor, "bea", "ein-neues-passwort", kommune=KOMMUNE)


def demo_load(db: Database, actor: Actor | None) -> None:
    load_demo(db, actor=actor, today=TODAY, kommune=KOMMUNE)


def demo_remove(db: Database, actor: Actor | None) -> None:
    remove_demo(db, actor=actor, kommune=KOMMUNE)


def plan_reload(db: Database, actor: Actor | None) -> None:
    setup.init(db, reload=True, actor=actor)


def network_import(db: Database, actor: Actor | None) -> None:
    data = (Path(__file__).parent / "data" / "network_broken" / "valid_bonn.zip").read_bytes()
    outcome = network_service.import_package(db, data, filename="bonn.zip", actor=actor, today=TODAY)
    assert outcome.ok, outcome.errors


def kommune_assignment(db: Database, actor: Actor | None) -> None:
    members.set_user_kommune(db, actor, "bea", SECOND)


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
    "netzwerk_import": (network_import, ADMIN_ONLY, "netzwerk_import"),
    "kommune_zuordnen": (kommune_assignment, ADMIN_ONLY, "kommune_zuordnen"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_write_matrix(perm_db: Database, entry: str, role: str) -> None:
    write, allowed, action = ENTRY_POINTS[entry]
    if entry == "beispieldaten_entfernen":
        load_demo(perm_db, actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
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
    accounts.set_assignments(
        perm_db, OPERATOR, "kim", vorhaben=[6], kommune=KOMMUNE
    )  # abstimmungsschleifen serves 4 and 6
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + "abstimmungsschleifen;01.2025;3;\r\n").encode()
    preview = preview_upload(perm_db, data, filename="a.csv", actor=kim, today=TODAY, kommune=KOMMUNE)
    assert preview.forbidden == []
    assert commit_upload(perm_db, preview, actor=kim).new == 1


def test_mixed_file_is_refused_whole_and_the_preview_says_why(perm_db: Database) -> None:
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + f"{IND};04.2025;11;\r\nkritik_extern;04.2025;40;\r\n").encode()
    preview = preview_upload(perm_db, data, filename="mix.csv", actor=kim, today=TODAY, kommune=KOMMUNE)
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
    preview = preview_upload(perm_db, data, filename="mix.csv", actor=kim, today=TODAY, kommune=KOMMUNE)
    assert preview.forbidden == ["kritik_extern"]
    assert snapshot(perm_db) == before
    new = audit_rows(perm_db)[len(audit_before) :]
    assert [(who, a, o) for _, who, a, o in new] == [("kim", "upload", "verweigert")]
    row = audit_store.audit_df(perm_db, outcome="verweigert").iloc[0]
    assert row["object"] == "mix.csv" and "kritik_extern" in row["detail"]
    # in scope: a preview writes no audit row; a dry run of the refused file writes none either
    n = len(audit_rows(perm_db))
    preview_upload(
        perm_db,
        (HEADER + f"{IND};04.2025;11;\r\n").encode(),
        filename="ok.csv",
        actor=kim,
        today=TODAY,
        kommune=KOMMUNE,
    )
    import_file(perm_db, data, filename="mix.csv", actor=kim, today=TODAY, dry_run=True, kommune=KOMMUNE)
    assert len(audit_rows(perm_db)) == n


def test_out_of_scope_cli_import_is_refused_with_one_audit_row(perm_db: Database) -> None:
    otto = actor_for(perm_db, "koordination_anderes")
    before = snapshot(perm_db)
    audit_before = audit_rows(perm_db)
    with pytest.raises(PermissionDenied, match="zuarbeit_stunden"):
        import_file(
            perm_db,
            (HEADER + f"{IND};06.2025;9;\r\n").encode(),
            filename="x.csv",
            actor=otto,
            today=TODAY,
            kommune=KOMMUNE,
        )
    assert snapshot(perm_db) == before
    new = audit_rows(perm_db)[len(audit_before) :]
    assert [(who, a, o) for _, who, a, o in new] == [("otto", "upload", "verweigert")]


def test_unchanged_cells_of_other_vorhaben_do_not_block_an_upload(perm_db: Database) -> None:
    """A coordinator may re-upload a sheet that repeats others' values unchanged: only writes count."""
    import_file(
        perm_db,
        (HEADER + "kritik_extern;01.2025;50;\r\n").encode(),
        filename="o.csv",
        actor=OPERATOR,
        today=TODAY,
        kommune=KOMMUNE,
    )
    kim = actor_for(perm_db, "koordination_dieses")
    data = (HEADER + f"{IND};05.2025;11;\r\nkritik_extern;01.2025;50;\r\n").encode()
    preview = preview_upload(perm_db, data, filename="voll.csv", actor=kim, today=TODAY, kommune=KOMMUNE)
    assert preview.forbidden == []
    assert commit_upload(perm_db, preview, actor=kim).new == 1


def test_single_indicator_assignment(perm_db: Database) -> None:
    accounts.set_assignments(perm_db, OPERATOR, "otto", indicators=["formate_aktiv"], kommune=KOMMUNE)
    otto = actor_for(perm_db, "koordination_anderes")
    ok = (HEADER + "formate_aktiv;01.2025;2;\r\n").encode()
    import_file(perm_db, ok, filename="f.csv", actor=otto, today=TODAY, kommune=KOMMUNE)
    other_of_vorhaben_7 = (HEADER + "erwartungen_dokumentiert;01.2025;20;\r\n").encode()
    with pytest.raises(PermissionDenied):
        import_file(perm_db, other_of_vorhaben_7, filename="e.csv", actor=otto, today=TODAY, kommune=KOMMUNE)


def test_role_comes_from_the_database_not_from_the_session(perm_db: Database) -> None:
    """A stale or forged session Actor gets no more than the account has now."""
    forged = Actor(name="lea", role="admin", source="lokal")
    with pytest.raises(PermissionDenied, match="Leser"):
        target_edit(perm_db, forged)
    kim = actor_for(perm_db, "koordination_dieses")
    accounts.set_disabled(perm_db, OPERATOR, "kim", kommune=KOMMUNE)
    with pytest.raises(PermissionDenied, match="deaktiviert"):
        upload_commit(perm_db, kim)
    accounts.set_disabled(perm_db, OPERATOR, "kim", disabled=False, kommune=KOMMUNE)
    accounts.set_assignments(perm_db, OPERATOR, "kim", vorhaben=[OTHER], kommune=KOMMUNE)
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

    accounts.set_disabled(perm_db, OPERATOR, "mia", kommune=KOMMUNE)  # München's admin: ada is then the last one
    with pytest.raises(KoraError, match="letzte aktive Admin"):
        accounts.set_disabled(perm_db, OPERATOR, "ada", kommune=KOMMUNE)
    with pytest.raises(KoraError, match="letzte aktive Admin"):
        accounts.update_user(perm_db, OPERATOR, "ada", role="leser", kommune=KOMMUNE)


# --- a shared installation: two Kommunen, each one's people only in theirs -----------------------


def second_upload(db: Database, actor: Actor | None, *, month: str = "03.2025") -> None:
    data = (HEADER + f"{IND};{month};12;\r\n").encode()
    preview = preview_upload(
        db, data, filename="m.csv", actor=OPERATOR, today=TODAY, kommune=SECOND, audit_rejection=False
    )
    commit_upload(db, preview, actor=actor)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("koordination_andere_kommune", True),  # München's coordinator of Vorhaben 2, in München
        ("admin_andere_kommune", True),
        ("koordination_dieses", False),  # Aachen's coordinator of Vorhaben 2 may not write München's data
        ("admin", False),  # nor Aachen's admin
        ("leser", False),
    ],
)
def test_each_kommune_writes_only_its_own_readings(perm_db: Database, role: str, allowed: bool) -> None:
    actor = actor_for(perm_db, role)
    before = snapshot(perm_db)
    if allowed:
        second_upload(perm_db, actor)
        assert readings_count(perm_db, SECOND) == 1
    else:
        with pytest.raises(PermissionDenied, match="Keine Berechtigung"):
            second_upload(perm_db, actor)
        assert snapshot(perm_db) == before


def readings_count(db: Database, kommune: str) -> int:
    return int(db.scalar("SELECT count(*) FROM readings WHERE kommune = ?", [kommune]))


def test_refusal_names_both_kommunen(perm_db: Database) -> None:
    with pytest.raises(PermissionDenied, match=r"nur in der eigenen Kommune.*gehört zu München.*beträfe Aachen"):
        upload_commit(perm_db, actor_for(perm_db, "admin_andere_kommune"))
    with pytest.raises(PermissionDenied, match=r"gehört zu Aachen.*beträfe München"):
        second_upload(perm_db, actor_for(perm_db, "admin"))


def test_the_machine_operator_acts_for_every_kommune(perm_db: Database) -> None:
    second_upload(perm_db, OPERATOR)
    upload_commit(perm_db, OPERATOR)
    assert readings_count(perm_db, SECOND) == 1


def test_sso_person_of_the_second_kommune_is_kept_out_of_the_first(perm_db: Database) -> None:
    actor, why = login.actor_from_claims(perm_db, {"email": "mia@muenchen.de", "name": "Mia", "sub": "m1"})
    assert why is None and actor is not None and actor.is_admin
    with pytest.raises(PermissionDenied, match="gehört zu München"):
        target_edit(perm_db, actor)
    second_upload(perm_db, actor)


def test_moving_a_person_to_another_kommune_takes_effect_at_once(perm_db: Database) -> None:
    kim = actor_for(perm_db, "koordination_dieses")
    members.set_user_kommune(perm_db, OPERATOR, "kim", SECOND)
    with pytest.raises(PermissionDenied, match="gehört zu München"):
        upload_commit(perm_db, kim)  # the open session still says Aachen; the DB says München


def test_everyone_sees_the_shared_indicators_of_all_kommunen(perm_db: Database) -> None:
    """Reading is not limited: the Städtevergleich shows every Kommune's shared indicators."""
    second_upload(perm_db, OPERATOR, month="01.2025")
    network_import(perm_db, OPERATOR)
    result = network_service.comparison(perm_db, indicator_id="km_umgesetzt", year=2026, today=TODAY)
    assert "bonn" in set(result.table["kommune"])
