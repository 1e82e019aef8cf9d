"""AppTest of the page „Maßnahmen“: upload a list, switch a source, see the Maßnahmen behind a number."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kora.db import open_database
from kora.massnahmen import quelle, upload
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
