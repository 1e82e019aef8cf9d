"""The Aktionsplan and the indicator catalogue as typed, validated objects.

Both live as human-editable TOML files in `data/` so the city can change texts, targets and
baselines without touching code. Loading validates everything up front and raises
`PlanFileError` naming file, entry and field, so a broken file never half-loads into the DB.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kora.errors import PlanFileError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PLAN_FILE = DATA_DIR / "aktionsplan.toml"
CATALOGUE_FILE = DATA_DIR / "indikatoren.toml"

# The Kommune a single-city installation works on (the plan file's `kommune`).
DEFAULT_KOMMUNE = "aachen"

DIRECTIONS = ("up", "down", "yesno")
AGGREGATIONS = ("sum", "mean", "last")
MILESTONE_STATUSES = ("offen", "erreicht", "verschoben")
# How often an indicator is reported: quarterly surveys are due in March, June, September, December.
FREQUENCIES = ("monatlich", "quartalsweise")


@dataclass(frozen=True)
class Aktionsfeld:
    code: str
    title: str


@dataclass(frozen=True)
class Idea:
    """One Umsetzungsidee; `teilvorhaben` numbers it when the seed groups ideas that way."""

    text: str
    teilvorhaben: int | None = None
    punkte: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "teilvorhaben": self.teilvorhaben, "punkte": list(self.punkte)}


@dataclass(frozen=True)
class Milestone:
    id: str
    vorhaben: int
    text: str
    due: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vorhaben": self.vorhaben,
            "text": self.text,
            "faellig": self.due.isoformat() if self.due else None,
        }


@dataclass(frozen=True)
class Vorhaben:
    nr: int
    aktionsfeld: str
    title: str
    zielsetzung: str
    umsetzungsideen: tuple[Idea, ...]
    meilensteine: tuple[Milestone, ...]
    indikatoren_text: tuple[str, ...]
    partner_cities: tuple[str, ...]
    vorsaetze: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    messung: str
    erhoben_von: str
    unit: str
    direction: str
    aggregation: str
    baseline: float | None
    baseline_year: int | None
    targets: dict[int, float]
    vorhaben: tuple[int, ...]
    quelle_text: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    weight: float = 1.0
    assumption: bool = True
    frequency: str = "monatlich"


@dataclass(frozen=True)
class Plan:
    kommune: str
    kommune_name: str
    title: str
    intro: str
    credit: str
    start_month: dt.date
    aktionsfelder: tuple[Aktionsfeld, ...]
    vorhaben: tuple[Vorhaben, ...]
    indicators: tuple[Indicator, ...] = field(default=())

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)


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


def _read_plan_file(path: Path) -> Plan:
    file = path.name
    raw = _read_toml(path)
    top = _Entry(file, "(Kopf)", raw)
    kommune = top.text("kommune")
    start = _parse_month(file, "(Kopf)", "plan_start", top.text("plan_start"))

    felder: list[Aktionsfeld] = []
    for i, item in enumerate(top.tables("aktionsfelder"), start=1):
        e = _Entry(file, f"aktionsfelder[{i}]", item)
        code = e.text("code")
        if code in {f.code for f in felder}:
            raise e.fail("code", f"Aktionsfeld {code} ist doppelt.")
        felder.append(Aktionsfeld(code=code, title=e.text("titel")))
    if not felder:
        raise top.fail("aktionsfelder", "mindestens ein Aktionsfeld ist nötig.")
    codes = {f.code for f in felder}

    vorhaben: list[Vorhaben] = []
    milestone_ids: set[str] = set()
    for i, item in enumerate(top.tables("vorhaben"), start=1):
        e = _Entry(file, f"vorhaben[{i}]", item)
        nr = e.integer("nr")
        assert nr is not None
        e.entry = f"Vorhaben {nr}"
        if nr in {v.nr for v in vorhaben}:
            raise e.fail("nr", f"Vorhaben-Nummer {nr} ist doppelt.")
        feld = e.text("aktionsfeld")
        if feld not in codes:
            raise e.fail("aktionsfeld", f"unbekanntes Aktionsfeld {feld!r} (bekannt: {', '.join(sorted(codes))}).")
        ideas = []
        for j, idea in enumerate(e.tables("umsetzungsideen"), start=1):
            ie = _Entry(file, f"Vorhaben {nr}, Umsetzungsidee {j}", idea)
            ideas.append(
                Idea(
                    text=ie.text("text"),
                    teilvorhaben=ie.integer("teilvorhaben", required=False),
                    punkte=ie.texts("punkte", required=False),
                )
            )
        milestones = []
        for j, ms in enumerate(e.tables("meilensteine"), start=1):
            me = _Entry(file, f"Vorhaben {nr}, Meilenstein {j}", ms)
            mid = me.text("id")
            if mid in milestone_ids:
                raise me.fail("id", f"Meilenstein-ID {mid} ist doppelt.")
            milestone_ids.add(mid)
            due = ms.get("faellig")
            if due is not None and not isinstance(due, dt.date):
                raise me.fail("faellig", f"Datum im Format JJJJ-MM-TT erwartet, gefunden: {due!r}.")
            milestones.append(Milestone(id=mid, vorhaben=nr, text=me.text("text"), due=due))
        vorhaben.append(
            Vorhaben(
                nr=nr,
                aktionsfeld=feld,
                title=e.text("titel"),
                zielsetzung=e.text("zielsetzung"),
                umsetzungsideen=tuple(ideas),
                meilensteine=tuple(milestones),
                indikatoren_text=e.texts("indikatoren_text"),
                partner_cities=e.texts("partnerstaedte"),
                vorsaetze=e.texts("vorsaetze"),
            )
        )
    if not vorhaben:
        raise top.fail("vorhaben", "mindestens ein Vorhaben ist nötig.")

    return Plan(
        kommune=kommune,
        kommune_name=top.text("kommune_name"),
        title=top.text("titel"),
        intro=top.text("einleitung", required=False),
        credit=top.text("bildnachweis", required=False),
        start_month=start,
        aktionsfelder=tuple(felder),
        vorhaben=tuple(sorted(vorhaben, key=lambda v: v.nr)),
    )


# --- catalogue -----------------------------------------------------------------------------


def _read_catalogue_file(path: Path, vorhaben_nrs: set[int]) -> tuple[Indicator, ...]:
    file = path.name
    raw = _read_toml(path)
    top = _Entry(file, "(Kopf)", raw)
    indicators: list[Indicator] = []
    for i, item in enumerate(top.tables("indikator"), start=1):
        e = _Entry(file, f"indikator[{i}]", item)
        ind_id = e.text("id")
        e.entry = f"Indikator {ind_id}"
        if not ind_id.replace("_", "").isalnum() or ind_id != ind_id.lower():
            raise e.fail("id", "nur Kleinbuchstaben, Ziffern und _ erlaubt.")
        if ind_id in {x.id for x in indicators}:
            raise e.fail("id", f"Indikator-ID {ind_id} ist doppelt.")
        direction = e.text("richtung")
        if direction not in DIRECTIONS:
            raise e.fail("richtung", f"{direction!r} ist nicht erlaubt; erlaubt: up, down, yesno.")
        aggregation = e.text("aggregation")
        if aggregation not in AGGREGATIONS:
            raise e.fail("aggregation", f"{aggregation!r} ist nicht erlaubt; erlaubt: sum, mean, last.")

        baseline_raw = item.get("baseline")
        baseline = baseline_year = None
        if baseline_raw is not None:
            be = _Entry(file, f"Indikator {ind_id}", baseline_raw)
            baseline = be.number("wert")
            baseline_year = be.integer("jahr")

        targets_raw = item.get("ziele", {})
        if not isinstance(targets_raw, dict):
            raise e.fail("ziele", 'muss eine Tabelle {"Jahr" = Wert} sein.')
        targets: dict[int, float] = {}
        for year_text, value in targets_raw.items():
            if not str(year_text).isdigit() or not 2000 <= int(year_text) <= 2100:
                raise e.fail("ziele", f"Jahr {year_text!r} ist keine Jahreszahl.")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise e.fail("ziele", f"Ziel für {year_text} muss eine Zahl sein, gefunden: {value!r}.")
            if direction == "yesno" and value not in (0, 1):
                raise e.fail(
                    "ziele", f"Ziel für {year_text} muss bei ja/nein-Indikatoren 0 oder 1 sein, gefunden: {value!r}."
                )
            targets[int(year_text)] = float(value)
        if direction == "yesno" and baseline is not None and baseline not in (0, 1):
            raise e.fail("baseline", "muss bei ja/nein-Indikatoren 0 oder 1 sein.")

        raw_vorhaben = item.get("vorhaben")
        if not isinstance(raw_vorhaben, list) or not raw_vorhaben:
            raise e.fail("vorhaben", "Liste der Vorhaben-Nummern fehlt oder ist leer.")
        for nr in raw_vorhaben:
            if isinstance(nr, bool) or not isinstance(nr, int) or nr not in vorhaben_nrs:
                raise e.fail(
                    "vorhaben",
                    f"unbekannte Vorhaben-Nummer {nr!r} (bekannt: {', '.join(map(str, sorted(vorhaben_nrs)))}).",
                )

        frequency = e.text("meldung", required=False, default="monatlich")
        if frequency not in FREQUENCIES:
            raise e.fail("meldung", f"{frequency!r} ist nicht erlaubt; erlaubt: {', '.join(FREQUENCIES)}.")
        weight = e.number("gewicht", required=False)
        if weight is not None and weight <= 0:
            raise e.fail("gewicht", "muss größer als 0 sein.")
        minimum = e.number("min", required=False)
        maximum = e.number("max", required=False)
        if direction == "yesno":
            minimum, maximum = 0.0, 1.0
        indicators.append(
            Indicator(
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
                vorhaben=tuple(raw_vorhaben),
                quelle_text=e.text("quelle_text", required=False),
                minimum=minimum,
                maximum=maximum,
                integer=e.flag("ganzzahlig", direction == "yesno"),
                weight=weight if weight is not None else 1.0,
                assumption=e.flag("annahme", True),
                frequency=frequency,
            )
        )
    names = [x.name.casefold() for x in indicators]
    for ind in indicators:
        if names.count(ind.name.casefold()) > 1:
            raise PlanFileError(file, f"Indikator {ind.id}", "name", "Anzeigename ist doppelt.")
    uncovered = vorhaben_nrs - {nr for ind in indicators for nr in ind.vorhaben}
    if uncovered:
        raise PlanFileError(
            file, "(Katalog)", "vorhaben", f"Vorhaben ohne Indikator: {', '.join(map(str, sorted(uncovered)))}."
        )
    return tuple(indicators)


def load_plan(plan_path: Path | str = PLAN_FILE, catalogue_path: Path | str = CATALOGUE_FILE) -> Plan:
    """Read and validate plan + catalogue; raises `PlanFileError` on the first problem."""
    plan = _read_plan_file(Path(plan_path))
    indicators = _read_catalogue_file(Path(catalogue_path), {v.nr for v in plan.vorhaben})
    return Plan(**{**plan.__dict__, "indicators": indicators})
