"""Look inside an .xlsx (a zip of XML parts) before anything parses it: bounded work, no XML tricks.

Why before: a 1 MB workbook can unpack to 1 GB (one huge shared string, or a sheet padded with
whitespace), and openpyxl would read it all into memory; an XML part can declare entities (the
"billion laughs" expansion, or an external entity pointing at a local file). The zip's directory
says each part's unpacked size without unpacking anything (`ZipInfo.file_size`; Python's zipfile
never hands out more bytes than that, a lying size ends in a CRC error), and one streamed pass
over the XML parts finds any `<!DOCTYPE`/`<!ENTITY` — the German message names the part.
`defusedxml` (pinned in requirements.txt) makes openpyxl's own parser refuse entities as well;
this check is what turns them into a message instead of a traceback.

The same pass drops self-closing empty rows (`<row r="5" ht="20" customHeight="1"/>`, Excel's
formatting residue) from the worksheets: openpyxl walks every one of them twice (1 M of them took
20 s), and they hold nothing — the following rows keep their own row numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from kora.readings.ingest.problems import FileRejected, Problem

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""All parts of a workbook together, unpacked. A real 5 MB workbook unpacks to well under 60 MB."""
MAX_PARTS = 1000
CHUNK = 1 << 20
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_EMPTY_ROW = re.compile(rb'<row r="\d+"[^<>]*/>')  # Excel and openpyxl write r= first; others are only slower
MAX_ROWS = 200_000
"""Rows with content per worksheet (a month of readings is a few hundred; 100 000 readings fit)."""
MAX_CELLS = 1_000_000
"""Cells per worksheet, counted in the XML before openpyxl reads any (openpyxl reads ~10 µs per cell)."""
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def _reject(message: str) -> FileRejected:
    return FileRejected(Problem(None, None, None, message))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f}".replace(",", ".") + " MB"


def check_unpacked_size(infos: list[zipfile.ZipInfo], limit: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse a workbook whose parts would unpack to more than `limit` bytes (read from the directory only)."""
    if len(infos) > MAX_PARTS:
        raise _reject(
            f"Die Excel-Arbeitsmappe besteht aus {len(infos)} Teilen (erlaubt sind höchstens {MAX_PARTS}). "
            "Bitte nur das Blatt mit den Messwerten in eine neue Arbeitsmappe kopieren und hochladen."
        )
    total = sum(max(0, i.file_size) for i in infos)
    if total > limit:
        biggest = max(infos, key=lambda i: i.file_size)
        raise _reject(
            f"Die Excel-Arbeitsmappe wäre entpackt {_mb(total)} groß (erlaubt sind höchstens {_mb(limit)}; "
            f"größter Teil „{biggest.filename}“ mit {_mb(biggest.file_size)}). So groß ist keine Messwert-Tabelle: "
            "die Datei ist vermutlich beschädigt oder absichtlich aufgebläht. Bitte die Messwerte in eine neue "
            "Arbeitsmappe kopieren und als .xlsx speichern."
        )


def check_sheet_size(part: str, *, rows: int, cells: int) -> None:
    """Refuse a worksheet with more rows or cells than any upload of readings has (counted, not parsed)."""
    if rows > MAX_ROWS or cells > MAX_CELLS:
        raise _reject(
            f"Das Tabellenblatt „{part}“ ist zu groß: {rows:,} Zeilen und {cells:,} Zellen ".replace(",", ".")
            + f"(erlaubt sind höchstens {MAX_ROWS:,} Zeilen und {MAX_CELLS:,} Zellen). ".replace(",", ".")
            + "Bitte nur die Messwerte hochladen oder die Datei aufteilen."
        )


def entity_message(part: str) -> str:
    """German: the XML part declares a DTD/entities (never needed by Excel, used by XML attacks)."""
    return (
        f"Die Excel-Arbeitsmappe enthält im Teil „{part}“ XML-Definitionen (DOCTYPE/ENTITY), die Excel selbst nie "
        "schreibt und mit denen Dateien Speicher sprengen oder fremde Dateien einlesen können. Sie wird deshalb "
        "nicht gelesen. Bitte die Messwerte in eine neue Arbeitsmappe kopieren und als .xlsx speichern."
    )


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, keep: bool) -> bytearray:
    """One part, streamed in chunks: a DTD anywhere is refused as soon as it is seen (with overlap at
    chunk borders); the content is kept only when asked (worksheets), so memory stays one part."""
    out = bytearray()
    tail = b""
    with zf.open(info) as stream:
        while chunk := stream.read(CHUNK):
            if _DTD.search(tail + chunk):
                raise _reject(entity_message(info.filename))
            tail = chunk[-16:]
            if keep:
                out += chunk
    return out


def inspect_workbook(data: bytes) -> bytes:
    """The workbook checked (size, entities) and, when it had empty self-closing rows, repacked without them.

    Raises FileRejected with a German message; returns `data` itself in the usual case.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            check_unpacked_size(infos)
            compacted: dict[str, bytes] = {}
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                sheet = bool(_SHEET.fullmatch(info.filename))
                content: bytes | bytearray = _read_part(zf, info, keep=sheet)
                if sheet and _EMPTY_ROW.search(content):
                    content = compacted[info.filename] = _EMPTY_ROW.sub(b"", content)
                if sheet:
                    check_sheet_size(info.filename, rows=content.count(b"<row "), cells=content.count(b"<c "))
            return _repack(zf, infos, compacted) if compacted else data
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as err:
        raise _reject(
            f"Die Excel-Arbeitsmappe ist beschädigt ({type(err).__name__}). Bitte in Excel öffnen und neu speichern."
        ) from None


def _repack(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], compacted: dict[str, bytes]) -> bytes:
    """A new zip in memory with the same parts (stored, not compressed: it is only read once, right away)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for info in infos:
            content = compacted[info.filename] if info.filename in compacted else zf.read(info)
            out.writestr(info.filename, content)
    return buf.getvalue()
