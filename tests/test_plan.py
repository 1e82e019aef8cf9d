"""The plan file against the seed text: every Vorhaben, every column, nothing lost."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kora.errors import PlanFileError
from kora.plan.files import CATALOGUE_FILE, PLAN_FILE, load_plan
from kora.plan.model import Plan
from tests.conftest import SEED

REQUIRED_IDS = {
    "km_umgesetzt",
    "kritik_extern",
    "adhoc_aenderungen",
    "meilensteine_erreicht",
    "abstimmungsschleifen",
    "koordination_besetzt",
    "fruehwarnungen",
    "projekte_umgesetzt",
    "planungsdauer_monate",
    "steckbriefe_anteil",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def _seed_rows() -> dict[int, list[str]]:
    rows = {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if cells and cells[0].strip().isdigit():
            rows[int(cells[0])] = [*cells, *[""] * (9 - len(cells))]
    return rows


SEED_ROWS = _seed_rows()


def test_seed_is_readable() -> None:
    assert sorted(SEED_ROWS) == [1, 2, 3, 4, 5, 6, 7]


def test_four_aktionsfelder(plan: Plan) -> None:
    assert [(f.code, f.title) for f in plan.aktionsfelder] == [
        ("A", "Umgang mit Zivilgesellschaft"),
        ("B", "Umgang mit Politik"),
        ("C", "Ziele, integratives Arbeiten und Planungsabläufe"),
        ("D", "Vernetzung und Kultur"),
    ]


@pytest.mark.parametrize(("nr", "feld"), [(1, "A"), (2, "A"), (3, "B"), (4, "C"), (5, "C"), (6, "C"), (7, "D")])
def test_empty_aktionsfeld_cell_continues_the_row_above(plan: Plan, nr: int, feld: str) -> None:
    assert next(v for v in plan.vorhaben if v.nr == nr).aktionsfeld == feld


@pytest.mark.parametrize("nr", range(1, 8))
def test_every_seed_column_round_trips(plan: Plan, nr: int) -> None:
    cells = [_norm(c) for c in SEED_ROWS[nr]]
    v = next(v for v in plan.vorhaben if v.nr == nr)
    assert v.title == cells[2]
    assert v.zielsetzung == cells[3]
    ideas = " ".join(
        " ".join([(f"Teilvorhaben {i.teilvorhaben}: " if i.teilvorhaben else "") + i.text, *i.punkte])
        for i in v.umsetzungsideen
    )
    assert ideas == cells[4]
    assert " ".join(m.text for m in v.meilensteine) == cells[5]
    assert " ".join(v.indikatoren_text) == cells[6]
    assert " ".join(v.partner_cities) == cells[7]
    assert " ".join(v.vorsaetze) == cells[8]


def test_no_html_left(plan: Plan) -> None:
    texts = [
        t
        for v in plan.vorhaben
        for t in (
            v.title,
            v.zielsetzung,
            *v.indikatoren_text,
            *v.vorsaetze,
            *(m.text for m in v.meilensteine),
            *(i.text for i in v.umsetzungsideen),
            *(p for i in v.umsetzungsideen for p in i.punkte),
        )
    ]
    assert not [t for t in texts if "<" in t or ">" in t]


def test_partner_cities_are_a_list(plan: Plan) -> None:
    v1 = next(v for v in plan.vorhaben if v.nr == 1)
    assert "Frankfurt am Main" in v1.partner_cities
    assert len(v1.partner_cities) == 7


def test_catalogue_has_required_ids_and_covers_every_vorhaben(plan: Plan) -> None:
    ids = {i.id for i in plan.indicators}
    assert ids >= REQUIRED_IDS
    assert {nr for i in plan.indicators for nr in i.vorhaben} == {1, 2, 3, 4, 5, 6, 7}


def test_abstimmungsschleifen_serve_two_vorhaben(plan: Plan) -> None:
    assert set(plan.indicator("abstimmungsschleifen").vorhaben) == {4, 6}


def test_km_umgesetzt_is_the_radentscheid_goal(plan: Plan) -> None:
    km = plan.indicator("km_umgesetzt")
    assert (km.direction, km.aggregation, km.unit) == ("up", "sum", "km")
    assert km.targets == {2025: 5.0, 2026: 5.0, 2027: 5.0}
    assert km.vorhaben == (1,)


def test_every_seed_indicator_is_operationalised(plan: Plan) -> None:
    """Each line of the seed's Indikatoren column is named in some indicator's quelle_text."""
    sources = " ".join(i.quelle_text.casefold() for i in plan.indicators)
    for v in plan.vorhaben:
        for text in v.indikatoren_text:
            assert text.casefold() in sources, (v.nr, text)


# --- broken files: German message naming file, entry and field ----------------------------


def _broken_catalogue(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "indikatoren.toml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "entry", "field"),
    [
        ('name = "Planungsdauer"\n', "", "Indikator planungsdauer_monate", "name"),
        ("vorhaben = [6]\nannahme = true\n\n[[indikator]]\nid = \"formate_aktiv\"", "vorhaben = [9]\nannahme = true\n\n[[indikator]]\nid = \"formate_aktiv\"", "Indikator planungsdauer_monate", "vorhaben"),
        ('id = "kritik_extern"', 'id = "km_umgesetzt"', "Indikator km_umgesetzt", "id"),
        ('ziele = { "2025" = 0.0, "2026" = 1.0', 'ziele = { "2025" = 0.5, "2026" = 1.0', "Indikator koordination_besetzt", "ziele"),
        ('richtung = "yesno"', 'richtung = "seitwärts"', "Indikator koordination_besetzt", "richtung"),
        ('aggregation = "mean"\nmin = 0\nbaseline = { wert = 30.0', 'aggregation = "median"\nmin = 0\nbaseline = { wert = 30.0', "Indikator planungsdauer_monate", "aggregation"),
        ('"2026" = 12.0', '"2026" = "zwölf"', "Indikator projekte_umgesetzt", "ziele"),
    ],
)  # fmt: skip
def test_broken_catalogue_names_file_entry_field(tmp_path: Path, old: str, new: str, entry: str, field: str) -> None:
    with pytest.raises(PlanFileError) as info:
        load_plan(PLAN_FILE, _broken_catalogue(tmp_path, old, new))
    err = info.value
    assert (err.file, err.entry, err.field) == ("indikatoren.toml", entry, field)
    assert "indikatoren.toml" in str(err) and entry in str(err)


@pytest.mark.parametrize(
    ("old", "new", "entry", "field"),
    [
        ('aktionsfeld = "D"', 'aktionsfeld = "E"', "Vorhaben 7", "aktionsfeld"),
        ('zielsetzung = "Priorisierung der Aufgaben"\n', "", "Vorhaben 5", "zielsetzung"),
        ('id = "M4.2"', 'id = "M4.1"', "Vorhaben 4, Meilenstein 2", "id"),
        ("nr = 6\n", "nr = 5\n", "Vorhaben 5", "nr"),
        ("faellig = 2025-03-31", 'faellig = "Ende März"', "Vorhaben 1, Meilenstein 1", "faellig"),
    ],
)
def test_broken_plan_names_file_entry_field(tmp_path: Path, old: str, new: str, entry: str, field: str) -> None:
    text = PLAN_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "aktionsplan.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        load_plan(path, CATALOGUE_FILE)
    assert (info.value.file, info.value.entry, info.value.field) == ("aktionsplan.toml", entry, field)


def test_unparsable_toml(tmp_path: Path) -> None:
    path = tmp_path / "aktionsplan.toml"
    shutil.copy(PLAN_FILE, path)
    path.write_text(path.read_text(encoding="utf-8") + "\n[[vorhaben\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match="kein gültiges TOML"):
        load_plan(path, CATALOGUE_FILE)
