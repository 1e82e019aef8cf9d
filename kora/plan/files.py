"""Reading `data/aktionsplan.toml` and `data/indikatoren.toml` into the plan model.

Both live as human-editable TOML files in `data/` so the city can change texts, targets and
baselines without touching code. Loading validates everything up front and raises
`PlanFileError` naming file, entry and field, so a broken file never half-loads into the DB.
The numeric field rules come from `kora.plan.rules`, the same ones the admin edits use.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from kora.errors import PlanFileError
from kora.plan import rules
from kora.plan.model import (
    AGGREGATIONS,
    DIRECTIONS,
    FREQUENCIES,
    Aktionsfeld,
    Idea,
    Indicator,
    Milestone,
    Plan,
    Vorhaben,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PLAN_FILE = DATA_DIR / "aktionsplan.toml"
CATALOGUE_FILE = DATA_DIR / "indikatoren.toml"


# --- reading helpers -----------------------------------------------------------------------


class _Entry:
    """Typed field access on one TOML table that reports problems with file/entry/field."""

    def __init__(self, file: str, entry: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise PlanFileError(file, entry, "-", "Eintrag ist keine Tabelle.")
        self.file, self.entry, self.data = file, entry, data

    def fail(self, field_name: str, problem: str) -> PlanFileError:
        return PlanFileError(self.file, self.entry, field_name, problem)

    def text(self, name: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(name, "Pflichtfeld fehlt.")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(name, "muss ein nicht leerer Text sein.")
        return value.strip()

    def integer(self, name: str, *, required: bool = True) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(name, "Pflichtfeld fehlt.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"muss eine ganze Zahl sein, gefunden: {value!r}.")
        return value

    def number(self, name: str, *, required: bool = True) -> float | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(name, "Pflichtfeld fehlt.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(name, f"muss eine Zahl sein, gefunden: {value!r}.")
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, "muss true oder false sein.")
        return value

    def texts(self, name: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(name, "Pflichtfeld fehlt (leere Liste [] ist erlaubt).")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(name, "muss eine Liste nicht leerer Texte sein.")
        return tuple(v.strip() for v in value)

    def tables(self, name: str) -> list[Any]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            raise self.fail(name, "muss eine Liste von Tabellen sein.")
        return value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise PlanFileError(path.name, "-", "-", "Datei nicht gefunden.") from None
    except tomllib.TOMLDecodeError as err:
        raise PlanFileError(path.name, "-", "-", f"kein gültiges TOML ({err}).") from None


def _parse_month(file: str, entry: str, field_name: str, value: Any) -> dt.date:
    try:
        year, month = str(value).split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise PlanFileError(
            file, entry, field_name, f"Monat im Format JJJJ-MM erwartet, gefunden: {value!r}."
        ) from None


# --- plan ----------------------------------------------------------------------------------


def _read_aktionsfelder(top: _Entry) -> tuple[Aktionsfeld, ...]:
    """Aktionsfelder in file order; codes are unique because Vorhaben refer to them."""
    felder: list[Aktionsfeld] = []
    for i, item in enumerate(top.tables("aktionsfelder"), start=1):
        e = _Entry(top.file, f"aktionsfelder[{i}]", item)
        code = e.text("code")
        if code in {f.code for f in felder}:
            raise e.fail("code", f"Aktionsfeld {code} ist doppelt.")
        felder.append(Aktionsfeld(code=code, title=e.text("titel")))
    if not felder:
        raise top.fail("aktionsfelder", "mindestens ein Aktionsfeld ist nötig.")
    return tuple(felder)


def _read_ideas(e: _Entry, nr: int) -> tuple[Idea, ...]:
    """The Umsetzungsideen of one Vorhaben (optional Teilvorhaben number and bullet points)."""
    ideas = []
    for j, idea in enumerate(e.tables("umsetzungsideen"), start=1):
        ie = _Entry(e.file, f"Vorhaben {nr}, Umsetzungsidee {j}", idea)
        ideas.append(
            Idea(
                text=ie.text("text"),
                teilvorhaben=ie.integer("teilvorhaben", required=False),
                punkte=ie.texts("punkte", required=False),
            )
        )
    return tuple(ideas)


def _read_milestones(e: _Entry, nr: int, seen_ids: set[str]) -> tuple[Milestone, ...]:
    """Milestones of one Vorhaben; their ids are unique across the plan (events refer to them)."""
    milestones = []
    for j, ms in enumerate(e.tables("meilensteine"), start=1):
        me = _Entry(e.file, f"Vorhaben {nr}, Meilenstein {j}", ms)
        mid = me.text("id")
        if mid in seen_ids:
            raise me.fail("id", f"Meilenstein-ID {mid} ist doppelt.")
        seen_ids.add(mid)
        due = ms.get("faellig")
        if due is not None and not isinstance(due, dt.date):
            raise me.fail("faellig", f"Datum im Format JJJJ-MM-TT erwartet, gefunden: {due!r}.")
        milestones.append(Milestone(id=mid, vorhaben=nr, text=me.text("text"), due=due))
    return tuple(milestones)


def _read_one_vorhaben(e: _Entry, codes: set[str], known_nrs: set[int], milestone_ids: set[str]) -> Vorhaben:
    """One Vorhaben: a unique number, a known Aktionsfeld, its ideas, milestones and texts."""
    nr = e.integer("nr")
    assert nr is not None
    e.entry = f"Vorhaben {nr}"
    if nr in known_nrs:
        raise e.fail("nr", f"Vorhaben-Nummer {nr} ist doppelt.")
    feld = e.text("aktionsfeld")
    if feld not in codes:
        raise e.fail("aktionsfeld", f"unbekanntes Aktionsfeld {feld!r} (bekannt: {', '.join(sorted(codes))}).")
    return Vorhaben(
        nr=nr,
        aktionsfeld=feld,
        title=e.text("titel"),
        zielsetzung=e.text("zielsetzung"),
        umsetzungsideen=_read_ideas(e, nr),
        meilensteine=_read_milestones(e, nr, milestone_ids),
        indikatoren_text=e.texts("indikatoren_text"),
        partner_cities=e.texts("partnerstaedte"),
        vorsaetze=e.texts("vorsaetze"),
    )


def _read_vorhaben(top: _Entry, codes: set[str]) -> tuple[Vorhaben, ...]:
    """All Vorhaben sorted by number; a plan without any is refused."""
    vorhaben: list[Vorhaben] = []
    milestone_ids: set[str] = set()
    for i, item in enumerate(top.tables("vorhaben"), start=1):
        e = _Entry(top.file, f"vorhaben[{i}]", item)
        vorhaben.append(_read_one_vorhaben(e, codes, {v.nr for v in vorhaben}, milestone_ids))
    if not vorhaben:
        raise top.fail("vorhaben", "mindestens ein Vorhaben ist nötig.")
    return tuple(sorted(vorhaben, key=lambda v: v.nr))


def _read_plan_file(path: Path) -> Plan:
    top = _Entry(path.name, "(Kopf)", _read_toml(path))
    kommune = top.text("kommune")
    start = _parse_month(path.name, "(Kopf)", "plan_start", top.text("plan_start"))
    felder = _read_aktionsfelder(top)
    vorhaben = _read_vorhaben(top, {f.code for f in felder})
    return Plan(
        kommune=kommune,
        kommune_name=top.text("kommune_name"),
        title=top.text("titel"),
        intro=top.text("einleitung", required=False),
        credit=top.text("bildnachweis", required=False),
        start_month=start,
        aktionsfelder=felder,
        vorhaben=vorhaben,
    )


# --- catalogue -----------------------------------------------------------------------------


def _indicator_id(e: _Entry, seen: set[str]) -> str:
    """The id names the indicator in uploads and URLs: lower-case, digits and _, unique."""
    ind_id = e.text("id")
    e.entry = f"Indikator {ind_id}"
    if not ind_id.replace("_", "").isalnum() or ind_id != ind_id.lower():
        raise e.fail("id", "nur Kleinbuchstaben, Ziffern und _ erlaubt.")
    if ind_id in seen:
        raise e.fail("id", f"Indikator-ID {ind_id} ist doppelt.")
    return ind_id


def _choice(e: _Entry, name: str, allowed: tuple[str, ...], *, default: str | None = None) -> str:
    """A text field that must be one of a few known words."""
    value = e.text(name) if default is None else e.text(name, required=False, default=default)
    if value not in allowed:
        raise e.fail(name, f"{value!r} ist nicht erlaubt; erlaubt: {', '.join(allowed)}.")
    return value


def _bounds(e: _Entry, direction: str) -> rules.ValueBounds:
    """Allowed range of a reading; ja/nein indicators are 0 or 1 and counted by default."""
    minimum = e.number("min", required=False)
    maximum = e.number("max", required=False)
    if direction == "yesno":
        minimum, maximum = 0.0, 1.0
    return rules.ValueBounds(
        direction=direction,
        minimum=minimum,
        maximum=maximum,
        integer=e.flag("ganzzahlig", direction == "yesno"),
        unit=e.text("einheit", required=False),
    )


def _check(e: _Entry, field_name: str, problem: str | None, prefix: str = "") -> None:
    """Turn a rule's problem text into a PlanFileError naming the field."""
    if problem is not None:
        raise e.fail(field_name, prefix + problem)


def _baseline(e: _Entry, bounds: rules.ValueBounds) -> tuple[float | None, int | None]:
    """The optional `baseline = {wert, jahr}`; both parts follow the shared rules."""
    raw = e.data.get("baseline")
    if raw is None:
        return None, None
    be = _Entry(e.file, e.entry, raw)
    baseline = be.number("wert")
    year = be.integer("jahr")
    assert baseline is not None and year is not None
    _check(e, "baseline", rules.value_problem(baseline, bounds))
    _check(e, "baseline.jahr", rules.baseline_year_problem(year))
    return baseline, year


def _targets(e: _Entry, bounds: rules.ValueBounds) -> dict[int, float]:
    """`ziele = {"2026" = 40}`: each year and value follows the shared rules."""
    raw = e.data.get("ziele", {})
    if not isinstance(raw, dict):
        raise e.fail("ziele", 'muss eine Tabelle {"Jahr" = Wert} sein.')
    targets: dict[int, float] = {}
    for year_text, value in raw.items():
        _check(e, "ziele", rules.target_year_problem(year_text))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise e.fail("ziele", f"Ziel für {year_text} muss eine Zahl sein, gefunden: {value!r}.")
        _check(e, "ziele", rules.value_problem(float(value), bounds), prefix=f"Ziel für {year_text} ")
        targets[int(year_text)] = float(value)
    return targets


def _vorhaben_refs(e: _Entry, vorhaben_nrs: set[int]) -> tuple[int, ...]:
    """Each indicator belongs to at least one Vorhaben of the plan."""
    raw = e.data.get("vorhaben")
    if not isinstance(raw, list) or not raw:
        raise e.fail("vorhaben", "Liste der Vorhaben-Nummern fehlt oder ist leer.")
    for nr in raw:
        if isinstance(nr, bool) or not isinstance(nr, int) or nr not in vorhaben_nrs:
            known = ", ".join(map(str, sorted(vorhaben_nrs)))
            raise e.fail("vorhaben", f"unbekannte Vorhaben-Nummer {nr!r} (bekannt: {known}).")
    return tuple(raw)


def _weight(e: _Entry) -> float:
    """The weight in a Vorhaben's summary (default 1), within the shared range."""
    weight = e.number("gewicht", required=False)
    if weight is None:
        return 1.0
    _check(e, "gewicht", rules.weight_problem(weight))
    return weight


def _read_indicator(e: _Entry, seen: set[str], vorhaben_nrs: set[int]) -> Indicator:
    """One `[[indikator]]` table, field by field, in the order a reader of the file sees them."""
    ind_id = _indicator_id(e, seen)
    direction = _choice(e, "richtung", DIRECTIONS)
    aggregation = _choice(e, "aggregation", AGGREGATIONS)
    bounds = _bounds(e, direction)
    baseline, baseline_year = _baseline(e, bounds)
    targets = _targets(e, bounds)
    return Indicator(
        id=ind_id,
        name=e.text("name"),
        messung=e.text("messung"),
        erhoben_von=e.text("erhoben_von"),
        unit=e.text("einheit"),
        direction=direction,
        aggregation=aggregation,
        baseline=baseline,
        baseline_year=baseline_year,
        targets=targets,
        vorhaben=_vorhaben_refs(e, vorhaben_nrs),
        quelle_text=e.text("quelle_text", required=False),
        minimum=bounds.minimum,
        maximum=bounds.maximum,
        integer=bounds.integer,
        weight=_weight(e),
        assumption=e.flag("annahme", True),
        frequency=_choice(e, "meldung", FREQUENCIES, default="monatlich"),
        plausible_max=_plausible_max(e, bounds),
    )


def _plausible_max(e: _Entry, bounds: rules.ValueBounds) -> float | None:
    """`plausibel_max`: above it a monthly value is warned about (see kora.plan.rules.plausible_max_problem)."""
    value = e.number("plausibel_max", required=False)
    if value is not None:
        _check(e, "plausibel_max", rules.plausible_max_problem(value, bounds))
    return value


def _check_catalogue(file: str, indicators: list[Indicator], vorhaben_nrs: set[int]) -> None:
    """Across the catalogue: display names are unique and every Vorhaben has an indicator."""
    names = [x.name.casefold() for x in indicators]
    for ind in indicators:
        if names.count(ind.name.casefold()) > 1:
            raise PlanFileError(file, f"Indikator {ind.id}", "name", "Anzeigename ist doppelt.")
    uncovered = vorhaben_nrs - {nr for ind in indicators for nr in ind.vorhaben}
    if uncovered:
        raise PlanFileError(
            file, "(Katalog)", "vorhaben", f"Vorhaben ohne Indikator: {', '.join(map(str, sorted(uncovered)))}."
        )


def _read_catalogue_file(path: Path, vorhaben_nrs: set[int]) -> tuple[Indicator, ...]:
    top = _Entry(path.name, "(Kopf)", _read_toml(path))
    indicators: list[Indicator] = []
    for i, item in enumerate(top.tables("indikator"), start=1):
        e = _Entry(path.name, f"indikator[{i}]", item)
        indicators.append(_read_indicator(e, {x.id for x in indicators}, vorhaben_nrs))
    _check_catalogue(path.name, indicators, vorhaben_nrs)
    return tuple(indicators)


def load_plan(plan_path: Path | str = PLAN_FILE, catalogue_path: Path | str = CATALOGUE_FILE) -> Plan:
    """Read and validate plan + catalogue; raises `PlanFileError` on the first problem."""
    plan = _read_plan_file(Path(plan_path))
    indicators = _read_catalogue_file(Path(catalogue_path), {v.nr for v in plan.vorhaben})
    return Plan(**{**plan.__dict__, "indicators": indicators})
