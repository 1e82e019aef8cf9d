"""Generate the corpus of broken Maßnahmenlisten and its manifest (expected line/column/message).

Run `python tests/data/massnahmen_broken/make_corpus.py` after changing the cases. Each case is
a list (and optionally Ereignisse) as German Excel saves it (Windows-1252, `;`); the manifest
names the first problem's Excel row, column label and a fragment of the German message.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = (
    "Nr;Maßnahme;Art;Länge km;Priorität Verwaltung;Priorität Politik;Phase;Projektleitung;Steckbrief;"
    "Planungsbeginn;Beschluss geplant;Beschluss;Fertigstellung geplant;Fertigstellung"
)
GOOD = "M-01;Radweg Ring;Radweg;1,5;1;1;;A. Roth;ja;01.2025;06.2025;05.2025;12.2025;"
EVENTS = "Nr;Datum;Ereignis;Anlass"

# name -> (list rows, event rows or None, expected line, expected column, message fragment)
CASES: dict[str, tuple[list[str], list[str] | None, int | None, str | None, str]] = {
    "doppelte_nr": (
        [GOOD, "M-01;Zweiter Titel;Radweg;1;2;;;;nein;02.2025;;;;"],
        None,
        3,
        "A (Nr)",
        "steht schon in Zeile 2",
    ),
    "fertig_vor_beginn": (
        ["M-02;Ring;Radweg;1;1;;;;ja;05.2025;;;;03.2025"],
        None,
        2,
        "N (Fertigstellung)",
        "vor dem Planungsbeginn",
    ),
    "phase_widerspricht": (
        ["M-03;Ring;Radweg;1;1;;Bau;;ja;01.2025;;;;"],
        None,
        2,
        "G (Phase)",
        "setzt einen Beschluss voraus",
    ),
    "umgesetzt_ohne_datum": (
        ["M-04;Ring;Radweg;1;1;;umgesetzt;;ja;01.2025;;02.2025;;"],
        None,
        2,
        "G (Phase)",
        "Fertigstellung“ ist leer",
    ),
    "ereignis_unbekannte_nr": (
        [GOOD],
        ["X-99;03.2025;Abstimmungsschleife;Feuerwehr"],
        2,
        "A (Nr)",
        "gibt es in der Liste nicht",
    ),
    "negative_km": (["M-05;Ring;Radweg;-1,5;1;;;;ja;01.2025;;;;"], None, 2, "D (Länge km)", "zwischen 0 und"),
    "datum_gibt_es_nicht": (
        ["M-06;Ring;Radweg;1;1;;;;ja;31.02.2025;;;;"],
        None,
        2,
        "J (Planungsbeginn)",
        "gibt es nicht",
    ),
    "datum_kein_datum": (["M-07;Ring;Radweg;1;1;;;;ja;bald;;;;"], None, 2, "J (Planungsbeginn)", "ist kein Datum"),
    "nr_fehlt": ([";Ring;Radweg;1;1;;;;ja;01.2025;;;;"], None, 2, "A (Nr)", "Die Nr fehlt"),
    "titel_fehlt": (["M-08;;Radweg;1;1;;;;ja;01.2025;;;;"], None, 2, "B (Maßnahme)", "Titel der Maßnahme fehlt"),
    "unbekannte_phase": (
        ["M-09;Ring;Radweg;1;1;;Planung läuft;;ja;01.2025;;;;"],
        None,
        2,
        "G (Phase)",
        "Unbekannte Phase",
    ),
    "steckbrief_vielleicht": (
        ["M-10;Ring;Radweg;1;1;;;;vielleicht;01.2025;;;;"],
        None,
        2,
        "I (Steckbrief)",
        "„ja“ oder „nein“",
    ),
    "prioritaet_null": (
        ["M-11;Ring;Radweg;1;0;;;;ja;01.2025;;;;"],
        None,
        2,
        "E (Priorität Verwaltung)",
        "ganze Zahl ab 1",
    ),
    "fertigstellung_in_zukunft": (
        ["M-12;Ring;Radweg;1;1;;;;ja;01.2025;;02.2025;;03.2099"],
        None,
        2,
        "N (Fertigstellung)",
        "in der Zukunft",
    ),
    "us_datum": (["M-13;Ring;Radweg;1;1;;;;ja;3/1/2025;;;;"], None, 2, "J (Planungsbeginn)", "mehrdeutig"),
    "ereignis_unbekannt": ([GOOD], ["M-01;03.2025;Sitzung;Rat"], 2, "C (Ereignis)", "Abstimmungsschleife"),
    "beschluss_vor_beginn": (
        ["M-14;Ring;Radweg;1;1;;;;ja;05.2025;;02.2025;;"],
        None,
        2,
        "L (Beschluss)",
        "vor dem Planungsbeginn",
    ),
    "spalte_nr_fehlt": (None, None, 1, None, "keine Maßnahmenliste"),
}


def build() -> dict[str, dict]:
    manifest: dict[str, dict] = {}
    for name, (rows, events, line, column, fragment) in CASES.items():
        files = []
        if rows is None:
            text = "Maßnahme;Art\r\nRing;Radweg\r\n"
            (HERE / f"{name}.csv").write_bytes(text.encode("cp1252"))
            files.append(f"{name}.csv")
            line = None
        else:
            (HERE / f"{name}.csv").write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
            files.append(f"{name}.csv")
        if events is not None:
            (HERE / f"{name}_ereignisse.csv").write_bytes(("\r\n".join([EVENTS, *events]) + "\r\n").encode("cp1252"))
            files.append(f"{name}_ereignisse.csv")
        manifest[name] = {"files": files, "line": line, "column": column, "message": fragment}
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    build()
