"""CSV/TXT text -> a grid of string cells indexed by the row number Excel would show.

Separator: the one of `;`, tab, `,` that occurs most often outside quotes in the first line
with any of them (German Excel writes `;`, "Unicode-Text" tab, English tools `,`); ties prefer
`;`. The grid keeps blank lines (so row numbers match Excel) and pads short rows, so nothing
is dropped here; pandas' C parser reads everything as text (`dtype=str`), because its number
parsing would turn `01.03.2026` into 1032026 with `thousands="."`.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from kora.readings.ingest.problems import FileRejected, Problem

DELIMITERS = (";", "\t", ",")
DELIMITER_NAMES = {";": "Semikolon", "\t": "Tabulator", ",": "Komma"}


def _count_outside_quotes(line: str, char: str) -> int:
    return len(re.sub(r'"[^"]*"', "", line).split(char)) - 1


def sniff_delimiter(text: str) -> str:
    for line in text[:65536].splitlines()[:50]:
        counts = {d: _count_outside_quotes(line, d) for d in DELIMITERS}
        best = max(DELIMITERS, key=lambda d: (counts[d], d == ";", d == "\t"))
        if counts[best] > 0:
            return best
    return ";"


_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _read_fast(text: str, delimiter: str, width: int) -> pd.DataFrame | None:
    """pyarrow's CSV reader for the common case (no quotes, equal-width rows); None = use pandas.

    Without any quote character both parsers agree cell for cell; blank lines come back as
    empty rows, so row numbers stay Excel's. Any irregular row falls back to the careful path.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    irregular: list[int] = []

    def note(row: object) -> str:
        irregular.append(1)
        return "skip"

    names = [str(i) for i in range(width)]
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 22),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, quote_char=False, ignore_empty_lines=False, invalid_row_handler=note
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException, ValueError):
        return None
    if irregular:
        return None
    grid = table.to_pandas()
    grid.columns = range(width)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid


def read_grid(text: str, delimiter: str) -> pd.DataFrame:
    """All cells as str ('' when empty); index = Excel row number (1-based)."""
    width = max(1, _count_outside_quotes(text.split("\n", 1)[0], delimiter) + 1)
    if '"' not in text and text.strip():
        fast = _read_fast(text, delimiter, width)
        if fast is not None:
            return fast
    for _ in range(64):
        try:
            grid = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=range(width),
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                quotechar='"',
                doublequote=True,
            )
        except pd.errors.ParserError as err:
            if m := _EXPECTED.search(str(err)):
                width = int(m[3])
                continue
            if m := _EOF_QUOTE.search(str(err)):
                line = int(m[1]) + 1
                raise FileRejected(
                    Problem(
                        line=line,
                        column=None,
                        value=None,
                        message='Ein Anführungszeichen („"“) wird bis zum Dateiende nicht geschlossen. '
                        "Bitte das Anführungszeichen in dieser Zeile entfernen oder schließen und erneut speichern.",
                    )
                ) from None
            raise FileRejected(
                Problem(line=None, column=None, value=None, message=f"Die Datei ist keine lesbare CSV-Datei ({err}).")
            ) from None
        except pd.errors.EmptyDataError:
            grid = pd.DataFrame({0: pd.Series([], dtype="str")})
        break
    else:  # pragma: no cover - 64 widening rounds means pathological input
        raise FileRejected(Problem(None, None, None, "Die Zeilen der Datei haben zu unterschiedlich viele Spalten."))
    grid = grid.fillna("")
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid
