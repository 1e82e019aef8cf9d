"""Monthly readings: validate an uploaded file, preview every cell, commit, revert, history.

One code path, two doors: the upload page and `python -m kora import` call the same three
write entry points — `preview_upload`, `commit_upload`, `revert_upload` — and each checks the
acting person's role itself (`kora.access.auth.authorize`): only Koordinator*innen (for the
indicators of their Vorhaben) and Admins write readings; a refusal is audited as "verweigert".

Rules that protect the city's numbers:
- Validation collects every problem (row and column as Excel shows them, the cell as written,
  a German sentence saying how to fix it). A file with any problem changes nothing.
- Readings are append-only versions. A commit writes the new and changed cells of a file in one
  transaction; a revert writes versions that restore the previous values (NULL withdraws a
  first report). Nothing is updated or deleted.
- Changing an already reported value needs a Korrekturgrund. Uploading the same readings
  again is a no-op and says so.
- Every committed upload, rejection and revert writes exactly one audit row.
- The latest reportable month is the last complete month (a month's count is only final once
  it is over); months before the plan start (kommunen.plan_start) are refused too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kora import fmt, periods
from kora.access import auth
from kora.access.auth import Actor, authorize
from kora.db import Database, audit_store, import_store, plan_store, readings_store
from kora.errors import KoraError, NotFoundError, PermissionDenied, ValidationError
from kora.massnahmen import quelle
from kora.plan.files import Plan
from kora.plan.setup import DEFAULT_KOMMUNE, utcnow
from kora.readings.ingest import (
    MAX_UPLOAD_BYTES,
    MONTH_HINT,
    FileRejected,
    Problem,
    Upload,
    detect_decimal,
    display,
    month_text,
    normalise,
    parse_month,
    parse_numbers,
    read_upload,
)
from kora.readings.ingest.columns import arrow_text, repeat_arrow, take_text
from kora.readings.ingest.months import is_ambiguous_slash_date
from kora.readings.ingest.xlsx import PercentCell
from kora.samples.demo import last_complete_month

MAX_COMMENT_CHARS = 1000
YES = {"ja", "j", "yes", "y", "wahr", "true", "x", "1"}
NO = {"nein", "n", "no", "falsch", "false", "0"}
EXCEL_ERRORS = {"#div/0!", "#wert!", "#value!", "#bezug!", "#ref!", "#name?", "#zahl!", "#num!", "#null!"}
STATUS_LABELS = {"new": "neu", "changed": "geändert", "unchanged": "unverändert"}
KIND_LABELS = {"upload": "Upload", "revert": "Rücknahme", "demo": "Beispieldaten"}


# --- catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """What a value of one indicator may be (from the catalogue in the DB)."""

    id: str
    name: str
    unit: str
    direction: str
    minimum: float | None
    maximum: float | None
    integer: bool
    frequency: str = "monatlich"  # "quartalsweise": due in March, June, September, December only

    def due_in(self, month: dt.date) -> bool:
        return self.frequency != "quartalsweise" or month.month % 3 == 0


@dataclass(frozen=True)
class Catalogue:
    kommune: str
    kommune_name: str
    plan_start: dt.date
    rules: tuple[Rule, ...]

    @classmethod
    def from_db(cls, db: Database, kommune: str = DEFAULT_KOMMUNE) -> Catalogue:
        info = plan_store.kommune_info(db, kommune)
        if info is None:
            raise KoraError(f"Für die Kommune „{kommune}“ ist kein Plan geladen. Bitte zuerst: python -m kora init")
        rules = tuple(
            Rule(
                id=ind_id,
                name=name,
                unit=unit,
                direction=direction,
                minimum=None if minimum is None else float(minimum),
                maximum=None if maximum is None else float(maximum),
                integer=bool(is_integer),
                frequency=frequency or "monatlich",
            )
            for ind_id, name, unit, direction, minimum, maximum, is_integer, frequency in import_store.catalogue_rows(
                db, kommune=kommune
            )
        )
        start = info["plan_start"]
        start = start.date() if isinstance(start, dt.datetime) else start
        return cls(kommune, info["name"], start, rules)

    @classmethod
    def from_plan(cls, plan: Plan) -> Catalogue:
        rules = tuple(
            Rule(
                i.id, i.name, i.unit, i.direction, i.minimum, i.maximum, i.integer, getattr(i, "frequency", "monatlich")
            )
            for i in plan.indicators
        )
        return cls(plan.kommune, plan.kommune_name, plan.start_month, rules)

    def rule(self, indicator_id: str) -> Rule:
        for r in self.rules:
            if r.id == indicator_id:
                return r
        raise NotFoundError(f"Unbekannter Indikator „{indicator_id}“.")

    def lookup(self) -> dict[str, str]:
        """casefolded id or display name -> id."""
        out: dict[str, str] = {}
        for r in self.rules:
            out[_key(r.name)] = r.id
        for r in self.rules:
            out[_key(r.id)] = r.id
        return out


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def last_reportable_month(today: dt.date | None = None) -> dt.date:
    """Readings can be reported for months that are over: up to the last complete month."""
    return last_complete_month(today or periods.today_local())


# --- validation --------------------------------------------------------------------------------


@dataclass
class Checked:
    """The outcome of checking a file against the catalogue (no DB access)."""

    readings: pd.DataFrame  # indicator_id, month, value, comment, source, line, column
    problems: list[Problem]
    notes: list[str]
    n_empty: int
    layout: str
    description: str
    decimal: str | None = None


def _fmt_number(value: float) -> str:
    if value is None or value != value:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _per_distinct(values: pd.Series, func: Any, *, dtype: Any = object) -> np.ndarray:
    """func applied once per distinct value, spread back to all rows (vectorised via factorize)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.array([func(u) for u in uniques], dtype=dtype)
    return mapped[codes] if len(mapped) else np.array([], dtype=dtype)


def _labels(column: pd.Series) -> pd.Series:
    """A record column of Excel column labels: Categorical as the layout made it, else text."""
    return column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("str")


def _fmt_value(value: float, direction: str) -> str:
    if direction == "yesno" and value in (0.0, 1.0):
        return "ja" if value == 1.0 else "nein"
    return _fmt_number(value)


def _problems_from(frame: pd.DataFrame, mask: pd.Series | np.ndarray, column: str, message: Any) -> list[Problem]:
    """Problems for the masked records; `message` is a str or a callable(row, position) -> str."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    if not len(positions):
        return []
    out = []
    for pos, row in zip(positions, frame.iloc[positions].itertuples(index=False), strict=True):
        if column == "value_col":
            raw = display(row.value_raw)
        elif column == "comment_col":
            raw = (row.comment or "")[:60]
        else:
            raw = display(getattr(row, column.replace("_col", "_raw")))
        out.append(
            Problem(
                line=int(row.line),
                column=getattr(row, column) or None,
                value=raw,
                message=message(row, int(pos)) if callable(message) else message,
            )
        )
    return out


def check_upload(upload: Upload, catalogue: Catalogue, *, today: dt.date | None = None) -> Checked:
    """Every problem of the file's records against the catalogue; valid readings (deduplicated)."""
    ex = upload.extracted
    problems = list(ex.problems)
    notes = list(ex.notes)
    r = ex.records.reset_index(drop=True)
    last = last_reportable_month(today)
    if r.empty:
        if not problems:
            problems.append(
                Problem(
                    None,
                    None,
                    None,
                    "Die Datei enthält keine Messwerte (alle Wert-Zellen sind leer). "
                    "Bitte mindestens einen Wert eintragen.",
                )
            )
        return Checked(_empty_readings(), problems, notes, ex.n_empty, ex.layout, upload.description)

    bad = np.zeros(len(r), dtype=bool)

    # indicator -------------------------------------------------------------------------------
    lookup = catalogue.lookup()
    ind_raw = r["ind_raw"].astype("str")
    position = {x.id: i for i, x in enumerate(catalogue.rules)}
    # resolve distinct names only: a 100 000-row file names a few hundred indicators
    # rule_pos: index into catalogue.rules, len(rules) when unknown (every per-rule array ends with a default)
    n_rules = len(catalogue.rules)
    rule_pos = _per_distinct(ind_raw, lambda raw: position.get(lookup.get(_key(raw), ""), n_rules), dtype="int64")
    ids = np.array([x.id for x in catalogue.rules] + [""], dtype=object)
    ind_id = ids[rule_pos]
    missing_ind = (ind_raw == "").to_numpy()
    unknown_ind = (rule_pos == n_rules) & ~missing_ind
    problems += _problems_from(
        r, missing_ind, "ind_col", "Indikator fehlt. Bitte die Indikator-ID oder den Namen aus der Vorlage eintragen."
    )
    if unknown_ind.any():
        suggestions = {raw: _suggest(raw, catalogue) for raw in pd.unique(r.loc[unknown_ind, "ind_raw"])}
        problems += _problems_from(r, unknown_ind, "ind_col", lambda row, i: suggestions[row.ind_raw])
    bad |= missing_ind | unknown_ind

    # month -----------------------------------------------------------------------------------
    month = r["month"]
    no_month = month.isna().to_numpy()
    empty_month = no_month & (r["month_raw"].astype("str") == "").to_numpy()
    problems += _problems_from(r, empty_month, "month_col", "Monat fehlt. " + MONTH_HINT)
    problems += _problems_from(r, no_month & ~empty_month, "month_col", _month_message)
    months = month.astype("datetime64[us]")
    start_ts = pd.Timestamp(catalogue.plan_start)
    last_ts = pd.Timestamp(last)
    too_early = (months < start_ts).fillna(False).to_numpy(dtype=bool)
    too_late = (months > last_ts).fillna(False).to_numpy(dtype=bool)
    problems += _problems_from(
        r,
        too_early,
        "month_col",
        lambda row, i: (
            f"Der Monat {month_text(row.month)} liegt vor dem Start des Aktionsplans "
            f"({month_text(catalogue.plan_start)}). Bitte nur Monate ab {month_text(catalogue.plan_start)} melden."
        ),
    )
    problems += _problems_from(
        r,
        too_late,
        "month_col",
        lambda row, i: (
            f"Der Monat {month_text(row.month)} ist noch nicht abgeschlossen. Gemeldet werden können Monate "
            f"bis einschließlich {month_text(last)}; diesen Wert bitte erst nach Monatsende hochladen."
        ),
    )
    bad |= no_month | too_early | too_late

    # value -----------------------------------------------------------------------------------
    rules = {x.id: x for x in catalogue.rules}

    def attribute(name: str, default: Any, dtype: Any = object) -> np.ndarray:
        return np.array([getattr(x, name) for x in catalogue.rules] + [default], dtype=dtype)[rule_pos]

    # per-rule flags spread to rows by position: no comparisons of 100 000 Python strings
    known = ~(missing_ind | unknown_ind)
    yesno = np.array([x.direction == "yesno" for x in catalogue.rules] + [False])[rule_pos] & known
    percent = np.array([x.unit == "%" for x in catalogue.rules] + [False])[rule_pos]
    numeric_ind = known & ~yesno
    raw = r["value_raw"]
    values = np.full(len(r), np.nan)
    value_bad = np.zeros(len(r), dtype=bool)
    messages: dict[int, str] = {}

    typed = raw.map(lambda v: not isinstance(v, str)).to_numpy(dtype=bool) if raw.dtype == object else None
    if typed is not None and typed.any():
        for i in np.flatnonzero(typed):
            v = raw.iat[i]
            if not known[i]:
                continue
            if isinstance(v, bool):
                if yesno[i]:
                    values[i] = 1.0 if v else 0.0
                else:
                    value_bad[i] = True
                    messages[i] = "Hier wird eine Zahl erwartet, kein WAHR/FALSCH."
            elif isinstance(v, PercentCell):  # before float: a percent-formatted XLSX number
                if percent[i]:
                    values[i] = v.percent  # Excel shows 45 %, the indicator is in %: 45
                else:
                    value_bad[i] = True
                    messages[i] = _percent_cell_message(rules[ind_id[i]], v)
            elif isinstance(v, float | int):
                values[i] = float(v)
            elif isinstance(v, dt.date | dt.datetime):
                value_bad[i] = True
                messages[i] = (
                    "Excel hat den Wert als Datum gespeichert. Bitte die Zelle als Zahl formatieren "
                    "und den Wert neu eintragen (z. B. 1,3 statt 1.3)."
                )
            else:
                value_bad[i] = True
                messages[i] = "Dieser Zellinhalt ist keine Zahl."
        text_mask = ~typed
    else:
        text_mask = np.ones(len(r), dtype=bool)

    text = normalise(raw[text_mask].map(str) if raw.dtype == object else raw[text_mask])
    text_index = np.flatnonzero(text_mask)
    excel_err = text.str.startswith("#").fillna(False).to_numpy(dtype=bool)
    if excel_err.any():
        excel_err = excel_err & text.str.casefold().isin(EXCEL_ERRORS).to_numpy(dtype=bool)
    for i in text_index[excel_err]:
        value_bad[i] = True
        messages[i] = (
            "Die Zelle enthält einen Excel-Formelfehler. Bitte die Formel korrigieren oder den Wert als Zahl eintragen."
        )

    # yes/no indicators
    yn_rows = yesno[text_index] & ~excel_err
    if yn_rows.any():
        yn = text[yn_rows].str.casefold()
        yn_idx = text_index[yn_rows]
        is_yes = yn.isin(YES).to_numpy()
        is_no = yn.isin(NO).to_numpy()
        values[yn_idx[is_yes]] = 1.0
        values[yn_idx[is_no]] = 0.0
        for i in yn_idx[~(is_yes | is_no)]:
            value_bad[i] = True
            messages[i] = f"Für „{rules[ind_id[i]].name}“ bitte „ja“ oder „nein“ eintragen."

    # numeric indicators: one decimal style for the whole file
    num_rows = numeric_ind[text_index] & ~excel_err
    decimal = None
    if num_rows.any():
        num_idx = text_index[num_rows]
        num_text = text[num_rows]
        pct = percent[num_idx]
        has_pct = pct & num_text.str.endswith("%").to_numpy(dtype=bool)
        if has_pct.any():  # "45 %" for a percentage indicator means 45
            num_text = num_text.copy()
            num_text[has_pct] = num_text[has_pct].str.removesuffix("%").str.rstrip()
        decimal = detect_decimal(num_text)
        parsed = parse_numbers(num_text, decimal).to_numpy()
        values[num_idx] = parsed
        for i in num_idx[np.isnan(parsed)]:
            value_bad[i] = True
            messages[i] = _number_message(str(raw.iat[i]), decimal)

    if value_bad.any():
        problems += _problems_from(r, value_bad, "value_col", lambda row, i: messages[i])
    # range / integer checks on parsed numbers
    has_value = ~np.isnan(values) & known
    minimum = np.array([np.nan if x.minimum is None else x.minimum for x in catalogue.rules] + [np.nan])[rule_pos]
    maximum = np.array([np.nan if x.maximum is None else x.maximum for x in catalogue.rules] + [np.nan])[rule_pos]
    integer = attribute("integer", False, bool)
    with np.errstate(invalid="ignore"):
        below = has_value & ~np.isnan(minimum) & (values < minimum)
        above = has_value & ~np.isnan(maximum) & (values > maximum)
        fractional = has_value & integer & ~yesno & (np.abs(values - np.round(values)) > 1e-9)
    yes_no_number = has_value & yesno & (values != 0.0) & (values != 1.0)
    range_bad = (below | above) & ~yesno
    if range_bad.any():
        problems += _problems_from(
            r, range_bad, "value_col", lambda row, i: _range_message(rules[ind_id[i]], values[i])
        )
    if fractional.any():
        problems += _problems_from(
            r,
            fractional & ~range_bad,
            "value_col",
            lambda row, i: (
                f"„{rules[ind_id[i]].name}“ wird gezählt ({rules[ind_id[i]].unit}); "
                "bitte eine ganze Zahl ohne Nachkommastellen eintragen."
            ),
        )
    if yes_no_number.any():
        problems += _problems_from(
            r,
            yes_no_number,
            "value_col",
            lambda row, i: f"Für „{rules[ind_id[i]].name}“ bitte „ja“ oder „nein“ eintragen.",
        )
    bad |= value_bad | range_bad | fractional | yes_no_number | ~has_value

    # kommune ---------------------------------------------------------------------------------
    kommune_raw = r["kommune_raw"].astype("str")
    allowed = {_key(catalogue.kommune), _key(catalogue.kommune_name)}
    if (kommune_raw != "").any():
        wrong_kommune = _per_distinct(kommune_raw, lambda k: bool(k) and _key(k) not in allowed, dtype=bool)
    else:  # no Kommune column or all cells empty
        wrong_kommune = np.zeros(len(r), dtype=bool)
    problems += _problems_from(
        r,
        wrong_kommune,
        "kommune_col",
        f"Diese Zeile gehört zu einer anderen Kommune. Hier werden nur Messwerte für {catalogue.kommune_name} "
        f"(„{catalogue.kommune}“) angenommen; bitte die Zeile löschen oder die Kommune korrigieren.",
    )
    bad |= wrong_kommune

    # comments --------------------------------------------------------------------------------
    comment = r["comment"].astype("str")
    if (comment != "").any():
        comment = comment.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False).str.strip()
        too_long = (comment.str.len() > MAX_COMMENT_CHARS).to_numpy(dtype=bool)
    else:
        too_long = np.zeros(len(r), dtype=bool)
    problems += _problems_from(
        r,
        too_long,
        "comment_col",
        f"Der Kommentar ist länger als {MAX_COMMENT_CHARS} Zeichen. Bitte kürzen.",
    )
    bad |= too_long

    readings = pd.DataFrame(
        {
            "indicator_id": take_text(ids.tolist(), rule_pos),
            "month": months,
            "value": values,
            "comment": comment,
            "source": r["source"].astype("str"),  # stripped by kora.readings.ingest.layout
            "line": r["line"].astype("int64"),
            "column": _labels(r["value_col"]),
        }
    )
    # one int64 per cell (rule position, month number): duplicates are found by hashing integers
    # (months are first days, so their day number identifies them; NaT rows are bad and dropped)
    cell = (rule_pos << 32) + months.to_numpy(dtype="datetime64[us]").view(np.int64) // 86_400_000_000 + 2**31
    if bad.any():
        readings, cell = readings[~bad], cell[~bad]

    # duplicates --------------------------------------------------------------------------------
    readings, dup_problems, dup_notes = _duplicates(readings, rules, cell)
    problems += dup_problems
    notes += dup_notes
    problems = _sorted(problems)
    return Checked(readings, problems, notes, ex.n_empty, ex.layout, upload.description, decimal)


def _duplicates(
    readings: pd.DataFrame, rules: dict[str, Rule], cell: np.ndarray
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Same indicator and month twice: fine when identical (merged, noted), an error otherwise.

    `cell` holds one integer per reading that is equal exactly when indicator and month are.
    """
    keys = ["indicator_id", "month"]
    ordered = np.sort(cell)  # the usual file has no duplicate: one sort says so
    if not (ordered[1:] == ordered[:-1]).any():
        return readings, [], []
    dup = pd.Series(cell).duplicated(keep=False).to_numpy()
    problems: list[Problem] = []
    for (ind, month), part in readings[dup].groupby(keys, sort=False):
        distinct_values = part["value"].nunique() > 1
        comments = {c for c in part["comment"] if c}
        if not distinct_values and len(comments) <= 1:
            continue
        lines = ", ".join(str(x) for x in part["line"])
        what = "unterschiedlichen Werten" if distinct_values else "unterschiedlichen Kommentaren"
        shown = " und ".join(dict.fromkeys(_fmt_number(v) for v in part["value"]))
        for row in part.iloc[1:].itertuples(index=False):
            problems.append(
                Problem(
                    line=int(row.line),
                    column=row.column,
                    value=_fmt_number(row.value),
                    message=f"„{rules[ind].name}“ ({ind}) für {month_text(month)} steht mehrfach in der Datei "
                    f"(Zeilen {lines}) mit {what}"
                    + (f" ({shown})" if distinct_values else "")
                    + ". Bitte nur eine Zeile stehen lassen.",
                )
            )
    merged = readings.copy()
    # identical duplicates: keep the first row, with the one non-empty comment if any
    merged.loc[dup, "comment"] = merged[dup].groupby(keys)["comment"].transform("max")
    keep = ~merged.duplicated(keys, keep="first").to_numpy()
    n_same = int(len(merged) - keep.sum())
    notes = [] if problems else [f"{n_same} doppelte Zeile(n) mit gleichem Wert wurden zusammengefasst."]
    return merged[keep], problems, notes


def _suggest(raw: str, catalogue: Catalogue) -> str:
    candidates = {r.id: r.id for r in catalogue.rules} | {_key(r.name): r.id for r in catalogue.rules}
    close = difflib.get_close_matches(_key(raw), list(candidates), n=1, cutoff=0.5)
    msg = f"Unbekannter Indikator „{raw}“."
    if close:
        best = catalogue.rule(candidates[close[0]])
        msg += f" Meinten Sie „{best.id}“ ({best.name})?"
    return msg + " Bitte die Indikator-ID oder den Namen genau wie in der Vorlage schreiben."


def _month_message(row: Any, _pos: int) -> str:
    raw = row.month_raw
    if is_ambiguous_slash_date(raw):
        return (
            f"Das Datum „{raw}“ ist mehrdeutig (Tag/Monat oder Monat/Tag). "
            "Bitte den Monat z. B. als 03.2025, 2025-03 oder 01.03.2025 schreiben."
        )
    return f"Monat „{raw}“ nicht erkannt. " + MONTH_HINT


def _number_message(raw: str, decimal: str) -> str:
    text = raw.strip()
    if parse_month(text) is not None:
        return (
            f"„{text}“ sieht aus wie ein Datum, hier wird eine Zahl erwartet. Excel wandelt z. B. 1.3 in ein Datum um: "
            "bitte die Spalte als Zahl formatieren und den Wert mit Komma (1,3) eintragen."
        )
    style = "Komma (z. B. 12,5 oder 1.234,5)" if decimal == "," else "Punkt (z. B. 12.5 oder 1,234.5)"
    return (
        f"„{text}“ ist keine Zahl. Bitte nur die Zahl ohne Einheit eintragen; diese Datei verwendet als "
        f"Dezimaltrennzeichen ein {style}."
    )


def _percent_cell_message(rule: Rule, cell: PercentCell) -> str:
    """A percent-formatted cell for an indicator not in %: the stored and the shown number differ
    by a factor of 100 and either could be meant, so the coordinator decides, not the importer."""
    unit = "mit „ja“ oder „nein“" if rule.direction == "yesno" else f"in {rule.unit}"
    return (
        f"Die Zelle ist in Excel als Prozent formatiert (angezeigt {cell.excel_text}, gespeichert "
        f"{_fmt_number(float(cell))}), „{rule.name}“ wird aber {unit} gemeldet. Ob {_fmt_number(float(cell))} "
        f"oder {_fmt_number(cell.percent)} gemeint ist, lässt sich nicht sicher sagen. Bitte die Zelle als Zahl "
        "formatieren (Start › Zahlenformat › Standard) und den Wert prüfen."
    )


def _range_message(rule: Rule, value: float) -> str:
    shown = _fmt_number(value)
    if rule.unit == "%":
        return (
            f"{shown} % liegt außerhalb von 0 bis 100 %. Bitte den Prozentwert als Zahl zwischen "
            f"{_fmt_number(rule.minimum or 0)} und {_fmt_number(rule.maximum or 100)} eintragen (z. B. 45 für 45 %)."
        )
    if rule.minimum is not None and value < rule.minimum and rule.minimum == 0:
        return f"„{rule.name}“ kann nicht negativ sein ({shown}). Bitte den Wert ohne Minuszeichen oder 0 eintragen."
    low = "" if rule.minimum is None else _fmt_number(rule.minimum)
    high = "" if rule.maximum is None else _fmt_number(rule.maximum)
    return f"{shown} liegt außerhalb des erlaubten Bereichs ({low} bis {high} {rule.unit}). Bitte den Wert prüfen."


def _column_order(label: str | None) -> int:
    if not label:
        return -1
    letters = label.split(" ", 1)[0]
    n = 0
    for ch in letters:
        if not ch.isalpha():
            return 0
        n = n * 26 + ord(ch.upper()) - 64
    return n


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, _column_order(p.column)))


def _empty_readings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": pd.Series([], dtype="str"),
            "month": pd.Series([], dtype="datetime64[us]"),
            "value": pd.Series([], dtype="float64"),
            "comment": pd.Series([], dtype="str"),
            "source": pd.Series([], dtype="str"),
            "line": pd.Series([], dtype="int64"),
            "column": pd.Series([], dtype="str"),
        }
    )


def parse_file(data: bytes, catalogue: Catalogue, *, today: dt.date | None = None) -> Checked:
    """Read + check one file without touching the DB (used by previews, tests and benchmarks)."""
    try:
        upload = read_upload(data)
    except FileRejected as err:
        return Checked(_empty_readings(), list(err.problems), [], 0, "", "")
    return check_upload(upload, catalogue, today=today)


# --- preview -----------------------------------------------------------------------------------


@dataclass
class Preview:
    """What committing a file would do, cell by cell; `errors` non-empty means rejected."""

    filename: str
    sha256: str
    size: int
    kommune: str
    description: str
    layout: str
    cells: pd.DataFrame  # readings + status, old_value, old_comment, name
    errors: list[Problem]
    notes: list[str] = field(default_factory=list)
    n_empty: int = 0
    same_file_upload: int | None = None
    rejection_audited: bool = False
    state: tuple[int, int] = (0, 0)  # readings count and max seq when the diff was computed
    catalogue: Catalogue | None = None
    forbidden: list[str] = field(default_factory=list)  # indicators written here but outside the actor's scope
    actor_scope: str = ""
    denied: str = ""  # the refusal of `forbidden`, already audited as "verweigert" by the preview

    @property
    def forbidden_message(self) -> str:
        """Why this person may not save the file (shown before they press Speichern)."""
        if not self.forbidden:
            return ""
        names = {r.id: r.name for r in self.catalogue.rules} if self.catalogue else {}
        shown = ", ".join(f"„{names.get(i, i)}“ ({i})" for i in self.forbidden[:10])
        more = f" und {len(self.forbidden) - 10} weitere" if len(self.forbidden) > 10 else ""
        return (
            f"Sie dürfen diese Datei nicht speichern: sie enthält neue oder geänderte Werte für {shown}{more}. "
            f"Sie sind Koordinator*in für {self.actor_scope}. Bitte nur Werte Ihrer Vorhaben hochladen oder die "
            "Administration um eine Zuordnung bitten."
        )

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return int((self.cells["status"] == status).sum()) if len(self.cells) else 0

    @property
    def n_new(self) -> int:
        return self.count("new")

    @property
    def n_changed(self) -> int:
        return self.count("changed")

    @property
    def n_unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def n_value_changes(self) -> int:
        """Changed cells whose value (not only the comment) changes: these need a Korrekturgrund."""
        if not len(self.cells):
            return 0
        return int(((self.cells["status"] == "changed") & self.cells["value_changed"]).sum())

    @property
    def needs_reason(self) -> bool:
        return self.n_value_changes > 0

    @property
    def noop(self) -> bool:
        return self.ok and self.n_new == 0 and self.n_changed == 0

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "format": self.description,
            "layout": self.layout,
            "new": self.n_new,
            "changed": self.n_changed,
            "unchanged": self.n_unchanged,
            "empty": self.n_empty,
            "needs_reason": self.needs_reason,
            "errors": [p.as_dict() for p in self.errors],
            "notes": list(self.notes),
        }

    def message(self) -> str:
        if self.errors:
            n = len(self.errors)
            return f"Die Datei wurde abgelehnt: {n} Fehler gefunden. Es wurde nichts gespeichert."
        if self.noop:
            same = f" (gleiche Datei wie Upload {self.same_file_upload})" if self.same_file_upload else ""
            return f"Keine Änderung: alle {self.n_unchanged} Werte sind bereits so gespeichert{same}."
        text = f"Vorschau: {self.n_new} neu, {self.n_changed} geändert, {self.n_unchanged} unverändert."
        if self.needs_reason:
            changes = _n(self.n_value_changes, "bereits gemeldeter Wert ändert", "bereits gemeldete Werte ändern")
            text += f" {changes} sich: bitte einen Korrekturgrund angeben."
        return text

    def error_table(self) -> pd.DataFrame:
        """German table for the page: Zeile, Spalte, Wert, Meldung."""
        return pd.DataFrame(
            {
                "Zeile": pd.array([p.line for p in self.errors], dtype="Int64"),
                "Spalte": [p.column or "" for p in self.errors],
                "Wert": [p.value or "" for p in self.errors],
                "Meldung": [p.message for p in self.errors],
            }
        )

    def table(self, *, only_changes: bool = False) -> pd.DataFrame:
        """German preview table; a changed cell shows 'alt → neu'. Comments stay plain text."""
        cells = self.cells.sort_values(["line", "month"], kind="stable")
        if only_changes and len(cells):
            cells = cells[cells["status"] != "unchanged"]
        rules = {r.id: r for r in self.catalogue.rules} if self.catalogue else {}
        direction = [rules[i].direction if i in rules else "" for i in cells["indicator_id"]]
        new_text = [_fmt_value(v, d) for v, d in zip(cells["value"], direction, strict=True)]
        old_text = [_fmt_value(v, d) for v, d in zip(cells["old_value"], direction, strict=True)]
        shown = [
            f"{o} → {n}" if s == "changed" and o != n else n
            for s, o, n in zip(cells["status"], old_text, new_text, strict=True)
        ]
        return pd.DataFrame(
            {
                "Zeile": cells["line"].astype("int64"),
                "Indikator": cells["indicator_id"],
                "Name": [rules[i].name if i in rules else "" for i in cells["indicator_id"]],
                "Monat": [month_text(m) for m in cells["month"]],
                "Status": cells["status"].map(STATUS_LABELS),
                "Wert": shown,
                "Kommentar": cells["comment"],
            }
        ).reset_index(drop=True)


_STATUSES = ("new", "changed", "unchanged")


def _diff(readings: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Readings + old_value/old_comment/old_upload + status (new/changed/unchanged), file order kept."""
    cells = readings.reset_index(drop=True)
    if current.empty:  # first report of every cell: no join needed
        cells = cells.assign(old_value=np.nan, old_comment=None, old_upload=pd.NA)
    else:
        cur = current.rename(columns={"value": "old_value", "comment": "old_comment", "upload_id": "old_upload"})
        cur["month"] = cur["month"].astype("datetime64[us]")
        cells = cells.merge(
            cur[["indicator_id", "month", "old_value", "old_comment", "old_upload"]],
            on=["indicator_id", "month"],
            how="left",
        )
    old = cells["old_value"].astype("float64").to_numpy()
    new = cells["value"].astype("float64").to_numpy()
    had_value = ~np.isnan(old)
    with np.errstate(invalid="ignore"):
        same_value = had_value & (np.abs(old - new) <= 1e-9 * np.maximum(1.0, np.abs(new)))
    new_comment = cells["comment"].astype("str")
    if had_value.any() and (new_comment != "").any():
        old_comment = cells["old_comment"].where(cells["old_comment"].notna(), "").astype("str")
        comment_changed = ((new_comment != "") & (new_comment != old_comment)).to_numpy(dtype=bool)
    else:
        comment_changed = np.zeros(len(cells), dtype=bool)
    status = np.where(~had_value, 0, np.where(same_value & ~comment_changed, 2, 1))
    cells["status"] = take_text(_STATUSES, status, index=cells.index)  # str column without 100k Python strings
    cells["value_changed"] = had_value & ~same_value
    return cells


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current_for(db: Database, kommune: str, readings: pd.DataFrame) -> pd.DataFrame:
    ids = sorted(readings["indicator_id"].unique().tolist())
    return import_store.current_cells(db, kommune=kommune, indicator_ids=ids)


def preview_upload(
    db: Database,
    data: bytes,
    *,
    filename: str,
    actor: Actor | None,
    kommune: str = DEFAULT_KOMMUNE,
    today: dt.date | None = None,
    audit_rejection: bool = True,
) -> Preview:
    """Read, check and diff a file against the DB. Writes nothing — except, for a rejected
    file, its one audit row (`audit_rejection=False` for dry runs).

    Only people who may write readings get a preview (a Leser*in is refused and audited);
    cells outside a Koordinator*in's scope are listed in `forbidden` so the page can say so
    instead of offering Speichern — `commit_upload` refuses them anyway. Because the page never
    reaches the commit then, the preview itself is the refusal: it writes the same one
    "verweigert" audit row the commit would (action "upload", the missing indicators in the
    detail) and keeps its message in `denied`. Dry runs (`audit_rejection=False`) write none.
    """
    who = authorize(db, actor, "upload", kommune=kommune, object=filename)
    sha = _sha256(data)
    size = len(data)
    catalogue = Catalogue.from_db(db, kommune)
    checked = parse_file(data, catalogue, today=today)  # the size limit is checked before parsing
    checked.problems += quelle.typed_upload_problems(db, checked.readings, kommune=kommune)  # derived: refused
    state = import_store.readings_state(db, kommune=kommune)
    if checked.problems:
        cells = _diff(_empty_readings(), _empty_current())
    elif state[0] == 0:  # no version of this kommune yet (the state the diff is recorded against)
        cells = _diff(checked.readings, _empty_current())
    else:
        cells = _diff(checked.readings, _current_for(db, kommune, checked.readings))
    preview = Preview(
        filename=filename,
        sha256=sha,
        size=size,
        kommune=kommune,
        description=checked.description,
        layout=checked.layout,
        cells=cells,
        errors=checked.problems,
        notes=checked.notes,
        n_empty=checked.n_empty,
        same_file_upload=readings_store.last_upload_with_hash(db, kommune=kommune, sha256=sha),
        state=state,
        catalogue=catalogue,
    )
    mine = auth.allowed_indicators(db, who, kommune=kommune)
    if mine is not None and len(cells):
        written = cells.loc[cells["status"] != "unchanged", "indicator_id"]
        preview.forbidden = sorted(set(written.unique().tolist()) - mine)
        preview.actor_scope = who.scope_text()
        if preview.forbidden and audit_rejection:
            try:  # the commit's own check, so the audit row is exactly the one a refused commit writes
                authorize(db, who, "upload", kommune=kommune, indicators=sorted(set(written.tolist())), object=filename)
            except PermissionDenied as refused:
                preview.denied = str(refused)
    if preview.errors and audit_rejection:
        _audit_rejection(db, preview, user=who.audit_name, why="Fehler in der Datei")
    return preview


def _empty_current() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": pd.Series([], dtype="str"),
            "month": pd.Series([], dtype="datetime64[us]"),
            "value": pd.Series([], dtype="float64"),
            "comment": pd.Series([], dtype="str"),
            "upload_id": pd.Series([], dtype="Int64"),
        }
    )


def _audit_rejection(db: Database, preview: Preview, *, user: str, why: str) -> None:
    audit_store.write_audit(
        db,
        actor=user,
        action="upload",
        outcome="abgelehnt",
        object=preview.filename,
        detail={
            "grund": why,
            "sha256": preview.sha256,
            "bytes": preview.size,
            "fehler": len(preview.errors),
            "erste_fehler": [str(p) for p in preview.errors[:20]],
        },
        kommune=preview.kommune,
    )
    preview.rejection_audited = True


# --- commit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitResult:
    upload_id: int | None
    new: int
    changed: int
    unchanged: int
    noop: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "upload_id": self.upload_id,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "noop": self.noop,
            "message": self.message,
        }


def commit_upload(db: Database, preview: Preview, *, actor: Actor | None, reason: str | None = None) -> CommitResult:
    """Write the preview's new and changed cells as one upload, in one transaction.

    The diff is recomputed under the write lock; if another session changed any of these cells
    since the preview was shown, nothing is written and the user is asked to look again.
    The actor must be allowed to write every indicator of those cells (checked here, on the
    server, against the roles as the DB knows them now).
    """
    who = authorize(db, actor, "upload", kommune=preview.kommune, object=preview.filename)
    user = who.name
    reason = (reason or "").strip() or None
    if preview.errors:
        if not preview.rejection_audited:
            _audit_rejection(db, preview, user=who.audit_name, why="Fehler in der Datei")
        raise ValidationError(preview.message(), preview.errors)
    with db.write_lock:
        if import_store.readings_state(db, kommune=preview.kommune) == preview.state:
            fresh = preview.cells  # nobody wrote a reading since the preview: its diff still holds
        else:
            readings = preview.cells[_READING_KEYS].copy()
            fresh = _diff(readings, _current_for(db, preview.kommune, readings))
        if _stale(preview.cells, fresh):
            _audit_rejection(db, preview, user=who.audit_name, why="Werte wurden zwischenzeitlich geändert")
            raise KoraError(
                "Während Sie die Vorschau geprüft haben, wurden Werte dieser Datei von jemand anderem gespeichert. "
                "Es wurde nichts gespeichert. Bitte laden Sie die Datei erneut hoch und prüfen Sie die neue Vorschau."
            )
        status = fresh["status"]
        is_new = (status == "new").to_numpy(dtype=bool)
        is_changed = (status == "changed").to_numpy(dtype=bool)
        is_written = is_new | is_changed  # status is one of new / changed / unchanged
        writes = fresh["indicator_id"] if is_written.all() else fresh.loc[is_written, "indicator_id"]
        who = authorize(
            db,
            who,
            "upload",
            kommune=preview.kommune,
            indicators=sorted(writes.unique().tolist()),
            object=preview.filename,
        )
        n_new = int(is_new.sum())
        n_changed = int(is_changed.sum())
        n_unchanged = len(fresh) - n_new - n_changed
        n_value_changes = int((is_changed & fresh["value_changed"].to_numpy(dtype=bool)).sum())
        if n_new == 0 and n_changed == 0:
            same = f" (gleiche Datei wie Upload {preview.same_file_upload})" if preview.same_file_upload else ""
            message = f"Keine Änderung: alle {n_unchanged} Werte sind bereits so gespeichert{same}. Nichts gespeichert."
            audit_store.write_audit(
                db,
                actor=who.audit_name,
                action="upload",
                outcome="ok",
                object=preview.filename,
                detail={"keine_aenderung": True, "unveraendert": n_unchanged, "sha256": preview.sha256},
                kommune=preview.kommune,
            )
            return CommitResult(None, 0, 0, n_unchanged, True, message)
        if n_value_changes and not reason:
            _audit_rejection(db, preview, user=who.audit_name, why="Korrekturgrund fehlt")
            raise ValidationError(
                f"Diese Datei ändert {_n(n_value_changes, 'bereits gemeldeten Wert', 'bereits gemeldete Werte')}. Bitte einen Korrekturgrund angeben "
                "(Feld „Korrekturgrund“ bzw. --reason), damit die Änderung nachvollziehbar bleibt. Es wurde nichts gespeichert."
            )
        now = utcnow()
        to_write = fresh if n_unchanged == 0 else fresh[is_written]
        with db.transaction():
            upload_id = readings_store.new_upload(
                db,
                kommune=preview.kommune,
                kind="upload",
                user=user,
                at=now,
                filename=preview.filename,
                sha256=preview.sha256,
                reason=reason,
                n_new=n_new,
                n_changed=n_changed,
                n_unchanged=n_unchanged,
            )
            frame = _version_frame(
                to_write,
                kommune=preview.kommune,
                upload_id=upload_id,
                at=now,
                user=user,
                reason=reason,
                default_source=preview.filename,
            )
            readings_store.insert_readings(db, frame)
            audit_store.write_audit(
                db,
                actor=who.audit_name,
                action="upload",
                outcome="ok",
                object=f"Upload {upload_id}: {preview.filename}",
                detail={
                    "upload_id": upload_id,
                    "neu": n_new,
                    "geaendert": n_changed,
                    "unveraendert": n_unchanged,
                    "sha256": preview.sha256,
                    "korrekturgrund": reason,
                },
                kommune=preview.kommune,
                at=now,
            )
    message = f"Gespeichert als Upload {upload_id}: {n_new} neu, {n_changed} geändert, {n_unchanged} unverändert."
    return CommitResult(upload_id, n_new, n_changed, n_unchanged, False, message)


def _version_frame(
    cells: pd.DataFrame,
    *,
    kommune: str,
    upload_id: int,
    at: dt.datetime,
    user: str,
    reason: str | None,
    default_source: str,
) -> pa.Table:
    """readings rows (READING_COLUMNS) for new/changed cells as an Arrow table: DuckDB scans Arrow
    columns directly, while pandas text columns are converted value by value on insert."""
    n = len(cells)
    comment = arrow_text(cells["comment"])
    source = arrow_text(cells["source"])
    changed = (cells["status"] == "changed").to_numpy(dtype=bool)
    no_text = pa.nulls(n, pa.large_string())
    return pa.table(
        {
            "kommune": repeat_arrow(kommune, n),
            "indicator_id": arrow_text(cells["indicator_id"]),
            "month": pa.array(cells["month"].to_numpy(dtype="datetime64[us]")),
            "value": pa.array(cells["value"].to_numpy(dtype="float64"), from_pandas=True),
            "comment": pc.if_else(pc.equal(comment, ""), None, comment),
            "source": pc.if_else(pc.equal(source, ""), default_source, source),
            "upload_id": pa.array(np.full(n, upload_id, dtype=np.int64)),
            "recorded_at": pa.array(np.full(n, np.datetime64(at, "us"))),
            "recorded_by": repeat_arrow(user, n),
            "reason": pc.if_else(pa.array(changed), reason, None).cast(pa.large_string()) if reason else no_text,
        }
    )


_READING_KEYS = ["indicator_id", "month", "value", "comment", "source", "line", "column"]


def _stale(shown: pd.DataFrame, fresh: pd.DataFrame) -> bool:
    if fresh is shown:
        return False
    if len(shown) != len(fresh):
        return True
    if not len(shown):
        return False
    a = shown.sort_values(["indicator_id", "month"], ignore_index=True)
    b = fresh.sort_values(["indicator_id", "month"], ignore_index=True)
    if not (a["status"].to_numpy() == b["status"].to_numpy()).all():
        return True
    old_a = a["old_value"].astype("float64").to_numpy()
    old_b = b["old_value"].astype("float64").to_numpy()
    return not np.array_equal(old_a, old_b, equal_nan=True)


@dataclass(frozen=True)
class ImportOutcome:
    """What `python -m kora import` reports (see `as_dict` for the JSON shape)."""

    preview: Preview
    result: CommitResult | None
    dry_run: bool
    error: str | None = None

    @property
    def committed(self) -> bool:
        return self.result is not None and not self.result.noop

    @property
    def ok(self) -> bool:
        return self.error is None and self.preview.ok

    def as_dict(self) -> dict[str, Any]:
        out = self.preview.summary()
        if self.result is not None:
            out.update(new=self.result.new, changed=self.result.changed, unchanged=self.result.unchanged)
        out.update(
            upload_id=self.result.upload_id if self.result else None,
            committed=self.committed,
            noop=bool(self.result.noop) if self.result else self.preview.noop,
            dry_run=self.dry_run,
            message=self.error or (self.result.message if self.result else self.preview.message()),
        )
        if self.error and not out["errors"]:
            out["errors"] = [Problem(None, None, None, self.error).as_dict()]
        return out


def import_file(
    db: Database,
    data: bytes,
    *,
    filename: str,
    actor: Actor | None,
    reason: str | None = None,
    dry_run: bool = False,
    kommune: str = DEFAULT_KOMMUNE,
    today: dt.date | None = None,
) -> ImportOutcome:
    """Preview and (unless dry run) commit under one write lock: the CLI's single call."""
    with db.write_lock:
        preview = preview_upload(
            db, data, filename=filename, actor=actor, kommune=kommune, today=today, audit_rejection=not dry_run
        )
        if dry_run or preview.errors:
            return ImportOutcome(preview, None, dry_run)
        if preview.denied:  # refused and audited by the preview: a commit would audit it a second time
            raise PermissionDenied(preview.denied)
        try:
            result = commit_upload(db, preview, actor=actor, reason=reason)
        except ValidationError as err:
            return ImportOutcome(preview, None, dry_run, error=str(err))
        return ImportOutcome(preview, result, dry_run)


# --- revert ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevertResult:
    revert_id: int
    reverted_upload: int
    restored: int
    withdrawn: int
    skipped: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "revert_id": self.revert_id,
            "reverted_upload": self.reverted_upload,
            "restored": self.restored,
            "withdrawn": self.withdrawn,
            "skipped": self.skipped,
            "message": self.message,
        }


def revert_upload(
    db: Database, upload_id: int, *, actor: Actor | None, reason: str, kommune: str = DEFAULT_KOMMUNE
) -> RevertResult:
    """Undo an upload by adding versions with the values before it (nothing is deleted).

    A cell is reverted only while its current version was written by this upload. Cells that a
    later upload wrote again — a correction, or a confirmation with the same value and a new
    comment — are left alone, counted as skipped and named in the message: a revert never
    silently overwrites a newer version (versions are compared, not values). Koordinator*innen may revert an upload when
    every cell the revert writes belongs to their scope.
    """
    obj = f"Upload {upload_id}"
    who = authorize(db, actor, "upload_ruecknahme", kommune=kommune, object=obj)
    user = who.name
    reason = (reason or "").strip()

    def refuse(message: str, exc: type[KoraError] = KoraError) -> KoraError:
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action="upload_ruecknahme",
            outcome="abgelehnt",
            object=f"Upload {upload_id}",
            detail={"grund": message},
            kommune=kommune,
        )
        return exc(message)

    with db.write_lock:
        row = readings_store.upload_row(db, int(upload_id))
        if row is None or row["kommune"] != kommune:
            raise refuse(f"Upload {upload_id} gibt es nicht.", NotFoundError)
        if not reason:
            raise refuse("Bitte einen Grund für die Rücknahme angeben; er wird in der Historie gespeichert.")
        if row["kind"] == "demo":
            raise refuse("Beispieldaten werden nicht zurückgenommen, sondern auf der Startseite entfernt.")
        if row["reverted_by"] is not None and not pd.isna(row["reverted_by"]):
            raise refuse(f"Upload {upload_id} wurde bereits mit Upload {int(row['reverted_by'])} zurückgenommen.")
        plan = import_store.revert_plan(db, int(upload_id))
        if plan.empty:
            raise refuse(f"Upload {upload_id} hat keine Messwerte geschrieben; es gibt nichts zurückzunehmen.")
        # A cell is the upload's only while its current version is the upload's own: a later version
        # (a confirmation with the same value, another comment, a correction) belongs to its author.
        # Comparing values instead would withdraw a confirmation that repeats the number.
        mine = (plan["current_upload"].astype("int64") == int(upload_id)).to_numpy(dtype=bool)
        todo = plan[mine]
        skipped = int((~mine).sum())
        later = sorted({int(u) for u in plan.loc[~mine, "current_upload"]})
        if not todo.empty:
            who = authorize(
                db,
                who,
                "upload_ruecknahme",
                kommune=kommune,
                indicators=sorted(todo["indicator_id"].unique().tolist()),
                object=obj,
            )
        if todo.empty:
            raise refuse(
                f"Nichts zurückzunehmen: alle {len(plan)} Werte von Upload {upload_id} wurden später durch andere "
                f"Uploads geändert oder bestätigt ({_upload_list(later)}). Bitte diese Uploads prüfen."
            )
        now = utcnow()
        withdrawn = int(todo["before_value"].isna().sum())
        restored = len(todo) - withdrawn
        with db.transaction():
            revert_id = readings_store.new_upload(
                db,
                kommune=kommune,
                kind="revert",
                user=user,
                at=now,
                filename=f"Rücknahme von Upload {upload_id}",
                reason=reason,
                n_changed=len(todo),
                reverts_upload=int(upload_id),
            )
            frame = pd.DataFrame(
                {
                    "kommune": todo["kommune"].to_numpy(),
                    "indicator_id": todo["indicator_id"].to_numpy(),
                    "month": todo["month"].to_numpy(),
                    "value": todo["before_value"].astype("float64").to_numpy(),
                    "comment": todo["before_comment"].where(todo["before_comment"].notna(), None).to_numpy(),
                    "source": f"Rücknahme von Upload {upload_id}",
                    "upload_id": revert_id,
                    "recorded_at": now,
                    "recorded_by": user,
                    "reason": reason,
                }
            )
            readings_store.insert_readings(db, frame)
            audit_store.write_audit(
                db,
                actor=who.audit_name,
                action="upload_ruecknahme",
                outcome="ok",
                object=f"Upload {upload_id}",
                detail={
                    "ruecknahme_id": revert_id,
                    "wiederhergestellt": restored,
                    "zurueckgezogen": withdrawn,
                    "uebersprungen": skipped,
                    "grund": reason,
                },
                kommune=kommune,
                at=now,
            )
    message = (
        f"Upload {upload_id} zurückgenommen (Rücknahme {revert_id}): {_n(restored, 'Wert', 'Werte')} auf den "
        f"vorherigen Stand gesetzt, {_n(withdrawn, 'Erstmeldung', 'Erstmeldungen')} zurückgezogen."
    )
    if skipped:
        message += (
            f" {_n(skipped, 'Wert blieb', 'Werte blieben')} unverändert, weil "
            f"{'er' if skipped == 1 else 'sie'} später durch {_upload_list(later)} erneut gespeichert "
            f"{'wurde' if skipped == 1 else 'wurden'} (geändert oder bestätigt); diese Fassung gilt weiter."
        )
    return RevertResult(revert_id, int(upload_id), restored, withdrawn, skipped, message)


def _upload_list(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:10]) + (f" und {len(ids) - 10} weitere" if len(ids) > 10 else "")
    return f"Upload {shown}" if len(ids) == 1 else f"Uploads {shown}"


# --- history -----------------------------------------------------------------------------------


def upload_history(db: Database, *, kommune: str = DEFAULT_KOMMUNE, include_demo: bool = True) -> pd.DataFrame:
    """Uploads newest first with counts, who and when (German columns, ready to show)."""
    frame = readings_store.uploads_df(db, kommune=kommune)
    if not include_demo:
        frame = frame[frame["kind"] != "demo"]

    def status(row: Any) -> str:
        if row.kind == "revert" and not pd.isna(row.reverts_upload):
            return f"Rücknahme von Upload {int(row.reverts_upload)}"
        if not pd.isna(row.reverted_by):
            return f"zurückgenommen durch {int(row.reverted_by)}"
        return ""

    return pd.DataFrame(
        {
            "Nr": frame["id"].astype("int64"),
            "Art": frame["kind"].map(KIND_LABELS),
            "Datei": frame["filename"].fillna(""),
            "Von": frame["user_name"],
            "Zeitpunkt": [fmt.local_stamp(t) for t in frame["created_at"]],
            "Neu": frame["n_new"].astype("int64"),
            "Geändert": frame["n_changed"].astype("int64"),
            "Unverändert": frame["n_unchanged"].astype("int64"),
            "Grund": frame["reason"].fillna(""),
            "Status": [status(r) for r in frame.itertuples(index=False)],
        }
    ).reset_index(drop=True)


@dataclass(frozen=True)
class UploadChoice:
    id: int
    label: str
    revertible: bool
    why_not: str


def upload_choices(db: Database, *, kommune: str = DEFAULT_KOMMUNE, limit: int = 30) -> list[UploadChoice]:
    """The latest uploads and reverts with whether the history page may offer 'Zurücknehmen'."""
    frame = readings_store.uploads_df(db, kommune=kommune)
    frame = frame[frame["kind"] != "demo"].head(limit)
    out = []
    for r in frame.itertuples(index=False):
        label = f"Nr. {int(r.id)} · {KIND_LABELS[r.kind]} · {r.filename or ''} · {r.user_name} · {fmt.local_stamp(r.created_at)}"
        if not pd.isna(r.reverted_by):
            out.append(UploadChoice(int(r.id), label, False, f"bereits zurückgenommen durch {int(r.reverted_by)}"))
        else:
            out.append(UploadChoice(int(r.id), label, True, ""))
    return out


def indicator_options(db: Database, *, kommune: str = DEFAULT_KOMMUNE) -> list[tuple[str, str]]:
    """(id, 'Name (id)') of indicators that have versions, in catalogue order."""
    have = set(import_store.indicators_with_versions(db, kommune=kommune))
    return [(r.id, f"{r.name} ({r.id})") for r in Catalogue.from_db(db, kommune).rules if r.id in have]


def month_options(db: Database, *, indicator_id: str, kommune: str = DEFAULT_KOMMUNE) -> list[tuple[dt.date, str]]:
    months = import_store.months_with_versions(db, kommune=kommune, indicator_id=indicator_id)
    out = []
    for m in months:
        day = m.date() if isinstance(m, dt.datetime) else m
        out.append((day, month_text(day)))
    return out


def reading_versions(
    db: Database, *, indicator_id: str, month: dt.date, kommune: str = DEFAULT_KOMMUNE
) -> pd.DataFrame:
    """All versions of one cell, newest first (German columns; the first row is the current value)."""
    frame = readings_store.reading_versions_df(db, kommune=kommune, indicator_id=indicator_id, month=month)
    return pd.DataFrame(
        {
            "Wert": ["zurückgezogen" if pd.isna(v) else _fmt_number(v) for v in frame["value"]],
            "Kommentar": frame["comment"].fillna(""),
            "Erfasst am": [fmt.local_stamp(t) for t in frame["recorded_at"]],
            "Von": frame["recorded_by"],
            "Grund": frame["reason"].fillna(""),
            "Upload": frame["upload_id"].astype("int64"),
            "Art": frame["kind"].map(KIND_LABELS),
        }
    ).reset_index(drop=True)


__all__ = [
    "MAX_UPLOAD_BYTES",
    "Catalogue",
    "Checked",
    "CommitResult",
    "ImportOutcome",
    "Preview",
    "RevertResult",
    "check_upload",
    "commit_upload",
    "import_file",
    "indicator_options",
    "last_reportable_month",
    "month_options",
    "parse_file",
    "preview_upload",
    "reading_versions",
    "revert_upload",
    "upload_choices",
    "upload_history",
]
