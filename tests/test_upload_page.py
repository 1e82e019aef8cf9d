"""AppTest of the pages "Messwerte hochladen" and "Historie".

Runs the page through app.py (switch_page) once the page is registered there; until then the
page file itself (AppTest.from_file), which exercises the same script with the same session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.access.roles import Actor
from kora.db import open_database, readings_store
from kora.plan import setup as ops
from tests.conftest import APP, KOMMUNE, OPERATOR, ROOT

UPLOAD = "pages/messwerte/upload.py"
HISTORY = "pages/messwerte/historie.py"
GOOD = b"Indikator;Monat;Wert;Kommentar\r\nkritik_extern;01.2025;4;<script>alert(1)</script>\r\nkm_umgesetzt;01.2025;0,5;\r\n"
BROKEN = b"Indikator;Monat;Wert;Kommentar\r\nkritk_extern;01.2025;4;\r\nkm_umgesetzt;13.2025;0,5;\r\n"


def open_page(page: str) -> AppTest:
    if f'"{page}"' in (ROOT / "app.py").read_text(encoding="utf-8"):
        at = AppTest.from_file(APP, default_timeout=30)
        at.run()
        return at.switch_page(page).run()
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    return at.run()


def upload(at: AppTest, data: bytes, name: str = "m.csv") -> AppTest:
    """Einzelplatz mode (tests: no accounts, localhost): the OS user acts, no name to type."""
    return at.file_uploader[0].set_value((name, data, "text/csv")).run()


def test_upload_preview_commit_success(app_env: Path) -> None:
    at = open_page(UPLOAD)
    assert not at.exception
    assert at.title[0].value == "Messwerte hochladen"
    assert len(at.get("download_button")) == 2  # CSV and XLSX templates
    at = upload(at, GOOD)
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert table["Status"].tolist() == ["🟢 neu", "🟢 neu"]
    assert table["Kommentar"].tolist()[0] == "<script>alert(1)</script>"  # text, not HTML
    assert all("<script>" not in m.value for m in at.markdown)
    at.button(key="upload_commit").click().run()
    assert not at.exception
    assert any("Gespeichert als Upload 1" in s.value for s in at.success)
    db = open_database(app_env)
    try:
        assert readings_store.count_readings(db) == 2
    finally:
        db.close()


def test_broken_file_shows_german_error_table_and_no_commit(app_env: Path) -> None:
    at = upload(open_page(UPLOAD), BROKEN, "kaputt.csv")
    assert not at.exception
    assert any("abgelehnt" in e.value and "nichts gespeichert" in e.value for e in at.error)
    errors = at.table[0].value  # st.table wraps the fix hints (a dataframe cut them off)
    assert list(errors.columns) == ["Zeile", "Spalte", "Wert", "Meldung"]
    assert errors["Zeile"].tolist() == [2, 3]
    assert errors["Spalte"].tolist() == ["A (Indikator)", "B (Monat)"]
    assert "Meinten Sie „kritik_extern“" in errors["Meldung"].iloc[0]
    assert not [b for b in at.button if b.key == "upload_commit"]
    assert [b for b in at.get("download_button") if "Vorlage" in b.proto.label]  # the template right there


def test_change_needs_korrekturgrund_in_the_page(app_env: Path) -> None:
    at = upload(open_page(UPLOAD), GOOD)
    at.button(key="upload_commit").click().run()
    changed = GOOD.replace(b";4;", b";6;")
    at = at.file_uploader[0].set_value(("m2.csv", changed, "text/csv")).run()
    assert at.dataframe[0].value["Wert"].tolist()[0] == "4 → 6"
    # Speichern is always clickable (a form sends the Korrekturgrund with the click); without one it explains
    at.button(key="upload_commit").click().run()
    assert any("Bitte zuerst einen Korrekturgrund" in e.value for e in at.error)
    assert not at.success
    # typed and clicked in one go (no Enter in between): the one click saves
    at.text_input(key="upload_reason").input("Doppelt gezählt")
    at.button(key="upload_commit").click().run()
    assert any("1 geändert" in s.value for s in at.success)


def test_identical_file_says_no_change(app_env: Path) -> None:
    at = upload(open_page(UPLOAD), GOOD)
    at.button(key="upload_commit").click().run()
    at = at.file_uploader[0].set_value(("m.csv", GOOD, "text/csv")).run()
    assert any("Keine Änderung" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "upload_commit"]


@pytest.fixture
def committed_db(app_env: Path) -> Path:
    from kora.readings.commit import import_file

    db = open_database(app_env)
    try:
        ops.init(db, actor=OPERATOR)
        import_file(db, GOOD, filename="m.csv", actor=Actor.cli("Kim"), kommune=KOMMUNE)
    finally:
        db.close()
    return app_env


def test_history_lists_uploads_and_reverts(committed_db: Path) -> None:
    at = open_page(HISTORY)
    assert not at.exception and not at.error
    uploads = at.dataframe[0].value
    assert uploads[["Nr", "Von", "Neu"]].values.tolist() == [[1, "Kim", 2]]
    versions = at.dataframe[1].value
    assert "Wert" in versions.columns
    at.text_input(key="revert_reason_1").input("falsche Datei").run()
    at.button(key="revert_1").click().run()
    assert not at.exception
    assert any("zurückgenommen" in s.value for s in at.success)
    assert at.dataframe[0].value["Art"].tolist() == ["Rücknahme", "Upload"]
