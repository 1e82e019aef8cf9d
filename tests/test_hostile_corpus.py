"""The hostile-file corpus (tests/data/hostile, issue 15) through the real importer: outcomes only.

For every manifest entry: rejected files are refused with the German message fragment, change
nothing and leave exactly one audit row; accepted ones are stored (with the warning where the
manifest asks for one). Accepted markup must reach the history page and the exports inert.
Entries that part B still has to fix are `xfail(strict=True)`: the suite stays green today and
fails (XPASS) the day the fix lands, so the marker has to go with it.

Time and memory are not asserted here (no timed tests): bench/bench_hostile.py measures them at
the issue's sizes. Big files are built at a smaller `test_size` with the same defect.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kora import fmt
from kora.db import Database, audit_store
from kora.readings.commit import import_file
from kora.readings.ingest import MAX_UPLOAD_BYTES
from kora.report import export
from kora.tracking.stand import gather
from tests.conftest import APP, KOMMUNE, OPERATOR, ROOT, TODAY
from tests.data.hostile import make_hostile as corpus
from tests.test_db import snapshot

ENTRIES = {str(e["file"]): e for e in corpus.entries()}
CHECKED = [e for e in ENTRIES.values() if not e.get("role") and e.get("test_size", 0) is not None]
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
MAX_AUDIT_DETAIL = 16 * 1024  # a rejection's audit row: the first examples plus counts, not every line
MAX_JSON_ANSWER = 256 * 1024


def _param(entry: dict[str, Any]) -> Any:
    marks = []
    if entry.get("part_b"):
        marks.append(pytest.mark.xfail(strict=True, reason=f"issue 15 part B: {entry['finding']}"))
    if not entry["committed"]:
        marks.append(pytest.mark.slow)
    return pytest.param(entry, id=str(entry["file"]), marks=marks)


def _data(entry: dict[str, Any], tmp_path: Path) -> bytes:
    if entry["committed"]:
        return (corpus.HERE / str(entry["file"])).read_bytes()
    return corpus.build_file(str(entry["file"]), tmp_path, scale="test").read_bytes()


def _import(db: Database, name: str, data: bytes) -> Any:
    return import_file(db, data, filename=name, actor=OPERATOR, reason="Test Korpus", today=TODAY, kommune=KOMMUNE)


# --- the corpus itself ---------------------------------------------------------------------------


def test_manifest_is_what_the_generator_writes() -> None:
    on_disk = json.loads(corpus.MANIFEST.read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(corpus.manifest(), ensure_ascii=False))
    for entry in on_disk["files"]:
        assert entry["expect"] in ("rejected", "accepted", "accepted_with_warning")
        assert entry["expect"] == "accepted" or entry["message"], entry["file"]


def test_committed_files_are_small_and_regenerate_identically(tmp_path: Path) -> None:
    committed = [e for e in ENTRIES.values() if e["committed"]]
    names = {p.name for p in corpus.HERE.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert names == {str(e["file"]) for e in committed}  # big files are never committed
    corpus.write_committed(tmp_path)
    for entry in committed:
        data = (corpus.HERE / str(entry["file"])).read_bytes()
        assert len(data) < 64 * 1024, entry["file"]
        assert (tmp_path / str(entry["file"])).read_bytes() == data, f"regenerate: {entry['file']}"


def test_every_finding_of_the_issue_has_a_file() -> None:
    findings = " ".join(str(e["finding"]) for e in ENTRIES.values())
    for needle in ("10 000", "5 minutes", "1 GB", "5 GB", "1 M empty rows", "billion laughs", "external entity",
                   "1e309", "1e308", "0,3", "Windows-1252", "1.234", "![t]", "[Vorlage]", "bidi", "<script>",
                   "cut off", ".xlsx extension", "NUL"):  # fmt: skip
        assert needle in findings, needle


@pytest.mark.slow
def test_generated_files_fit_the_upload_limit_at_the_issues_size(tmp_path: Path) -> None:
    """The bench sizes are real: each file is within 5 MB, so each must be answered within the limits."""
    for name in ("dup_flood_100000.csv", "empty_rows_1m.xlsx"):
        path = corpus.build_file(name, tmp_path, scale="bench")
        assert path.stat().st_size <= MAX_UPLOAD_BYTES, name
        path.unlink()


# --- outcomes through the importer ---------------------------------------------------------------


@pytest.mark.parametrize("entry", [_param(e) for e in CHECKED])
def test_hostile_file_outcome(entry: dict[str, Any], db: Database, tmp_path: Path) -> None:
    if entry.get("setup"):
        setup = str(entry["setup"])
        assert _import(db, setup, (corpus.HERE / setup).read_bytes()).committed
    name = str(entry.get("upload_name", entry["file"]))
    before = snapshot(db)
    n_audit = len(audit_store.audit_df(db))
    outcome = _import(db, name, _data(entry, tmp_path))
    errors = [p.message for p in outcome.preview.errors]
    if entry["expect"] == "rejected":
        _assert_rejected(db, entry, name, outcome, errors, before, n_audit)
        return
    assert not errors, errors[:3]
    assert outcome.committed or outcome.preview.noop
    if entry["expect"] == "accepted_with_warning":
        assert any(str(entry["message"]) in note for note in outcome.preview.notes), outcome.preview.notes


def _assert_rejected(
    db: Database, entry: dict[str, Any], name: str, outcome: Any, errors: list[str], before: Any, n_audit: int
) -> None:
    assert errors, f"accepted: {outcome.as_dict()['message']}"
    assert any(str(entry["message"]) in m for m in errors), errors[:3]
    assert snapshot(db) == before
    audit = audit_store.audit_df(db)
    assert len(audit) == n_audit + 1
    row = audit.iloc[0]
    assert (row["action"], row["outcome"], row["object"]) == ("upload", "abgelehnt", name)
    if entry.get("error_cap") is not None:
        assert len(errors) <= int(entry["error_cap"])
        assert len(json.dumps(outcome.as_dict(), ensure_ascii=False)) < MAX_JSON_ANSWER
        assert len(row["detail"] or "") < MAX_AUDIT_DETAIL


def _cli_import(file: Path, db_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", "import", str(file), "--db", str(db_path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("name", ["entity_expansion.xlsx", "external_entity.xlsx"])
def test_cli_answers_hostile_xml_in_german_without_traceback(name: str, tmp_path: Path) -> None:
    result = _cli_import(corpus.HERE / name, tmp_path / "kora.duckdb")
    assert "Traceback" not in result.stderr, result.stderr[-500:]
    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert any(str(ENTRIES[name]["message"]) in e["message"] for e in payload["errors"])


# --- accepted markup arrives inert ---------------------------------------------------------------


MARKUP_FILES = [e for e in ENTRIES.values() if e.get("render_check") == "historie"]


def test_history_page_shows_markup_file_names_as_text(app_env: Path) -> None:
    from streamlit.testing.v1 import AppTest

    from kora.db import open_database
    from kora.plan import setup

    with open_database(app_env) as db:
        setup.init(db, actor=OPERATOR)
        for i, entry in enumerate(MARKUP_FILES):  # each upload a different month, so each is stored
            data = corpus.csv_bytes([("km_umgesetzt", f"2026-0{i + 1}", "0,5", "")])
            assert _import(db, str(entry["upload_name"]), data).committed
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at = at.switch_page("pages/messwerte/historie.py").run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert len(labels) == len(MARKUP_FILES)
    for entry in MARKUP_FILES:
        shown = [label for label in labels if fmt.markdown(str(entry["upload_name"])) in label]
        assert shown, (entry["upload_name"], labels)
        assert not any(BIDI.search(label) for label in shown)


def test_exports_carry_comment_markup_as_plain_text(db: Database) -> None:
    data = (corpus.HERE / "comments_markup.csv").read_bytes()
    assert _import(db, "comments_markup.csv", data).committed
    bundle = export.make_bundle(
        gather(db, as_of=dt.date(2026, 10, 1), since=TODAY - dt.timedelta(days=30), made_on=TODAY, kommune=KOMMUNE)
    )
    html = export.render("html", bundle)
    html_text = html.decode("utf-8") if isinstance(html, bytes) else html
    with zipfile.ZipFile(io.BytesIO(export.render("pptx", bundle))) as zf:
        slides_xml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("ppt/slides/"))
    assert "evil.example.invalid" in html_text  # the comment is shown …
    assert not re.search(r"href=[\"']?https?://evil", html_text)  # … never as a link
    assert "<script>alert" not in html_text
    assert "hlinkClick" not in slides_xml
    assert not BIDI.search(html_text) and not BIDI.search(slides_xml)


def test_history_tables_show_bidi_controls_as_codes(db: Database) -> None:
    from kora.readings.history import upload_history

    data = corpus.csv_bytes([("km_umgesetzt", "2026-01", "0,5", "")])
    assert _import(db, "rechnung\u202ecsv.exe.csv", data).committed
    shown = upload_history(db, kommune=KOMMUNE)["Datei"].tolist()
    assert shown == ["rechnung‹U+202E›csv.exe.csv"]
