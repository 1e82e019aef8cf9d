"""Editing single Maßnahmen (kora.massnahmen.edit) against real temporary DuckDB files: the same
rules as an upload, append-only versions, re-derived indicators, audit, and every refusal."""

from __future__ import annotations

import pandas as pd
import pytest

from kora.access import accounts
from kora.access.roles import Actor
from kora.db import Database, audit_store, massnahmen_store
from kora.errors import KoraError, PermissionDenied, ValidationError
from kora.massnahmen import check, edit, history, quelle
from tests.conftest import OPERATOR, TODAY
from tests.test_massnahmen_import import HEADER, ROWS, K, current, do_import, files, liste

READER = Actor(name="lea", role="leser", source="lokal")


def table(db: Database) -> pd.DataFrame:
    return edit.editable_table(history.massnahmen_list(db, kommune=K))


def edited(db: Database, nr: str, **cells: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    original = table(db)
    changed = original.copy()
    row = changed.index[changed["Nr"] == nr][0]
    for header, value in cells.items():
        changed.loc[row, header.replace("_", " ")] = value
    return original, changed


@pytest.fixture
def listed(db: Database) -> Database:
    do_import(db, files())
    quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune=K, today=TODAY)
    return db


def test_editor_table_round_trips_to_no_change(listed: Database) -> None:
    original = table(listed)
    assert list(original.columns) == list(edit.HEADERS) and original["Nr"].tolist() == ["M-01", "M-02", "M-03"]
    assert original.loc[0, "Länge km"] == "1,2" and original.loc[0, "Planungsbeginn"] == "01.2025"
    assert edit.changed_rows(original, original.copy()).empty
    cleared = original.copy()
    cleared.loc[2, "Länge km"] = None  # already empty: None and "" are the same cell
    assert edit.changed_rows(original, cleared).empty


def test_edit_stores_a_version_rederives_and_audits(listed: Database) -> None:
    original, changed = edited(listed, "M-02", Phase="umgesetzt", Fertigstellung="10.2025")
    rows = edit.changed_rows(original, changed)
    assert rows["Nr"].tolist() == ["M-02"]
    preview = edit.preview_edit(listed, rows, actor=OPERATOR, kommune=K, today=TODAY)
    assert not preview.errors and preview.preview.count("changed") == 1
    assert "Fertigstellung" in preview.table().loc[0, "Änderungen"]
    n_versions = massnahmen_store.count_versions(listed, kommune=K)
    state = massnahmen_store.list_state(listed, kommune=K)
    result = edit.save_edit(listed, rows, actor=OPERATOR, kommune=K, reason="Abnahme am 14.10.", state=state,
                            today=TODAY)  # fmt: skip
    assert result.changed == 1 and result.new == 0 and result.derived >= 1
    assert massnahmen_store.count_versions(listed, kommune=K) == n_versions + 1  # append-only: one new version
    versions = history.versions_of(listed, kommune=K, nr="M-02")
    assert len(versions) == 2
    assert current(listed, "km_umgesetzt")["2025-10"] == pytest.approx(0.8)
    uploads = massnahmen_store.list_uploads_df(listed, kommune=K)
    newest = uploads.iloc[0]
    assert newest["filename"] == f"Maßnahmenliste: {edit.EDIT_SOURCE}" and newest["reason"] == "Abnahme am 14.10."
    audit = audit_store.audit_df(listed, action="massnahmen_upload", outcome="ok")
    assert any(edit.EDIT_SOURCE in str(o) for o in audit["object"])


def test_bad_edit_gets_the_upload_message_with_the_nr_and_changes_nothing(listed: Database) -> None:
    original, changed = edited(listed, "M-03", Länge_km="-2", Beschluss="31.02.2025")
    rows = edit.changed_rows(original, changed)
    preview = edit.preview_edit(listed, rows, actor=OPERATOR, kommune=K, today=TODAY)
    errors = preview.error_table()
    assert list(errors.columns) == ["Nr", "Spalte", "Wert", "Meldung"]
    assert set(errors["Nr"]) == {"M-03"} and {"Länge km", "Beschluss"} <= set(errors["Spalte"])
    # exactly the rules of an upload: the same row as a file gets the same messages
    as_file = liste(ROWS[0], ROWS[1], ";".join(changed.iloc[2].astype(str)))
    upload_problems = check.check_files([("l.csv", as_file)], known_nrs=set(), today=TODAY).problems
    assert [p.message for p in upload_problems] == errors["Meldung"].tolist()
    before = (massnahmen_store.list_state(listed, kommune=K), current(listed, "km_umgesetzt"))
    with pytest.raises(ValidationError, match="nicht gespeichert") as refused:
        edit.save_edit(listed, rows, actor=OPERATOR, kommune=K, reason="Korrektur", today=TODAY)
    assert all("Maßnahme M-03" in p.message for p in refused.value.problems)
    assert (massnahmen_store.list_state(listed, kommune=K), current(listed, "km_umgesetzt")) == before
    assert len(audit_store.audit_df(listed, action="massnahmen_upload", outcome="abgelehnt")) == 1


def _coordinator(db: Database) -> Actor:
    accounts.add_user(db, OPERATOR, "kim", display_name="Kim", role="koordination", password="langes-passwort-123",
                      vorhaben=[5], kommune=K)  # fmt: skip
    return Actor(name="kim", role="koordination", source="lokal")


@pytest.mark.parametrize(
    ("case", "error", "match"),
    [
        ("no reason", ValidationError, "Korrekturgrund"),
        ("reader", PermissionDenied, None),
        ("anonymous", PermissionDenied, None),
        ("unknown Nr", ValidationError, "nicht gespeichert"),
        ("phase contradicts dates", ValidationError, "nicht gespeichert"),
        ("stale editor", KoraError, "jemand anderes"),
        ("rows added", ValidationError, "hinzugefügt"),
        ("nothing changed", ValidationError, "keine Maßnahme geändert"),
    ],
)
def test_refusals_store_nothing(listed: Database, case: str, error: type[Exception], match: str | None) -> None:
    accounts.add_user(
        listed, OPERATOR, "lea", display_name="Lea", role="leser", password="langes-passwort-123", kommune=K
    )
    original, changed = edited(listed, "M-01", Projektleitung="C. Braun")
    actor: Actor | None = OPERATOR
    reason, state = "Korrektur", massnahmen_store.list_state(listed, kommune=K)
    if case == "no reason":
        reason = "  "
    elif case == "reader":
        actor = READER
    elif case == "anonymous":
        actor = None
    elif case == "unknown Nr":
        changed.loc[0, "Nr"] = "M-99"
    elif case == "phase contradicts dates":
        changed.loc[0, "Phase"] = "Idee"
    elif case == "stale editor":
        state = (state[0] - 1, state[1])
    elif case == "rows added":
        changed = pd.concat([changed, changed.tail(1)], ignore_index=True)
    elif case == "nothing changed":
        changed = original
    before = massnahmen_store.list_state(listed, kommune=K)
    with pytest.raises(error, match=match):
        rows = edit.changed_rows(original, changed)
        edit.save_edit(listed, rows, actor=actor, kommune=K, reason=reason, state=state, today=TODAY)
    assert massnahmen_store.list_state(listed, kommune=K) == before
    assert history.massnahmen_list(listed, kommune=K).set_index("nr").loc["M-01", "projektleitung"] == "A. Schmidt"


def test_a_koordinatorin_may_edit(listed: Database) -> None:
    kim = _coordinator(listed)
    original, changed = edited(listed, "M-01", Projektleitung="C. Braun")
    result = edit.save_edit(listed, edit.changed_rows(original, changed), actor=kim, kommune=K, reason="neue PL",
                            today=TODAY)  # fmt: skip
    assert result.changed == 1
    assert history.massnahmen_list(listed, kommune=K).set_index("nr").loc["M-01", "projektleitung"] == "C. Braun"


def test_header_constant_matches_the_upload_template() -> None:
    assert ";".join(edit.HEADERS) == HEADER
