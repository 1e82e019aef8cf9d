"""Checks of an upload's indicator, month, Kommune and comment columns (the value column: check_values).

Each check looks at one column of the records `kora.readings.ingest` extracted and returns a
`Finding` (problems + records that cannot be stored). Names are resolved once per distinct text,
not per row: a 100 000-row file names a few hundred indicators.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kora import fmt
from kora.periods import MONTH_HINT, is_ambiguous_slash_date
from kora.readings.catalogue import Catalogue, Rule, match_key
from kora.readings.findings import Finding, per_distinct, problems_from

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")

MAX_COMMENT_CHARS = 1000


@dataclass(frozen=True)
class Indicators:
    """Which catalogue rule each record names.

    `rule_pos` indexes `catalogue.rules`; it is len(rules) for a missing or unknown indicator, so
    every per-rule array built by `spread` ends with a default for those records.
    """

    catalogue: Catalogue
    rule_pos: np.ndarray
    known: np.ndarray

    def spread(self, attribute: Callable[[Rule], Any], default: Any, dtype: Any = object) -> np.ndarray:
        """A per-rule property as one array over the records (no comparisons of 100 000 Python strings)."""
        per_rule = [attribute(rule) for rule in self.catalogue.rules] + [default]
        return np.array(per_rule, dtype=dtype)[self.rule_pos]

    @property
    def ids(self) -> np.ndarray:
        """The indicator id of each record ('' when missing or unknown)."""
        return self.spread(lambda rule: rule.id, "")

    def rule_of(self, position: int | np.integer) -> Rule:
        """The rule of record `position` (only for known indicators)."""
        return self.catalogue.rules[int(self.rule_pos[position])]


def check_indicators(records: pd.DataFrame, catalogue: Catalogue) -> tuple[Indicators, Finding]:
    """Resolve each record's indicator by id or name; a missing or unknown one is a problem (with a suggestion)."""
    lookup = catalogue.lookup()
    ind_raw = records["ind_raw"].astype("str")
    position = {rule.id: i for i, rule in enumerate(catalogue.rules)}
    n_rules = len(catalogue.rules)
    rule_pos = per_distinct(ind_raw, lambda raw: position.get(lookup.get(match_key(raw), ""), n_rules), dtype="int64")
    missing = (ind_raw == "").to_numpy()
    unknown = (rule_pos == n_rules) & ~missing
    problems = problems_from(
        records, missing, "ind_col", "Indikator fehlt. Bitte die Indikator-ID oder den Namen aus der Vorlage eintragen."
    )
    if unknown.any():
        suggestions = {raw: suggest_indicator(raw, catalogue) for raw in pd.unique(records.loc[unknown, "ind_raw"])}
        problems += problems_from(records, unknown, "ind_col", lambda row, i: suggestions[row.ind_raw])
    bad = missing | unknown
    return Indicators(catalogue, rule_pos, ~bad), Finding(problems, bad)


def suggest_indicator(raw: str, catalogue: Catalogue) -> str:
    """The message for an unknown indicator, naming the closest id or name when one is close enough."""
    candidates = {r.id: r.id for r in catalogue.rules} | {match_key(r.name): r.id for r in catalogue.rules}
    close = difflib.get_close_matches(match_key(raw), list(candidates), n=1, cutoff=0.5)
    msg = f"Unbekannter Indikator „{raw}“."
    if close:
        best = catalogue.rule(candidates[close[0]])
        msg += f" Meinten Sie „{best.id}“ ({best.name})?"
    return msg + " Bitte die Indikator-ID oder den Namen genau wie in der Vorlage schreiben."


def check_months(records: pd.DataFrame, catalogue: Catalogue, *, last: dt.date) -> tuple[pd.Series, Finding]:
    """Months as datetime64 month starts; missing, unreadable, before the plan start or not yet over are problems."""
    month = records["month"]
    no_month = month.isna().to_numpy()
    empty = no_month & (records["month_raw"].astype("str") == "").to_numpy()
    problems = problems_from(records, empty, "month_col", "Monat fehlt. " + MONTH_HINT)
    problems += problems_from(records, no_month & ~empty, "month_col", _month_message)
    months = month.astype("datetime64[us]")
    too_early = (months < pd.Timestamp(catalogue.plan_start)).fillna(False).to_numpy(dtype=bool)
    too_late = (months > pd.Timestamp(last)).fillna(False).to_numpy(dtype=bool)
    start = fmt.month_numeric(catalogue.plan_start)
    problems += problems_from(
        records,
        too_early,
        "month_col",
        lambda row, i: (
            f"Der Monat {fmt.month_numeric(row.month)} liegt vor dem Start des Aktionsplans "
            f"({start}). Bitte nur Monate ab {start} melden."
        ),
    )
    problems += problems_from(
        records,
        too_late,
        "month_col",
        lambda row, i: (
            f"Der Monat {fmt.month_numeric(row.month)} ist noch nicht abgeschlossen. Gemeldet werden können Monate "
            f"bis einschließlich {fmt.month_numeric(last)}; diesen Wert bitte erst nach Monatsende hochladen."
        ),
    )
    return months, Finding(problems, no_month | too_early | too_late)


def _month_message(row: Any, _pos: int) -> str:
    """An unreadable month: say why when it is a slash date that reads two ways."""
    raw = row.month_raw
    if is_ambiguous_slash_date(raw):
        return (
            f"Das Datum „{raw}“ ist mehrdeutig (Tag/Monat oder Monat/Tag). "
            "Bitte den Monat z. B. als 03.2025, 2025-03 oder 01.03.2025 schreiben."
        )
    impossible = _impossible_date(raw)
    if impossible:
        return impossible
    return f"Monat „{raw}“ nicht erkannt. " + MONTH_HINT


def _impossible_date(raw: Any) -> str | None:
    """'31.02.2025' is a date that does not exist: say so instead of "nicht erkannt"."""
    match = _DAY_MONTH_YEAR.match(str(raw).strip())
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return None
    try:
        dt.date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        name = fmt.month_name(dt.date(year, month, 1))
        return (
            f"Das Datum „{raw}“ gibt es nicht: {name} hat {last} Tage. "
            f"Bitte den Tag prüfen oder nur den Monat angeben, z. B. {month:02d}.{year}."
        )
    return None


def check_kommune(records: pd.DataFrame, catalogue: Catalogue) -> Finding:
    """A row naming another Kommune (by id or name) is refused; an empty Kommune cell means this one."""
    kommune_raw = records["kommune_raw"].astype("str")
    allowed = {match_key(catalogue.kommune), match_key(catalogue.kommune_name)}
    if (kommune_raw != "").any():
        wrong = per_distinct(kommune_raw, lambda k: bool(k) and match_key(k) not in allowed, dtype=bool)
    else:  # no Kommune column or all cells empty
        wrong = np.zeros(len(records), dtype=bool)
    problems = problems_from(
        records,
        wrong,
        "kommune_col",
        f"Diese Zeile gehört zu einer anderen Kommune. Hier werden nur Messwerte für {catalogue.kommune_name} "
        f"(„{catalogue.kommune}“) angenommen; bitte die Zeile löschen oder die Kommune korrigieren.",
    )
    return Finding(problems, wrong)


def check_comments(records: pd.DataFrame) -> tuple[pd.Series, Finding]:
    """Comments with Windows/Mac line ends made '\\n' and stripped; longer than MAX_COMMENT_CHARS is a problem."""
    comment = records["comment"].astype("str")
    if (comment != "").any():
        comment = comment.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False).str.strip()
        too_long = (comment.str.len() > MAX_COMMENT_CHARS).to_numpy(dtype=bool)
    else:
        too_long = np.zeros(len(records), dtype=bool)
    problems = problems_from(
        records, too_long, "comment_col", f"Der Kommentar ist länger als {MAX_COMMENT_CHARS} Zeichen. Bitte kürzen."
    )
    return comment, Finding(problems, too_long)
