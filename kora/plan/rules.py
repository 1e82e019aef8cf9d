"""The rules for the catalogue's numeric fields: one source for file loading and admin edits.

Why one module: `data/indikatoren.toml` and the Verwaltung page both set weights, baselines,
baseline years and yearly targets. When each path kept its own ranges they drifted apart (a
weight of 500 loaded from the file but was refused on the page). Each rule returns the German
problem text (without the field's name) or None, so each path wraps it in its own error
(`PlanFileError` naming file/entry/field, `ValidationError` naming the page's field).
"""

from __future__ import annotations

from dataclasses import dataclass

from kora import fmt

WEIGHT_MAX = 100.0  # a weight is relative; above 100 is a typo, not a priority
BASELINE_YEARS = (1990, 2100)
TARGET_YEARS = (2000, 2100)


@dataclass(frozen=True)
class ValueBounds:
    """What a baseline or target of one indicator may be (the same bounds as a monthly reading)."""

    direction: str
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    unit: str = ""


def weight_problem(value: float) -> str | None:
    """A weight must be positive (zero would hide the indicator) and at most WEIGHT_MAX."""
    if not 0 < value <= WEIGHT_MAX:
        return f"muss größer als 0 und höchstens {fmt.smart_number(WEIGHT_MAX)} sein."
    return None


def baseline_year_problem(value: float) -> str | None:
    """The baseline year is a whole calendar year in a plausible range."""
    low, high = BASELINE_YEARS
    if not float(value).is_integer() or not low <= value <= high:
        return f"muss eine Jahreszahl zwischen {low} und {high} sein."
    return None


def target_year_problem(year: object) -> str | None:
    """A target's year (a TOML key is text, a page passes an int) is a calendar year in range."""
    low, high = TARGET_YEARS
    text = str(year)
    if isinstance(year, bool) or not text.isdigit() or not low <= int(text) <= high:
        return f"Jahr {text!r} ist keine Jahreszahl zwischen {low} und {high}."
    return None


IMPOSSIBLE_FACTOR = 1000.0
"""A monthly value this many times above the plausible maximum is refused, not only warned about."""
ABSOLUTE_MAX = 1e12
"""Without a plausible maximum: no monthly reading of this plan comes near it, and sums of such values stay finite."""


def plausible_max_problem(value: float, bounds: ValueBounds) -> str | None:
    """The plausible maximum is positive and inside the allowed range (where there is one)."""
    if not 0 < value <= ABSOLUTE_MAX / IMPOSSIBLE_FACTOR:
        return f"muss größer als 0 und höchstens {fmt.smart_number(ABSOLUTE_MAX / IMPOSSIBLE_FACTOR)} sein."
    if (bounds.minimum is not None and value < bounds.minimum) or (
        bounds.maximum is not None and value > bounds.maximum
    ):
        return "muss innerhalb des erlaubten Bereichs (min bis max) liegen."
    return None


def impossible_above(plausible_max: float | None) -> float:
    """The largest monthly value that is stored at all (with a warning above `plausible_max`)."""
    return ABSOLUTE_MAX if plausible_max is None else plausible_max * IMPOSSIBLE_FACTOR


def value_problem(value: float, bounds: ValueBounds) -> str | None:
    """A baseline or target must be a value a reading of the indicator could have."""
    if bounds.direction == "yesno" and value not in (0.0, 1.0):
        return "muss bei Ja/Nein-Indikatoren 0 (nein) oder 1 (ja) sein."
    low, high = bounds.minimum, bounds.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        unit = f" {bounds.unit}" if bounds.unit else ""
        return (
            f"liegt mit {fmt.smart_number(value)} außerhalb des erlaubten Bereichs "
            f"({fmt.smart_number(low)} bis {fmt.smart_number(high)}{unit})."
        )
    if bounds.integer and not float(value).is_integer():
        return "muss eine ganze Zahl sein (der Indikator wird gezählt)."
    return None
