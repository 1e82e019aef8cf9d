"""The Kommunen of the network (registry file) and the one Kommune this installation works for.

Einwohner figures come from official statistics and carry their source and year, so a reader of
"km je 100 000 Einwohner" can check the denominator. `own_kommune()` is the single place that
decides which Kommune is "us": write paths, pages and commands ask it instead of assuming Aachen.
It reads only files and the environment, so kora.access (membership of a shared installation)
can ask it; it sits beside kora.plan.files in the layers.
"""

from __future__ import annotations

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

    @property
    def einwohner_text(self) -> str:
        from kora import fmt

        mark = "" if self.geprueft else " (ungeprüft)"
        return f"{fmt.number(self.einwohner, 0)} ({self.jahr}){mark}"


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
    return Kommune(
        id=kid,
        name=item["name"].strip(),
        einwohner=einwohner,
        jahr=jahr,
        quelle=item["quelle"].strip(),
        geprueft=item.get("geprueft", False),
        rolle=item["rolle"],
        plan_name=str(item.get("plan_name") or item["name"]).strip(),
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
