"""AppTest of the page "Städtevergleich": first start, Beispiel-Pakete, import with problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.db import open_database
from kora.plan import setup as ops
from kora.samples import partner_packages
from kora.samples.beispieldaten import load_demo
from tests.conftest import APP, KOMMUNE, OPERATOR

PAGE = "pages/dashboard/staedtevergleich.py"
CORPUS = Path(__file__).resolve().parent / "data" / "network_broken"


@pytest.fixture(autouse=True)
def _own_is_aachen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at.switch_page(PAGE).run()


def with_samples(db_path: Path) -> None:
    db = open_database(db_path)
    ops.init(db, actor=OPERATOR)
    load_demo(db, actor=OPERATOR, kommune=KOMMUNE)
    partner_packages.load_samples(db, actor=OPERATOR)
    db.close()


def test_first_start_offers_the_synthetic_packages(app_env: Path) -> None:
    at = open_page()
    assert not at.exception and not at.error
    assert any("noch keine Werte anderer Kommunen" in i.value for i in at.info)
    at.button(key="nw_samples").click().run()
    assert not at.exception
    assert not any("noch keine Werte anderer Kommunen" in i.value for i in at.info)
    assert "Karlsruhe" in at.dataframe[0].value["Kommune"].tolist()


def test_page_answers_where_we_stand_and_whom_to_ask(app_env: Path) -> None:
    with_samples(app_env)
    at = open_page()
    assert not at.exception and not at.error
    assert at.selectbox(key="nw_indicator").value == "km_umgesetzt"
    text = " ".join(m.value for m in at.markdown)
    assert "Aachen: Rang" in text and "km je 100 000 EW" in text
    assert "Von wem lernen?" in text and "Partnerstadt für Vorhaben 1" in text
    assert any("Beispieldaten" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert "► Aachen" in table["Kommune"].tolist()
    assert any("alt" in s for s in table["Stand"])  # Oldenburg's package is six months behind
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert fig["data"][0]["orientation"] == "h"


def test_other_indicator_and_year(app_env: Path) -> None:
    with_samples(app_env)
    at = open_page()
    at.selectbox(key="nw_indicator").set_value("planungsdauer_monate").run()
    assert not at.exception and not at.error
    assert any("Monate" in m.value for m in at.markdown)


def test_import_shows_every_problem_and_stores_nothing(app_env: Path) -> None:
    with_samples(app_env)
    at = open_page()
    data = (CORPUS / "wrong_definition.zip").read_bytes()
    at.file_uploader(key="nw_upload").set_value(("bonn.zip", data, "application/zip")).run()
    assert not at.exception
    assert any("abgelehnt" in e.value for e in at.error)
    assert any("Definition weicht ab" in m.value for m in at.markdown)


def test_import_of_a_valid_package(app_env: Path) -> None:
    db = open_database(app_env)
    ops.init(db, actor=OPERATOR)
    db.close()
    at = open_page()
    data = (CORPUS / "valid_bonn.zip").read_bytes()
    at.file_uploader(key="nw_upload").set_value(("bonn.zip", data, "application/zip")).run()
    assert any("11 neu" in i.value for i in at.info)
    at.button(key="nw_store").click().run()
    assert not at.exception
    assert any("gespeichert" in s.value for s in at.success)


def test_shared_installation_each_person_sees_their_own_kommune_highlighted(
    app_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """München's admin logs into the shared installation: the page compares from München's seat,
    the other pages show München's plan, and Aachen's readings are not on them."""
    from kora.access import accounts
    from kora.network import members
    from kora.plan.files import PLAN_FILE
    from kora.readings.commit import import_file
    from tests.conftest import TODAY

    monkeypatch.delenv("KORA_AUTH", raising=False)
    plan_file = tmp_path / "muenchen.toml"
    plan_file.write_text(
        PLAN_FILE.read_text(encoding="utf-8")
        .replace('kommune = "aachen"', 'kommune = "muenchen"', 1)
        .replace('kommune_name = "Stadt Aachen"', 'kommune_name = "Landeshauptstadt München"', 1),
        encoding="utf-8",
    )
    db = open_database(app_env)
    ops.init(db, actor=OPERATOR)
    ops.init(db, plan_path=plan_file, actor=OPERATOR)
    csv = b"Indikator;Monat;Wert\r\nkm_umgesetzt;01.2026;3\r\n"
    assert import_file(db, csv, filename="m.csv", actor=OPERATOR, kommune="muenchen", today=TODAY).ok
    csv = b"Indikator;Monat;Wert\r\nkm_umgesetzt;01.2026;1\r\n"
    assert import_file(db, csv, filename="a.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE).ok
    accounts.add_user(db, OPERATOR, "mia", role="admin", password="ein-langes-passwort", kommune=KOMMUNE)
    accounts.add_user(db, OPERATOR, "ada", role="admin", password="ein-langes-passwort", kommune=KOMMUNE)
    members.set_user_kommune(db, OPERATOR, "mia", "muenchen")
    db.close()
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="login_user").input("mia")
    at.text_input(key="login_password").input("ein-langes-passwort")
    at = next(b for b in at.button if b.label == "Anmelden").click().run()
    at.switch_page("pages/dashboard/uebersicht.py").run()
    assert not at.exception
    assert "München" in at.title[0].value
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert "► München" in table["Kommune"].tolist() and "Aachen" in table["Kommune"].tolist()
