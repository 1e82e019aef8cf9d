"""Write the hostile benchmark-package corpus next to this file, plus `manifest.toml`.

Each case starts from one valid package (Bonn, synthetic values, Stand 2026-10) and breaks one
thing. The manifest names, per file, a piece of the German message and where it must point.
tests/test_network_corpus.py imports a fresh DB with every file and checks: rejected, the message,
and the DB unchanged. Run: `python tests/data/network_broken/make_corpus.py` (deterministic).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = [("km_umgesetzt", f"2026-{m:02d}", f"{0.3 + m / 100:.2f}") for m in range(1, 11)] + [
    ("planungsdauer_monate", "2026-09", "26.5")
]
SCHEMA = {
    "fields": [
        {"name": "indikator", "type": "string"},
        {"name": "monat", "type": "yearmonth"},
        {"name": "wert", "type": "number"},
    ]
}


def csv_bytes(rows: list[tuple[str, str, str]], header: str = "indikator,monat,wert") -> bytes:
    return (header + "\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)).encode()


def descriptor(csv: bytes) -> dict:
    return {
        "name": "kora-benchmark",
        "version": "1",
        "kommune": {"id": "bonn", "name": "Bonn", "einwohner": 335789},
        "created": "2026-11-05T09:30:00",
        "as_of": "2026-10",
        "indikatoren": [
            {"id": "km_umgesetzt", "einheit": "km", "richtung": "up", "aggregation": "sum"},
            {"id": "planungsdauer_monate", "einheit": "Monate", "richtung": "down", "aggregation": "mean"},
        ],
        "resources": [
            {
                "name": "werte",
                "path": "werte.csv",
                "format": "csv",
                "encoding": "utf-8",
                "hash": "sha256:" + hashlib.sha256(csv).hexdigest(),
                "schema": copy.deepcopy(SCHEMA),
            }
        ],
    }


def pack(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 5, 9, 30, 0))
            info.compress_type = method
            zf.writestr(info, data)
    return buf.getvalue()


def package(rows=ROWS, edit: Callable[[dict], None] | None = None, csv: bytes | None = None, extra=()) -> bytes:
    data = csv if csv is not None else csv_bytes(rows)
    desc = descriptor(data)
    if edit:
        edit(desc)
    return pack([("datapackage.json", json.dumps(desc, ensure_ascii=False).encode()), ("werte.csv", data), *extra])


def _set(path: str, value):
    def edit(desc: dict) -> None:
        node = desc
        keys = path.split(".")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value

    return edit


def _wrong_hash() -> bytes:
    good = csv_bytes(ROWS)
    desc = descriptor(good)
    bad = good.replace(b"0.31", b"9.31")
    return pack([("datapackage.json", json.dumps(desc).encode()), ("werte.csv", bad)])


def _bomb(size: int) -> bytes:
    data = b"indikator,monat,wert\n" + b"0" * size
    desc = descriptor(data)
    return pack([("datapackage.json", json.dumps(desc).encode()), ("werte.csv", data)])


def _many_indicators(desc: dict) -> None:
    desc["indikatoren"] = [
        {"id": f"ind{i:05d}", "einheit": "km", "richtung": "up", "aggregation": "sum"} for i in range(10_000)
    ]


def _duplicate_member() -> bytes:
    data = csv_bytes(ROWS)
    desc = json.dumps(descriptor(data)).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("datapackage.json", desc)
        zf.writestr("werte.csv", data)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            zf.writestr("werte.csv", data)
    return buf.getvalue()


# file -> (bytes, expected message part, expected `column` part)
CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "wrong_hash.zip": (_wrong_hash, "Prüfsumme (sha256) stimmt nicht", "werte.csv"),
    "truncated.zip": (lambda: package()[:300], "kein lesbares ZIP-Archiv", "Datei"),
    "not_a_zip.zip": (lambda: csv_bytes(ROWS), "kein lesbares ZIP-Archiv", "Datei"),
    "zip_bomb.zip": (lambda: _bomb(64 * 1024 * 1024), "Entpackt zu groß", "ZIP-Eintrag werte.csv"),
    "zip_bomb_ratio.zip": (lambda: _bomb(3 * 1024 * 1024), "ZIP-Bombe", "ZIP-Eintrag werte.csv"),
    "path_traversal.zip": (
        lambda: package(extra=[("../../etc/cron.d/kora", b"* * * * * root id\n")]),
        "Unzulässiger Dateiname",
        "ZIP-Verzeichnis",
    ),
    "absolute_path.zip": (
        lambda: package(extra=[("/tmp/kora.sh", b"id\n")]),
        "Unzulässiger Dateiname",
        "ZIP-Verzeichnis",
    ),
    "backslash_path.zip": (
        lambda: package(extra=[("..\\..\\windows\\kora.bat", b"echo\n")]),
        "Unzulässiger Dateiname",
        "ZIP-Verzeichnis",
    ),
    "extra_file.zip": (lambda: package(extra=[("liesmich.txt", b"Hallo\n")]), "Unerwartete Datei", "ZIP-Verzeichnis"),
    "duplicate_member.zip": (_duplicate_member, "mehrfach im Paket", "ZIP-Verzeichnis"),
    "missing_values.zip": (
        lambda: pack([("datapackage.json", json.dumps(descriptor(csv_bytes(ROWS))).encode())]),
        "fehlt die Datei werte.csv",
        "ZIP-Verzeichnis",
    ),
    "bad_json.zip": (
        lambda: pack([("datapackage.json", b'{"name": "kora-benchmark", '), ("werte.csv", csv_bytes(ROWS))]),
        "Keine gültige JSON-Datei",
        "datapackage.json",
    ),
    "wrong_name.zip": (
        lambda: package(edit=_set("name", "irgendwas")),
        "Kein KoRa-Benchmark-Paket",
        "datapackage.json: name",
    ),
    "wrong_version.zip": (
        lambda: package(edit=_set("version", "2")),
        "Unbekannte Formatversion",
        "datapackage.json: version",
    ),
    "wrong_definition.zip": (
        lambda: package(edit=_set("indikatoren.0.aggregation", "mean")),
        "Definition weicht ab",
        "datapackage.json: indikatoren[0].aggregation",
    ),
    "wrong_unit.zip": (
        lambda: package(edit=_set("indikatoren.0.einheit", "m")),
        "Definition weicht ab",
        "datapackage.json: indikatoren[0].einheit",
    ),
    "not_shared_indicator.zip": (
        lambda: package(edit=_set("indikatoren.1.id", "kritik_extern")),
        "Kein gemeinsamer Indikator",
        "datapackage.json: indikatoren[1].id",
    ),
    "own_kommune.zip": (
        lambda: package(edit=_set("kommune", {"id": "aachen", "name": "Aachen", "einwohner": 252769})),
        "eigenen Kommune",
        "datapackage.json: kommune.id",
    ),
    "unknown_kommune.zip": (
        lambda: package(edit=_set("kommune", {"id": "atlantis", "name": "Atlantis", "einwohner": 1})),
        "Unbekannte Kommune",
        "datapackage.json: kommune.id",
    ),
    "ten_thousand_indicators.zip": (
        lambda: package(edit=_many_indicators),
        "Zu viele Indikatoren",
        "datapackage.json: indikatoren",
    ),
    "future_as_of.zip": (
        lambda: package(edit=_set("as_of", "2099-01")),
        "Stand liegt in der Zukunft",
        "datapackage.json: as_of",
    ),
    "bad_created.zip": (
        lambda: package(edit=_set("created", "gestern")),
        "keine ISO-Zeit",
        "datapackage.json: created",
    ),
    "wrong_schema.zip": (
        lambda: package(edit=_set("resources.0.schema.fields.2.type", "string")),
        "Schema weicht ab",
        "datapackage.json: resources[0].schema",
    ),
    "no_hash.zip": (
        lambda: package(edit=_set("resources.0.hash", "md5:abc")),
        "Prüfsumme fehlt",
        "datapackage.json: resources[0].hash",
    ),
    "text_in_number.zip": (
        lambda: package(rows=[*ROWS[:3], ("km_umgesetzt", "2026-04", "viel")]),
        "Keine Zahl",
        "C (wert)",
    ),
    "decimal_comma.zip": (lambda: package(rows=[("km_umgesetzt", "2026-04", '"0,4"')]), "Keine Zahl", "C (wert)"),
    "future_month.zip": (
        lambda: package(rows=[*ROWS, ("km_umgesetzt", "2099-01", "0.5")]),
        "in der Zukunft",
        "B (monat)",
    ),
    "current_month.zip": (
        lambda: package(rows=[*ROWS, ("km_umgesetzt", "2026-11", "0.5")]),
        "noch nicht abgeschlossen",
        "B (monat)",
    ),
    "bad_month.zip": (lambda: package(rows=[("km_umgesetzt", "03.2026", "0.5")]), "Kein Monat", "B (monat)"),
    "duplicate_rows.zip": (lambda: package(rows=[*ROWS, ROWS[2]]), "Doppelte Zeile", "werte.csv"),
    "undeclared_indicator.zip": (
        lambda: package(rows=[*ROWS, ("projekte_umgesetzt", "2026-01", "2")]),
        "steht nicht in den Indikatoren des Pakets",
        "A (indikator)",
    ),
    "negative_km.zip": (
        lambda: package(rows=[("km_umgesetzt", "2026-04", "-3")]),
        "außerhalb des erlaubten Bereichs",
        "C (wert)",
    ),
    "wrong_header.zip": (
        lambda: package(csv=csv_bytes(ROWS, header="indicator;month;value")),
        "Kopfzeile",
        "werte.csv",
    ),
    "not_utf8.zip": (
        lambda: package(csv=csv_bytes(ROWS) + "km_umgesetzt,2026-10,0.5 Straße\n".encode("cp1252")),
        "Kein UTF-8",
        "werte.csv",
    ),
}


def main() -> None:
    lines = [
        "# Generated by make_corpus.py — every file must be rejected, the DB unchanged.",
        "# file = { message = part of a German problem message, column = part of where it points }",
        "",
    ]
    for name, (make, message, column) in CASES.items():
        (HERE / name).write_bytes(make())
        lines.append(
            f"{json.dumps(name)} = {{ message = {json.dumps(message, ensure_ascii=False)}, column = {json.dumps(column, ensure_ascii=False)} }}"
        )
    (HERE / "manifest.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    good = package()
    (HERE / "valid_bonn.zip").write_bytes(good)  # the base every case breaks: must import cleanly


if __name__ == "__main__":
    main()
