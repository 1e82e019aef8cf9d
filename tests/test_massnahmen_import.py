"""kora.massnahmen against real temporary DuckDB files: import, preview, no-op, revert, audit,
derived readings, quelle switch (with known_at), the refusal of typed uploads, the CLI doors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kora.access.roles import Actor
from kora.db import Database, audit_store, massnahmen_store, readings_store
from kora.errors import PermissionDenied, ValidationError
from kora.massnahmen import history, quelle, revert, template, upload
from kora.readings.preview import preview_upload
from tests.conftest import KOMMUNE, OPERATOR, ROOT, TODAY

K = "aachen"
HEADER = (
    "Nr;Maßnahme;Art;Länge km;Priorität Verwaltung;Priorität Politik;Phase;Projektleitung;Steckbrief;"
    "Planungsbeginn;Beschluss geplant;Beschluss;Fertigstellung geplant;Fertigstellung"
)
ROWS = [
    "M-01;Radfahrstreifen Jülicher Straße;geschützter Radfahrstreifen;1,2;1;2;umgesetzt;A. Schmidt;ja;01.2025;05.2025;04.2025;09.2025;15.09.2025",
    "M-02;Fahrradstraße Eupener Straße;Fahrradstraße;0,8;2;1;;B. Meyer;nein;03.2025;08.2025;07.2025;12.2026;",
    "M-03;Knoten Kaiserplatz;Knotenpunkt;;3;;Entwurf;;ja;März 2025;03.2027;;12.2027;",
]
EVENTS = "Nr;Datum;Ereignis;Anlass\r\nM-01;02.2025;Abstimmungsschleife;Feuerwehr\r\nM-01;03.2025;Abstimmungsschleife;BV\r\nM-02;06.2025;Richtungsänderung;Ratsantrag\r\n"


def liste(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252")


def files(*rows: str, events: str | None = EVENTS) -> list[tuple[str, bytes]]:
    out = [("liste.csv", liste(*(rows or ROWS)))]
    if events is not None:
        out.append(("ereignisse.csv", events.encode("cp1252")))
    return out


def do_import(db: Database, data: list[tuple[str, bytes]], **kw: object) -> upload.ListImport:
    return upload.import_list(db, data, actor=OPERATOR, kommune=K, today=TODAY, **kw)


def current(db: Database, indicator: str) -> dict[str, float]:
    frame = readings_store.current_readings_df(db, kommune=K)
    frame = frame[frame["indicator_id"] == indicator]
    return {pd.Timestamp(m).strftime("%Y-%m"): v for m, v in zip(frame["month"], frame["value"], strict=True)}


def test_import_stores_versions_and_reupload_is_a_noop(db: Database) -> None:
    first = do_import(db, files())
    assert first.ok and first.result is not None and first.result.new == 3 and first.result.events_new == 3
    again = do_import(db, files())
    assert again.result is not None and again.result.noop
    assert "gleiche Datei wie Upload" in again.result.message
    frame = history.massnahmen_list(db, kommune=K)
    assert frame["nr"].tolist() == ["M-01", "M-02", "M-03"]
    assert frame.set_index("nr").loc["M-02", "phase"] == "Beschluss"  # empty phase follows from the dates
    assert massnahmen_store.count_versions(db, kommune=K) == 3
    audits = audit_store.audit_df(db, action="massnahmen_upload")
    assert audits["outcome"].tolist() == ["ok", "ok"]


def test_changed_row_is_a_new_version_with_the_change_named(db: Database) -> None:
    do_import(db, files())
    moved = ROWS[1].replace("12.2026", "06.2027")
    p = upload.preview_list(db, files(ROWS[0], moved, ROWS[2], events=None), actor=OPERATOR, kommune=K, today=TODAY)
    table = p.table(only_changes=True)
    assert table["Nr"].tolist() == ["M-02"]
    assert "Fertigstellung geplant: 12.2026 → 06.2027" in table["Änderungen"].iloc[0]
    upload.commit_list(db, p, actor=OPERATOR, today=TODAY)
    versions = history.versions_of(db, kommune=K, nr="M-02")
    assert len(versions) == 2 and "06.2027" in versions["Änderung"].iloc[0]
    delays = history.delay_table(db, kommune=K)
    moved_rows = delays[delays["Art"] == "verschoben"]
    assert moved_rows["Nr"].tolist() == ["M-02"]  # a moved Fertigstellung is a delay …
    from kora import fmt, periods

    assert moved_rows["Bekannt seit"].tolist() == [fmt.month_name(periods.month_start(periods.today_local()))]
    assert moved_rows["Frühzeitig"].tolist() == ["nein"]  # 12.2026 moved in 11.2026: less than 3 months ahead


def test_rejected_list_changes_nothing_and_is_audited(db: Database) -> None:
    from tests.test_db import snapshot

    before = snapshot(db)
    out = do_import(db, files(ROWS[0], ROWS[0]))
    assert not out.ok and out.as_dict()["errors"][0]["line"] == 3
    assert snapshot(db) == before
    assert audit_store.audit_df(db, action="massnahmen_upload")["outcome"].tolist() == ["abgelehnt"]
    with pytest.raises(ValidationError):
        upload.commit_list(db, out.preview, actor=OPERATOR)


def test_workbook_with_two_sheets_and_date_cells(db: Database) -> None:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Maßnahmen"
    ws.append(["Maßnahmenliste Stand 11/2026"])  # a title row above the header
    ws.append(HEADER.split(";"))
    ws.append(["M-01", "Ring", "Radweg", 1.5, 1, None, None, "A", "ja", dt.datetime(2025, 1, 1), None,
               dt.datetime(2025, 4, 7), None, dt.datetime(2025, 10, 2)])  # fmt: skip
    ev = wb.create_sheet("Ereignisse")
    ev.append(["Nr", "Datum", "Ereignis", "Anlass"])
    ev.append(["M-01", dt.datetime(2025, 3, 3), "Abstimmungsschleife", "Feuerwehr"])
    buf = io.BytesIO()
    wb.save(buf)
    out = do_import(db, [("liste.xlsx", buf.getvalue())])
    assert out.ok, out.preview.errors
    row = history.massnahmen_list(db, kommune=K).iloc[0]
    assert (row["beschluss"], row["fertigstellung"]) == ("2025-04-07", "2025-10-02")
    assert massnahmen_store.current_events_df(db, kommune=K)["anlass"].tolist() == ["Feuerwehr"]


def test_revert_restores_the_list_and_the_derived_values(db: Database) -> None:
    do_import(db, files())
    quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune=K, today=TODAY)
    changed = ROWS[1].replace(";;B. Meyer", ";umgesetzt;B. Meyer").replace("12.2026;", "12.2026;10.2025")
    second = do_import(db, files(ROWS[0], changed, ROWS[2], events=None))
    assert second.result is not None and second.result.changed == 1
    assert current(db, "km_umgesetzt")["2025-10"] == pytest.approx(0.8)
    result = revert.revert_list(db, second.result.upload_id, actor=OPERATOR, reason="falsch", kommune=K, today=TODAY)
    assert result.restored == 1
    assert current(db, "km_umgesetzt")["2025-10"] == 0.0
    assert history.massnahmen_list(db, kommune=K).set_index("nr").loc["M-02", "fertigstellung"] is None or pd.isna(
        history.massnahmen_list(db, kommune=K).set_index("nr").loc["M-02", "fertigstellung"]
    )
    first_id = int(history.uploads(db, kommune=K)["Nr"].iloc[-1])
    gone = revert.revert_list(db, first_id, actor=OPERATOR, reason="alles zurück", kommune=K, today=TODAY)
    assert gone.withdrawn == 2 and gone.events_withdrawn == 3  # M-02 was changed later: stays
    assert history.massnahmen_list(db, kommune=K)["nr"].tolist() == ["M-02"]


def test_quelle_switch_derives_values_refuses_typed_uploads_and_is_reproducible(db: Database) -> None:
    typed = "Indikator;Monat;Wert\r\nkm_umgesetzt;09.2025;7\r\n".encode("cp1252")
    assert preview_upload(db, typed, filename="m.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE).ok
    do_import(db, files())
    change = quelle.set_quelle(
        db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste ist Quelle", kommune=K, today=TODAY
    )
    assert change.changed and change.derived_versions > 0
    assert current(db, "km_umgesetzt")["2025-09"] == pytest.approx(1.2)
    refused = preview_upload(db, typed, filename="m.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
    assert not refused.ok and "Maßnahmenliste" in refused.errors[0].message and refused.errors[0].line == 2
    assert (
        quelle.quellen_at(db, kommune=K, known_at=pd.Timestamp("2020-01-01").to_pydatetime())["km_umgesetzt"]
        == "meldung"
    )
    assert quelle.quellen_at(db, kommune=K)["km_umgesetzt"] == "massnahmen"
    for known_at in (None, pd.Timestamp("2020-01-01").to_pydatetime()):  # status at network scale: one query
        assert quelle.quellen_at_all(db, kommunen=[K, "nirgendwo"], known_at=known_at) == {
            K: quelle.quellen_at(db, kommune=K, known_at=known_at),
            "nirgendwo": {},
        }
    with pytest.raises(ValidationError, match="Grund"):
        quelle.set_quelle(db, OPERATOR, "projekte_umgesetzt", "massnahmen", reason=" ", kommune=K)
    with pytest.raises(ValidationError, match="kann nicht"):
        quelle.set_quelle(db, OPERATOR, "kritik_extern", "massnahmen", reason="x", kommune=K)
    audit = audit_store.audit_df(db, action="quelle_aendern")
    assert audit["outcome"].tolist() == ["ok"]


def test_quelle_survives_a_plan_reload(db: Database) -> None:
    from kora.plan import setup as ops

    quelle.set_quelle(db, OPERATOR, "projekte_umgesetzt", "massnahmen", reason="Liste", kommune=K, today=TODAY)
    ops.init(db, reload=True, actor=OPERATOR)
    assert massnahmen_store.quellen(db, kommune=K)["projekte_umgesetzt"] == "massnahmen"


def test_only_admins_switch_and_readers_cannot_upload(db: Database) -> None:
    reader = Actor(name="lea", role="leser", source="lokal")
    from kora.access import accounts

    accounts.add_user(
        db, OPERATOR, "lea", display_name="Lea", role="leser", password="langes-passwort-123", kommune=KOMMUNE
    )
    with pytest.raises(PermissionDenied):
        upload.preview_list(db, files(), actor=reader, kommune=K)
    with pytest.raises(PermissionDenied):
        quelle.set_quelle(db, reader, "km_umgesetzt", "massnahmen", reason="x", kommune=K)
    assert set(audit_store.audit_df(db, outcome="verweigert")["action"]) == {"massnahmen_upload", "quelle_aendern"}


def test_meilensteine_source_uses_the_milestone_records(demo_db: Database) -> None:
    quelle.set_quelle(demo_db, OPERATOR, "meilensteine_erreicht", "meilensteine", reason="aus Meilensteinen",
                      kommune=K, today=TODAY)  # fmt: skip
    values = current(demo_db, "meilensteine_erreicht")
    from kora.db import plan_store
    from kora.milestones import milestone_summary

    share = milestone_summary(plan_store.milestones_df(demo_db, K), as_of=pd.Timestamp("2026-10-01").date())
    assert values["2026-10"] == pytest.approx(100 * share["share_on_time"])


def test_template_round_trip_is_a_noop(db: Database, tmp_path: Path) -> None:
    do_import(db, files())
    frame = history.massnahmen_list(db, kommune=K)
    events = massnahmen_store.current_events_df(db, kommune=K)
    for data in ([("v.xlsx", template.template_xlsx(frame, events))],
                 [("v.csv", template.template_csv(frame)), ("e.csv", template.template_events_csv(events))]):  # fmt: skip
        out = do_import(db, data)
        assert out.ok and out.result is not None and out.result.noop, out.preview.errors


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kora", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_import_list_template_quelle_and_status(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.duckdb")
    (tmp_path / "l.csv").write_bytes(liste(*ROWS))
    (tmp_path / "e.csv").write_bytes(EVENTS.encode("cp1252"))
    dry = run_cli(
        "massnahmen", "import", str(tmp_path / "l.csv"), str(tmp_path / "e.csv"), "--dry-run", "--json", "--db", db
    )
    assert dry.returncode == 0 and json.loads(dry.stdout)["new"] == 3
    assert json.loads(run_cli("massnahmen", "list", "--json", "--db", db).stdout) == {"massnahmen": []}
    done = run_cli("massnahmen", "import", str(tmp_path / "l.csv"), str(tmp_path / "e.csv"), "--json", "--db", db)
    assert done.returncode == 0 and json.loads(done.stdout)["events_new"] == 3
    (tmp_path / "bad.csv").write_bytes(liste(ROWS[0].replace("1,2", "-1")))
    bad = run_cli("massnahmen", "import", str(tmp_path / "bad.csv"), "--json", "--db", db)
    assert bad.returncode == 2
    err = json.loads(bad.stdout)["errors"][0]
    assert (err["line"], err["column"]) == (2, "D (Länge km)") and set(err) == {"line", "column", "value", "message"}
    listed = json.loads(run_cli("massnahmen", "list", "--json", "--db", db).stdout)["massnahmen"]
    assert listed[0]["fertigstellung"] == "2025-09-15" and listed[0]["planungsbeginn"] == "2025-01"
    assert (
        run_cli("massnahmen", "template", "--format", "xlsx", "--out", str(tmp_path / "t.xlsx"), "--db", db).returncode
        == 0
    )
    switched = run_cli("quelle", "km_umgesetzt", "massnahmen", "--reason", "Liste", "--db", db)
    assert switched.returncode == 0, switched.stderr
    status = json.loads(run_cli("status", "--json", "--db", db).stdout)
    by_id = {i["id"]: i for i in status["indicators"]}
    assert by_id["km_umgesetzt"]["quelle"] == "massnahmen" and by_id["kritik_extern"]["quelle"] == "meldung"


def test_brownbag_names_finished_and_moved_maßnahmen_and_exports_the_list(db: Database) -> None:
    import datetime as dt

    from kora.massnahmen import rules
    from kora.report import massnahmen as brownbag
    from kora.report.export import make_bundle
    from kora.report.export import xlsx as export_xlsx
    from kora.tracking.stand import gather

    before = history.with_phase(pd.DataFrame([{**dict.fromkeys(rules.LIST_FIELDS), "nr": "M-02", "massnahme": "x",
                                               "fertigstellung_geplant": "2026-06"}]))  # fmt: skip
    now = history.with_phase(pd.DataFrame([{**dict.fromkeys(rules.LIST_FIELDS), "nr": "M-02", "massnahme": "x",
                                            "fertigstellung_geplant": "2026-09", "fertigstellung": "2026-09"}]))  # fmt: skip
    assert [i.text for i in brownbag.finished_since(before, now)] == ["M-02 · x"]
    assert "06.2026 → 09.2026 (verschoben)" in brownbag.moved_since(before, now)[0].text
    do_import(db, files())
    b = make_bundle(gather(db, as_of=dt.date(2026, 10, 1), since=dt.date(2025, 1, 1), kommune=KOMMUNE))
    erfolge = b.deck.slide("erfolge").sections[-1]
    assert [i.text for i in erfolge.items] == ["M-01 · Radfahrstreifen Jülicher Straße, 1,2 km"]
    assert b.deck.slide("massnahmen").table is not None
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx.build_xlsx(b)))
    sheet = wb["Maßnahmen"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def _xlsx_with(name: str) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(";"))
    ws.append(["M-01", name, "Radweg", 1.5, 1, None, None, "A", "ja", "01.2025", None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


MOJIBAKE_ROW = "M-01;Radweg KaiserstraÃŸe;Radweg;1,5;1;;;A;ja;01.2025;;;;"


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        # a UTF-8 file whose text was once saved as Windows-1252 and back: "ß" became "ÃŸ"
        ("liste.csv", ("\r\n".join([HEADER, MOJIBAKE_ROW]) + "\r\n").encode("utf-8"), "liste.csv: In Zeile 2"),
        # two files pasted together: the header in Windows-1252, a row in UTF-8
        ("liste.csv", HEADER.encode("cp1252") + b"\r\n" + ROWS[0].encode("utf-8") + b"\r\n", "mischt zwei"),
        ("liste.xlsx", _xlsx_with("Radweg KaiserstraÃŸe"), "liste.xlsx, Blatt „Sheet“: In Zelle B2"),
    ],
    ids=["mojibake-csv", "mixed-encodings", "mojibake-xlsx"],
)
def test_a_list_gets_the_same_encoding_warnings_as_readings(
    db: Database, filename: str, data: bytes, expected: str
) -> None:
    """A Maßnahmenliste is read like a readings file, so it must warn like one (the notes were dropped)."""
    p = upload.preview_list(db, [(filename, data)], actor=OPERATOR, kommune=K, today=TODAY)
    assert not p.errors, p.errors
    assert any(expected in note for note in p.notes), p.notes


def test_a_clean_list_has_no_encoding_warning(db: Database) -> None:
    p = upload.preview_list(db, files(), actor=OPERATOR, kommune=K, today=TODAY)
    assert not [n for n in p.notes if "Zeichenkodierung" in n or "Ã" in n], p.notes
