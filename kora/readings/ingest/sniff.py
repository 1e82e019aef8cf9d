"""Decide what a file is by its bytes, not its name, and decode text the way Excel wrote it.

Coordinators rename files, mail them around and save "CSV" that is really "Unicode-Text";
the extension is a hint at best. Magic bytes tell XLSX (a zip with `xl/`) from old `.xls`
(OLE2), PDF, images and other archives; everything else must decode as text: UTF-16 with BOM
("Unicode-Text"), UTF-8 (with or without BOM), then Windows-1252 (German Excel's "CSV
(Trennzeichen-getrennt)"). DuckDB's CSV reader cannot decode Windows-1252, so this happens in
Python before parsing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kora.readings.ingest.problems import FileRejected, Problem

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""Server-side limit for one upload (a month of readings is a few kB; 100 000 rows fit)."""

SAVE_AS = "Bitte in Excel „Speichern unter“ wählen und „CSV (Trennzeichen-getrennt)“, „CSV UTF-8“ oder „Excel-Arbeitsmappe (*.xlsx)“ nehmen."

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "ein PDF-Dokument"),
    (b"\x89PNG", "ein PNG-Bild"),
    (b"\xff\xd8\xff", "ein JPEG-Bild"),
    (b"GIF8", "ein GIF-Bild"),
    (b"\x1f\x8b", "ein gzip-Archiv"),
    (b"Rar!", "ein RAR-Archiv"),
    (b"7z\xbc\xaf\x27\x1c", "ein 7-Zip-Archiv"),
    (b"{\\rtf", "ein RTF-Textdokument"),
)


_CONTENT = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf\xff\xfe]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # human name, e.g. "UTF-8 mit BOM"
    notes: tuple[str, ...] = ()  # warnings for the preview: mixed encodings, mojibake ("StraÃŸe")


def reject(message: str, *, value: str | None = None) -> FileRejected:
    return FileRejected(Problem(line=None, column=None, value=value, message=message))


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def check_byte_count(n: int, limit: int = MAX_UPLOAD_BYTES) -> None:
    """A file of `n` bytes (its real size: the CLI reads no more than the limit) may be at most `limit`."""
    if n > limit:
        raise reject(
            f"Die Datei ist {size_text(n)} groß; erlaubt sind höchstens {size_text(limit)}. "
            "Bitte nur die neuen Monate hochladen oder die Datei aufteilen."
        )


def check_size(data: bytes, limit: int = MAX_UPLOAD_BYTES) -> None:
    check_byte_count(len(data), limit)
    if not _CONTENT.search(data):  # like `not data.strip(...)`, without copying a 5 MB upload
        raise reject("Die Datei ist leer. Bitte die ausgefüllte Vorlage hochladen.")


def kind_of(data: bytes) -> str:
    """'xlsx' or 'text'; raises FileRejected (German) for anything else."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise reject(
            "Die Datei ist im alten Excel-Format (.xls, Excel 97–2003) oder kennwortgeschützt. "
            "Dieses Format wird nicht unterstützt. " + SAVE_AS
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise reject(f"Die Datei ist {what}, keine Tabelle. " + SAVE_AS)
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise reject(
            "Die Datei sieht aus wie eine Excel-Arbeitsmappe (.xlsx), ist aber beschädigt oder unvollständig. "
            "Bitte in Excel öffnen und neu speichern."
        ) from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "opendocument.spreadsheet" in mimetype:
        raise reject(
            "Die Datei ist eine LibreOffice/OpenOffice-Tabelle (.ods). Bitte als „Excel 2007-365 (.xlsx)“ oder CSV speichern."
        )
    if "word/document.xml" in names:
        raise reject("Die Datei ist ein Word-Dokument, keine Tabelle. " + SAVE_AS)
    if "ppt/presentation.xml" in names:
        raise reject("Die Datei ist eine PowerPoint-Präsentation, keine Tabelle. " + SAVE_AS)
    raise reject("Die Datei ist ein ZIP-Archiv. Bitte die enthaltene Tabelle einzeln hochladen. " + SAVE_AS)


def decode_text(data: bytes) -> Decoded:
    """UTF-16 (BOM), UTF-8 (BOM or not), else Windows-1252; binary content is rejected."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "UTF-16 (Unicode-Text)")
        except UnicodeDecodeError:
            raise reject(
                "Die Datei beginnt wie Unicode-Text (UTF-16), enthält aber ungültige Zeichen. " + SAVE_AS
            ) from None
    if _looks_utf16_without_bom(data):
        codec = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        try:
            return Decoded(data.decode(codec), "UTF-16 ohne BOM")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise reject("Die Datei ist keine Text- oder Excel-Datei (sie enthält Binärdaten). " + SAVE_AS)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(data[3:].decode("utf-8"), "UTF-8 mit BOM")
        except UnicodeDecodeError:
            raise reject("Die Datei ist als UTF-8 markiert, enthält aber ungültige Zeichen. " + SAVE_AS) from None
    try:
        return with_mojibake_notes(Decoded(data.decode("utf-8"), "UTF-8"))
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        mixed = decode_mixed(data)
        if mixed is not None:
            return with_mojibake_notes(mixed)
    except UnicodeDecodeError as err:
        raise reject(
            f"Die Zeichenkodierung der Datei ist nicht erkennbar (Byte {err.object[err.start]:#04x} an Position {err.start}). "
            "Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
        ) from None
    if _control_ratio(text) > 0.01:
        raise reject("Die Datei ist keine Text- oder Excel-Datei (sie enthält Binärdaten). " + SAVE_AS)
    return with_mojibake_notes(Decoded(text, "Windows-1252"))


# UTF-8 read as Windows-1252: "ü" -> "Ã¼", "ß" -> "ÃŸ", "€" -> "â‚¬", "„" -> "â€ž"
MOJIBAKE = re.compile("Ã[^\x00-\x7f]|â‚¬|â€")
MAX_LINES_NAMED = 5
MOJIBAKE_NOTE = (  # `where`: "Zeile 3, 7" (text files) or "Zelle D3, D7" (workbooks, kora.readings.ingest.xlsx)
    "In {where} stehen Zeichenfolgen wie „Ã¼“ oder „ÃŸ“: das sind Umlaute, die schon einmal mit "
    "falscher Zeichenkodierung gespeichert wurden (gemeint war z. B. „ü“, „ß“). Bitte die Texte prüfen und korrigieren."
)
# A lead byte followed by a continuation byte: how every multi-byte UTF-8 sequence starts (a
# superset, 5 × faster to search than the exact sequences).
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def decode_mixed(data: bytes) -> Decoded | None:
    """Lines in UTF-8 and lines in Windows-1252 in one file (pasted together): each line read in its own.

    None when the file is plain Windows-1252 (no line with valid multi-byte UTF-8). Valid
    multi-byte UTF-8 practically never occurs in real Windows-1252 text, so a line that decodes
    as UTF-8 is UTF-8; the preview says which lines were read how.
    """
    if not UTF8_MULTIBYTE.search(data):
        return None  # no line can read as UTF-8 beyond ASCII: skip the per-line loop (~1 s per 100 000 lines)
    lines = data.split(b"\n")
    utf8: list[int] = []
    cp1252: list[int] = []
    out: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if raw.isascii():
            out.append(raw.decode("ascii"))
            continue
        try:
            out.append(raw.decode("utf-8"))
            utf8.append(number)
        except UnicodeDecodeError:
            out.append(raw.decode("cp1252"))
            cp1252.append(number)
    if not utf8:
        return None
    note = (
        "Die Datei mischt zwei Zeichenkodierungen: UTF-8 in Zeile "
        f"{_lines(utf8)} und Windows-1252 in Zeile {_lines(cp1252)}. Jede Zeile wurde in ihrer eigenen "
        "Zeichenkodierung gelesen; bitte Umlaute in der Vorschau prüfen und die Datei künftig in Excel als "
        "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
    )
    return Decoded("\n".join(out), "UTF-8 und Windows-1252 gemischt", (note,))


def with_mojibake_notes(decoded: Decoded) -> Decoded:
    """A warning when the text holds typical mojibake ("StraÃŸe"): UTF-8 once read as Windows-1252."""
    hits = []
    for match in MOJIBAKE.finditer(decoded.text):
        line = decoded.text.count("\n", 0, match.start()) + 1
        if line not in hits:
            hits.append(line)
        if len(hits) > MAX_LINES_NAMED:
            break
    if not hits:
        return decoded
    note = MOJIBAKE_NOTE.format(where=f"Zeile {_lines(hits)}")
    return Decoded(decoded.text, decoded.encoding, (*decoded.notes, note))


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LINES_NAMED])
    return shown + (f" (und {len(numbers) - MAX_LINES_NAMED} weiteren)" if len(numbers) > MAX_LINES_NAMED else "")


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:400]
    if len(sample) < 4:
        return False
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    return max(even_nul, odd_nul) > 0.8 * half and min(even_nul, odd_nul) < 0.1 * half


def _control_ratio(text: str) -> float:
    sample = text[:4000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bad / max(1, len(sample))
