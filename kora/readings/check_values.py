"""Checks of an upload's value column: read each cell as a number (or ja/nein), then check ranges.

German Excel writes numbers in many ways: typed XLSX cells (numbers, booleans, dates, percent-formatted
numbers), text with a decimal comma or point, "45 %", "ja"/"nein", Excel error codes. Reading turns
each into a float or a located problem; the range check then applies the catalogue's limits. The
decimal style is decided once for the whole file (`detect_decimal`), never guessed per cell.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kora import fmt
from kora.periods import read_month
from kora.plan.rules import impossible_above
from kora.readings.catalogue import Rule
from kora.readings.check_columns import Indicators
from kora.readings.findings import Finding, problems_from
from kora.readings.ingest import detect_decimal, normalise, parse_numbers
from kora.readings.ingest.xlsx import PercentCell

YES = {"ja", "j", "yes", "y", "wahr", "true", "x", "1"}
NO = {"nein", "n", "no", "falsch", "false", "0"}
EXCEL_ERRORS = {"#div/0!", "#wert!", "#value!", "#bezug!", "#ref!", "#name?", "#zahl!", "#num!", "#null!"}
DATE_CELL = (
    "Excel hat den Wert als Datum gespeichert. Bitte die Zelle als Zahl formatieren "
    "und den Wert neu eintragen (z. B. 1,3 statt 1.3)."
)
EXCEL_ERROR = (
    "Die Zelle enthält einen Excel-Formelfehler. Bitte die Formel korrigieren oder den Wert als Zahl eintragen."
)


@dataclass
class Values:
    """Each record's value (NaN = none), the cells that could not be read with why, the file's decimal mark."""

    values: np.ndarray
    messages: dict[int, str] = field(default_factory=dict)
    decimal: str | None = None

    def reject(self, position: int, message: str) -> None:
        self.messages[position] = message

    @property
    def bad(self) -> np.ndarray:
        mask = np.zeros(len(self.values), dtype=bool)
        mask[list(self.messages)] = True
        return mask


def read_values(records: pd.DataFrame, indicators: Indicators) -> tuple[Values, Finding]:
    """Every value cell of a known indicator as a float; unreadable cells are problems with a German hint."""
    raw = records["value_raw"]
    yesno = indicators.spread(lambda r: r.direction == "yesno", False, bool) & indicators.known
    percent = indicators.spread(lambda r: r.unit == "%", False, bool)
    out = Values(np.full(len(records), np.nan))
    typed = raw.map(lambda v: not isinstance(v, str)).to_numpy(dtype=bool) if raw.dtype == object else None
    if typed is not None and typed.any():
        for i in np.flatnonzero(typed & indicators.known):
            value = typed_value(raw.iat[i], indicators.rule_of(i), yesno=bool(yesno[i]), percent=bool(percent[i]))
            if isinstance(value, str):
                out.reject(int(i), value)
            else:
                out.values[i] = value
        text_mask = ~typed
    else:
        text_mask = np.ones(len(records), dtype=bool)
    text = normalise(raw[text_mask].map(str) if raw.dtype == object else raw[text_mask])
    text_index = np.flatnonzero(text_mask)
    excel_err = _excel_errors(text)
    for i in text_index[excel_err]:
        out.reject(int(i), EXCEL_ERROR)
    _read_yes_no(text, text_index, yesno[text_index] & ~excel_err, indicators, out)
    numeric = (indicators.known & ~yesno)[text_index] & ~excel_err
    _read_numbers(text, text_index, numeric, percent, raw, out)
    problems = problems_from(records, out.bad, "value_col", lambda row, i: out.messages[i]) if out.messages else []
    return out, Finding(problems, out.bad)


def typed_value(value: object, rule: Rule, *, yesno: bool, percent: bool) -> float | str:
    """A typed XLSX cell as the indicator's number, or the German message why it cannot be one."""
    if isinstance(value, bool):
        if yesno:
            return 1.0 if value else 0.0
        return "Hier wird eine Zahl erwartet, kein WAHR/FALSCH."
    if isinstance(value, PercentCell):  # before float: a percent-formatted XLSX number
        if percent:
            return value.percent  # Excel shows 45 %, the indicator is in %: 45
        return percent_cell_message(rule, value)
    if isinstance(value, float | int):
        return float(value) if math.isfinite(value) else too_big_message(str(value))
    if isinstance(value, dt.date | dt.datetime):
        return DATE_CELL
    return "Dieser Zellinhalt ist keine Zahl."


def _excel_errors(text: pd.Series) -> np.ndarray:
    """Cells holding an Excel error code such as #DIV/0! (only cells starting with '#' are compared)."""
    excel_err = text.str.startswith("#").fillna(False).to_numpy(dtype=bool)
    if excel_err.any():
        excel_err = excel_err & text.str.casefold().isin(EXCEL_ERRORS).to_numpy(dtype=bool)
    return excel_err


def _read_yes_no(text: pd.Series, text_index: np.ndarray, rows: np.ndarray, ind: Indicators, out: Values) -> None:
    """ja/nein (and WAHR/FALSCH, x, 1/0) for yes/no indicators: 1.0 or 0.0."""
    if not rows.any():
        return
    answer = text[rows].str.casefold()
    index = text_index[rows]
    is_yes = answer.isin(YES).to_numpy()
    is_no = answer.isin(NO).to_numpy()
    out.values[index[is_yes]] = 1.0
    out.values[index[is_no]] = 0.0
    for i in index[~(is_yes | is_no)]:
        out.reject(int(i), f"Für „{ind.rule_of(i).name}“ bitte „ja“ oder „nein“ eintragen.")


def _read_numbers(
    text: pd.Series, text_index: np.ndarray, rows: np.ndarray, percent: np.ndarray, raw: pd.Series, out: Values
) -> None:
    """Numbers written as text, in one decimal style for the whole file; "45 %" means 45 for a % indicator."""
    if not rows.any():
        return
    index = text_index[rows]
    numbers = text[rows]
    has_pct = percent[index] & numbers.str.endswith("%").to_numpy(dtype=bool)
    if has_pct.any():
        numbers = numbers.copy()
        numbers[has_pct] = numbers[has_pct].str.removesuffix("%").str.rstrip()
    out.decimal = detect_decimal(numbers)
    parsed = parse_numbers(numbers, out.decimal).to_numpy()
    out.values[index] = parsed
    for i in index[np.isnan(parsed)]:
        out.reject(int(i), number_message(str(raw.iat[i]), out.decimal))
    for i in index[np.isinf(parsed)]:  # "1e309" is a number to the parser, infinity to the database
        out.reject(int(i), too_big_message(str(raw.iat[i])))


def check_ranges(records: pd.DataFrame, indicators: Indicators, values: np.ndarray) -> Finding:
    """Limits of the catalogue on read numbers: minimum/maximum, whole numbers for counts, 0/1 for ja/nein.

    A record without a usable value (unknown indicator, unreadable cell) is marked bad here too.
    """
    yesno = indicators.spread(lambda r: r.direction == "yesno", False, bool) & indicators.known
    has_value = np.isfinite(values) & indicators.known
    minimum = indicators.spread(lambda r: np.nan if r.minimum is None else r.minimum, np.nan, float)
    maximum = indicators.spread(lambda r: np.nan if r.maximum is None else r.maximum, np.nan, float)
    integer = indicators.spread(lambda r: r.integer, False, bool)
    with np.errstate(invalid="ignore"):
        below = has_value & ~np.isnan(minimum) & (values < minimum)
        above = has_value & ~np.isnan(maximum) & (values > maximum)
        fractional = has_value & integer & ~yesno & (np.abs(values - np.round(values)) > 1e-9)
    yes_no_number = has_value & yesno & (values != 0.0) & (values != 1.0)
    limit = indicators.spread(lambda r: impossible_above(r.plausible_max), np.inf, float)
    with np.errstate(invalid="ignore"):
        impossible = has_value & ~(below | above) & (np.abs(values) > limit)
    range_bad = (below | above | impossible) & ~yesno
    problems = problems_from(
        records,
        range_bad,
        "value_col",
        lambda row, i: (
            implausible_message(indicators.rule_of(i), values[i], refused=True)
            if impossible[i]
            else range_message(indicators.rule_of(i), values[i])
        ),
    )
    problems += problems_from(
        records,
        fractional & ~range_bad,
        "value_col",
        lambda row, i: (
            f"„{indicators.rule_of(i).name}“ wird gezählt ({indicators.rule_of(i).unit}); "
            "bitte eine ganze Zahl ohne Nachkommastellen eintragen."
        ),
    )
    problems += problems_from(
        records,
        yes_no_number,
        "value_col",
        lambda row, i: f"Für „{indicators.rule_of(i).name}“ bitte „ja“ oder „nein“ eintragen.",
    )
    return Finding(problems, range_bad | fractional | yes_no_number | ~has_value)


def number_message(raw: str, decimal: str) -> str:
    """Why a text cell is not a number: a date Excel made of 1.3, or a unit/other decimal mark."""
    text = raw.strip()
    if read_month(text) is not None:
        return (
            f"„{text}“ sieht aus wie ein Datum, hier wird eine Zahl erwartet. Excel wandelt z. B. 1.3 in ein Datum um: "
            "bitte die Spalte als Zahl formatieren und den Wert mit Komma (1,3) eintragen."
        )
    style = "Komma (z. B. 12,5 oder 1.234,5)" if decimal == "," else "Punkt (z. B. 12.5 oder 1,234.5)"
    return (
        f"„{text}“ ist keine Zahl. Bitte nur die Zahl ohne Einheit eintragen; diese Datei verwendet als "
        f"Dezimaltrennzeichen ein {style}."
    )


def percent_cell_message(rule: Rule, cell: PercentCell) -> str:
    """A percent-formatted cell for an indicator not in %: the stored and the shown number differ
    by a factor of 100 and either could be meant, so the coordinator decides, not the check."""
    unit = "mit „ja“ oder „nein“" if rule.direction == "yesno" else f"in {rule.unit}"
    stored = fmt.exact_number(float(cell))
    return (
        f"Die Zelle ist in Excel als Prozent formatiert (angezeigt {cell.excel_text}, gespeichert "
        f"{stored}), „{rule.name}“ wird aber {unit} gemeldet. Ob {stored} "
        f"oder {fmt.exact_number(cell.percent)} gemeint ist, lässt sich nicht sicher sagen. Bitte die Zelle als Zahl "
        "formatieren (Start › Zahlenformat › Standard) und den Wert prüfen."
    )


def range_message(rule: Rule, value: float) -> str:
    """Outside the catalogue's limits: percent, negative counts and other ranges each say what fits."""
    shown = fmt.exact_number(value)
    if rule.unit == "%":
        return (
            f"{shown} % liegt außerhalb von 0 bis 100 %. Bitte den Prozentwert als Zahl zwischen "
            f"{fmt.exact_number(rule.minimum or 0)} und {fmt.exact_number(rule.maximum or 100)} eintragen (z. B. 45 für 45 %)."
        )
    if rule.minimum is not None and value < rule.minimum and rule.minimum == 0:
        return f"„{rule.name}“ kann nicht negativ sein ({shown}). Bitte den Wert ohne Minuszeichen oder 0 eintragen."
    low = "" if rule.minimum is None else fmt.exact_number(rule.minimum)
    high = "" if rule.maximum is None else fmt.exact_number(rule.maximum)
    return f"{shown} liegt außerhalb des erlaubten Bereichs ({low} bis {high} {rule.unit}). Bitte den Wert prüfen."


def too_big_message(raw: str) -> str:
    """A number beyond what a computer stores (1e309): refused, never stored as „unendlich“."""
    return (
        f"„{raw.strip()}“ ist zu groß für eine Zahl (größer als etwa 1,8 · 10^308). "
        "Bitte den Wert prüfen und als normale Zahl eintragen."
    )


def implausible_message(rule: Rule, value: float, *, refused: bool) -> str:
    """Above the catalogue's plausible monthly maximum: a warning, or (far above) a refusal."""
    shown = fmt.exact_number(value) if abs(value) < 1e15 else f"{value:.3g}".replace(".", ",")
    unit = f" {rule.unit}" if rule.unit and rule.unit != "Anzahl" else ""
    if rule.plausible_max is None:
        limit = f"höchstens {fmt.smart_number(impossible_above(None))}"
    else:
        limit = f"plausibel sind bis {fmt.smart_number(rule.plausible_max)}{unit} im Monat"
    if refused:
        return (
            f"{shown}{unit} für „{rule.name}“ ist nicht plausibel ({limit}) und wird nicht gespeichert. "
            "Bitte den Wert prüfen (Tausenderpunkt statt Komma? Einheit?)."
        )
    return (
        f"{shown}{unit} für „{rule.name}“ liegt über dem plausiblen Monatswert ({limit}). "
        "Bitte prüfen, ob der Wert stimmt (z. B. „1.234“ ist eintausendzweihundertvierunddreißig, "
        "„1,234“ wäre eins Komma zwei drei vier)."
    )


def plausibility_notes(readings: pd.DataFrame, rules: dict[str, Rule], *, limit: int = 5) -> list[str]:
    """Warnings for stored-to-be values above their indicator's plausible monthly maximum (first few plus a count)."""
    limits = {i: float("nan") if r.plausible_max is None else float(r.plausible_max) for i, r in rules.items()}
    maxima = readings["indicator_id"].map(limits).astype("float64")  # a dict maps in C, a lambda per row in Python
    high = readings[(maxima.notna() & (readings["value"] > maxima)).to_numpy(dtype=bool)]
    notes = [
        f"Zeile {int(row.line)}: " + implausible_message(rules[row.indicator_id], float(row.value), refused=False)
        for row in high.head(limit).itertuples(index=False)
    ]
    if len(high) > limit:
        notes.append(f"… und {len(high) - limit} weitere Werte über dem plausiblen Monatswert.")
    return notes
