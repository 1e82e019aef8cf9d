"""The slide deck as a PowerPoint file with native, editable charts (python-pptx, no pictures).

Charts are real PowerPoint charts with their data in the embedded workbook, so a presenter can
restyle or correct them in PowerPoint; numbers are the attainment fractions of the
`StatusReport` with the number format '0 %'. Every slide carries the Stand and the filters in
its footer, and the deck's explanations go to the speaker notes.

PowerPoint does not lay text out for us at save time, so this module measures text itself:
font sizes, column widths, row heights and the number of list items are chosen so that
nothing crosses the footer and no word breaks mid-word. Widths are those of DejaVu Sans —
the font LibreOffice substitutes for Calibri and noticeably wider than Calibri — so a deck
that fits there has room to spare in PowerPoint.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
from dataclasses import dataclass

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from kora.labels import STATUS_COLORS, STATUS_ICONS
from kora.report.export.common import xml_safe
from kora.report.slides import Chart, Deck, Item, Metric, Section, Slide, Table

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13,333 × 7,5 in: PowerPoint's 16:9
MARGIN = Inches(0.5)
FOOTER_TOP = HEIGHT - Inches(0.55)  # nothing but the footer below this line
BODY_BOTTOM = FOOTER_TOP - Inches(0.1)
GAP = Inches(0.15)
PAD = Inches(0.05)  # inner margin of text boxes
CELL_PAD_X, CELL_PAD_Y = Inches(0.08), Inches(0.04)
INK = RGBColor(0x1A, 0x1A, 0x1A)
GREY = RGBColor(0x55, 0x55, 0x55)
LIGHT = RGBColor(0xF2, 0xF4, 0xF7)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
FONT = "Calibri"
MIN_PT = 12  # smallest type in the slide body: still readable from the back of the room
LINE = 1.2  # line height / font size (DejaVu Sans: 1.16)
EMU_PER_PT = 12700
FOOTER_NAMES = ("Fußzeile", "Foliennummer")

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


def _shorten(text: str, size: float, width: float, max_lines: int, *, bold: bool = False) -> str:
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


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


# --- writing text -----------------------------------------------------------------------------


def _style_run(run, *, size: float, bold: bool = False, color: RGBColor = INK, italic: bool = False) -> None:  # type: ignore[no-untyped-def]
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.name = FONT
    font.color.rgb = color
    font.language_id = MSO_LANGUAGE_ID.GERMAN


def _paragraph(frame, text: str, *, size: float, first: bool = False, space_before: float = 0, **style):  # type: ignore[no-untyped-def]
    """One paragraph; a leading status symbol gets its status colour."""
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    p.line_spacing = 1.0
    p.space_before = Pt(space_before)
    p.space_after = Pt(0)
    text = slide_text(text)
    if text[:2] and text[0] in SYMBOL_COLORS and text[1:2] == " " and style.get("color") != WHITE:
        icon = p.add_run()
        icon.text = text[0]
        _style_run(icon, size=size, **{**style, "color": _rgb(SYMBOL_COLORS[text[0]])})
        text = text[1:]
    run = p.add_run()
    run.text = text
    _style_run(run, size=size, **style)
    return p


def _bullet(p, indent: float, char: str | None) -> None:  # type: ignore[no-untyped-def]
    """A real hanging bullet (`char`), or an indented line under one (None), so wrapped lines
    align with the item's text, not with the dot."""
    emu = int(Pt(indent))
    p_pr = p._p.get_or_add_pPr()
    p_pr.set("marL", str(emu))
    p_pr.set("indent", str(-emu if char else 0))
    if char:
        p_pr.append(p_pr.makeelement(qn("a:buFont"), {"typeface": "Arial"}))
        p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": char}))
    else:
        p_pr.append(p_pr.makeelement(qn("a:buNone"), {}))


def _textbox(slide, left: int, top: int, width: int, height: int, *, name: str | None = None):  # type: ignore[no-untyped-def]
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = PAD
    frame.vertical_anchor = MSO_ANCHOR.TOP
    return frame


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


# --- title, subtitle, metrics -----------------------------------------------------------------


def _header(slide, s: Slide, *, big: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Title (one line if a size from the list fits, else two) and subtitle below it, never on
    top of each other. Returns the bottom of the header."""
    top = Inches(0.3)
    width = WIDTH - 2 * MARGIN
    inner = _pt(width - 2 * PAD)
    sizes = (40, 36, 32) if big else (30, 28, 26)
    title = slide_text(s.title)
    size = next((z for z in sizes if n_lines(title, z, inner, bold=True) == 1), None)
    if size is None:
        size = next((z for z in (*sizes, 24, 22) if n_lines(title, z, inner, bold=True) <= 2), 22)
        title = _shorten(title, size, inner, 2, bold=True)  # only a title of some 150 characters
    lines = n_lines(title, size, inner, bold=True)
    height = int(Pt(lines * size * LINE)) + 2 * PAD
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, top, width, height
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = PAD
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.text = title
    p = frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    p.line_spacing = 1.0
    for run in p.runs:
        _style_run(run, size=size, bold=True, color=INK)
    bottom = top + height
    if s.subtitle:
        sub_size = 18 if big else 16
        text = _shorten(slide_text(s.subtitle), sub_size, inner, 2 if lines == 1 else 1)
        sub_h = int(Pt(n_lines(text, sub_size, inner) * sub_size * LINE)) + 2 * PAD
        frame = _textbox(slide, MARGIN, bottom + Inches(0.04), width, sub_h, name="Untertitel")
        _paragraph(frame, text, size=sub_size, first=True, color=GREY)
        bottom += Inches(0.04) + sub_h
    return bottom


def _fit_size(texts: list[str], sizes: tuple[int, ...], width: float, *, bold: bool = False) -> int:
    """Largest size at which every text is one line wide."""
    return next((z for z in sizes if all(text_width(t, z, bold=bold) <= width for t in texts)), sizes[-1])


def _metrics(slide, metrics: tuple[Metric, ...], top: int) -> int:  # type: ignore[no-untyped-def]
    """A row of number cards: labels in one size, each value as large as its card allows."""
    gap = Inches(0.2)
    width = int((WIDTH - 2 * MARGIN - gap * (len(metrics) - 1)) / len(metrics))
    pad_x = Inches(0.15)
    inner = _pt(width - 2 * pad_x)
    labels = [slide_text(m.label) for m in metrics]
    values = [slide_text(m.value) for m in metrics]
    notes = [slide_text(m.note) for m in metrics]
    label_size = _fit_size(labels, (14, 13, 12), inner)
    value_sizes = [_fit_size([v], (28, 26, 24, 22, 20, 18), inner, bold=True) for v in values]
    value_size = max(value_sizes)
    label_lines = max(n_lines(t, label_size, inner) for t in labels)
    has_note = any(notes)
    notes = [_shorten(t, 12, inner, 1) for t in notes]
    height = int(Pt((label_lines * label_size + value_size + (12 if has_note else 0)) * LINE)) + Inches(0.2)
    for i, (label, value, note, size) in enumerate(zip(labels, values, notes, value_sizes, strict=True)):
        left = MARGIN + i * (width + gap)
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        box.adjustments[0] = 0.12
        box.fill.solid()
        box.fill.fore_color.rgb = LIGHT
        box.line.fill.background()
        box.shadow.inherit = False
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = pad_x
        frame.margin_top = frame.margin_bottom = Inches(0.08)
        _paragraph(frame, label, size=label_size, first=True, color=GREY).alignment = PP_ALIGN.LEFT
        _paragraph(frame, value, size=size, bold=True).alignment = PP_ALIGN.LEFT
        if note:
            _paragraph(frame, note, size=12, color=GREY).alignment = PP_ALIGN.LEFT
    return top + height


# --- chart ------------------------------------------------------------------------------------


def _chart(slide, chart: Chart, left: int, top: int, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    data = CategoryChartData(number_format=chart.number_format)
    data.categories = [slide_text(c) for c in chart.categories]
    for series in chart.series:
        data.add_series(slide_text(series.name), list(series.values), number_format=chart.number_format)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data)
    c = frame.chart
    c.font.size = Pt(12)
    c.font.name = FONT
    c.has_title = True
    c.chart_title.text_frame.text = slide_text(chart.title)
    for p in c.chart_title.text_frame.paragraphs:
        for run in p.runs:
            _style_run(run, size=15, bold=True)
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
        c.legend.font.size = Pt(12)
    axis = c.value_axis
    axis.minimum_scale = 0.0
    axis.maximum_scale = 1.0
    axis.major_unit = 0.25
    if width < Inches(6):  # narrow: the bars' own labels say it, and the room goes to the categories
        axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    axis.tick_labels.number_format = chart.number_format
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(12)
    cat = c.category_axis
    cat.reverse_order = True  # first category on top, as in the table and the HTML report
    cat.tick_labels.font.size = Pt(12)
    cat.format.line.color.rgb = RGBColor(0x88, 0x88, 0x88)
    _show_every_label(cat)
    plot = c.plots[0]
    plot.gap_width = 50
    plot.overlap = 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = chart.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(12)
    for series, spec in zip(plot.series, chart.series, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(spec.color)
        series.invert_if_negative = False
    if len(chart.series) == 1 and chart.colors:
        for i, color in enumerate(chart.colors):
            point = plot.series[0].points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(color)


def _show_every_label(axis) -> None:  # type: ignore[no-untyped-def]
    """Every category gets its label: LibreOffice otherwise skips every other one when the
    labels wrap, and the reader can not tell which bar is which."""
    ax = axis._element
    skip = ax.makeelement(qn("c:tickLblSkip"), {"val": "1"})
    follower = next(
        (e for tag in ("tickMarkSkip", "noMultiLvlLbl", "extLst") if (e := ax.find(qn(f"c:{tag}"))) is not None), None
    )
    if follower is not None:
        follower.addprevious(skip)
    else:
        ax.append(skip)


# --- table ------------------------------------------------------------------------------------

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
    pad = 2 * _pt(CELL_PAD_X) + 1
    total = _pt(width)
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
    lines = max(n_lines(t, size, _pt(w - 2 * CELL_PAD_X), bold=bold) for t, w in zip(row, widths, strict=True))
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


def _table(slide, table: Table, left: int, top: int, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    fit = fit_table(table, width, height)
    columns = tuple(slide_text(c) for c in table.columns)
    shape = slide.shapes.add_table(len(fit.rows) + 1, len(columns), left, top, width, sum(fit.heights))
    t = shape.table
    for i, w in enumerate(fit.widths):
        t.columns[i].width = Emu(w)
    min_row = Emu(int(Pt(fit.size * LINE)) + 2 * CELL_PAD_Y)
    for row in t.rows:  # a minimum: PowerPoint and LibreOffice grow each row to its text; fit_table checked the sum
        row.height = min_row
    for i, values in enumerate((columns, *fit.rows)):
        for j, value in enumerate(values):
            cell = t.cell(i, j)
            cell.margin_left = cell.margin_right = CELL_PAD_X
            cell.margin_top = cell.margin_bottom = CELL_PAD_Y
            cell.text_frame.word_wrap = True
            style = {"bold": True, "color": WHITE} if i == 0 else {}
            if i and value.startswith("… und "):
                style = {"italic": True, "color": GREY}
            for k, line in enumerate(value.split("\n")):
                _paragraph(cell.text_frame, line, size=fit.size, first=k == 0, **style)


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
            detail = _shorten(slide_text(item.detail), small, width - indent, detail_lines)
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
            caps = (cap,) * len(sections)
            size = next(
                (z for z in range(20, smallest - 1, -1) if _columns(sections, z, caps, n_cols, width, height, lines)),
                None,
            )
            if size is not None:
                found = size, list(caps), lines
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


def _sections(slide, sections: tuple[Section, ...], left: int, top: int, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    if not sections:
        return
    n_cols = 1 if len(sections) == 1 else 2 if width < Inches(9) or len(sections) in (2, 4) else 3
    gap = Inches(0.3)
    col_w = int((width - gap * (n_cols - 1)) / n_cols)
    _, columns = fit_sections(sections, n_cols, _pt(col_w - 2 * PAD), _pt(height - 2 * PAD))
    for c, paras in enumerate(columns):
        frame = _textbox(slide, left + c * (col_w + gap), top, col_w, height, name=f"Abschnitte {c + 1}")
        for k, para in enumerate(paras):
            style = dict(para.style)
            p = _paragraph(frame, para.text, size=para.size, first=k == 0, space_before=para.space_before, **style)
            if para.bullet is not None:
                _bullet(p, para.indent, para.bullet or None)


# --- footer, body, deck -----------------------------------------------------------------------


def _footer(slide, deck: Deck, number: int) -> None:  # type: ignore[no-untyped-def]
    width = WIDTH - 2 * MARGIN - Inches(1.0)
    height = HEIGHT - FOOTER_TOP - Inches(0.08)
    text = slide_text(deck.footer)
    size = next((z for z in (10, 9) if n_lines(text, z, _pt(width - 2 * PAD)) <= 2), 8)
    frame = _textbox(slide, MARGIN, FOOTER_TOP, width, height, name=FOOTER_NAMES[0])
    _paragraph(frame, _shorten(text, size, _pt(width - 2 * PAD), 2), size=size, first=True, color=GREY)
    num = _textbox(slide, WIDTH - MARGIN - Inches(1.0), FOOTER_TOP, Inches(1.0), height, name=FOOTER_NAMES[1])
    p = _paragraph(num, f"{number} / {len(deck.slides)}", size=10, first=True, color=GREY)
    p.alignment = PP_ALIGN.RIGHT


def _body(slide, s: Slide, top: int) -> None:  # type: ignore[no-untyped-def]
    height = BODY_BOTTOM - top
    full = WIDTH - 2 * MARGIN
    gap = Inches(0.3)
    if s.chart is not None and (s.table is not None or s.sections):
        chart_w = int(full * (0.36 if s.table is not None else 0.38))
        _chart(slide, s.chart, MARGIN, top, chart_w, height)
        left, width = MARGIN + chart_w + gap, full - chart_w - gap
    elif s.chart is not None:
        _chart(slide, s.chart, MARGIN, top, full, height)
        return
    else:
        left, width = MARGIN, full
    if s.table is not None:
        _table(slide, s.table, left, top, width, height)
    elif s.sections:
        _sections(slide, s.sections, left, top, width, height)


def build_pptx(deck: Deck) -> bytes:
    """The deck as .pptx bytes (16:9, one PowerPoint slide per deck slide)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    props.title = xml_safe(f"{deck.title} · Stand {deck.filters[1][1]}")
    props.author = "KoRa-Monitor"
    props.subject = xml_safe(deck.footer)
    props.language = "de-DE"
    layout = prs.slide_layouts[5]  # "Title Only": real titles show in PowerPoint's outline
    for number, s in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(layout)
        top = _header(slide, s, big=s.key == "titel") + GAP
        if s.metrics:
            top = _metrics(slide, s.metrics, top) + GAP + Inches(0.05)
        _body(slide, s, top)
        _footer(slide, deck, number)
        notes = s.notes + ("\n\n" if s.notes else "") + deck.footer
        slide.notes_slide.notes_text_frame.text = xml_safe(notes)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
