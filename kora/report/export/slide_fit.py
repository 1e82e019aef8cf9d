"""How much text fits where on a slide, measured without PowerPoint.

PowerPoint does not lay text out for us at save time, so the deck's text is measured here:
font sizes, column widths, row heights and the number of list items are chosen so that
nothing crosses the footer and no word breaks mid-word. Widths are those of DejaVu Sans —
the font LibreOffice substitutes for Calibri and noticeably wider than Calibri — so a deck
that fits there has room to spare in PowerPoint. Pure computations (the tests check layouts
with them); `kora.report.export.pptx` draws what they decide.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

from kora.labels import STATUS_COLORS, STATUS_ICONS
from kora.report.deck import Item, Section, Table
from kora.report.export.common import xml_safe

CELL_PAD_X, CELL_PAD_Y = Inches(0.08), Inches(0.04)
GREY = RGBColor(0x55, 0x55, 0x55)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
MIN_PT = 12  # smallest type in the slide body: still readable from the back of the room
LINE = 1.2  # line height / font size (DejaVu Sans: 1.16)
EMU_PER_PT = 12700

# Status icons as text symbols: the emoji of the dashboards (✅ ⛔) are missing from most
# presentation fonts and show as blank space in LibreOffice; these are in DejaVu Sans and in
# Segoe UI Symbol (PowerPoint's fallback on Windows). The icon is coloured, the word is not.
SYMBOLS = {"on_track": "✔", "at_risk": "⚠", "off_track": "✖", "no_data": "○"}
SYMBOL_COLORS = {SYMBOLS[k]: STATUS_COLORS[k] for k in SYMBOLS}
# Units too long for a narrow table column, as a German reader abbreviates them.
UNIT_ABBREVIATIONS = {"Stunden": "Std.", "Stunde": "Std.", "Monate": "Mon.", "Monat": "Mon."}
_UNIT = re.compile(r"(\d)([ \u00a0])(" + "|".join(sorted(UNIT_ABBREVIATIONS, key=len, reverse=True)) + r")\b")


def slide_text(text: object) -> str:
    """Text as it goes on a slide: XML-safe, status emoji replaced by symbols every font has."""
    out = xml_safe(text)
    for key, icon in STATUS_ICONS.items():
        out = out.replace(icon, SYMBOLS[key]).replace(icon.rstrip("\ufe0f"), SYMBOLS[key])
    return out.replace("\ufe0f", "")


def cell_text(text: object) -> str:
    """'9,53 Stunden' → '9,53 Std.': table cells keep numbers and units on one short line."""
    return _UNIT.sub(lambda m: m.group(1) + m.group(2) + UNIT_ABBREVIATIONS[m.group(3)], slide_text(text))


# --- measuring text ---------------------------------------------------------------------------

_EM_GROUPS = (  # em per character, rounded up from DejaVu Sans (bold: ×BOLD)
    (0.30, "'ijl\u202f"),
    (0.36, " ,-./:;IJ\\|‘’·\u00a0"),
    (0.42, "!()[]ft²³"),
    (0.50, '"*_`r§°–'),
    (0.56, "?Lcszç"),
    (0.60, "Fkvxy„“”•"),
    (0.64, "$0123456789EPSTYabdeghnopqu{}äöüßéèàáñ€µ«»"),
    (0.70, "ABCKRVXZÄ"),
    (0.80, "&DGHNOQUÖÜ"),
    (0.84, "#+<=>^w~→✔✖"),
    (0.90, "M⚠○"),
    (1.00, "%@Wm—…"),
)
_EM = {ch: em for em, chars in _EM_GROUPS for ch in chars}
BOLD = 1.16  # DejaVu Sans Bold is about 14 % wider


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in pt of one line (DejaVu Sans metrics, rounded up; unknown characters count 1 em)."""
    return sum(_EM.get(ch, 1.0) for ch in text) * size * (BOLD if bold else 1.0)


def _tokens(paragraph: str) -> list[tuple[str, str]]:
    """(separator, piece) pairs: lines break at spaces and after hyphens ('Ad-|hoc-|Richtung')."""
    out: list[tuple[str, str]] = []
    for word in paragraph.split(" "):
        parts = re.findall(r"[^-]*-+|[^-]+", word) or [""]
        out.extend((" " if i == 0 else "", part) for i, part in enumerate(parts))
    return out


def longest_word(text: str, size: float, *, bold: bool = False) -> float:
    """Width of the widest piece a line can not break inside."""
    return max((text_width(p, size, bold=bold) for line in text.split("\n") for _, p in _tokens(line)), default=0.0)


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap as PowerPoint and LibreOffice do it; a piece wider than the line is
    split (it would break mid-word there, too)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for sep, piece in _tokens(paragraph):
            candidate = f"{line}{sep}{piece}" if line else piece
            if not line or text_width(candidate, size, bold=bold) <= width:
                line = candidate
                continue
            lines.append(line)
            line = piece
        while text_width(line, size, bold=bold) > width and len(line) > 1:
            cut = max(1, next(i for i in range(len(line), 0, -1) if text_width(line[:i], size, bold=bold) <= width))
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=65536)
def n_lines(text: str, size: float, width: float, *, bold: bool = False) -> int:
    return len(wrap(text, size, width, bold=bold))


def _cut(part: str, limit: int) -> str:
    """`part` in at most `limit` characters, cut after a whole word and marked with '…'."""
    if len(part) <= limit:
        return part
    head = part[: max(1, limit - 1)]
    if " " in head and part[len(head)] != " ":
        head = head[: head.rindex(" ")]
    return head.rstrip(" ,;:·–-…") + "…"


def shorten(text: str, size: float, width: float, max_lines: int, *, bold: bool = False) -> str:
    """The text cut to `max_lines`. Parts separated by ' · ' (the Vorhaben of a subtitle) are
    cut to a common length, so short parts stay whole and every part keeps its beginning."""
    if n_lines(text, size, width, bold=bold) <= max_lines:
        return text
    parts = text.split(" · ")

    def joined(limit: int) -> str:
        return " · ".join(_cut(p, limit) for p in parts)

    low, high = 1, max(len(p) for p in parts)
    while low < high:  # the largest common length that fits
        mid = (low + high + 1) // 2
        low, high = (mid, high) if n_lines(joined(mid), size, width, bold=bold) <= max_lines else (low, mid - 1)
    return joined(low)


def pt(emu: int) -> float:
    """EMU as points."""
    return emu / EMU_PER_PT


# --- tables -----------------------------------------------------------------------------------

TABLE_SIZES = (16, 15, 14, 13, 12)


@dataclass(frozen=True)
class TableFit:
    size: int
    widths: tuple[int, ...]  # EMU per column
    heights: tuple[int, ...]  # EMU per row, header first
    rows: tuple[tuple[str, ...], ...]  # body rows as shown (maybe cut, with a '… weitere' row)


def _column_widths(
    columns: tuple[str, ...], rows: list[tuple[str, ...]], weights: tuple[float, ...], width: int, size: int
) -> tuple[tuple[int, ...], bool, bool]:
    """Column widths in EMU, and whether the table is tidy: every column at least as wide as
    its longest word; short columns (status, numbers — a third of the width or less) as wide as
    their longest value so none wraps, the rest for the text columns. If the text columns
    would get less than their longest words, short columns wrap too (not tidy). If even the
    longest words do not fit, widths by the columns' weights and words break (not whole).
    Returns (widths, whole words, tidy)."""
    pad = 2 * pt(CELL_PAD_X) + 1
    total = pt(width)
    least = [
        max(longest_word(c, size, bold=True), *(longest_word(r[j], size) for r in rows)) + pad
        for j, c in enumerate(columns)
    ]
    natural = [
        max(least[j] - pad, *(text_width(line, size) for r in rows for line in r[j].split("\n"))) + pad
        for j in range(len(columns))
    ]
    if sum(least) > total:
        return _emus([total * w / sum(weights) for w in weights], width), False, False
    short = [n <= total / 3 for n in natural]
    pts = [n if s else m for n, m, s in zip(natural, least, short, strict=True)]
    tidy = sum(pts) <= total
    if sum(natural) <= total:  # everything on one line: spare width by the columns' weights
        return (
            _emus(
                [n + (total - sum(natural)) * w / sum(weights) for n, w in zip(natural, weights, strict=True)], width
            ),
            True,
            True,
        )
    if not tidy:  # too narrow: short columns wrap, too
        pts = list(least)
    # the rest goes to the columns still wanting, the least wanting (by weight) first
    spare = total - sum(pts)
    wanting = sorted(
        (j for j in range(len(pts)) if natural[j] > pts[j]), key=lambda j: (natural[j] - pts[j]) / weights[j]
    )
    for k, j in enumerate(wanting):
        share = spare * weights[j] / sum(weights[i] for i in wanting[k:])
        grant = min(natural[j] - pts[j], share) if k < len(wanting) - 1 else spare
        pts[j] += grant
        spare -= grant
    return _emus(pts, width), True, tidy


def _emus(pts: list[float], width: int) -> tuple[int, ...]:
    """Widths in pt as EMU that add up to exactly `width`."""
    emus = [int(p * EMU_PER_PT) for p in pts]
    emus[-1] = width - sum(emus[:-1])
    return tuple(emus)


def row_height(row: tuple[str, ...], widths: tuple[int, ...], size: float, *, bold: bool = False) -> int:
    """EMU a table row needs: its tallest cell's wrapped lines plus the cell margins."""
    lines = max(n_lines(t, size, pt(w - 2 * CELL_PAD_X), bold=bold) for t, w in zip(row, widths, strict=True))
    return int(Pt(lines * size * LINE)) + 2 * CELL_PAD_Y


def fit_table(table: Table, width: int, height: int) -> TableFit:
    """Largest type (16..12 pt) at which the table fits the box — preferring one down to 13 pt
    at which no status or number wraps; if even 12 pt is too tall, the last rows give way to
    '… und N weitere' (the Excel export has them all)."""
    rows = [tuple(cell_text(v) for v in r) for r in table.rows]
    columns = tuple(slide_text(c) for c in table.columns)
    weights = table.widths or tuple(1.0 for _ in columns)

    def attempt(size: int, body: list[tuple[str, ...]]) -> tuple[TableFit, bool, bool]:
        widths, whole, tidy = _column_widths(columns, body, weights, width, size)
        heights = (row_height(columns, widths, size, bold=True), *(row_height(r, widths, size) for r in body))
        return TableFit(size, widths, heights, tuple(body)), whole, tidy

    fits = [f for f in (attempt(size, rows) for size in TABLE_SIZES) if sum(f[0].heights) <= height]
    for wanted in ((True, True, 13), (True, False, MIN_PT), (False, False, MIN_PT)):
        for fit, whole, tidy in fits:
            if whole >= wanted[0] and tidy >= wanted[1] and fit.size >= wanted[2]:
                return fit
    for keep in range(len(rows) - 1, -1, -1):
        more = (f"… und {len(rows) - keep} weitere (vollständig im Excel-Export)",) + ("",) * (len(columns) - 1)
        fit = attempt(MIN_PT, [*rows[:keep], more])[0]
        if sum(fit.heights) <= height or keep == 0:
            return fit
    return attempt(MIN_PT, rows)[0]  # no rows at all


# --- text sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    text: str
    size: float
    style: tuple[tuple[str, object], ...] = ()
    space_before: float = 0
    bullet: str | None = None  # "•" item, "" continuation (indented, no dot), None plain
    indent: float = 0  # pt taken by the bullet indent

    def height(self, width: float) -> float:
        bold = dict(self.style).get("bold", False) is True
        return self.space_before + n_lines(self.text, self.size, width - self.indent, bold=bold) * self.size * LINE


def _section_paras(
    section: Section, size: int, width: float, cap: int, first: bool, detail_lines: int = 2
) -> list[Para]:
    """A section as paragraphs at `size`: heading, at most `cap` items (details cut to
    `detail_lines`), then '… und N weitere'."""
    small = max(MIN_PT, size - 2)
    out = [Para(slide_text(section.heading), size + 2, (("bold", True), ("color", ACCENT)), 0 if first else size * 0.8)]
    items: tuple[Item, ...] = section.items[:cap]
    more = section.more + len(section.items) - len(items)
    if not section.items:
        out.append(Para(slide_text(section.empty), size, (("italic", True), ("color", GREY)), 2))
    indent = size * 0.9
    for item in items:
        out.append(Para(slide_text(item.text), size, (), size * 0.3, "•", indent))
        if item.detail:
            detail = shorten(slide_text(item.detail), small, width - indent, detail_lines)
            out.append(Para(detail, small, (("color", GREY),), 0, "", indent))
    if more:
        out.append(Para(f"… und {more} weitere", small, (("italic", True), ("color", GREY)), size * 0.3))
    return out


def _splits(n: int, n_cols: int) -> list[tuple[int, ...]]:
    """Ways to cut n sections, in order, into n_cols columns (as start indexes): reading
    order stays column by column, top to bottom."""
    return [(0, *cuts) for cuts in itertools.combinations(range(1, n), min(n, n_cols) - 1)]


def _columns(
    sections: tuple[Section, ...],
    size: int,
    caps: tuple[int, ...],
    n_cols: int,
    width: float,
    height: float,
    detail_lines: int = 2,
) -> list[list[Para]] | None:
    """The split of the sections into columns whose tallest column is lowest, if it fits."""
    heads = [_section_paras(s, size, width, cap, True, detail_lines) for s, cap in zip(sections, caps, strict=True)]
    rest = [_section_paras(s, size, width, cap, False, detail_lines) for s, cap in zip(sections, caps, strict=True)]
    best: tuple[float, list[list[Para]]] | None = None
    for starts in _splits(len(sections), n_cols):
        columns = [
            [p for i in range(lo, hi) for p in (heads[i] if i == lo else rest[i])]
            for lo, hi in itertools.pairwise((*starts, len(sections)))
        ]
        tallest = max(sum(p.height(width) for p in col) for col in columns)
        if tallest <= height and (best is None or tallest < best[0]):
            best = tallest, columns
    return None if best is None else best[1]


def fit_sections(
    sections: tuple[Section, ...], n_cols: int, width: float, height: float
) -> tuple[int, list[list[Para]]]:
    """Type size and items per section for the text columns. Readable first: at least 16 pt
    with three items each, else 14 pt with two, else 12 pt; within that, as many items, then
    two-line details, then as large a type as fit. Sections then get back items one by one
    while they fit; what is left out is counted ('… und N weitere')."""
    most = max(len(s.items) for s in sections)
    found: tuple[int, list[int], int] | None = None
    for smallest, fewest in ((16, 3), (14, 2), (MIN_PT, 1), (MIN_PT, 0)):
        for cap, lines in itertools.product(range(most, min(fewest, most) - 1, -1), (2, 1)):
            tried = (cap,) * len(sections)
            size = next(
                (z for z in range(20, smallest - 1, -1) if _columns(sections, z, tried, n_cols, width, height, lines)),
                None,
            )
            if size is not None:
                found = size, list(tried), lines
                break
        if found:
            break
    size, caps, lines = found or (MIN_PT, [0] * len(sections), 1)
    grown = True
    while grown:
        grown = False
        for i in sorted(range(len(sections)), key=lambda k: caps[k]):  # fewest shown first
            more = (*caps[:i], caps[i] + 1, *caps[i + 1 :])
            if caps[i] < len(sections[i].items) and _columns(sections, size, more, n_cols, width, height, lines):
                caps[i] += 1
                grown = True
    columns = _columns(sections, size, tuple(caps), n_cols, width, height, lines)
    return size, columns or [[p for s in sections for p in _section_paras(s, size, width, 0, s is sections[0], 1)]]
