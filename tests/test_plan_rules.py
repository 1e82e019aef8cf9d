"""One table of catalogue field rules, run through both paths that set those fields.

The file loader (`data/indikatoren.toml`) and the admin edit on the Verwaltung page used to keep
their own ranges and disagreed (weights above 100, baseline years out of range). Both now ask
`kora.plan.rules`; this test proves it by feeding each row to both paths.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kora.db import Database
from kora.errors import PlanFileError, ValidationError
from kora.plan import edits, rules
from kora.plan.files import CATALOGUE_FILE, PLAN_FILE, load_plan
from tests.conftest import KOMMUNE, OPERATOR

# (indicator, field, year, value, accepted): steckbriefe_anteil is a % (0..100), koordination_besetzt
# ja/nein, kritik_extern a count (ganzzahlig, min 0).
CASES = [
    ("steckbriefe_anteil", "weight", None, 2.0, True),
    ("steckbriefe_anteil", "weight", None, 100.0, True),
    ("steckbriefe_anteil", "weight", None, 150.0, False),
    ("steckbriefe_anteil", "weight", None, 0.0, False),
    ("steckbriefe_anteil", "weight", None, -1.0, False),
    ("steckbriefe_anteil", "baseline_year", None, 2020.0, True),
    ("steckbriefe_anteil", "baseline_year", None, 1850.0, False),
    ("steckbriefe_anteil", "baseline_year", None, 2101.0, False),
    ("steckbriefe_anteil", "baseline", None, 50.0, True),
    ("steckbriefe_anteil", "baseline", None, 120.0, False),
    ("steckbriefe_anteil", "target", 2026, 80.0, True),
    ("steckbriefe_anteil", "target", 2026, 150.0, False),
    ("steckbriefe_anteil", "target", 1999, 80.0, False),
    ("koordination_besetzt", "target", 2026, 0.5, False),
    ("koordination_besetzt", "baseline", None, 1.0, True),
    ("kritik_extern", "target", 2026, 12.5, False),
    ("kritik_extern", "target", 2026, -3.0, False),
    ("kritik_extern", "baseline", None, 30.0, True),
]


def _toml_number(value: float) -> str:
    return repr(float(value))


def _catalogue_with(tmp_path: Path, ind_id: str, field: str, year: int | None, value: float) -> Path:
    """The shipped catalogue with one field of one indicator replaced, as an editor would type it."""
    blocks = CATALOGUE_FILE.read_text(encoding="utf-8").split("[[indikator]]")
    index = next(i for i, b in enumerate(blocks) if f'id = "{ind_id}"\n' in b)
    block = blocks[index]
    old_baseline = re.search(r"baseline = \{ wert = ([0-9.]+), jahr = (\d+) \}", block)
    assert old_baseline is not None
    key, line = {
        "weight": ("gewicht", f"gewicht = {_toml_number(value)}"),
        "baseline": ("baseline", f"baseline = {{ wert = {_toml_number(value)}, jahr = {old_baseline[2]} }}"),
        "baseline_year": ("baseline", f"baseline = {{ wert = {old_baseline[1]}, jahr = {int(value)} }}"),
        "target": ("ziele", f'ziele = {{ "{year}" = {_toml_number(value)} }}'),
    }[field]
    block = re.sub(rf"(?m)^{key} = .*\n", "", block)
    block = block.replace(f'id = "{ind_id}"\n', f'id = "{ind_id}"\n{line}\n', 1)
    blocks[index] = block
    path = tmp_path / "indikatoren.toml"
    path.write_text("[[indikator]]".join(blocks), encoding="utf-8")
    return path


@pytest.mark.parametrize(("ind_id", "field", "year", "value", "accepted"), CASES)
def test_the_file_loader_applies_the_shared_rules(
    tmp_path: Path, ind_id: str, field: str, year: int | None, value: float, accepted: bool
) -> None:
    path = _catalogue_with(tmp_path, ind_id, field, year, value)
    if accepted:
        load_plan(PLAN_FILE, path)
    else:
        with pytest.raises(PlanFileError) as info:
            load_plan(PLAN_FILE, path)
        assert info.value.entry == f"Indikator {ind_id}"


@pytest.mark.parametrize(("ind_id", "field", "year", "value", "accepted"), CASES)
def test_the_admin_edit_applies_the_same_rules(
    db: Database, ind_id: str, field: str, year: int | None, value: float, accepted: bool
) -> None:
    def edit() -> edits.PlanChange:
        return edits.set_plan_value(
            db, OPERATOR, ind_id, field=field, value=value, year=year, reason="Regeltest", kommune=KOMMUNE
        )

    if accepted:
        edit()
    else:
        with pytest.raises(ValidationError, match=edits.FIELD_LABELS[field]):
            edit()


@pytest.mark.parametrize(
    ("value", "problem"),
    [(1.0, None), (100.0, None), (0.0, "größer als 0"), (100.5, "höchstens 100"), (-2.0, "größer als 0")],
)
def test_weight_problem(value: float, problem: str | None) -> None:
    found = rules.weight_problem(value)
    assert found is None if problem is None else problem in (found or "")


@pytest.mark.parametrize(
    ("value", "ok"), [(1990.0, True), (2100.0, True), (2024.0, True), (1989.0, False), (2024.5, False), (3000.0, False)]
)
def test_baseline_year_problem(value: float, ok: bool) -> None:
    assert (rules.baseline_year_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("year", "ok"), [("2026", True), (2026, True), ("2000", True), ("1999", False), ("20x6", False), (True, False)]
)
def test_target_year_problem(year: object, ok: bool) -> None:
    assert (rules.target_year_problem(year) is None) is ok


@pytest.mark.parametrize(
    ("value", "bounds", "problem"),
    [
        (1.0, rules.ValueBounds("yesno", 0.0, 1.0, True), None),
        (0.5, rules.ValueBounds("yesno", 0.0, 1.0, True), "Ja/Nein"),
        (50.0, rules.ValueBounds("up", 0.0, 100.0, False, "%"), None),
        (120.0, rules.ValueBounds("up", 0.0, 100.0, False, "%"), "außerhalb"),
        (-1.0, rules.ValueBounds("down", 0.0, None, True), "außerhalb"),
        (2.5, rules.ValueBounds("down", 0.0, None, True), "ganze Zahl"),
        (2.5, rules.ValueBounds("down", None, None, False), None),
    ],
)
def test_value_problem(value: float, bounds: rules.ValueBounds, problem: str | None) -> None:
    found = rules.value_problem(value, bounds)
    assert found is None if problem is None else problem in (found or "")


# --- the steps of set_milestone that carry logic ---------------------------------------------

D = dt.date
TODAY = D(2026, 5, 15)


@pytest.mark.parametrize(
    ("status", "given", "expected"),
    [
        ("erreicht", None, D(2026, 5, 15)),
        ("erreicht", D(2026, 4, 1), D(2026, 4, 1)),
        ("erreicht", D(2026, 6, 1), "Zukunft"),
        ("offen", None, None),
        ("offen", D(2026, 4, 1), "nur mit Status"),
        ("verschoben", None, None),
        ("fertig", None, "gibt es nicht"),
    ],
)
def test_reached_on(status: str, given: dt.date | None, expected: object) -> None:
    if isinstance(expected, str):
        with pytest.raises(ValidationError, match=expected):
            edits._reached_on(status, given, TODAY)
    else:
        assert edits._reached_on(status, given, TODAY) == expected


@pytest.mark.parametrize(
    ("status", "due", "old_due", "old_status", "expected"),
    [
        ("offen", None, D(2026, 3, 31), "offen", D(2026, 3, 31)),
        ("offen", D(2026, 9, 30), D(2026, 3, 31), "offen", D(2026, 9, 30)),
        ("verschoben", D(2026, 9, 30), D(2026, 3, 31), "offen", D(2026, 9, 30)),
        ("verschoben", None, D(2026, 3, 31), "offen", "neue Fälligkeitsdatum"),
        ("verschoben", D(2026, 3, 31), D(2026, 3, 31), "offen", "neue Fälligkeitsdatum"),
        ("verschoben", None, D(2026, 3, 31), "verschoben", D(2026, 3, 31)),
        ("verschoben", None, None, "offen", None),
    ],
)
def test_new_due(status: str, due: dt.date | None, old_due: dt.date | None, old_status: str, expected: object) -> None:
    def call() -> object:
        return edits._new_due(status, due, old_due=old_due, old_status=old_status)

    if isinstance(expected, str):
        with pytest.raises(ValidationError, match=expected):
            call()
    else:
        assert call() == expected


@pytest.mark.parametrize(("value", "ok"), [(5.0, True), (0.0, False), (-1.0, False), (2e9, False), (150.0, False)])
def test_plausible_max_is_positive_and_inside_the_allowed_range(value: float, ok: bool) -> None:
    from kora.plan import rules

    bounds = rules.ValueBounds(direction="up", minimum=0.0, maximum=100.0)
    assert (rules.plausible_max_problem(value, bounds) is None) is ok
    assert rules.impossible_above(5.0) == 5000.0
