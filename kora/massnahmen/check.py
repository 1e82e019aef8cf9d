"""Check an uploaded Maßnahmenliste (and its Ereignisse) cell by cell — no DB access.

Files are read by kora.readings.ingest (size limit, XLSX/CSV by content, Windows-1252/UTF-8/
UTF-16, delimiter sniffing), so a list saved by German Excel is understood exactly like a
readings file. A workbook may hold the list and the Ereignisse on two sheets; as CSV they are
two files, each recognised by its header. Every problem names the Excel row, the column
letter with its header, the cell as written and a German sentence saying how to fix it; a file
with any problem changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kora.massnahmen import rules
from kora.massnahmen.rules import EVENT_COLUMNS, EVENT_FIELDS, LIST_COLUMNS, LIST_FIELDS, Column, DateProblem
from kora.readings.check_values import NO, YES
from kora.readings.ingest import (
    FileRejected,
    Problem,
    column_label,
    detect_decimal,
    display,
    normalise,
    parse_numbers,
    sniff,
    text,
    xlsx,
)
from kora.readings.ingest.xlsx import PercentCell

HEADER_SCAN_ROWS = 30


@dataclass
class Table:
    """One recognised table of an upload: which kind, where it came from, its header."""

    kind: str  # "liste" | "ereignisse"
    source: str  # "liste.csv" or "liste.xlsx, Blatt „Ereignisse“"
    header_line: int
    columns: dict[str, tuple[int, str]]  # field -> (column index, header as written)
    rows: pd.DataFrame  # the grid below the header (Excel row numbers as index)
    _values: dict[int, list[object]] | None = None
    _labels: dict[str, str] | None = None

    def row_values(self) -> dict[int, list[object]]:
        """Excel row number -> its cells (plain Python lists: per-cell pandas access is slow)."""
        if self._values is None:
            self._values = dict(zip((int(i) for i in self.rows.index), self.rows.to_numpy().tolist(), strict=True))
        return self._values

    def label(self, field_name: str) -> str:
        if self._labels is None:
            self._labels = {f: column_label(i, h) for f, (i, h) in self.columns.items()}
        return self._labels.get(field_name, "")


@dataclass
class Parsed:
    """The outcome of checking one upload (one or two files)."""

    massnahmen: pd.DataFrame | None  # None: the upload has no list (only Ereignisse)
    events: pd.DataFrame | None  # None: the upload has no Ereignisse table
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)


def _grids(data: bytes, filename: str) -> list[tuple[str, pd.DataFrame]]:
    """(source, grid) per sheet; each grid carries the readings importer's encoding warnings in
    `attrs["notes"]` (mixed encodings, "StraÃŸe" mojibake), so a list gets the same warnings."""
    sniff.check_size(data)
    if sniff.kind_of(data) == "xlsx":
        sheets = []
        for name, grid in xlsx.read_sheets(data):
            grid.attrs["notes"] = [f"{filename}, Blatt „{name}“: {n}" for n in xlsx.mojibake_notes(grid)]
            sheets.append((f"{filename}, Blatt „{name}“", grid))
        return sheets
    decoded = sniff.decode_text(data)
    grid = text.read_grid(decoded.text, text.sniff_delimiter(decoded.text))
    grid.attrs["notes"] = [f"{filename}: {n}" for n in decoded.notes]
    return [(f"{filename} ({decoded.encoding})", grid)]


def _match(cells: list[object], columns: Sequence[Column]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(cells):
        key = rules.header_key(cell)
        for col in columns:
            if key and key in col.header_keys() and col.field not in found:
                found[col.field] = (i, display(cell))
                break
    return found


def find_table(source: str, grid: pd.DataFrame) -> Table | None:
    """The first row (of the first 30) that reads like the list's or the Ereignisse' header."""
    for line, row in grid.head(HEADER_SCAN_ROWS).iterrows():
        cells = row.tolist()
        keys = {rules.header_key(c) for c in cells}
        if {"datum", "ereignis"} <= keys:
            return Table("ereignisse", source, int(line), _match(cells, EVENT_COLUMNS), grid.loc[grid.index > line])
        if "nr" in keys or "nummer" in keys:
            found = _match(cells, LIST_COLUMNS)
            if "massnahme" in found or len(found) >= 4:
                return Table("liste", source, int(line), found, grid.loc[grid.index > line])
    return None


def read_tables(files: Sequence[tuple[str, bytes]]) -> tuple[list[Table], list[Problem], list[str], list[str]]:
    """Recognised tables of all files, problems, descriptions and the encoding notes of the sheets
    a table was found on; a file without a table is a problem naming both headers."""
    tables: list[Table] = []
    problems: list[Problem] = []
    descriptions: list[str] = []
    notes: list[str] = []
    for filename, data in files:
        try:
            grids = _grids(data, filename)
        except FileRejected as err:
            problems += [Problem(p.line, p.column, p.value, f"{filename}: {p.message}") for p in err.problems]
            continue
        found = []
        for src, grid in grids:
            table = find_table(src, grid)
            if table is not None:
                found.append(table)
                notes += grid.attrs.get("notes", [])
        if not found:
            problems.append(
                Problem(
                    None,
                    None,
                    None,
                    f"{filename}: keine Maßnahmenliste und keine Ereignisse gefunden. Die Liste braucht eine "
                    "Kopfzeile mit „Nr“ und „Maßnahme“, die Ereignisse eine mit „Nr“, „Datum“ und „Ereignis“. "
                    "Bitte die Vorlage verwenden (python -m kora massnahmen template).",
                )
            )
        tables += found
        descriptions += [t.source for t in found]
    return tables, problems, descriptions, notes


def _cell(table: Table, field_name: str, line: int) -> tuple[object, str]:
    """(raw value, column label) of a field in one row; (None, '') when the column is absent."""
    if field_name not in table.columns:
        return None, ""
    index = table.columns[field_name][0]
    row = table.row_values().get(line, [])
    value = row[index] if index < len(row) else None
    if isinstance(value, str):
        value = value.strip() or None
    elif isinstance(value, float) and value != value:  # NaN
        value = None
    return value, table.label(field_name)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = " ".join(str(value).split())
    return out or None


class _Rows:
    """Collects problems of one table; `where` locates a cell like the readings importer does."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.problems: list[Problem] = []

    def fail(self, line: int, field_name: str, value: object, message: str) -> None:
        label = _cell(self.table, field_name, line)[1] or rules.LABELS.get(field_name, field_name)
        shown = display(value) if value is not None else ""
        self.problems.append(Problem(line, label, shown[:80], message))

    def lines(self) -> list[int]:
        def filled(v: object) -> bool:
            return v is not None and not (isinstance(v, str) and not v.strip()) and v == v

        empty = ("", None)
        return [
            line for line, cells in self.table.row_values().items() if any(v not in empty and filled(v) for v in cells)
        ]


def _missing_columns(table: Table, columns: Sequence[Column]) -> list[Problem]:
    missing = [c.header for c in columns if c.required and c.field not in table.columns]
    if not missing:
        return []
    return [
        Problem(
            table.header_line,
            None,
            None,
            f"{table.source}: Spalte „{name}“ fehlt in der Kopfzeile. Bitte die Spalte ergänzen (Vorlage: "
            "python -m kora massnahmen template).",
        )
        for name in missing
    ]


def _numbers(check: _Rows, lines: list[int], field_name: str) -> dict[int, float]:
    """One column's numbers: typed cells as they are, text in the file's decimal style."""
    out: dict[int, float] = {}
    texts: dict[int, str] = {}
    for line in lines:
        value, _ = _cell(check.table, field_name, line)
        if value is None:
            continue
        if isinstance(value, PercentCell):
            check.fail(line, field_name, value, "Die Zelle ist als Prozent formatiert. Bitte als Zahl formatieren.")
        elif isinstance(value, (bool, dt.date | dt.datetime)):
            check.fail(line, field_name, value, "Hier wird eine Zahl erwartet. Bitte die Zelle als Zahl formatieren.")
        elif isinstance(value, int | float):
            out[line] = float(value)
        else:
            texts[line] = str(value)
    if texts:
        series = normalise(pd.Series(list(texts.values()), index=list(texts.keys()), dtype="str"))
        parsed = parse_numbers(series, detect_decimal(series))
        for line, number in parsed.items():
            if np.isnan(number):
                check.fail(line, field_name, texts[line], f"„{texts[line]}“ ist keine Zahl. Bitte z. B. 1,5 schreiben.")
            else:
                out[int(line)] = float(number)
    return out


def _dates(check: _Rows, line: int, today: dt.date) -> dict[str, str | None]:
    dates: dict[str, str | None] = {}
    for name in rules.DATE_FIELDS:
        value, _ = _cell(check.table, name, line)
        try:
            dates[name] = rules.parse_date(value)
        except DateProblem as err:
            check.fail(line, name, value, str(err))
            dates[name] = None
            continue
        parsed = dates[name]
        if parsed and name in rules.ACTUAL_DATES and rules.in_future(parsed, today):
            check.fail(
                line,
                name,
                value,
                f"„{rules.LABELS[name]}“ liegt in der Zukunft. Tatsächliche Termine erst eintragen, wenn sie erreicht "
                f"sind; geplante gehören in „{rules.LABELS.get(name + '_geplant', 'geplant')}“.",
            )
    return dates


_ORDER = (
    ("beschluss", "planungsbeginn", "Der Beschluss liegt vor dem Planungsbeginn."),
    ("fertigstellung", "planungsbeginn", "Die Fertigstellung liegt vor dem Planungsbeginn."),
    ("fertigstellung", "beschluss", "Die Fertigstellung liegt vor dem Beschluss."),
)


def _date_order(check: _Rows, line: int, dates: dict[str, str | None]) -> None:
    for later, earlier, message in _ORDER:
        a, b = dates.get(later), dates.get(earlier)
        if a and b and rules.before(a, b):
            check.fail(
                line,
                later,
                rules.show_date(a),
                f"{message} ({rules.LABELS[later]} {rules.show_date(a)}, {rules.LABELS[earlier]} "
                f"{rules.show_date(b)}). Bitte eines der beiden Daten korrigieren.",
            )


def _rank(check: _Rows, line: int, name: str, numbers: dict[int, float]) -> int | None:
    value = numbers.get(line)
    if value is None:
        return None
    if not value.is_integer() or value < 1:
        check.fail(line, name, value, "Die Priorität ist ein Rang: eine ganze Zahl ab 1 (1 = zuerst).")
        return None
    return int(value)


def _text_field(check: _Rows, line: int, name: str, limit: int) -> str | None:
    value = _text(_cell(check.table, name, line)[0])
    if value and len(value) > limit:
        check.fail(line, name, value, f"Der Text ist länger als {limit} Zeichen. Bitte kürzen.")
        return None
    return value


def _steckbrief(check: _Rows, line: int) -> bool | None:
    value, _ = _cell(check.table, "steckbrief", line)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    check.fail(line, "steckbrief", value, "Bitte „ja“ oder „nein“ eintragen.")
    return None


def _phase(check: _Rows, line: int, dates: dict[str, str | None]) -> str | None:
    value = _text(_cell(check.table, "phase", line)[0])
    if value is None:
        return None
    phase = rules.phase_key(value)
    if phase is None:
        check.fail(line, "phase", value, "Unbekannte Phase. Erlaubt: " + ", ".join(rules.PHASES) + " (oder leer).")
        return None
    if conflict := rules.phase_conflict(phase, dates):
        check.fail(line, "phase", value, conflict)
    return phase


def _list_row(
    check: _Rows, line: int, km: dict[int, float], ranks: dict[str, dict[int, float]], today: dt.date
) -> dict[str, Any]:
    nr = _text(_cell(check.table, "nr", line)[0])
    if nr is None:
        check.fail(line, "nr", None, "Die Nr fehlt. Jede Maßnahme braucht eine eindeutige Nr (z. B. M-017).")
    elif len(nr) > rules.MAX_NR:
        check.fail(line, "nr", nr, f"Die Nr ist länger als {rules.MAX_NR} Zeichen.")
    title = _text_field(check, line, "massnahme", rules.MAX_TITLE)
    if title is None and _cell(check.table, "massnahme", line)[0] is None:
        check.fail(line, "massnahme", None, "Der Titel der Maßnahme fehlt. Bitte eintragen.")
    length = km.get(line)
    if length is not None and not 0 <= length <= rules.MAX_KM:
        check.fail(line, "laenge_km", length, f"Die Länge muss zwischen 0 und {rules.MAX_KM:.0f} km liegen.")
        length = None
    dates = _dates(check, line, today)
    _date_order(check, line, dates)
    return {
        "nr": nr,
        "massnahme": title,
        "art": _text_field(check, line, "art", rules.MAX_TEXT),
        "laenge_km": length,
        "prio_verwaltung": _rank(check, line, "prio_verwaltung", ranks["prio_verwaltung"]),
        "prio_politik": _rank(check, line, "prio_politik", ranks["prio_politik"]),
        "phase": _phase(check, line, dates),
        "projektleitung": _text_field(check, line, "projektleitung", rules.MAX_TEXT),
        "steckbrief": _steckbrief(check, line),
        **dates,
        "line": line,
    }


def check_list(table: Table, *, today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """The list's rows as records (LIST_FIELDS + line) and every problem found."""
    problems = _missing_columns(table, LIST_COLUMNS)
    if problems:
        return empty_list(), problems
    check = _Rows(table)
    lines = check.lines()
    km = _numbers(check, lines, "laenge_km")
    ranks = {name: _numbers(check, lines, name) for name in ("prio_verwaltung", "prio_politik")}
    records = [_list_row(check, line, km, ranks, today) for line in lines]
    seen: dict[str, int] = {}
    for rec in records:
        if rec["nr"] is None:
            continue
        key = rec["nr"].casefold()
        if key in seen:
            check.fail(
                rec["line"],
                "nr",
                rec["nr"],
                f"Die Nr „{rec['nr']}“ steht schon in Zeile {seen[key]}. Jede Nr darf nur einmal vorkommen.",
            )
        else:
            seen[key] = rec["line"]
    if not records:
        check.problems.append(Problem(None, None, None, f"{table.source}: die Maßnahmenliste enthält keine Zeilen."))
    frame = pd.DataFrame(records, columns=[*LIST_FIELDS, "line"]) if records else empty_list()
    return frame, check.problems


def _column(table: Table, field_name: str, lines: list[int]) -> list[object]:
    """One field's cells for the given rows (stripped text, None when empty): read column-wise."""
    if field_name not in table.columns:
        return [None] * len(lines)
    index = table.columns[field_name][0]
    rows = table.row_values()
    out: list[object] = []
    for line in lines:
        row = rows[line]
        value = row[index] if index < len(row) else None
        if isinstance(value, str):
            value = value.strip() or None
        elif isinstance(value, float) and value != value:
            value = None
        out.append(value)
    return out


def check_events(table: Table, *, known_nrs: set[str], today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """Ereignisse rows (EVENT_FIELDS + line); every Nr must be in `known_nrs` (list of file or DB)."""
    problems = _missing_columns(table, EVENT_COLUMNS)
    if problems:
        return empty_events(), problems
    check = _Rows(table)
    canonical = {nr.casefold(): nr for nr in known_nrs}
    lines = check.lines()
    records = []
    columns = zip(lines, *(_column(table, f, lines) for f in EVENT_FIELDS), strict=True)
    for line, raw_nr, value, kind_value, anlass_value in columns:
        raw_nr = _text(raw_nr)
        nr = canonical.get(raw_nr.casefold()) if raw_nr else None
        if raw_nr is None:
            check.fail(line, "nr", None, "Die Nr fehlt. Bitte die Nr der Maßnahme aus der Liste eintragen.")
        elif nr is None:
            check.fail(
                line,
                "nr",
                raw_nr,
                f"Eine Maßnahme mit der Nr „{raw_nr}“ gibt es in der Liste nicht. Bitte die Nr prüfen.",
            )
        datum = _event_date(check, line, value, today)
        kind_raw = _text(kind_value)
        kind = rules.event_kind(kind_raw or "")
        if kind is None:
            check.fail(line, "ereignis", kind_raw, "Bitte „Abstimmungsschleife“ oder „Richtungsänderung“ eintragen.")
        anlass = _text(anlass_value) or ""
        if len(anlass) > rules.MAX_ANLASS:
            check.fail(line, "anlass", anlass, f"Der Text ist länger als {rules.MAX_ANLASS} Zeichen. Bitte kürzen.")
        records.append({"nr": nr, "datum": datum, "ereignis": kind, "anlass": anlass, "line": line})
    frame = pd.DataFrame(records, columns=[*EVENT_FIELDS, "line"]) if records else empty_events()
    return frame, check.problems


def _event_date(check: _Rows, line: int, value: object, today: dt.date) -> str | None:
    try:
        datum = rules.parse_date(value)
    except DateProblem as err:
        check.fail(line, "datum", value, str(err))
        return None
    if datum is None:
        check.fail(line, "datum", None, "Das Datum fehlt. " + rules.DATE_HINT)
    elif rules.in_future(datum, today):
        check.fail(
            line, "datum", value, "Das Datum liegt in der Zukunft. Bitte nur stattgefundene Ereignisse eintragen."
        )
    return datum


def empty_list() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in (*LIST_FIELDS, "line")})


def empty_events() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in (*EVENT_FIELDS, "line")})


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line if p.line is not None else -1, p.column or ""))


def check_files(files: Sequence[tuple[str, bytes]], *, known_nrs: set[str], today: dt.date) -> Parsed:
    """Read and check one or two files (list, Ereignisse or a workbook with both)."""
    tables, problems, descriptions, notes = read_tables(files)
    parsed = Parsed(None, None, problems, notes, descriptions)
    lists = [t for t in tables if t.kind == "liste"]
    events = [t for t in tables if t.kind == "ereignisse"]
    for kind, found in (("Maßnahmenliste", lists), ("Ereignisse-Tabelle", events)):
        if len(found) > 1:
            parsed.problems.append(
                Problem(None, None, None, f"Die Dateien enthalten {len(found)} Tabellen der Art {kind} "
                        f"({'; '.join(t.source for t in found)}). Bitte nur eine hochladen.")
            )  # fmt: skip
    if parsed.problems:
        return parsed
    if lists:
        parsed.massnahmen, list_problems = check_list(lists[0], today=today)
        parsed.problems += _sorted(list_problems)
        known_nrs = known_nrs | {n for n in parsed.massnahmen["nr"] if n}  # stored ones stay listed
    if events:
        parsed.events, event_problems = check_events(events[0], known_nrs=known_nrs, today=today)
        parsed.problems += _sorted(event_problems)
    return parsed
