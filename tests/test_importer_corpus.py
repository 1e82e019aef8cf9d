"""The file corpora through the real importer and a real DuckDB file.

- tests/data/broken: every malformed file is rejected with its expected line, column and German
  message; the DB content is unchanged afterwards and exactly one audit row records the rejection.
- tests/data/good: after the first file is committed, every other format of the same readings is
  a no-op, i.e. all formats produce identical data in the DB.

Regenerate the files with `python -m tests.data.make_corpus`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access.roles import Actor
from kora.db import Database, audit_store, open_database
from kora.errors import ValidationError
from kora.plan import setup as ops
from kora.readings.commit import commit_upload
from kora.readings.preview import preview_upload
from kora.samples.beispieldaten import load_demo
from tests.conftest import KOMMUNE, OPERATOR, TODAY
from tests.data.make_corpus import BROKEN, GOOD
from tests.test_db import snapshot

EXPECTED = tomllib.loads((BROKEN / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(tmp_path_factory.mktemp("corpus") / "kora.duckdb")
    ops.init(database, actor=OPERATOR)
    load_demo(
        database, today=TODAY, actor=OPERATOR, kommune=KOMMUNE
    )  # a DB with history, so "unchanged" means something
    yield database
    database.close()


def test_corpus_is_big_and_complete() -> None:
    files = {p.name for p in BROKEN.iterdir()} - {"expected.toml"}
    assert len(files) >= 40
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_rejected_with_location_and_changes_nothing(corpus_db: Database, name: str) -> None:
    expected = EXPECTED[name]
    before = snapshot(corpus_db)
    n_audit = len(audit_store.audit_df(corpus_db))
    data = (BROKEN / name).read_bytes()
    preview = preview_upload(corpus_db, data, filename=name, actor=Actor.cli("test"), today=TODAY, kommune=KOMMUNE)
    assert preview.errors, f"{name} was accepted"
    with pytest.raises(ValidationError):
        commit_upload(corpus_db, preview, actor=Actor.cli("test"), reason="Test")
    matching = [
        p
        for p in preview.errors
        if ("line" not in expected or p.line == expected["line"])
        and ("column" not in expected or (p.column or "").startswith(expected["column"]))
        and expected["message"] in p.message
    ]
    assert matching, [str(p) for p in preview.errors]
    for problem in preview.errors:  # every message is a German sentence that names how to fix it
        assert problem.message.endswith((".", "?", ")")), problem.message
    assert snapshot(corpus_db) == before
    audit = audit_store.audit_df(corpus_db)
    assert len(audit) == n_audit + 1
    assert (audit.iloc[0]["action"], audit.iloc[0]["outcome"], audit.iloc[0]["object"]) == ("upload", "abgelehnt", name)


def test_same_readings_in_every_format_give_identical_data(tmp_path: Path) -> None:
    database = open_database(tmp_path / "kora.duckdb")
    try:
        ops.init(database, actor=OPERATOR)
        names = sorted(p.name for p in GOOD.iterdir())
        first = preview_upload(
            database,
            (GOOD / names[0]).read_bytes(),
            filename=names[0],
            actor=Actor.cli("t"),
            today=TODAY,
            kommune=KOMMUNE,
        )
        assert commit_upload(database, first, actor=Actor.cli("t")).new == 14
        before = snapshot(database)
        for name in names[1:]:
            p = preview_upload(
                database, (GOOD / name).read_bytes(), filename=name, actor=Actor.cli("t"), today=TODAY, kommune=KOMMUNE
            )
            assert p.errors == [], (name, [str(e) for e in p.errors])
            assert (p.n_new, p.n_changed, p.n_unchanged) == (0, 0, 14), name
            assert commit_upload(database, p, actor=Actor.cli("t")).noop
        assert snapshot(database) == before
    finally:
        database.close()
