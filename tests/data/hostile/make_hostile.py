"""Hostile-file corpus for issue 15: `python -m tests.data.hostile.make_hostile [--big DIR]`.

Every finding of the issue "Robust against hostile files" has a file here, and `manifest.json`
says what must happen to it: rejected with which German message fragment, or accepted (with a
warning). Part A records the contract and today's behaviour; part B makes the importer meet it.

Small files are committed next to this script. Big ones (zip bombs, 1 M empty rows, 10 000 and
100 000 duplicates) are not: `build_big(dest)` writes them into a temporary directory at
bench or test time, and `build_file(name, dest, scale="test")` writes a smaller copy with the
same defect for the pytest outcome checks (the outcome does not depend on the size; the time and
memory do, and those belong to `bench/bench_hostile.py`).

Each manifest entry:
- `file`: name in the corpus directory (safe on every file system); `upload_name`: the name it
  is uploaded under (markup, bidi characters, `<…>` — copied to that name in a temp dir).
- `finding`: the issue's words; `section`: the issue's heading.
- `expect`: "rejected" | "accepted_with_warning" | "accepted"; `message`: a fragment of the German
  error (rejected) or note (warning) the importer must show; `error_cap`: at most this many
  listed errors (duplicate floods: first examples per kind plus a count).
- `setup`: a file imported before this one (e.g. an existing 0,3 km that 1e309 must not replace).
- `committed`: whether the file is in git, else `generated` says which builder makes it.
- `part_b`: true while the importer does not yet meet `expect` (the pytest test is xfail(strict)).
- `render_check`: where the accepted text must arrive inert ("historie": expander labels of the
  history page; "slides": PPTX and HTML export); `render_part_b`: not yet (xfail(strict)).
- `limits`: every file within the 5 MB upload limit is answered in < 10 s and < 500 MB peak RSS.
"""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.json"
LIMITS = {"seconds": 10.0, "peak_rss_mb": 500, "max_upload_bytes": 5 * 1024 * 1024}
MONTH = "2026-03"  # reportable for the tests (today 2026-11-26) and for the CLI run today
HEADER = "Indikator;Monat;Wert;Kommentar\r\n"
GIB = 1024**3

# --- small building blocks ----------------------------------------------------------------------


def csv_bytes(rows: list[tuple[str, str, str, str]], encoding: str = "utf-8") -> bytes:
    """German Excel long format: `;`, CRLF; values are already text as a person typed them."""
    body = HEADER + "".join(f"{a};{b};{c};{d}\r\n" for a, b, c, d in rows)
    return body.encode(encoding)


def _duplicate_flood(n: int) -> bytes:
    """One indicator and month n times with n different values: n-1 conflicts (quadratic today)."""
    lines = [HEADER] + [f"kritik_extern;{MONTH};{i};\r\n" for i in range(n)]
    return "".join(lines).encode("utf-8")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook_xml(*, doctype: str = "", sheet_name: str = "Messwerte") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
        f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def data_rows(start: int = 1) -> str:
    """Header plus one valid reading (km_umgesetzt, MONTH, 0,5) as inline-string/number cells."""
    head = "".join(_inline(f"{c}{start}", t) for c, t in zip("ABC", ("Indikator", "Monat", "Wert"), strict=True))
    row = (
        _inline(f"A{start + 1}", "km_umgesetzt")
        + _inline(f"B{start + 1}", MONTH)
        + f'<c r="C{start + 1}"><v>0.5</v></c>'
    )
    return f'<row r="{start}">{head}</row><row r="{start + 1}">{row}</row>'


def sheet_xml(rows: str, *, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        f'<worksheet xmlns="{_MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'
    )


EMPTY_SST = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{_MAIN_NS}" count="0" uniqueCount="0"/>'
)


def _member(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so regenerating the corpus gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 9  # type: ignore[attr-defined]  # Python 3.11 name (3.13: compress_level)
    return info


Part = str | Callable[[zipfile.ZipFile, str], None]


def xlsx_bytes(parts: dict[str, Part]) -> bytes:
    """A minimal workbook by hand (openpyxl cannot write the defects); a callable part streams itself."""
    members: dict[str, Part] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": workbook_xml(),
        "xl/_rels/workbook.xml.rels": _WB_RELS,
        "xl/sharedStrings.xml": EMPTY_SST,
        "xl/worksheets/sheet1.xml": sheet_xml(data_rows()),
    }
    members.update(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in members.items():
            if callable(content):
                content(zf, name)
            else:
                zf.writestr(_member(name), content)
    return buf.getvalue()


def _streamed(head: str, filler: bytes, total: int, tail: str) -> Callable[[zipfile.ZipFile, str], None]:
    """A zip member of about `total` bytes: head, `filler` repeated, tail — written in 1 MB chunks."""

    def write(zf: zipfile.ZipFile, name: str) -> None:
        chunk = filler * max(1, (1024 * 1024) // len(filler))
        with zf.open(_member(name), "w", force_zip64=True) as out:
            out.write(head.encode())
            written = 0
            while written < total:
                out.write(chunk)
                written += len(chunk)
            out.write(tail.encode())

    return write


def zip_bomb_shared_string(unpacked: int) -> bytes:
    """A valid sheet plus one shared string of `unpacked` bytes: openpyxl holds it in memory."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{_MAIN_NS}" count="1" uniqueCount="1"><si><t>'
    return xlsx_bytes({"xl/sharedStrings.xml": _streamed(head, b"A" * 4096, unpacked, "</t></si></sst>")})


def zip_bomb_sheet_whitespace(unpacked: int) -> bytes:
    """A valid sheet whose XML carries `unpacked` bytes of whitespace after the data: parse time."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN_NS}"><sheetData>{data_rows()}'
    return xlsx_bytes({"xl/worksheets/sheet1.xml": _streamed(head, b" " * 4096, unpacked, "</sheetData></worksheet>")})


def empty_rows_xlsx(n: int) -> bytes:
    """Header and one reading, then `n` empty rows (Excel's formatting residue, as saved)."""

    def write(zf: zipfile.ZipFile, name: str) -> None:
        with zf.open(_member(name), "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_MAIN_NS}"><sheetData>'.encode())
            out.write(data_rows().encode())
            for start in range(3, n + 3, 10_000):
                out.write("".join(f'<row r="{r}"/>' for r in range(start, min(start + 10_000, n + 3))).encode())
            out.write(b"</sheetData></worksheet>")

    return xlsx_bytes({"xl/worksheets/sheet1.xml": write})


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)
EXTERNAL_ENTITY = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def entity_expansion_xlsx() -> bytes:
    row = _inline("A2", "km_umgesetzt") + _inline("B2", MONTH) + '<c r="C2"><v>0.5</v></c>' + _inline("D2", "&lol9;")
    head = "".join(
        _inline(f"{c}1", t) for c, t in zip("ABCD", ("Indikator", "Monat", "Wert", "Kommentar"), strict=True)
    )
    return xlsx_bytes(
        {
            "xl/worksheets/sheet1.xml": sheet_xml(
                f'<row r="1">{head}</row><row r="2">{row}</row>', doctype=BILLION_LAUGHS
            )
        }
    )


def external_entity_xlsx() -> bytes:
    return xlsx_bytes({"xl/workbook.xml": workbook_xml(doctype=EXTERNAL_ENTITY, sheet_name="&xxe;")})


def truncated_zip() -> bytes:
    whole = xlsx_bytes({})
    return whole[: len(whole) // 2]


# --- the corpus ---------------------------------------------------------------------------------

OK_ROW = ("km_umgesetzt", MONTH, "0,5", "")
MARKUP_NAMES = {
    "name_markdown_image.csv": "![t](https:evil.example.invalid).csv",
    "name_markdown_link.csv": "[Vorlage](https:evil.example.invalid).csv",
    "name_bidi_override.csv": "rechnung\u202ecsv.exe.csv",
    "name_html_tag.csv": "<img src=x onerror=alert(1)>.csv",
}
MARKUP_COMMENTS = [
    ("km_umgesetzt", "2026-01", "0,5", "[Vorlage](https://evil.example.invalid/x)"),
    ("km_umgesetzt", "2026-02", "0,5", "siehe https://evil.example.invalid/bericht"),
    ("kritik_extern", "2026-01", "1", "Abschnitt \u202eetsaP\u202c Lütticher Str."),
    ("kritik_extern", "2026-02", "2", "<script>alert(1)</script>"),
]


def _mixed_encoding() -> bytes:
    """UTF-8 'Straße ü' in one comment and a Windows-1252 'ä' byte in another: no single codec fits."""
    return csv_bytes([("km_umgesetzt", "2026-01", "0,5", "Straße ü")]) + "kritik_extern;2026-01;1;Lärm\r\n".encode(
        "cp1252"
    )


def _mojibake_cells_xlsx() -> bytes:
    """A workbook whose comment cell holds 'StraÃŸe Ã¼' (text once decoded wrongly, then pasted into Excel)."""
    head = "".join(
        _inline(f"{c}1", t) for c, t in zip("ABCD", ("Indikator", "Monat", "Wert", "Kommentar"), strict=True)
    )
    row = (
        _inline("A2", "km_umgesetzt") + _inline("B2", MONTH) + '<c r="C2"><v>0.5</v></c>' + _inline("D2", "StraÃŸe Ã¼")
    )
    return xlsx_bytes({"xl/worksheets/sheet1.xml": sheet_xml(f'<row r="1">{head}</row><row r="2">{row}</row>')})


def _entry(file: str, section: str, finding: str, expect: str, message: str, **extra: object) -> dict[str, object]:
    return {"file": file, "section": section, "finding": finding, "expect": expect, "message": message, **extra}


UNBOUNDED = "Unbounded work from small files"
NUMBERS = "Numbers that are not numbers"
MARKUP = "Text that becomes markup"
BROKEN = "Broken containers"

# name -> (manifest entry, builder(scale) -> bytes). scale "bench" = the size, "test" = same defect, small.
Builder = Callable[[str], bytes]


def _corpus() -> list[tuple[dict[str, object], Builder]]:
    def fixed(data: Callable[[], bytes]) -> Builder:
        return lambda _scale: data()

    def big(
        make: Callable[[int], bytes], bench: int, test: int | None, **entry: object
    ) -> tuple[dict[str, object], Builder]:
        """A generated file: `bench_size` = the issue's size, `test_size` = same defect for pytest
        (None: bench only, another entry covers the defect at test scale)."""
        built = _entry(**entry, committed=False, bench_size=bench, test_size=test)  # type: ignore[arg-type]
        return built, lambda scale: make(bench if scale == "bench" else (test or bench))

    dup = "duplicate value for one indicator and month: every error lists every line (quadratic)"
    # Test sizes stay above any sane limit part B may choose (a real 5 MB workbook unpacks to < 60 MB).
    items: list[tuple[dict[str, object], Builder]] = [
        big(
            _duplicate_flood,
            10_000,
            1_000,
            file="dup_flood_10000.csv",
            section=UNBOUNDED,
            finding=dup + "; 10 000 repeats, 330 KB, CLI 8 s / 1,37 GB",
            expect="rejected",
            message="steht mehrfach",
            error_cap=100,
            part_b=False,
        ),
        big(
            _duplicate_flood,
            100_000,
            2_000,
            file="dup_flood_100000.csv",
            section=UNBOUNDED,
            finding=dup + "; 100 000 repeats, 3,3 MB, no answer within 5 minutes",
            expect="rejected",
            message="steht mehrfach",
            error_cap=100,
            part_b=False,
        ),
        big(
            zip_bomb_shared_string,
            GIB,
            128 * 1024**2,
            file="zip_bomb_shared_string_1gb.xlsx",
            section=UNBOUNDED,
            finding="1 MB .xlsx unpacking to 1 GB (one shared string): accepted with 1,2 GB RSS",
            expect="rejected",
            message="entpackt",
            part_b=False,
        ),
        big(
            zip_bomb_shared_string,
            5 * GIB,
            None,
            file="zip_bomb_shared_string_5gb.xlsx",
            section=UNBOUNDED,
            finding="within the 5 MB limit: about 5 GB unpacked",
            expect="rejected",
            message="entpackt",
            part_b=False,
        ),
        big(
            zip_bomb_sheet_whitespace,
            GIB,
            128 * 1024**2,
            file="zip_bomb_sheet_whitespace_1gb.xlsx",
            section=UNBOUNDED,
            finding="sheet XML padded to 1 GB with whitespace: parse time",
            expect="rejected",
            message="entpackt",
            part_b=False,
        ),
        big(
            empty_rows_xlsx,
            1_000_000,
            20_000,
            file="empty_rows_1m.xlsx",
            section=UNBOUNDED,
            finding=".xlsx with 1 M empty rows after the data: 21 s (outcome fine, time not)",
            expect="accepted",
            message="",
            part_b=False,
        ),
        (
            _entry(
                "entity_expansion.xlsx",
                UNBOUNDED,
                "billion laughs in the sheet XML: CLI traceback, no audit row",
                "rejected",
                "XML",
                part_b=False,
                committed=True,
            ),
            fixed(entity_expansion_xlsx),
        ),
        (
            _entry(
                "external_entity.xlsx",
                UNBOUNDED,
                "external entity (file:///etc/passwd) in xl/workbook.xml: traceback",
                "rejected",
                "XML",
                part_b=False,
                committed=True,
            ),
            fixed(external_entity_xlsx),
        ),
        (
            _entry(
                "overflow_1e309.csv",
                NUMBERS,
                "1e309 stored as inf; status says 'inf km · 100 % · im Plan'",
                "rejected",
                "zu groß",
                part_b=False,
                committed=True,
            ),
            fixed(lambda: csv_bytes([("km_umgesetzt", MONTH, "1e309", "")])),
        ),
        (
            _entry(
                "overflow_sum_two_1e308.csv",
                NUMBERS,
                "two 1e308 accepted, their sum is inf",
                "rejected",
                "plausib",
                part_b=False,
                committed=True,
            ),
            fixed(
                lambda: csv_bytes([("km_umgesetzt", "2026-01", "1e308", ""), ("km_umgesetzt", "2026-02", "1e308", "")])
            ),
        ),
        (
            _entry(
                "overflow_1e309_over_existing.csv",
                NUMBERS,
                "1e309 over an existing 0,3: 'Keine Änderung', value dropped",
                "rejected",
                "zu groß",
                setup="setup_km_0_3.csv",
                part_b=False,
                committed=True,
            ),
            fixed(lambda: csv_bytes([("km_umgesetzt", MONTH, "1e309", "")])),
        ),
        (
            _entry(
                "mixed_encoding.csv",
                NUMBERS,
                "UTF-8 and Windows-1252 bytes in one file: stored as 'StraÃŸe Ã¼'",
                "accepted_with_warning",
                "Zeichenkodierung",
                part_b=False,
                committed=True,
            ),
            fixed(_mixed_encoding),
        ),
        (
            _entry(
                "mojibake_cells.xlsx",
                NUMBERS,
                "mojibake in a workbook's text cell ('StraÃŸe Ã¼' in a comment): stored without a warning",
                "accepted_with_warning",
                "Zelle D2",
                part_b=False,
                committed=True,
            ),
            fixed(_mojibake_cells_xlsx),
        ),
        (
            _entry(
                "km_thousands_implausible.csv",
                NUMBERS,
                "'1.234' km read as 1 234 km in one month",
                "accepted_with_warning",
                "plausib",
                part_b=False,
                committed=True,
            ),
            fixed(lambda: csv_bytes([("km_umgesetzt", MONTH, "1.234", "")])),
        ),
        (
            _entry(
                "comments_markup.csv",
                MARKUP,
                "Markdown link, bare URL, bidi override and <script> in comments (slide 7)",
                "accepted",
                "",
                part_b=False,
                committed=True,
                render_check="slides",
                render_part_b=False,
            ),
            fixed(lambda: csv_bytes(MARKUP_COMMENTS)),
        ),
        (
            _entry(
                "truncated_zip.xlsx",
                BROKEN,
                "a workbook cut off in the middle",
                "rejected",
                "beschädigt",
                part_b=False,
                committed=True,
            ),
            fixed(truncated_zip),
        ),
        (
            _entry(
                "csv_named_xlsx.xlsx",
                BROKEN,
                "a CSV saved with the .xlsx extension: content decides",
                "accepted",
                "",
                part_b=False,
                committed=True,
            ),
            fixed(lambda: csv_bytes([OK_ROW])),
        ),
        (
            _entry(
                "nul_bytes.csv",
                BROKEN,
                "NUL bytes inside a CSV",
                "rejected",
                "Binärdaten",
                part_b=False,
                committed=True,
            ),
            fixed(lambda: csv_bytes([OK_ROW]) + b"kritik_extern;2026-03;1\x00\x00;\r\n"),
        ),
    ]
    for file, upload_name in MARKUP_NAMES.items():
        entry = _entry(
            file,
            MARKUP,
            f"file name {upload_name!r} rendered as Markdown in Historie",
            "accepted",
            "",
            upload_name=upload_name,
            render_check="historie",
            render_part_b=False,
            part_b=False,
            committed=True,
        )
        items.append((entry, fixed(lambda: csv_bytes([OK_ROW]))))
    setup = _entry(
        "setup_km_0_3.csv",
        NUMBERS,
        "an existing value 0,3 km (setup for overflow_1e309_over_existing)",
        "accepted",
        "",
        part_b=False,
        committed=True,
        role="setup",
    )
    items.append((setup, fixed(lambda: csv_bytes([("km_umgesetzt", MONTH, "0,3", "")]))))
    floor = _entry(
        "floor_valid.csv",
        BROKEN,
        "a small valid file: the floor the bench compares against",
        "accepted",
        "",
        part_b=False,
        committed=True,
        role="floor",
    )
    items.append((floor, fixed(lambda: csv_bytes([OK_ROW, ("kritik_extern", MONTH, "2", "")]))))
    return items


CORPUS = _corpus()
BUILDERS: dict[str, Builder] = {str(entry["file"]): build for entry, build in CORPUS}


def manifest() -> dict[str, object]:
    return {"limits": LIMITS, "month": MONTH, "files": [entry for entry, _ in CORPUS]}


def entries() -> list[dict[str, object]]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]


def build_file(name: str, dest: Path, *, scale: str = "bench") -> Path:
    """Write one corpus file (any, committed or big) into `dest`; returns its path."""
    path = dest / name
    path.write_bytes(BUILDERS[name](scale))
    return path


def build_big(dest: Path, *, scale: str = "bench") -> list[Path]:
    """The files too big to commit, at the issue's size (`bench`) or a small one (`test`)."""
    return [build_file(str(e["file"]), dest, scale=scale) for e, _ in CORPUS if not e["committed"]]


def write_committed(dest: Path = HERE) -> None:
    for entry, build in CORPUS:
        if entry["committed"]:
            (dest / str(entry["file"])).write_bytes(build("test"))
    MANIFEST.write_text(json.dumps(manifest(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", metavar="DIR", help="also write the big generated files into DIR")
    args = parser.parse_args()
    write_committed()
    if args.big:
        out = Path(args.big)
        out.mkdir(parents=True, exist_ok=True)
        for path in build_big(out):
            print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
