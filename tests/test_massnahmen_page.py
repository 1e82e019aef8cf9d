"""AppTest of the page „Maßnahmen“: upload a list, switch a source, see the Maßnahmen behind a number."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kora.db import massnahmen_store, open_database, readings_store
from kora.massnahmen import history, quelle, upload
from kora.plan import setup as ops
from tests.conftest import APP, OPERATOR, TODAY
from tests.test_massnahmen_import import EVENTS, ROWS, liste

PAGE = "pages/massnahmen/massnahmen.py"


def prepared(db_path: Path, *, switch: bool = False) -> None:
    db = open_database(db_path)
    ops.init(db, actor=OPERATOR)
    upload.import_list(db, [("l.csv", liste(*ROWS)), ("e.csv", EVENTS.encode("cp1252"))], actor=OPERATOR,
                       kommune="aachen", today=TODAY)  # fmt: skip
    if switch:
        quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune="aachen")
    db.close()


def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at.switch_page(PAGE).run()


def test_upload_in_the_page_then_switch_source(app_env: Path) -> None:
    db = open_database(app_env)
    ops.init(db, actor=OPERATOR)
    db.close()
    at = page()
    assert not at.exception and not at.error
    at.file_uploader[0].set_value(
        [("liste.csv", liste(*ROWS), "text/csv"), ("ereignisse.csv", EVENTS.encode("cp1252"), "text/csv")]
    ).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][:4] == ["3", "0", "0", "3"]
    at.button(key="massnahmen_commit").click().run()
    assert any("Gespeichert als Upload" in s.value for s in at.success)
    at.selectbox(key="quelle_indicator").set_value("km_umgesetzt")
    at.selectbox(key="quelle_new").set_value("massnahmen")
    at.text_input(key="quelle_reason").input("Liste ist Quelle")
    at.button[[b.label for b in at.button].index("Quelle umstellen")].click().run()
    assert any("umgestellt" in s.value for s in at.success), [e.value for e in at.error]


def test_link_target_shows_the_maßnahmen_behind_a_number(app_env: Path) -> None:
    prepared(app_env, switch=True)
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page(PAGE)
    at.query_params["indikator"] = "km_umgesetzt"
    at.query_params["monat"] = "2025-09"
    at.run()
    assert not at.exception and not at.error
    assert any("1 Maßnahmen" in h.value for h in at.subheader)
    assert at.dataframe[0].value["Nr"].tolist() == ["M-01"]  # the first table: the Maßnahmen behind the number


def test_aktionsfeld_links_a_derived_indicator(app_env: Path) -> None:
    prepared(app_env, switch=True)
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/dashboard/aktionsfeld.py").run()
    assert not at.exception
    links = [el for el in at.get("page_link") if "Welche Maßnahmen" in el.proto.label]
    assert len(links) == 1


# --- editing single Maßnahmen on the page ------------------------------------------------------


def editing(at: AppTest) -> AppTest:
    return at.toggle(key="edit_on").set_value(True).run()


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The read-only table that has `column` (AppTest keeps no key for plain st.dataframe)."""
    return next(d.value for d in at.dataframe if d.editing_mode == "read_only" and column in d.value.columns)


def edit_cells(at: AppTest, edits: dict[int, dict[str, str]]) -> AppTest:
    key = at.data_editor[0].key  # depends on filters and the list's state (kora.web.massnahmen.editor_key)
    at.session_state[key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_edit_a_maßnahme_with_reason_stores_a_version_and_rederives(app_env: Path) -> None:
    prepared(app_env, switch=True)
    at = editing(page())
    assert not at.exception, at.exception
    editor = at.data_editor[0]
    assert editor.key.startswith("massnahmen_editor_0_") and editor.value["Nr"].tolist() == ["M-01", "M-02", "M-03"]
    at = edit_cells(at, {1: {"Phase": "umgesetzt", "Fertigstellung": "10.2025"}})
    assert not at.exception and not at.error, [e.value for e in at.error]
    preview = frame_with(at, "Änderungen")
    assert preview["Nr"].tolist() == ["M-02"] and "Fertigstellung" in preview["Änderungen"].iloc[0]
    at.button(key="edit_commit").click().run()
    assert any("Korrekturgrund" in e.value for e in at.error)  # no reason: refused, nothing stored
    at.text_input(key="edit_reason").input("Abnahme im Oktober")
    at.button(key="edit_commit").click().run()
    assert not at.exception, at.exception
    assert any("Gespeichert als Upload" in s.value for s in at.success), [e.value for e in at.error]
    db = open_database(app_env)
    try:
        row = history.massnahmen_list(db, kommune="aachen").set_index("nr").loc["M-02"]
        assert row["fertigstellung"] == "2025-10" and row["phase"] == "umgesetzt"
        values = readings_store.current_readings_df(db, kommune="aachen")
        km = values[(values["indicator_id"] == "km_umgesetzt") & (values["month"] == pd.Timestamp("2025-10-01"))]
        assert km["value"].tolist() == [pytest.approx(0.8)]
        uploads = massnahmen_store.list_uploads_df(db, kommune="aachen")
        assert uploads.iloc[0]["reason"] == "Abnahme im Oktober"
    finally:
        db.close()


def test_bad_edit_is_refused_with_the_nr_and_changes_nothing(app_env: Path) -> None:
    prepared(app_env)
    db = open_database(app_env)
    before = massnahmen_store.list_state(db, kommune="aachen")
    db.close()
    at = edit_cells(editing(page()), {2: {"Länge km": "-3", "Beschluss": "31.02.2025"}})
    assert not at.exception, at.exception
    assert any("nicht gespeichert" in e.value for e in at.error)
    errors = frame_with(at, "Meldung")
    assert set(errors["Nr"]) == {"M-03"} and {"Länge km", "Beschluss"} <= set(errors["Spalte"])
    assert not [b for b in at.button if b.key == "edit_commit"]  # nothing to save
    db = open_database(app_env)
    try:
        assert massnahmen_store.list_state(db, kommune="aachen") == before
    finally:
        db.close()


def test_readers_see_no_editor(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kora.access import accounts

    prepared(app_env)
    db = open_database(app_env)
    accounts.add_user(db, OPERATOR, "lea", role="leser", password="langes-passwort-123", kommune="aachen")
    db.close()
    monkeypatch.delenv("KORA_AUTH", raising=False)
    monkeypatch.delenv("KORA_LESEN", raising=False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="login_user").input("lea")
    at.text_input(key="login_password").input("langes-passwort-123")
    next(b for b in at.button if b.label == "Anmelden").click().run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert not at.data_editor and not [t for t in at.toggle if t.key == "edit_on"]
    assert any("korrigieren dürfen Koordinator" in i.value for i in at.info)


def test_historie_offers_no_readings_revert_of_a_list_upload(app_env: Path) -> None:
    db = open_database(app_env)
    ops.init(db, actor=OPERATOR)
    result = upload.import_list(db, [("l.csv", liste(*ROWS))], actor=OPERATOR, kommune="aachen", today=TODAY)
    quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune="aachen", today=TODAY)
    db.close()
    assert result.result is not None
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/messwerte/historie.py").run()
    assert not at.exception, at.exception
    reasons = [c.value for c in at.caption if c.value.startswith("Nicht möglich")]
    assert reasons and all("Maßnahmen" in r for r in reasons), reasons  # the list upload and the source switch
    assert not [b for b in at.button if b.label == "Zurücknehmen"]


def test_milestone_change_on_the_admin_page_rederives_meilensteine_erreicht(app_env: Path) -> None:
    import datetime as dt

    from tests.conftest import load_demo

    db = open_database(app_env)
    ops.init(db, actor=OPERATOR)
    load_demo(db, today=TODAY, actor=OPERATOR, kommune="aachen")
    quelle.set_quelle(db, OPERATOR, "meilensteine_erreicht", "meilensteine", reason="aus Meilensteinen",
                      kommune="aachen", today=TODAY)  # fmt: skip
    n_uploads = len(readings_store.uploads_df(db, kommune="aachen"))
    db.close()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/verwaltung/admin.py").run()
    at.selectbox(key="adm_milestone").set_value("M1.3").run()
    next(r for r in at.radio if r.label == "Neuer Status").set_value("erreicht")
    at.date_input(key="adm_ms_reached_M1.3").set_value(dt.date(2026, 6, 20))
    at.text_input(key="adm_ms_reason").input("Nachweis liegt vor")
    at = next(b for b in at.button if b.label == "Meilenstein speichern").click().run()
    assert not at.exception, at.exception
    assert any("gespeichert" in s.value for s in at.success), [e.value for e in at.error]
    db = open_database(app_env)
    try:
        uploads = readings_store.uploads_df(db, kommune="aachen")
        assert len(uploads) == n_uploads + 1 and "M1.3" in str(uploads.iloc[0]["filename"])
    finally:
        db.close()
