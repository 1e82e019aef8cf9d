"""The benchmark package: one zip with `datapackage.json` + `werte.csv` (Frictionless Data Package).

Writing and reading live together so the format is defined once. Reading treats the file as
hostile: the zip directory (names, declared sizes, compression ratio) is checked before a byte is
unpacked, every read is bounded, and every problem is collected with where it is (file, line,
column, value) and a German sentence — the same standard as the readings upload, whose `Problem`
this module reuses. Nothing here touches the database.

Why the standard library and not `frictionless`: the format is small and fully specified (one
JSON file, three CSV columns), the checks that matter here (zip bombs, path names, German
messages with line and column, the own Kommune, the catalogue's definitions) are ours to write
anyway, and frictionless would add ~20 runtime packages. A test validates our export with
frictionless (dev dependency) so "any city's IT can check it with standard tools" stays true.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kora.errors import ValidationError
from kora.kommunen import Kommune
from kora.network.indicators import SharedIndicator
from kora.readings.ingest.problems import Problem

PACKAGE_NAME = "kora-benchmark"
FORMAT_VERSION = "1"
DESCRIPTOR = "datapackage.json"
VALUES = "werte.csv"
HEADER = ("indikator", "monat", "wert")
SCHEMA = {
    "fields": [
        {"name": "indikator", "type": "string"},
        {"name": "monat", "type": "yearmonth"},
        {"name": "wert", "type": "number"},
    ]
}

MAX_PACKAGE_BYTES = 5 * 1024 * 1024  # the zip as sent
MAX_DESCRIPTOR_BYTES = 1024 * 1024
MAX_VALUES_BYTES = 8 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed: a CSV of numbers packs ~5–15×; a bomb packs ~1000×
MAX_INDICATORS = 200
MAX_ROWS = 100_000
MAX_PROBLEMS = 200

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
NUMBER = re.compile(r"^-?\d{1,15}(\.\d{1,15})?$")


class PackageRejected(ValidationError):
    """The package is not stored; `problems` lists every problem found (German, with where)."""

    def __init__(self, problems: list[Problem]) -> None:
        n = len(problems)
        super().__init__(
            f"Das Benchmark-Paket wurde nicht übernommen: {n} Problem{'e' if n != 1 else ''} gefunden. "
            "Es wurde nichts gespeichert.",
            problems,
        )


@dataclass(frozen=True)
class ParsedPackage:
    kommune: str
    kommune_name: str
    einwohner: int
    created: dt.datetime
    as_of: dt.date
    definitions: tuple[dict[str, str], ...]
    targets: tuple[dict[str, Any], ...]
    values: pd.DataFrame  # indicator_id, month (date), value (float), line
    sha256: str  # of the zip as received
    notes: tuple[str, ...] = field(default=())
    synthetic: bool = False  # "synthetisch": true — stored as Beispieldaten


# --- writing ---------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    """Decimal point, no exponent, no trailing zeros: 0.41, 12, 0.000125."""
    text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def values_csv(values: pd.DataFrame) -> bytes:
    """`werte.csv`: header indikator,monat,wert; months YYYY-MM; decimal point; sorted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    ordered = values.sort_values(["indicator_id", "month"])
    for ind, month, value in zip(ordered["indicator_id"], ordered["month"], ordered["value"], strict=True):
        writer.writerow([ind, pd.Timestamp(month).strftime("%Y-%m"), _number_text(float(value))])
    return out.getvalue().encode("utf-8")


def descriptor(
    *,
    kommune: Kommune,
    created: dt.datetime,
    as_of: dt.date,
    indicators: Iterable[SharedIndicator],
    csv_bytes: bytes,
    targets: Iterable[dict[str, Any]] = (),
    synthetic: bool = False,
) -> dict[str, Any]:
    inds = list(indicators)
    title = f"KoRa-Benchmark {kommune.name}, Stand {as_of:%Y-%m}"
    out: dict[str, Any] = {
        "name": PACKAGE_NAME,
        "version": FORMAT_VERSION,
        "title": f"SYNTHETISCH (Beispieldaten, keine echten Werte): {title}" if synthetic else title,
        "kommune": {"id": kommune.id, "name": kommune.name, "einwohner": kommune.einwohner},
        "created": created.replace(microsecond=0).isoformat(),
        "as_of": f"{as_of:%Y-%m}",
        "indikatoren": [ind.definition() for ind in inds],
    }
    targets = list(targets)
    if targets:
        out["ziele"] = targets
    if synthetic:
        out["synthetisch"] = True
    out["resources"] = [
        {
            "name": "werte",
            "path": VALUES,
            "format": "csv",
            "encoding": "utf-8",
            "hash": "sha256:" + hashlib.sha256(csv_bytes).hexdigest(),
            "schema": copy.deepcopy(SCHEMA),
        }
    ]
    return out


def build_package(
    *,
    kommune: Kommune,
    created: dt.datetime,
    as_of: dt.date,
    indicators: Iterable[SharedIndicator],
    values: pd.DataFrame,
    targets: Iterable[dict[str, Any]] = (),
    synthetic: bool = False,
) -> bytes:
    """The zip a city sends: `values` has indicator_id, month, value (already filtered)."""
    csv_bytes = values_csv(values)
    desc = descriptor(
        kommune=kommune,
        created=created,
        as_of=as_of,
        indicators=indicators,
        csv_bytes=csv_bytes,
        targets=targets,
        synthetic=synthetic,
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(DESCRIPTOR, json.dumps(desc, ensure_ascii=False, indent=2) + "\n")
        zf.writestr(VALUES, csv_bytes)
    return buf.getvalue()


# --- reading: the zip directory ----------------------------------------------------------------


def _shown(value: Any, width: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _bad_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in parts
        or re.match(r"^[A-Za-z]:", name) is not None
        or "\x00" in name
        or any(ord(ch) < 32 for ch in name)
    )


def _check_entry(info: zipfile.ZipInfo, problems: list[Problem]) -> None:
    name = info.filename
    limit = MAX_DESCRIPTOR_BYTES if name == DESCRIPTOR else MAX_VALUES_BYTES
    where = f"ZIP-Eintrag {name}"
    if info.flag_bits & 0x1:
        problems.append(Problem(None, where, None, "Der Eintrag ist verschlüsselt. Bitte ohne Passwort packen."))
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        problems.append(
            Problem(None, where, None, "Unbekanntes Kompressionsverfahren. Bitte als normales ZIP (Deflate) packen.")
        )
    if info.file_size > limit:
        problems.append(
            Problem(
                None,
                where,
                f"{info.file_size} Bytes",
                f"Entpackt zu groß (erlaubt: {limit // 1024} KiB). Ein Benchmark-Paket enthält nur Monatswerte; "
                "bitte die Datei neu exportieren.",
            )
        )
    elif info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        problems.append(
            Problem(
                None,
                where,
                f"{info.file_size} Bytes aus {info.compress_size} Bytes",
                "Verdächtig stark gepackt (ZIP-Bombe?). Die Datei wurde nicht entpackt.",
            )
        )


def _open_zip(data: bytes) -> tuple[zipfile.ZipFile | None, list[Problem]]:
    """The zip, with its directory checked — or the problems that forbid unpacking anything."""
    if len(data) > MAX_PACKAGE_BYTES:
        return None, [
            Problem(
                None,
                "Datei",
                f"{len(data)} Bytes",
                f"Das Paket ist zu groß (erlaubt: {MAX_PACKAGE_BYTES // (1024 * 1024)} MB).",
            )
        ]
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        return None, [
            Problem(
                None,
                "Datei",
                None,
                f"Die Datei ist kein lesbares ZIP-Archiv ({_shown(str(err), 60)}). Bitte das Benchmark-Paket "
                "unverändert weitergeben (nicht entpacken und neu packen).",
            )
        ]
    problems: list[Problem] = []
    names = [i.filename for i in infos]
    for info in infos:
        if _bad_name(info.filename):
            problems.append(
                Problem(
                    None,
                    "ZIP-Verzeichnis",
                    _shown(info.filename),
                    "Unzulässiger Dateiname (Pfad außerhalb des Pakets).",
                )
            )
        elif info.filename not in (DESCRIPTOR, VALUES):
            problems.append(
                Problem(
                    None,
                    "ZIP-Verzeichnis",
                    _shown(info.filename),
                    f"Unerwartete Datei im Paket: erlaubt sind nur {DESCRIPTOR} und {VALUES}.",
                )
            )
        else:
            _check_entry(info, problems)
    for name in (DESCRIPTOR, VALUES):
        if names.count(name) > 1:
            problems.append(Problem(None, "ZIP-Verzeichnis", name, "Die Datei steht mehrfach im Paket."))
        if name not in names:
            problems.append(Problem(None, "ZIP-Verzeichnis", None, f"Im Paket fehlt die Datei {name}."))
    return zf, problems


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> tuple[bytes | None, Problem | None]:
    try:
        with zf.open(name) as fh:
            data = fh.read(limit + 1)  # bounded even if the directory lies about the size
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as err:
        return None, Problem(
            None, f"ZIP-Eintrag {name}", None, f"Die Datei lässt sich nicht entpacken ({_shown(str(err), 60)})."
        )
    if len(data) > limit:
        return None, Problem(
            None, f"ZIP-Eintrag {name}", None, "Entpackt größer als im ZIP-Verzeichnis angegeben (ZIP-Bombe?)."
        )
    return data, None
