"""The corpus of broken Maßnahmenlisten (tests/data/massnahmen_broken, see make_corpus.py):
each file is rejected with the expected row, column and message, and the DB stays unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kora.db import Database
from kora.massnahmen import upload
from tests.conftest import OPERATOR, TODAY
from tests.test_db import snapshot

CORPUS = Path(__file__).resolve().parent / "data" / "massnahmen_broken"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_matches_the_generator() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    assert set(module.CASES) == set(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_broken_list_is_rejected_where_expected(db: Database, name: str) -> None:
    case = MANIFEST[name]
    before = snapshot(db)
    files = [(f, (CORPUS / f).read_bytes()) for f in case["files"]]
    out = upload.import_list(db, files, actor=OPERATOR, kommune="aachen", today=TODAY)
    assert not out.ok
    first = out.preview.errors[0]
    assert (first.line, first.column) == (case["line"], case["column"]), out.preview.errors
    assert case["message"] in first.message
    assert snapshot(db) == before
    assert db.scalar("SELECT count(*) FROM massnahme_versions") == 0
    assert db.scalar("SELECT count(*) FROM massnahme_events") == 0
