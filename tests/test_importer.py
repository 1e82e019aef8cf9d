"""kora.readings (check, preview, commit, revert) against real temporary DuckDB files: preview, commit, no-op, Korrekturgrund,
revert, history, audit, concurrency, size limit, comment text and the CLI doors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from kora.access.roles import Actor
from kora.db import Database, audit_store, readings_store
from kora.errors import KoraError, NotFoundError, PermissionDenied, ValidationError
from kora.readings import templates
from kora.readings.catalogue import Catalogue
from kora.readings.check import parse_file
from kora.readings.commit import CommitResult, ImportOutcome, commit_upload, import_file
from kora.readings.history import indicator_options, month_options, reading_versions, upload_history
from kora.readings.ingest import MAX_UPLOAD_BYTES
from kora.readings.preview import Preview, preview_upload
from kora.readings.revert import revert_upload
from tests.conftest import KOMMUNE, OPERATOR, ROOT, TODAY
from tests.test_db import snapshot

HEADER = "Indikator;Monat;Wert;Kommentar\r\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\r\n" for r in rows)).encode("cp1252")


def preview(db: Database, data: bytes, name: str = "m.csv", user: str = "kim") -> Preview:
    return preview_upload(db, data, filename=name, actor=Actor.cli(user), today=TODAY, kommune=KOMMUNE)


def commit(db: Database, data: bytes, *, reason: str | None = None, user: str = "kim") -> CommitResult:
    return commit_upload(db, preview(db, data, user=user), actor=Actor.cli(user), reason=reason)


def current(db: Database) -> dict[tuple[str, str], float]:
    frame = readings_store.current_readings_df(db, kommune="aachen")
    return {(r.indicator_id, pd.Timestamp(r.month).strftime("%Y-%m")): r.value for r in frame.itertuples()}


def audit_count(db: Database) -> int:
    return len(audit_store.audit_df(db))


FIRST = csv("kritik_extern;01.2025;4;", "kritik_extern;02.2025;5;", "km_umgesetzt;01.2025;0,5;Abschnitt A")


def test_preview_shows_every_cell_as_new_changed_or_unchanged(db: Database) -> None:
    commit(db, FIRST)
    p = preview(db, csv("kritik_extern;01.2025;4;", "kritik_extern;02.2025;7;", "kritik_extern;03.2025;2;"))
    assert (p.n_new, p.n_changed, p.n_unchanged) == (1, 1, 1)
    assert p.needs_reason
    table = p.table()
    assert list(table.columns) == ["Zeile", "Indikator", "Name", "Monat", "Status", "Wert", "Kommentar"]
    assert table["Status"].tolist() == ["⚪ unverändert", "🟠 geändert", "🟢 neu"]  # icon (colour) + word
    assert table["Monat"].tolist() == ["Januar 2025", "Februar 2025", "März 2025"]
    assert table["Wert"].tolist() == ["4", "5 → 7", "2"]
    assert p.summary()["changed"] == 1


def test_changing_a_reported_value_needs_a_korrekturgrund(db: Database) -> None:
    commit(db, FIRST)
    before = snapshot(db)
    n_audit = audit_count(db)
    changed = csv("kritik_extern;02.2025;6;")
    with pytest.raises(ValidationError, match="Korrekturgrund"):
        commit(db, changed)
    assert snapshot(db) == before
    assert audit_count(db) == n_audit + 1
    assert audit_store.audit_df(db).iloc[0]["outcome"] == "abgelehnt"

    result = commit(db, changed, reason="Doppelt gezählt")
    assert (result.new, result.changed) == (0, 1)
    assert current(db)[("kritik_extern", "2025-02")] == 6.0
    versions = reading_versions(db, indicator_id="kritik_extern", month=dt.date(2025, 2, 1), kommune=KOMMUNE)
    assert versions["Wert"].tolist() == ["6", "5"]
    assert versions["Grund"].tolist() == ["Doppelt gezählt", ""]


def test_comment_only_change_needs_no_reason(db: Database) -> None:
    commit(db, FIRST)
    p = preview(db, csv("km_umgesetzt;01.2025;0,5;Abschnitt A und B"))
    assert p.n_changed == 1 and not p.needs_reason
    commit_upload(db, p, actor=Actor.cli("kim"))


def test_identical_reupload_is_a_noop_and_says_so(db: Database) -> None:
    first = commit(db, FIRST)
    before = snapshot(db)
    n_audit = audit_count(db)
    again = commit(db, FIRST)
    assert again.noop and again.upload_id is None
    assert "Keine Änderung" in again.message and f"Upload {first.upload_id}" in again.message
    assert snapshot(db) == before
    assert audit_count(db) == n_audit + 1
    # the same readings in another format are also a no-op
    wide = b"Indikator;Jan 25;Feb 25\r\nkritik_extern;4;5\r\n"
    assert commit(db, wide).noop


def test_every_upload_rejection_and_revert_writes_one_audit_row(db: Database) -> None:
    n = audit_count(db)
    result = commit(db, FIRST)
    assert audit_count(db) == n + 1
    p = preview(db, csv("kritk_extern;01.2025;4;"))
    assert p.errors and audit_count(db) == n + 2
    with pytest.raises(ValidationError):
        commit_upload(db, p, actor=Actor.cli("kim"))  # already audited by the preview: no second row
    assert audit_count(db) == n + 2
    revert_upload(db, result.upload_id, actor=Actor.cli("kim"), reason="falsche Datei", kommune=KOMMUNE)
    assert audit_count(db) == n + 3
    actions = audit_store.audit_df(db)[["action", "outcome"]].head(3).values.tolist()
    assert actions == [["upload_ruecknahme", "ok"], ["upload", "abgelehnt"], ["upload", "ok"]]


def test_dry_run_preview_without_audit(db: Database) -> None:
    n = audit_count(db)
    outcome = import_file(
        db,
        csv("kritk_extern;01.2025;4;"),
        filename="x.csv",
        actor=Actor.cli("kim"),
        dry_run=True,
        today=TODAY,
        kommune=KOMMUNE,
    )
    assert not outcome.ok and audit_count(db) == n


def test_revert_restores_previous_values_and_withdraws_first_reports(db: Database) -> None:
    first = commit(db, FIRST)
    second = commit(db, csv("kritik_extern;02.2025;6;", "kritik_extern;03.2025;2;"), reason="Korrektur")
    n_versions = readings_store.count_readings(db)
    result = revert_upload(db, second.upload_id, actor=Actor.cli("lea"), reason="Korrektur war falsch", kommune=KOMMUNE)
    assert (result.restored, result.withdrawn, result.skipped) == (1, 1, 0)
    now = current(db)
    assert now[("kritik_extern", "2025-02")] == 5.0
    assert ("kritik_extern", "2025-03") not in now
    assert readings_store.count_readings(db) == n_versions + 2  # nothing deleted, two versions added
    history = upload_history(db, kommune=KOMMUNE)
    assert history["Status"].tolist()[:2] == [
        f"Rücknahme von Upload {second.upload_id}",
        f"zurückgenommen durch {result.revert_id}",
    ]
    # a revert can itself be reverted
    revert_upload(db, result.revert_id, actor=Actor.cli("lea"), reason="doch richtig", kommune=KOMMUNE)
    assert current(db)[("kritik_extern", "2025-03")] == 2.0
    assert current(db)[("kritik_extern", "2025-02")] == 6.0
    assert first.upload_id is not None


def test_revert_leaves_later_corrections_alone(db: Database) -> None:
    first = commit(db, FIRST)
    commit(db, csv("kritik_extern;02.2025;9;"), reason="Nachmeldung")
    result = revert_upload(db, first.upload_id, actor=Actor.cli("lea"), reason="falsche Datei", kommune=KOMMUNE)
    assert (result.withdrawn, result.skipped) == (2, 1)
    assert current(db) == {("kritik_extern", "2025-02"): 9.0}


def test_revert_leaves_a_later_confirmation_with_the_same_value_alone(db: Database) -> None:
    """A later upload by someone else that repeats the value (with a new comment) owns the cell now:
    the revert compares versions, not values, and says what it left alone."""
    first = commit(db, csv("km_umgesetzt;01.2025;1,0;erste Meldung"), user="kim")
    second = commit(db, csv("km_umgesetzt;01.2025;1,0;bestätigt durch Bauabnahme"), user="lea")
    assert second.changed == 1  # comment-only change: a new version by lea
    with pytest.raises(KoraError, match="später durch andere Uploads geändert"):
        revert_upload(db, first.upload_id, actor=Actor.cli("otto"), reason="falsche Datei", kommune=KOMMUNE)
    assert current(db) == {("km_umgesetzt", "2025-01"): 1.0}
    versions = reading_versions(db, indicator_id="km_umgesetzt", month=dt.date(2025, 1, 1), kommune=KOMMUNE)
    assert versions["Kommentar"].iloc[0] == "bestätigt durch Bauabnahme"
    # mixed: the confirmed cell is skipped, the cell only upload 1 wrote is withdrawn
    third = commit(db, csv("kritik_extern;01.2025;4;", "kritik_extern;02.2025;5;"), user="kim")
    commit(db, csv("kritik_extern;02.2025;5;nachgezählt"), user="lea")
    result = revert_upload(db, third.upload_id, actor=Actor.cli("otto"), reason="falsche Datei", kommune=KOMMUNE)
    assert (result.restored, result.withdrawn, result.skipped) == (0, 1, 1)
    assert "1 Wert blieb unverändert" in result.message and "Upload" in result.message
    assert current(db)[("kritik_extern", "2025-02")] == 5.0
    assert ("kritik_extern", "2025-01") not in current(db)


def test_wide_file_with_a_comment_column_commits_the_comment_with_each_month(db: Database) -> None:
    wide = "Indikator;Jan 25;Feb 25;Kommentar\r\nkritik_extern;4;5;Zählung Bürgerbüro\r\n".encode("cp1252")
    p = preview(db, wide)
    assert p.errors == [] and p.n_new == 2
    commit_upload(db, p, actor=Actor.cli("kim"))
    for month in (1, 2):
        versions = reading_versions(db, indicator_id="kritik_extern", month=dt.date(2025, month, 1), kommune=KOMMUNE)
        assert versions["Kommentar"].tolist() == ["Zählung Bürgerbüro"]


@pytest.mark.parametrize(
    ("setup", "upload", "reason", "error", "match"),
    [
        ("none", 99, "x", NotFoundError, "gibt es nicht"),
        ("upload", 1, "  ", KoraError, "Grund"),
        ("reverted", 1, "x", KoraError, "bereits"),
        ("demo", 1, "x", KoraError, "Beispieldaten"),
    ],
)
def test_revert_refusals_change_nothing(
    db: Database, setup: str, upload: int, reason: str, error: type[Exception], match: str
) -> None:
    from kora.samples.beispieldaten import load_demo

    if setup in ("upload", "reverted"):
        commit(db, FIRST)
    if setup == "reverted":
        revert_upload(db, 1, actor=Actor.cli("lea"), reason="weg", kommune=KOMMUNE)
    if setup == "demo":
        load_demo(db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    before = snapshot(db)
    n = audit_count(db)
    with pytest.raises(error, match=match):
        revert_upload(db, upload, actor=Actor.cli("lea"), reason=reason, kommune=KOMMUNE)
    assert snapshot(db) == before
    assert audit_count(db) == n + 1


def test_stale_preview_is_refused(db: Database) -> None:
    mine = preview(db, csv("kritik_extern;01.2025;4;"))
    assert mine.n_new == 1
    commit(db, csv("kritik_extern;01.2025;7;"), user="other")
    before = snapshot(db)
    with pytest.raises(KoraError, match="jemand anderem"):
        commit_upload(db, mine, actor=Actor.cli("kim"))
    assert snapshot(db) == before


def test_two_sessions_committing_at_once_lose_and_duplicate_nothing(db: Database) -> None:
    """Threads with their own cursors: disjoint files all land, the same file lands once."""
    files = {
        f"s{k}.csv": csv(*(f"kritik_extern;{m:02d}.2025;{k * 100 + m};" for m in range(1, 13) if m % 4 == k))
        for k in range(4)
    }
    files["same_a.csv"] = files["same_b.csv"] = csv("km_umgesetzt;05.2025;3,5;", "km_umgesetzt;06.2025;4;")
    barrier = threading.Barrier(len(files))
    outcomes: dict[str, ImportOutcome] = {}
    errors: list[BaseException] = []

    def run(name: str, data: bytes) -> None:
        cur = db.cursor()
        try:
            barrier.wait(timeout=30)
            outcomes[name] = import_file(cur, data, filename=name, actor=Actor.cli(name), today=TODAY, kommune=KOMMUNE)
        except Exception as err:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=run, args=item) for item in files.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert all(outcomes[f"s{k}.csv"].committed for k in range(4))
    same = [outcomes["same_a.csv"], outcomes["same_b.csv"]]
    assert sorted(o.committed for o in same) == [False, True]
    assert any(o.result is not None and o.result.noop for o in same)
    now = current(db)
    for m in range(1, 13):
        assert now[("kritik_extern", f"2025-{m:02d}")] == (m % 4) * 100 + m
    assert now[("km_umgesetzt", "2025-05")] == 3.5
    per_cell = readings_store.reading_versions_df(db, kommune="aachen").groupby(["indicator_id", "month"]).size()
    assert per_cell.max() == 1  # nothing duplicated
    assert readings_store.count_readings(db) == 14
    assert len(readings_store.uploads_df(db)) == 5


def test_oversized_upload_is_rejected_server_side(db: Database) -> None:
    before = snapshot(db)
    data = HEADER.encode() + b"kritik_extern;01.2025;4;\r\n" * (MAX_UPLOAD_BYTES // 25 + 10)
    assert len(data) > MAX_UPLOAD_BYTES
    p = preview(db, data, name="gross.csv")
    assert len(p.errors) == 1 and "höchstens 5,0 MB" in p.errors[0].message
    with pytest.raises(ValidationError):
        commit_upload(db, p, actor=Actor.cli("kim"))
    assert snapshot(db) == before


def test_comment_text_stays_text(db: Database) -> None:
    nasty = '<b>fett</b><script>alert("x")</script> =SUMME(A1:A9) @Kim'
    data = (HEADER + f'kritik_extern;01.2025;4;"{nasty.replace(chr(34), chr(34) * 2)}"\r\n').encode("utf-8")
    p = preview(db, data)
    assert p.table()["Kommentar"].tolist() == [nasty]
    commit_upload(db, p, actor=Actor.cli("kim"))
    stored = readings_store.current_readings_df(db, kommune="aachen")["comment"].tolist()
    assert stored == [nasty]
    versions = reading_versions(db, indicator_id="kritik_extern", month=dt.date(2025, 1, 1), kommune=KOMMUNE)
    assert versions["Kommentar"].tolist() == [nasty]


def test_anonymous_preview_is_refused_and_audited(db: Database) -> None:
    n = audit_count(db)
    with pytest.raises(PermissionDenied, match="Anmeldung"):
        preview_upload(db, FIRST, filename="m.csv", actor=None, today=TODAY, kommune=KOMMUNE)
    assert audit_count(db) == n + 1


def test_history_lists_uploads_with_counts_who_and_when(db: Database) -> None:
    commit(db, FIRST, user="kim")
    commit(db, csv("kritik_extern;02.2025;6;", "kritik_extern;03.2025;1;"), reason="Nachtrag", user="lea")
    history = upload_history(db, kommune=KOMMUNE)
    assert history[["Nr", "Von", "Neu", "Geändert", "Unverändert", "Grund"]].values.tolist() == [
        [2, "lea", 1, 1, 0, "Nachtrag"],
        [1, "kim", 3, 0, 0, ""],
    ]
    assert all(len(t) == 16 for t in history["Zeitpunkt"])  # TT.MM.JJJJ HH:MM
    options = indicator_options(db, kommune=KOMMUNE)
    assert [i for i, _ in options] == ["km_umgesetzt", "kritik_extern"]
    months = month_options(db, indicator_id="kritik_extern", kommune=KOMMUNE)
    assert [label for _, label in months] == ["03/2025", "02/2025", "01/2025"]


def test_template_lists_due_cells_and_imports_back(db: Database, tmp_path: Path) -> None:
    commit(db, FIRST)
    due = templates.due_cells(db, today=TODAY, kommune=KOMMUNE)
    assert ("kritik_extern", dt.date(2025, 1, 1)) not in set(zip(due["indicator_id"], due["month"], strict=True))
    assert due["month"].max() == dt.date(2026, 10, 1)
    # fill the CSV template like a coordinator would and upload it
    lines = templates.template_csv(db, today=TODAY, kommune=KOMMUNE).decode("utf-8-sig").splitlines()
    assert lines[0] == "Indikator;Name;Einheit;Monat;Wert;Kommentar"
    filled = [lines[0]]
    for line in lines[1:]:
        parts = line.split(";")
        if parts[0] == "koordination_besetzt":
            parts[4] = "ja"
        elif parts[0] == "meilensteine_erreicht":
            parts[4] = "55"
        filled.append(";".join(parts))
    p = preview(db, ("\r\n".join(filled) + "\r\n").encode("cp1252"), name="vorlage.csv")
    assert p.errors == [] and p.n_new == 2 * 22 - 0 and p.n_empty > 0
    # the XLSX template reads back (sheet Messwerte, date cells as months)
    xlsx = templates.template_xlsx(db, today=TODAY, kommune=KOMMUNE)
    checked = parse_file(xlsx, Catalogue.from_db(db, kommune=KOMMUNE), today=TODAY)
    assert [p.message for p in checked.problems] == [
        "Die Datei enthält keine Messwerte (alle Wert-Zellen sind leer). Bitte mindestens einen Wert eintragen."
    ]


def run_cli(*args: str, db_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args, "--db", str(db_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_import_json_exit_codes_revert_history(db_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "m.csv"
    good.write_bytes(FIRST)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("kritk_extern;01.2025;4;", "kritik_extern;13.2025;4;"))

    dry = run_cli("import", str(good), "--dry-run", "--json", db_path=db_path)
    assert dry.returncode == 0, dry.stderr
    out = json.loads(dry.stdout)
    assert (out["new"], out["changed"], out["unchanged"], out["errors"]) == (3, 0, 0, [])
    assert out["dry_run"] is True and out["committed"] is False and out["upload_id"] is None

    done = run_cli("import", str(good), "--json", "--user", "kim", db_path=db_path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["committed"] is True and out["upload_id"] == 1 and out["new"] == 3

    again = run_cli("import", str(good), db_path=db_path)
    assert again.returncode == 0 and "Keine Änderung" in again.stdout

    rejected = run_cli("import", str(bad), "--json", db_path=db_path)
    assert rejected.returncode == 2
    out = json.loads(rejected.stdout)
    assert out["committed"] is False
    assert [(e["line"], e["column"]) for e in out["errors"]] == [(2, "A (Indikator)"), (3, "B (Monat)")]
    assert set(out["errors"][0]) == {"line", "column", "value", "message"}

    text = run_cli("import", str(bad), db_path=db_path)
    assert text.returncode == 2 and "Zeile 2, Spalte A (Indikator)" in text.stderr and "Traceback" not in text.stderr

    change = tmp_path / "change.csv"
    change.write_bytes(csv("kritik_extern;01.2025;5;"))
    refused = run_cli("import", str(change), "--json", db_path=db_path)
    assert refused.returncode == 2 and "Korrekturgrund" in json.loads(refused.stdout)["message"]
    accepted = run_cli("import", str(change), "--reason", "Nachzählung", db_path=db_path)
    assert accepted.returncode == 0, accepted.stderr

    reverted = run_cli("revert", "2", "--reason", "doch nicht", "--json", db_path=db_path)
    assert reverted.returncode == 0, reverted.stderr
    assert json.loads(reverted.stdout)["restored"] == 1

    history = run_cli("history", "--json", db_path=db_path)
    rows = json.loads(history.stdout)
    assert [r["Nr"] for r in rows] == [3, 2, 1]
    versions = run_cli("history", "--indicator", "kritik_extern", "--month", "2025-01", "--json", db_path=db_path)
    assert [v["Wert"] for v in json.loads(versions.stdout)] == ["4", "5", "4"]

    missing = run_cli("import", str(tmp_path / "nope.csv"), db_path=db_path)
    assert missing.returncode == 2 and "nicht gefunden" in missing.stderr


def test_cli_template(db_path: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"vorlage.{fmt}"
        proc = run_cli("template", "--format", fmt, "--out", str(out), db_path=db_path)
        assert proc.returncode == 0, proc.stderr
        assert out.stat().st_size > 100


def test_diff_reads_only_the_files_cells_and_keeps_the_newest_version(db: Database) -> None:
    """The diff's read follows the file (its indicators × month span), not the history; newest version wins."""
    from kora.db import import_store

    commit(db, FIRST)
    commit(db, csv("kritik_extern;02.2025;9;"), reason="Nachzählung")
    commit(db, csv("kritik_extern;06.2025;1;", "km_umgesetzt;06.2025;1;"))
    cells = import_store.current_cells(
        db,
        kommune="aachen",
        indicator_ids=["kritik_extern"],
        first_month=dt.date(2025, 2, 1),
        last_month=dt.date(2025, 3, 1),
    )
    assert [(r.indicator_id, pd.Timestamp(r.month).strftime("%Y-%m"), r.value) for r in cells.itertuples()] == [
        ("kritik_extern", "2025-02", 9.0)
    ]
    p = preview(db, csv("kritik_extern;02.2025;9;", "kritik_extern;03.2025;2;"))
    assert (p.n_new, p.n_changed, p.n_unchanged) == (1, 0, 1)
