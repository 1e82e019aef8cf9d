"""One problem found in an uploaded file, located the way Excel shows it.

Coordinators fix files in Excel, so every problem names the row number Excel shows (1-based,
header = row 1 in the usual case), the column letter plus its header, the cell content as
written and a German sentence saying how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kora.errors import ValidationError


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"Zeile {self.line}")
        if self.column:
            where.append(f"Spalte {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class FileRejected(ValidationError):
    """The whole file cannot be read (type, size, encoding, header); `problems` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem), [problem])


def column_letter(index: int) -> str:
    """0-based column index -> Excel letter (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_label(index: int, header: object = None) -> str:
    """'C (Wert)': the letter Excel shows plus the header the user wrote."""
    letter = column_letter(index)
    text = display(header)
    return f"{letter} ({text})" if text else letter


def display(value: object) -> str:
    """A cell as the user would recognise it (German decimal comma for typed numbers)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        shown = getattr(value, "excel_text", None)  # a percent-formatted XLSX cell: as Excel shows it
        if shown is not None:
            return shown
        text = f"{value:.15g}"
        return text.replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()
