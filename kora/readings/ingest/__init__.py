"""Reading whatever coordinators' Excel produces: bytes -> located records, no DB, no catalogue.

`read_upload(data)` decides the format by content (XLSX or text), decodes, parses the grid,
finds the header and returns one record per non-empty value cell with the row and column
Excel shows. Checking those records against the indicator catalogue and the database is
`kora.readings.check`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kora.readings.ingest import sniff, text, xlsx
from kora.readings.ingest.layout import Extracted, extract
from kora.readings.ingest.numbers import detect_decimal, normalise, parse_numbers
from kora.readings.ingest.problems import FileRejected, Problem, column_label, column_letter, display
from kora.readings.ingest.sniff import MAX_UPLOAD_BYTES, check_byte_count


@dataclass
class Upload:
    """A read file: how it was understood plus its records (see `kora.readings.ingest.layout`)."""

    kind: str  # "text" | "xlsx"
    description: str  # German, for the preview: "CSV (Windows-1252, Trennzeichen Semikolon)"
    extracted: Extracted

    @property
    def records(self) -> pd.DataFrame:
        return self.extracted.records


def read_grid(data: bytes) -> tuple[str, str, pd.DataFrame]:
    """(kind, German description, grid) — raises FileRejected for unreadable files."""
    sniff.check_size(data)
    kind = sniff.kind_of(data)
    if kind == "xlsx":
        grid, sheet = xlsx.read_grid(data)
        grid.attrs["notes"] = xlsx.mojibake_notes(grid)  # the text files' mojibake warning, by cell
        return kind, f"Excel-Arbeitsmappe, Blatt „{sheet}“", grid
    decoded = sniff.decode_text(data)
    delimiter = text.sniff_delimiter(decoded.text)
    grid = text.read_grid(decoded.text, delimiter)
    grid.attrs["notes"] = list(decoded.notes)  # encoding warnings travel with the grid to the Upload
    desc = f"Text/CSV ({decoded.encoding}, Trennzeichen {text.DELIMITER_NAMES[delimiter]})"
    return kind, desc, grid


def read_upload(data: bytes) -> Upload:
    kind, description, grid = read_grid(data)
    extracted = extract(grid)
    extracted.notes[:0] = grid.attrs.get("notes", [])
    return Upload(kind, description, extracted)


__all__ = [
    "MAX_UPLOAD_BYTES",
    "Extracted",
    "FileRejected",
    "Problem",
    "Upload",
    "check_byte_count",
    "column_label",
    "column_letter",
    "detect_decimal",
    "display",
    "normalise",
    "parse_numbers",
    "read_grid",
    "read_upload",
]
