"""The Kommunen of the network (registry file) and the one Kommune this installation works for.

Einwohner figures carry their source, year and Stichtag (the day the count refers to), so a reader of
"km je 100 000 Einwohner" can check the denominator and see when two cities are counted on different
days (a fair comparison needs one Stichtag; see the header of data/kommunen.toml). `own_kommune()` is the single place that
decides which Kommune is "us": write paths, pages and commands ask it instead of assuming Aachen.
It reads only files and the environment, so kora.access (membership of a shared installation)
can ask it; it sits beside kora.plan.files in the layers.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kora.errors import KoraError, PlanFileError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REGISTRY_FILE = DATA_DIR / "kommunen.toml"
SECRETS_FILE = Path(__file__).resolve().parents[1] / ".streamlit" / "secrets.toml"
DEFAULT_OWN = "aachen"
ENV_OWN = "KORA_KOMMUNE"
ROLES = ("modellstadt", "partnerstadt")


@dataclass(frozen=True)
class Kommune:
    id: str
    name: str
    einwohner: int
    jahr: int
    quelle: str
    geprueft: bool
    rolle: str
    plan_name: str = ""
    stichtag: dt.date | None = None

    @property
    def stand_text(self) -> str:
        """'15.05.2022' when the Stichtag is known, else the year: what the figure refers to."""
        from kora import fmt

        return fmt.date(self.stichtag) if self.stichtag is not None else str(self.jahr)

    @property
    def einwohner_text(self) -> str:
        from kora import fmt

        mark = "" if self.geprueft else ", ungeprüft"
        return f"{fmt.number(self.einwohner, 0)} (Stand {self.stand_text}{mark})"


def _stichtag(value: object, *, jahr: int, file: str, where: str) -> dt.date | None:
    """Optional `stichtag`: an ISO date (quoted or as a TOML date) inside `jahr` — a Stichtag in
    another year than `jahr` means one of the two is a typo, so it is refused, not guessed."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise PlanFileError(file, where, "stichtag", 'muss ein Datum JJJJ-MM-TT sein, z. B. "2022-05-15".')
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PlanFileError(
            file, where, "stichtag", f'„{value}“ ist kein Datum JJJJ-MM-TT, z. B. "2022-05-15".'
        ) from None
    if day.year != jahr:
        raise PlanFileError(
            file, where, "stichtag", f"liegt nicht im Jahr {jahr} (Feld jahr); eines von beiden korrigieren."
        )
    return day


def _entry(item: object, index: int) -> Kommune:
    file = REGISTRY_FILE.name
    if not isinstance(item, dict):
        raise PlanFileError(file, f"kommune[{index}]", "-", "Eintrag ist keine Tabelle.")
    kid = item.get("id")
    where = f"Kommune {kid}" if isinstance(kid, str) else f"kommune[{index}]"
    if (
        not isinstance(kid, str)
        or not kid
        or not kid.isascii()
        or not kid.replace("_", "").isalnum()
        or kid != kid.lower()
    ):
        raise PlanFileError(file, where, "id", "nur Kleinbuchstaben, Ziffern und _ erlaubt.")
    einwohner = item.get("einwohner")
    if isinstance(einwohner, bool) or not isinstance(einwohner, int) or einwohner <= 0:
        raise PlanFileError(file, where, "einwohner", "muss eine positive ganze Zahl sein.")
    jahr = item.get("jahr")
    if isinstance(jahr, bool) or not isinstance(jahr, int) or not 1990 <= jahr <= 2100:
        raise PlanFileError(file, where, "jahr", "muss eine Jahreszahl sein.")
    for key in ("name", "quelle"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise PlanFileError(file, where, key, "Pflichtfeld fehlt oder ist leer.")
    if item.get("rolle") not in ROLES:
        raise PlanFileError(file, where, "rolle", f"erlaubt: {', '.join(ROLES)}.")
    if not isinstance(item.get("geprueft", False), bool):
        raise PlanFileError(file, where, "geprueft", "muss true oder false sein.")
    stichtag = _stichtag(item.get("stichtag"), jahr=jahr, file=file, where=where)
    return Kommune(
        id=kid,
        name=item["name"].strip(),
        einwohner=einwohner,
        jahr=jahr,
        quelle=item["quelle"].strip(),
        geprueft=item.get("geprueft", False),
        rolle=item["rolle"],
        plan_name=str(item.get("plan_name") or item["name"]).strip(),
        stichtag=stichtag,
    )


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[Kommune, ...]:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise PlanFileError(Path(path).name, "-", "-", "Datei nicht gefunden.") from None
    except tomllib.TOMLDecodeError as err:
        raise PlanFileError(Path(path).name, "-", "-", f"kein gültiges TOML ({err}).") from None
    items = raw.get("kommune", [])
    if not isinstance(items, list) or not items:
        raise PlanFileError(Path(path).name, "(Kopf)", "kommune", "Liste der Kommunen fehlt.")
    out = [_entry(item, i) for i, item in enumerate(items, start=1)]
    ids = [k.id for k in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise PlanFileError(Path(path).name, f"Kommune {dupes[0]}", "id", "ist doppelt.")
    return tuple(out)


def registry(path: Path | str = REGISTRY_FILE) -> tuple[Kommune, ...]:
    """All Kommunen of the network, as the registry file says (re-read when the file changes)."""
    p = Path(path)
    mtime = p.stat().st_mtime if p.exists() else 0.0
    return _load(str(p), mtime)


def by_id(path: Path | str = REGISTRY_FILE) -> dict[str, Kommune]:
    return {k.id: k for k in registry(path)}


def kommune(kommune_id: str, path: Path | str = REGISTRY_FILE) -> Kommune:
    found = by_id(path).get(kommune_id)
    if found is None:
        known = ", ".join(sorted(by_id(path)))
        raise KoraError(f"Kommune „{kommune_id}“ ist im Register data/kommunen.toml nicht bekannt (bekannt: {known}).")
    return found


def einwohner_hinweis(kommune_ids: list[str] | None = None, path: Path | str = REGISTRY_FILE) -> str:
    """One German sentence for the page caption: on which Stichtag the Einwohner figures stand and
    which of them are not checked against an official page, so a ranking is read with that caveat.
    Plain text (names come from the registry file); the caller escapes it for Markdown."""
    known = by_id(path)
    shown = [known[k] for k in (kommune_ids if kommune_ids is not None else list(known)) if k in known]
    if not shown:
        return ""
    by_day = sorted(shown, key=lambda k: k.stichtag or dt.date(k.jahr, 12, 31))
    days = list(dict.fromkeys(k.stand_text for k in by_day))
    text = f"Einwohner: data/kommunen.toml, Stand {', '.join(days)}."
    if len(days) > 1:
        text += " Die Zahlen beziehen sich auf verschiedene Stichtage und sind nur eingeschränkt vergleichbar."
    unchecked = [f"{k.name} ({k.stand_text})" for k in shown if not k.geprueft]
    if unchecked:
        text += f" Nicht gegen eine amtliche Quelle geprüft: {', '.join(unchecked)}."
    return text


def id_for_plan_name(name: str, path: Path | str = REGISTRY_FILE) -> str | None:
    """'Frankfurt am Main' (as the Aktionsplan spells a partner city) → 'frankfurt'."""
    wanted = name.strip().casefold()
    for k in registry(path):
        if wanted in (k.plan_name.casefold(), k.name.casefold(), k.id):
            return k.id
    return None


def _secrets_kommune(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (FileNotFoundError, tomllib.TOMLDecodeError, OSError):
        return None
    section = raw.get("kora")
    value = section.get("kommune") if isinstance(section, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def own_kommune(env: Mapping[str, str] | None = None, *, secrets_file: Path = SECRETS_FILE) -> str:
    """The Kommune this installation works for: env KORA_KOMMUNE, else `kommune` in section
    `[kora]` of .streamlit/secrets.toml, else Aachen. An id missing from the registry is refused
    (a typo here would silently file every upload under a Kommune nobody looks at)."""
    source = os.environ if env is None else env
    wanted = (source.get(ENV_OWN) or "").strip() or _secrets_kommune(secrets_file) or DEFAULT_OWN
    wanted = wanted.casefold()
    if wanted not in by_id():
        known = ", ".join(sorted(by_id()))
        raise KoraError(
            f"Die eigene Kommune „{wanted}“ (Einstellung {ENV_OWN} oder [kora] kommune in .streamlit/secrets.toml) "
            f"ist im Register data/kommunen.toml nicht bekannt. Bekannt: {known}."
        )
    return wanted
