"""Received benchmark packages on the Historie page: read-only rows of the sending Kommune."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kora.db import Database, open_database
from kora.network import service
from kora.network.received import COLUMNS, received_packages
from kora.plan import setup as ops
from tests.conftest import APP, KOMMUNE, OPERATOR, TODAY

BONN = Path(__file__).resolve().parent / "data" / "network_broken" / "valid_bonn.zip"
HISTORIE = "pages/messwerte/historie.py"


def _import_bonn(db: Database) -> None:
    outcome = service.import_package(db, BONN.read_bytes(), filename="bonn.zip", actor=OPERATOR, today=TODAY)
    assert outcome.ok, outcome.errors


def test_nothing_received_gives_an_empty_table_with_the_columns(db: Database) -> None:
    assert received_packages(db, own=KOMMUNE).columns.tolist() == COLUMNS
    assert received_packages(db, own=KOMMUNE).empty


def test_a_received_package_is_listed_as_the_sending_kommunes_upload(db: Database) -> None:
    _import_bonn(db)
    table = received_packages(db, own=KOMMUNE)
    assert table["Kommune"].tolist() == ["Bonn"]
    row = table.iloc[0]
    assert row["Neu"] > 0 and row["Geändert"] == 0
    assert row["Importiert von"] == OPERATOR.name
    assert received_packages(db, own="bonn").empty  # Bonn's own installation lists no package of itself


@pytest.fixture(autouse=True)
def _own_is_aachen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)


def test_historie_page_shows_received_packages_read_only(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KORA_AUTH", "off")
    db = open_database(app_env)
    try:
        ops.init(db, actor=OPERATOR)
        _import_bonn(db)
    finally:
        db.close()
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page(HISTORIE).run()
    assert not at.exception
    assert "Pakete der Partnerstädte" in [h.value for h in at.subheader]
    tables = [d.value for d in at.dataframe if "Kommune" in d.value.columns and "Stand" in d.value.columns]
    assert len(tables) == 1 and tables[0]["Kommune"].tolist() == ["Bonn"]
    assert not [e for e in at.expander if "Bonn" in e.label]  # no revert offered for another city's package
