"""Every hostile benchmark package of tests/data/network_broken is rejected, German, DB unchanged."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kora.db import Database
from kora.network import service
from tests.conftest import OPERATOR, TODAY
from tests.test_permissions import snapshot

CORPUS = Path(__file__).resolve().parent / "data" / "network_broken"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _own_is_aachen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KORA_KOMMUNE", raising=False)


def test_manifest_covers_every_file() -> None:
    files = {p.name for p in CORPUS.glob("*.zip")} - {"valid_bonn.zip"}
    assert files == set(MANIFEST)
    assert len(files) >= 30


def test_the_base_package_is_valid(db: Database) -> None:
    outcome = service.import_package(
        db, (CORPUS / "valid_bonn.zip").read_bytes(), filename="valid_bonn.zip", actor=OPERATOR, today=TODAY
    )
    assert outcome.errors == []
    assert (outcome.kommune, outcome.new, outcome.changed) == ("bonn", 11, 0)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hostile_package_is_rejected_and_changes_nothing(db: Database, name: str) -> None:
    expected = MANIFEST[name]
    before = snapshot(db)
    outcome = service.import_package(db, (CORPUS / name).read_bytes(), filename=name, actor=OPERATOR, today=TODAY)
    assert not outcome.ok
    hits = [p for p in outcome.errors if expected["message"] in p.message]
    assert hits, [str(p) for p in outcome.errors]
    assert any(expected["column"] in (p.column or "") for p in hits), [p.column for p in hits]
    assert snapshot(db) == before
    audit = db.rows("SELECT action, outcome, object FROM audit_log WHERE action = 'netzwerk_import'")
    assert audit == [("netzwerk_import", "abgelehnt", name)]


def test_dry_run_of_a_hostile_package_writes_no_audit_row(db: Database) -> None:
    before = db.scalar("SELECT count(*) FROM audit_log")
    outcome = service.import_package(
        db, (CORPUS / "wrong_hash.zip").read_bytes(), filename="x.zip", actor=OPERATOR, today=TODAY, dry_run=True
    )
    assert not outcome.ok
    assert db.scalar("SELECT count(*) FROM audit_log") == before


def test_all_problems_are_listed_at_once(db: Database) -> None:
    """A package with several faults names each of them (like the readings upload does)."""
    outcome = service.import_package(
        db, (CORPUS / "duplicate_rows.zip").read_bytes(), filename="d.zip", actor=OPERATOR, today=TODAY
    )
    assert [p.line for p in outcome.errors] == [13]  # the repeated row, pointing back at line 4
    assert "Zeile 4" in outcome.errors[0].message
