"""Reading a benchmark package with every check the issue names, all problems listed at once.

Checked: the zip directory (see `package._open_zip`), the descriptor (name, version, Kommune,
created, as_of, indicator definitions against the catalogue, optional targets, the one resource
with its schema and sha256), then `werte.csv` line by line (header, known indicator, month in
YYYY-MM not after the Stand and not in the future, a number with decimal point inside the
catalogue's range, no duplicate rows). The own Kommune and Kommunen hosted in this installation
are refused: their numbers are entered here, not received.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora.kommunen import Kommune
from kora.network import package as pkg
from kora.network.indicators import SharedIndicator
from kora.readings.ingest.problems import Problem, column_label

D = pkg.DESCRIPTOR


@dataclass(frozen=True)
class Context:
    """What a package is checked against."""

    shared: Mapping[str, SharedIndicator]
    registry: Mapping[str, Kommune]
    own: str
    hosted: frozenset[str]  # Kommunen whose readings are entered in this installation
    last_month: dt.date  # the newest month that may be reported (last complete month)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line: int | None, column: str | None, value: Any, message: str) -> None:
        if len(self.problems) < pkg.MAX_PROBLEMS:
            shown = None if value is None else pkg._shown(value)
            self.problems.append(Problem(line, column, shown, message))
        elif len(self.problems) == pkg.MAX_PROBLEMS:
            self.problems.append(Problem(None, None, None, "Weitere Probleme nicht aufgeführt (zu viele)."))

    @property
    def full(self) -> bool:
        return len(self.problems) > pkg.MAX_PROBLEMS


def _col(index: int, header: str) -> str:
    """'werte.csv, Spalte C (wert)': the file and the column as a spreadsheet shows it."""
    return f"{pkg.VALUES}, Spalte {column_label(index, header)}"


def _month(text: Any) -> dt.date | None:
    match = pkg.MONTH.match(text) if isinstance(text, str) else None
    return dt.date(int(match.group(1)), int(match.group(2)), 1) if match else None


# --- descriptor --------------------------------------------------------------------------------


def _kommune(desc: dict[str, Any], ctx: Context, c: _Collector) -> Kommune | None:
    raw = desc.get("kommune")
    if not isinstance(raw, dict):
        c.add(None, f"{D}: kommune", raw, 'Angabe fehlt: {"id", "name", "einwohner"} der sendenden Kommune.')
        return None
    kid = raw.get("id")
    known = ctx.registry.get(kid) if isinstance(kid, str) else None
    if known is None:
        c.add(None, f"{D}: kommune.id", kid, "Unbekannte Kommune: nicht im Register data/kommunen.toml.")
        return None
    if kid == ctx.own:
        c.add(
            None,
            f"{D}: kommune.id",
            kid,
            "Das ist ein Paket der eigenen Kommune: eigene Werte werden hochgeladen, nicht importiert.",
        )
        return None
    if kid in ctx.hosted:
        c.add(
            None,
            f"{D}: kommune.id",
            kid,
            f"{known.name} pflegt ihre Werte in dieser Installation selbst (Uploads); ein Paket würde sie überschreiben.",
        )
        return None
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        c.add(None, f"{D}: kommune.name", raw.get("name"), "Name der Kommune fehlt.")
    ew = raw.get("einwohner")
    if isinstance(ew, bool) or not isinstance(ew, int) or ew <= 0:
        c.add(None, f"{D}: kommune.einwohner", ew, "Einwohnerzahl muss eine positive ganze Zahl sein.")
    return known


def _header_fields(desc: dict[str, Any], ctx: Context, c: _Collector) -> tuple[dt.datetime | None, dt.date | None]:
    if desc.get("name") != pkg.PACKAGE_NAME:
        c.add(
            None, f"{D}: name", desc.get("name"), f'Kein KoRa-Benchmark-Paket: "name" muss "{pkg.PACKAGE_NAME}" sein.'
        )
    if desc.get("version") != pkg.FORMAT_VERSION:
        c.add(None, f"{D}: version", desc.get("version"), f'Unbekannte Formatversion: erwartet "{pkg.FORMAT_VERSION}".')
    created = None
    try:
        created = dt.datetime.fromisoformat(str(desc.get("created")))
    except ValueError:
        c.add(
            None,
            f"{D}: created",
            desc.get("created"),
            "Erstellungszeit fehlt oder ist keine ISO-Zeit (z. B. 2026-11-05T09:30:00).",
        )
    as_of = _month(desc.get("as_of"))
    if as_of is None:
        c.add(None, f"{D}: as_of", desc.get("as_of"), "Stand fehlt oder ist kein Monat im Format JJJJ-MM.")
    elif as_of > ctx.last_month:
        c.add(
            None, f"{D}: as_of", desc.get("as_of"), f"Stand liegt in der Zukunft (spätestens {ctx.last_month:%Y-%m})."
        )
    return created, as_of


def _definitions(desc: dict[str, Any], ctx: Context, c: _Collector) -> dict[str, dict[str, str]]:
    raw = desc.get("indikatoren")
    where = f"{D}: indikatoren"
    if not isinstance(raw, list) or not raw:
        c.add(None, where, raw, "Liste der Indikatoren fehlt oder ist leer.")
        return {}
    if len(raw) > pkg.MAX_INDICATORS:
        c.add(
            None,
            where,
            f"{len(raw)} Einträge",
            f"Zu viele Indikatoren (erlaubt: {pkg.MAX_INDICATORS}); das Paket wurde nicht weiter geprüft.",
        )
        return {}
    out: dict[str, dict[str, str]] = {}
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        ind_id = item.get("id") if isinstance(item, dict) else None
        shared = ctx.shared.get(ind_id) if isinstance(ind_id, str) else None
        if shared is None:
            c.add(
                None, f"{here}.id", ind_id, "Kein gemeinsamer Indikator des Netzwerks (siehe Katalog, Feld vergleich)."
            )
            continue
        if ind_id in out:
            c.add(None, f"{here}.id", ind_id, "Indikator ist doppelt aufgeführt.")
            continue
        expected = shared.definition()
        for key in ("einheit", "richtung", "aggregation"):
            if item.get(key) != expected[key]:
                c.add(
                    None,
                    f"{here}.{key}",
                    item.get(key),
                    f"Definition weicht ab: im Netzwerk gilt {key} = „{expected[key]}“ für {ind_id}.",
                )
        out[shared.id] = expected
    return out


def _targets(desc: dict[str, Any], defs: Mapping[str, Any], c: _Collector) -> tuple[dict[str, Any], ...]:
    raw = desc.get("ziele", [])
    if not isinstance(raw, list) or len(raw) > 10 * pkg.MAX_INDICATORS:
        c.add(None, f"{D}: ziele", pkg._shown(raw, 40), "Ziele müssen eine (kurze) Liste sein.")
        return ()
    out = []
    for i, item in enumerate(raw):
        ok = (
            isinstance(item, dict)
            and item.get("indikator") in defs
            and isinstance(item.get("jahr"), int)
            and not isinstance(item.get("jahr"), bool)
            and 2000 <= item["jahr"] <= 2100
            and isinstance(item.get("wert"), int | float)
            and not isinstance(item.get("wert"), bool)
            and math.isfinite(item["wert"])
        )
        if not ok:
            c.add(
                None,
                f"{D}: ziele[{i}]",
                item,
                'Ziel muss {"indikator": <Indikator des Pakets>, "jahr": JJJJ, "wert": Zahl} sein.',
            )
            continue
        out.append({"indikator": item["indikator"], "jahr": item["jahr"], "wert": float(item["wert"])})
    return tuple(out)


def _resource(desc: dict[str, Any], c: _Collector) -> str | None:
    """The expected sha256 hex of werte.csv (None when the resource is malformed)."""
    res = desc.get("resources")
    if not isinstance(res, list) or len(res) != 1 or not isinstance(res[0], dict):
        c.add(None, f"{D}: resources", pkg._shown(res, 60), f"Genau eine Ressource „werte“ ({pkg.VALUES}) erwartet.")
        return None
    r = res[0]
    expected = {"name": "werte", "path": pkg.VALUES, "format": "csv", "encoding": "utf-8"}
    for key, value in expected.items():
        if str(r.get(key, "")).lower() != value:
            c.add(None, f"{D}: resources[0].{key}", r.get(key), f"Erwartet „{value}“.")
    schema = r.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    shape = (
        [(f.get("name"), f.get("type")) for f in fields if isinstance(f, dict)] if isinstance(fields, list) else None
    )
    if shape != [(f["name"], f["type"]) for f in pkg.SCHEMA["fields"]]:
        c.add(
            None,
            f"{D}: resources[0].schema",
            r.get("schema"),
            "Schema weicht ab: Felder indikator (string), monat (yearmonth), wert (number) erwartet.",
        )
    digest = r.get("hash")
    if not isinstance(digest, str) or not digest.startswith("sha256:") or len(digest) != 71:
        c.add(None, f"{D}: resources[0].hash", digest, "Prüfsumme fehlt: erwartet „sha256:<64 Hex-Zeichen>“.")
        return None
    return digest[7:].lower()


# --- werte.csv ---------------------------------------------------------------------------------


def _text(data: bytes, c: _Collector) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        c.add(
            line,
            pkg.VALUES,
            data[err.start : err.start + 8].hex(" "),
            "Kein UTF-8: bitte die Datei als UTF-8 speichern (oder neu exportieren).",
        )
        return None


def _row_problem(
    line: int, row: list[str], defs: Mapping[str, Any], ctx: Context, as_of: dt.date | None, c: _Collector
) -> tuple[str, dt.date, float] | None:
    if len(row) != 3:
        c.add(line, pkg.VALUES, ",".join(row), f"Erwartet 3 Felder (indikator,monat,wert), gefunden {len(row)}.")
        return None
    ind, month_text, value_text = (x.strip() for x in row)
    ok = True
    if ind not in defs:
        c.add(
            line,
            _col(0, "indikator"),
            ind,
            "Indikator steht nicht in den Indikatoren des Pakets (datapackage.json).",
        )
        ok = False
    month = _month(month_text)
    if month is None:
        c.add(line, _col(1, "monat"), month_text, "Kein Monat im Format JJJJ-MM (z. B. 2026-03).")
        ok = False
    elif month > ctx.last_month:
        c.add(
            line,
            _col(1, "monat"),
            month_text,
            f"Monat liegt in der Zukunft oder ist noch nicht abgeschlossen (spätestens {ctx.last_month:%Y-%m}).",
        )
        ok = False
    elif as_of is not None and month > as_of:
        c.add(line, _col(1, "monat"), month_text, f"Monat liegt nach dem Stand des Pakets ({as_of:%Y-%m}).")
        ok = False
    if not pkg.NUMBER.match(value_text):
        c.add(
            line,
            _col(2, "wert"),
            value_text,
            "Keine Zahl: erwartet Ziffern mit Dezimalpunkt, z. B. 0.41 (kein Text, kein Komma, keine Einheit).",
        )
        return None
    if not ok or month is None:
        return None
    value = float(value_text)
    shared = ctx.shared[ind]
    if (shared.minimum is not None and value < shared.minimum) or (
        shared.maximum is not None and value > shared.maximum
    ):
        lo = "" if shared.minimum is None else f"ab {shared.minimum:g}"
        hi = "" if shared.maximum is None else f"bis {shared.maximum:g}"
        c.add(
            line,
            _col(2, "wert"),
            value_text,
            f"Wert außerhalb des erlaubten Bereichs ({' '.join(x for x in (lo, hi) if x)}) für {ind}.",
        )
        return None
    return ind, month, value


def _values(text: str, defs: Mapping[str, Any], ctx: Context, as_of: dt.date | None, c: _Collector) -> pd.DataFrame:
    rows: list[tuple[str, dt.date, float, int]] = []
    seen: dict[tuple[str, dt.date], int] = {}
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != list(pkg.HEADER):
            c.add(1, pkg.VALUES, ",".join(header or []), "Kopfzeile muss genau „indikator,monat,wert“ lauten.")
            return _frame(rows)
        for row in reader:
            line = reader.line_num
            if not any(x.strip() for x in row):
                continue
            if len(rows) + len(c.problems) >= pkg.MAX_ROWS:
                c.add(line, pkg.VALUES, None, f"Zu viele Zeilen (erlaubt: {pkg.MAX_ROWS}).")
                break
            parsed = _row_problem(line, row, defs, ctx, as_of, c)
            if parsed is None:
                if c.full:
                    break
                continue
            key = parsed[:2]
            if key in seen:
                c.add(
                    line,
                    pkg.VALUES,
                    f"{key[0]},{key[1]:%Y-%m}",
                    f"Doppelte Zeile: {key[0]} für {key[1]:%Y-%m} steht schon in Zeile {seen[key]}.",
                )
                continue
            seen[key] = line
            rows.append((*parsed, line))
    except csv.Error as err:
        c.add(
            None, pkg.VALUES, None, f"CSV nicht lesbar ({pkg._shown(str(err), 60)}): bitte unverändert neu exportieren."
        )
    return _frame(rows)


def _frame(rows: list[tuple[str, dt.date, float, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_id", "month", "value", "line"])


# --- the whole package -------------------------------------------------------------------------


def _descriptor(data: bytes, c: _Collector) -> dict[str, Any] | None:
    try:
        desc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        c.add(getattr(err, "lineno", None), D, None, f"Keine gültige JSON-Datei ({pkg._shown(str(err), 60)}).")
        return None
    if not isinstance(desc, dict):
        c.add(None, D, None, "Die Beschreibung muss ein JSON-Objekt sein.")
        return None
    return desc


def read_package(data: bytes, ctx: Context) -> pkg.ParsedPackage:
    """The checked package, or `PackageRejected` listing every problem found."""
    zf, problems = pkg._open_zip(data)
    c = _Collector()
    c.problems.extend(problems)
    if zf is None or problems:
        raise pkg.PackageRejected(c.problems)
    raw_desc, p1 = pkg._read_member(zf, D, pkg.MAX_DESCRIPTOR_BYTES)
    raw_csv, p2 = pkg._read_member(zf, pkg.VALUES, pkg.MAX_VALUES_BYTES)
    for p in (p1, p2):
        if p is not None:
            c.problems.append(p)
    desc = _descriptor(raw_desc, c) if raw_desc is not None else None
    if desc is None or raw_csv is None:
        raise pkg.PackageRejected(c.problems)
    created, as_of = _header_fields(desc, ctx, c)
    kommune = _kommune(desc, ctx, c)
    defs = _definitions(desc, ctx, c)
    targets = _targets(desc, defs, c)
    digest = _resource(desc, c)
    if digest is not None and hashlib.sha256(raw_csv).hexdigest() != digest:
        c.add(
            None,
            f"{pkg.VALUES}",
            None,
            "Prüfsumme (sha256) stimmt nicht: die Werte wurden nach dem Export verändert oder die Datei ist beschädigt.",
        )
    values = _frame([])
    text = _text(raw_csv, c)
    if text is not None and defs:
        values = _values(text, defs, ctx, as_of, c)
    if c.problems or kommune is None or created is None or as_of is None:
        raise pkg.PackageRejected(c.problems or [Problem(None, D, None, "Das Paket ist unvollständig.")])
    einwohner = desc["kommune"]["einwohner"]
    notes: tuple[str, ...] = ()
    if einwohner != kommune.einwohner:
        notes = (
            f"Das Paket nennt {einwohner} Einwohner; verglichen wird mit der Zahl des Registers ({kommune.einwohner}, {kommune.jahr}).",
        )
    return pkg.ParsedPackage(
        kommune=kommune.id,
        kommune_name=kommune.name,
        einwohner=einwohner,
        created=created,
        as_of=as_of,
        definitions=tuple(defs.values()),
        targets=targets,
        values=values,
        sha256=hashlib.sha256(data).hexdigest(),
        notes=notes,
        synthetic=desc.get("synthetisch") is True,
    )


def problem_text(problem: Problem) -> str:
    """'werte.csv Zeile 4, C (wert): …' or 'datapackage.json: kommune.id: …' — where, then what."""
    where = []
    if problem.line is not None:
        where.append(f"Zeile {problem.line}")
    if problem.column:
        where.append(problem.column)
    value = f" (Wert: „{problem.value}“)" if problem.value else ""
    return f"{', '.join(where)}: {problem.message}{value}" if where else problem.message + value
