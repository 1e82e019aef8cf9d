"""Exports opened the way their readers open them: python-pptx, openpyxl, the HTML text, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.util import Emu

from kora import fmt
from kora.db import Database
from kora.report import export
from kora.report.deck import Deck, Item, Section, Slide, Table
from kora.report.export import pptx as pptx_export
from kora.report.export import slide_fit
from kora.tracking.stand import gather
from kora.tracking.status import build_status
from tests.conftest import KOMMUNE, ROOT, TODAY
from tests.test_changes import add_reading

AS_OF = dt.date(2026, 10, 1)
SINCE = dt.date(2026, 11, 10)
EVIL = '=HYPERLINK("http://x","y")'
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def bundle(demo_db: Database) -> export.Bundle:
    """Beispieldaten plus two corrections after the last Termin whose comments are hostile."""
    add_reading(demo_db, "kritik_extern", AS_OF, 5.0, at=dt.datetime(2026, 11, 20, 10), comment=EVIL)
    add_reading(demo_db, "formate_aktiv", AS_OF, 4.0, at=dt.datetime(2026, 11, 20, 11), comment=SCRIPT)
    return export.make_bundle(gather(demo_db, as_of=AS_OF, since=SINCE, made_on=TODAY, kommune=KOMMUNE))


def status_json(db: Database, known_at: dt.date | None = None) -> dict:
    return json.loads(build_status(db, as_of=AS_OF, known_at=known_at, kommune=KOMMUNE).to_json())


# --- PPTX -------------------------------------------------------------------------------------


def open_pptx(data: bytes) -> Presentation:
    return Presentation(io.BytesIO(data))


def test_pptx_has_every_slide_with_german_title_and_native_charts(bundle: export.Bundle) -> None:
    data = export.render("pptx", bundle)
    prs = open_pptx(data)
    deck = bundle.deck
    assert len(prs.slides) == len(deck.slides) == 9  # 8 + the Maßnahmenliste of the Beispieldaten
    assert [s.shapes.title.text for s in prs.slides] == [s.title for s in deck.slides]
    for slide, spec in zip(prs.slides, deck.slides, strict=True):
        charts = [sh.chart for sh in slide.shapes if sh.has_chart]
        assert len(charts) == (spec.chart is not None), spec.key
        for chart in charts:
            # native and editable: the chart's numbers live in an embedded workbook, not in a picture
            assert chart.part.chart_workbook.xlsx_part is not None
            assert chart.chart_title.text_frame.text == spec.chart.title
        assert not [sh for sh in slide.shapes if sh.shape_type == 13], "no pictures"  # MSO_SHAPE_TYPE.PICTURE
        texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        assert "Stand: Oktober 2026" in texts  # the footer with Stand and filters
        assert slide.has_notes_slide and deck.footer in slide.notes_slide.notes_text_frame.text
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len([n for n in names if re.fullmatch(r"ppt/charts/chart\d+\.xml", n)]) == 7
    assert len([n for n in names if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")]) == 7
    assert not [n for n in names if n.startswith("ppt/media/")]


@pytest.mark.parametrize("known_at", [None, dt.date(2026, 11, 10)])
def test_pptx_chart_numbers_match_status_json(demo_db: Database, known_at: dt.date | None) -> None:
    """`python -m kora status --json` and the PowerPoint charts show the same attainment."""
    add_reading(demo_db, "kritik_extern", AS_OF, 5.0, at=dt.datetime(2026, 11, 20, 10))  # changes it after known_at
    bundle = export.make_bundle(
        gather(demo_db, as_of=AS_OF, known_at=known_at, since=dt.date(2026, 11, 1), made_on=TODAY, kommune=KOMMUNE)
    )
    payload = status_json(demo_db, known_at)
    prs = open_pptx(export.render("pptx", bundle))
    by_slide = {s.shapes.title.text: s for s in prs.slides}
    overview = next(sh.chart for sh in prs.slides[0].shapes if sh.has_chart)
    values = list(overview.plots[0].series[0].values)
    # the shown attainment: below the start the raw, negative value (issue 11)
    assert values == pytest.approx(
        [fmt.shown_attainment(f["attainment"], f["attainment_raw"]) for f in payload["aktionsfelder"]]
    )
    indicators = {i["name"]: fmt.shown_attainment(i["attainment"], i["attainment_raw"]) for i in payload["indicators"]}
    for field in payload["aktionsfelder"]:
        slide = next(s for t, s in by_slide.items() if t.startswith(f"Aktionsfeld {field['code']}:"))
        chart = next(sh.chart for sh in slide.shapes if sh.has_chart)
        cats = [re.sub(r"^\W+\s", "", c) for c in chart.plots[0].categories]  # drop the status icon
        for cat, value in zip(cats, chart.plots[0].series[0].values, strict=True):
            match = [a for name, a in indicators.items() if name.startswith(cat.rstrip("…"))]
            assert value == pytest.approx(match[0])


def test_pptx_shapes_stay_on_the_slide(bundle: export.Bundle) -> None:
    prs = open_pptx(export.render("pptx", bundle))
    width, height = prs.slide_width, prs.slide_height
    assert (width, height) == (Emu(12192000), Emu(6858000))  # 16:9
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, shape.name


# --- PPTX layout: what a presenter sees when the file is opened --------------------------------
# PowerPoint does not lay text out at save time, so these checks re-measure every text with the
# exporter's DejaVu Sans metrics (the wider font LibreOffice substitutes for Calibri; the last
# test checks the metrics against the real font) and fail where text would spill.

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _is_footer(shape) -> bool:  # type: ignore[no-untyped-def]
    return shape.name in pptx_export.FOOTER_NAMES


def _runs_height(frame, width: int) -> float:  # type: ignore[no-untyped-def]
    """pt the paragraphs of a text frame take when wrapped at `width` (EMU, margins included)."""
    total = 0.0
    for p in frame.paragraphs:
        if not p.runs:
            continue
        text = "".join(r.text for r in p.runs)
        size = max(r.font.size.pt for r in p.runs)
        indent = int(p._p.pPr.get("marL", 0)) if p._p.pPr is not None else 0
        avail = (width - (frame.margin_left or 0) - (frame.margin_right or 0) - indent) / 12700
        lines = slide_fit.n_lines(text, size, avail, bold=any(r.font.bold for r in p.runs))
        total += (p.space_before.pt if p.space_before is not None else 0) + lines * size * slide_fit.LINE
    return total


def _shape_problems(prs: Presentation, sh, where: str, *, in_body: bool, line: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Off the slide, into the footer, text taller than its box, type under 12 pt."""
    problems = []
    if sh.left < 0 or sh.top < 0 or sh.left + sh.width > prs.slide_width or sh.top + sh.height > prs.slide_height:
        problems.append(f"{where}: ragt über den Folienrand")
    if in_body and sh.top + sh.height > line:
        problems.append(f"{where}: reicht in die Fußzeile")
    if sh.has_text_frame and sh.text_frame.text.strip():
        frame = sh.text_frame
        room = (sh.height - (frame.margin_top or 0) - (frame.margin_bottom or 0)) / 12700
        if (need := _runs_height(frame, sh.width)) > room + 1:
            problems.append(f"{where}: Text braucht {need:.0f} pt, Platz {room:.0f} pt")
        small = {r.font.size.pt for p in frame.paragraphs for r in p.runs if r.font.size.pt < 12}
        if small and in_body:
            problems.append(f"{where}: Schrift {sorted(small)} pt unter 12 pt")
    return problems


def _table_problems(sh, where: str, *, line: int, whole_words: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Table type under 12 pt, words broken mid-word, a table that grows into the footer."""
    problems = []
    table = sh.table
    content = 0.0
    for i, row in enumerate(table.rows):
        need = 0.0
        for cell, column in zip(row.cells, table.columns, strict=True):
            runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
            size = max(r.font.size.pt for r in runs)
            if size < 12:
                problems.append(f"{where}: Tabellenschrift {size} pt unter 12 pt")
            avail = (column.width - cell.margin_left - cell.margin_right) / 12700
            word = slide_fit.longest_word(cell.text, size, bold=i == 0)
            if whole_words and word > avail:
                problems.append(f"{where}: Spalte zu schmal für ein Wort in „{cell.text}“")
            lines = sum(slide_fit.n_lines(p.text, size, avail, bold=i == 0) for p in cell.text_frame.paragraphs)
            need = max(need, lines * size * slide_fit.LINE + (cell.margin_top + cell.margin_bottom) / 12700)
        content += max(need, row.height / 12700)
    if sh.top / 12700 + content > line / 12700:
        problems.append(f"{where}: Tabelle braucht {content:.0f} pt und reicht in die Fußzeile")
    return problems


def _overlaps(number: int, body: list) -> list[str]:  # type: ignore[type-arg]
    boxes = [(sh.name, sh.left, sh.top, sh.left + sh.width, sh.top + sh.height) for sh in body]
    return [
        f"Folie {number}: {a[0]} überdeckt {b[0]}"
        for k, a in enumerate(boxes)
        for b in boxes[k + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def layout_problems(prs: Presentation, *, whole_words: bool = True) -> list[str]:
    """Everything that would look broken: a shape below the footer line or off the slide, text
    taller than its box, type under 12 pt in the body, table words broken mid-word, overlaps."""
    problems: list[str] = []
    for number, slide in enumerate(prs.slides, start=1):
        footer = [sh for sh in slide.shapes if _is_footer(sh)]
        if not footer:
            problems.append(f"Folie {number}: keine Fußzeile")
            continue
        line = min(sh.top for sh in footer)
        body = [sh for sh in slide.shapes if not _is_footer(sh)]
        for sh in slide.shapes:
            where = f"Folie {number}, {sh.name}"
            problems += _shape_problems(prs, sh, where, in_body=sh in body, line=line)
            if sh.has_table:
                problems += _table_problems(sh, where, line=line, whole_words=whole_words)
        problems += _overlaps(number, body)
    return problems


def test_pptx_layout_is_clean_on_every_slide(bundle: export.Bundle) -> None:
    """The Beispieldaten deck: nothing in the footer, nothing overlapping, ≥ 12 pt, whole words."""
    assert layout_problems(open_pptx(export.render("pptx", bundle))) == []


LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


def _stress_slides(deck: Deck) -> tuple[Slide, ...]:
    field = deck.slide("feld-C")
    success = deck.slide("erfolge")
    row = ("⛔ nicht im Plan", "12.345,67 Stunden", "9,5 Monate", "100 %")
    many_rows = tuple((f"Indikator Nummer {i} mit einem ziemlich langen Namen", *row) for i in range(30))
    long_items = tuple(
        Item(f"Ein langer Eintrag Nummer {i}, der über mehrere Zeilen umbricht, " * 2, "Kommentar " * 30)
        for i in range(20)
    )
    return (
        dataclasses.replace(
            field,
            title="Aktionsfeld X: " + "sehr langer Titel mit vielen Wörtern " * 5,
            subtitle="Vorhaben: " + " · ".join(f"{n}. {'Vorhaben mit langem Titel ' * 3}" for n in range(1, 8)),
        ),
        dataclasses.replace(field, table=Table(field.table.columns, many_rows, field.table.widths)),
        dataclasses.replace(field, table=Table(field.table.columns, ((LONG_WORD, "x", "1", "2", "3"),))),
        dataclasses.replace(success, sections=tuple(Section(f"Abschnitt {k} " * 3, long_items) for k in range(4))),
        dataclasses.replace(success, chart=None, sections=(Section("Leer", (), empty="Nichts " * 40),)),
    )


def test_pptx_layout_holds_for_long_texts_and_many_rows(bundle: export.Bundle) -> None:
    """Long titles, 30 table rows, 20 long items per section: type shrinks to 12 pt, then rows
    and items give way to '… und N weitere' — never into the footer."""
    deck = dataclasses.replace(bundle.deck, slides=_stress_slides(bundle.deck))
    prs = open_pptx(export.render("pptx", dataclasses.replace(bundle, deck=deck)))
    assert layout_problems(prs, whole_words=False) == []
    table = next(sh.table for sh in prs.slides[1].shapes if sh.has_table)
    assert table.cell(len(table.rows) - 1, 0).text.startswith("… und ")
    texts = " ".join(sh.text_frame.text for sh in prs.slides[3].shapes if sh.has_text_frame)
    assert "weitere" in texts


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("✅ im Plan", "✔ im Plan"),
        ("⚠️ gefährdet", "⚠ gefährdet"),
        ("⛔ nicht im Plan", "✖ nicht im Plan"),
        ("9,53\u00a0Stunden", "9,53\u00a0Std."),
        ("27,17\u00a0Monate (Soll 24,5 Monate)", "27,17\u00a0Mon. (Soll 24,5 Mon.)"),
        ("Planungsdauer in Monate", "Planungsdauer in Monate"),  # only units after a number
    ],
)
def test_table_text_uses_symbols_every_font_has_and_short_units(text: str, shown: str) -> None:
    assert slide_fit.cell_text(text) == shown


@pytest.mark.skipif(not (DEJAVU / "DejaVuSans-Bold.ttf").exists(), reason="DejaVu Sans nicht installiert")
def test_text_measure_is_never_narrower_than_dejavu_sans(bundle: export.Bundle) -> None:
    """The layout maths is only as good as its widths: every word on the slides is measured at
    least as wide as DejaVu Sans draws it (LibreOffice's stand-in for Calibri)."""
    from PIL import ImageFont

    fonts = {b: ImageFont.truetype(str(DEJAVU / f"DejaVuSans{'-Bold' if b else ''}.ttf"), 1000) for b in (False, True)}
    words = set()
    for s in bundle.deck.slides:
        texts = [s.title, s.subtitle, *(t for m in s.metrics for t in (m.label, m.value, m.note))]
        texts += [*(s.table.columns if s.table else ()), *(c for r in (s.table.rows if s.table else ()) for c in r)]
        for sec in s.sections:
            texts += [sec.heading, sec.empty, *(x for i in sec.items for x in (i.text, i.detail))]
        words |= {w for t in texts for w in slide_fit.cell_text(t).split()}
    assert len(words) > 100
    for word in words:
        for bold in (False, True):
            real = fonts[bold].getlength(word) / 1000
            assert slide_fit.text_width(word, 1, bold=bold) >= 0.99 * real, (word, bold)


# --- XLSX -------------------------------------------------------------------------------------


def open_xlsx(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_sheets_show_stand_and_hold_no_formula(bundle: export.Bundle) -> None:
    wb = open_xlsx(export.render("xlsx", bundle))
    assert wb.sheetnames == [
        "Info", "Zielerreichung", "Aktionsfelder und Vorhaben", "Änderungen", "Plan", "Meilensteine",
        "Indikatoren", "Messwerte mit Versionen", "Maßnahmen",
    ]  # fmt: skip
    for ws in wb.worksheets[1:]:
        assert "Stand: Oktober 2026" in ws["A2"].value
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"


def test_xlsx_rollups_carry_the_total_the_dashboards_show(bundle: export.Bundle) -> None:
    """The Beispieldaten have Aktionsfeld B below its start: the Übersicht shows the raw mean as
    Gesamt, so the workbook must hold it too (it had only the clamped 65 % beside a dashboard's 40 %)."""
    ws = open_xlsx(export.render("xlsx", bundle))["Aktionsfelder und Vorhaben"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if "Zielerreichung (ungekappt)" in r)
    at = {name: header.index(name) for name in ("Ebene", "Zielerreichung", "Zielerreichung (ungekappt)")}
    plan = next(r for r in rows if r[at["Ebene"]] == "Plan")
    raw = bundle.report.plan["attainment_raw"]
    assert raw < bundle.report.plan["attainment"]  # the case: a part below its start
    assert plan[at["Zielerreichung (ungekappt)"]] == pytest.approx(raw)
    assert ws.cell(row=rows.index(plan) + 1, column=at["Zielerreichung (ungekappt)"] + 1).number_format == "0 %"


def test_xlsx_user_text_stays_text(bundle: export.Bundle) -> None:
    wb = open_xlsx(export.render("xlsx", bundle))
    for sheet in ("Messwerte mit Versionen", "Änderungen"):
        cells = [c for row in wb[sheet].iter_rows() for c in row if c.value == EVIL]
        assert cells, sheet
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
        assert any(c.value == SCRIPT for row in wb[sheet].iter_rows() for c in row)


@pytest.mark.parametrize("text", ["=1+1", "+49 241 432-0", "-5 Tage", "@SUM(A1)", "\tTab", "\rCR", "\nLF"])
def test_xlsx_every_formula_prefix_is_neutralised(demo_db: Database, text: str) -> None:
    add_reading(demo_db, "kritik_extern", AS_OF, 5.0, at=dt.datetime(2026, 11, 20, 10), comment=text)
    wb = open_xlsx(
        export.render(
            "xlsx", export.make_bundle(gather(demo_db, as_of=AS_OF, since=SINCE, made_on=TODAY, kommune=KOMMUNE))
        )
    )
    found = [c for row in wb["Messwerte mit Versionen"].iter_rows() for c in row if c.value == text]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)


def test_xlsx_numbers_are_numbers_and_match_status_json(bundle: export.Bundle, demo_db: Database) -> None:
    payload = {i["id"]: i for i in status_json(demo_db)["indicators"]}
    ws = open_xlsx(export.render("xlsx", bundle))["Zielerreichung"]
    header = [c.value for c in ws[4]]
    col = {name: header.index(name) for name in header}
    seen = set()
    for row in ws.iter_rows(min_row=5, values_only=True):
        ind = payload[row[col["ID"]]]
        seen.add(ind["id"])
        for name, key in [
            ("Wert seit Jahresbeginn", "value"),
            ("Jahresziel", "target"),
            ("Zielerreichung", "attainment"),
        ]:
            if ind[key] is None:
                assert row[col[name]] is None
            else:
                assert isinstance(row[col[name]], int | float)
                assert row[col[name]] == pytest.approx(ind[key])
    assert seen == set(payload)
    assert ws.cell(row=5, column=col["Zielerreichung"] + 1).number_format == "0 %"
    versions = open_xlsx(export.render("xlsx", bundle))["Messwerte mit Versionen"]
    month = versions.cell(row=5, column=3)
    assert isinstance(month.value, dt.datetime) and month.number_format == "MM.YYYY"


def test_control_characters_do_not_break_the_files(demo_db: Database) -> None:
    add_reading(demo_db, "kritik_extern", AS_OF, 5.0, at=dt.datetime(2026, 11, 20, 10), comment="a\x00b\x1fc\x0bd")
    bundle = export.make_bundle(gather(demo_db, as_of=AS_OF, since=SINCE, made_on=TODAY, kommune=KOMMUNE))
    for key in ("pptx", "html", "xlsx"):
        assert export.render(key, bundle)
    wb = open_xlsx(export.render("xlsx", bundle))
    assert any(c.value == "abcd" for row in wb["Messwerte mit Versionen"].iter_rows() for c in row)


# --- HTML -------------------------------------------------------------------------------------


def test_html_is_self_contained_and_escapes_user_text(bundle: export.Bundle) -> None:
    text = export.render("html", bundle).decode("utf-8")
    assert text.startswith("<!doctype html>") and 'lang="de"' in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)  # nothing to fetch
    assert "@import" not in text and "url(" not in text
    assert text.count("<svg") == 7 and text.count('class="slide') == 9
    assert "Stand: <b>Oktober 2026</b>" in text


def test_html_numbers_match_status_json(bundle: export.Bundle, demo_db: Database) -> None:
    from kora import fmt

    text = export.render("html", bundle).decode("utf-8")
    payload = status_json(demo_db)
    plan = payload["plan"]  # the total a view shows: the raw mean where a part lies below its start (issue 11)
    assert (
        f'<div class="value">{fmt.signed_percent(fmt.shown_attainment(plan["attainment"], plan["attainment_raw"]))}</div>'
        in text
    )
    for field in payload["aktionsfelder"]:
        shown = fmt.shown_attainment(field["attainment"], field["attainment_raw"])
        assert f"{fmt.attainment(shown, shown)}</text>" in text  # below the start: "… (unter Startwert)"


# --- command line ----------------------------------------------------------------------------


def kora(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kora", *args, "--db", str(db)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_exports_every_format(demo_db: Database, db_path: Path, tmp_path: Path) -> None:
    demo_db.close()  # the CLI is another process: one writer per DuckDB file
    for key in ("pptx", "html", "xlsx"):
        out = tmp_path / f"bericht.{key}"
        run = kora(
            "export", "--format", key, "--as-of", "2026-10", "--since", "2026-10-29", "--out", str(out), db=db_path
        )
        assert run.returncode == 0, run.stderr
        assert "Stand: Oktober 2026" in run.stdout and out.stat().st_size > 1000
        # a workbook has sheets, not slides
        assert ("Tabellenblätter: Info, Zielerreichung" in run.stdout) == (key == "xlsx")
        assert ("(9 Folien)" in run.stdout) == (key != "xlsx")
    assert len(open_pptx((tmp_path / "bericht.pptx").read_bytes()).slides) == 9
    assert "Zielerreichung" in open_xlsx((tmp_path / "bericht.xlsx").read_bytes()).sheetnames
    inferred = kora(
        "export", "--as-of", "2026-06", "--known-at", "2026-07-15", "--out", str(tmp_path / "x.html"), db=db_path
    )
    assert inferred.returncode == 0, inferred.stderr
    assert "wie bekannt am 15.07.2026" in (tmp_path / "x.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13", "--format", "pptx"], "nicht erkannt"),
        (["--as-of", "2026-10", "--out", "bericht.txt"], "Format angeben"),
        (
            ["--as-of", "2026-10", "--since", "2026-10-20", "--known-at", "2026-10-01", "--format", "html"],
            "letzte Termin",
        ),
    ],
)
def test_cli_errors_are_german(db: Database, db_path: Path, tmp_path: Path, args: list[str], message: str) -> None:
    db.close()
    run = kora("export", *args, db=db_path)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def add_correction_with_reason(db: Database, *, reason: str) -> None:
    """A value corrected in the upload page with a Korrekturgrund and no comment."""
    import pandas as pd

    from kora.db import readings_store

    at = dt.datetime(2026, 11, 20, 12)
    upload = readings_store.new_upload(db, kommune="aachen", kind="upload", user="test", at=at, filename="k.csv")
    row = {
        "kommune": "aachen", "indicator_id": "kritik_extern", "month": AS_OF, "value": 7.0, "comment": None,
        "source": "test", "upload_id": upload, "recorded_at": at, "recorded_by": "test", "reason": reason,
    }  # fmt: skip
    readings_store.insert_readings(db, pd.DataFrame([row], columns=list(readings_store.READING_COLUMNS)))


def test_a_korrekturgrund_is_labelled_as_such_in_pptx_and_html(demo_db: Database) -> None:
    """Issue 11: the reason of a correction read "Kommentar:" on the page, in the PPTX and in HTML."""
    add_correction_with_reason(demo_db, reason="Tippfehler <b>in</b> der Vorlage")
    bundle = export.make_bundle(gather(demo_db, as_of=AS_OF, since=SINCE, made_on=TODAY, kommune=KOMMUNE))
    prs = open_pptx(export.render("pptx", bundle))
    texts = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Korrekturgrund: Tippfehler <b>in</b> der Vorlage" in texts
    assert "Kommentar: Tippfehler" not in texts
    html = export.render("html", bundle).decode("utf-8")
    assert "Korrekturgrund: Tippfehler &lt;b&gt;in&lt;/b&gt; der Vorlage" in html
    assert "Kommentar: Tippfehler" not in html
