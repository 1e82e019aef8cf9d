"""The slide deck as a PowerPoint file with native, editable charts (python-pptx, no pictures).

Charts are real PowerPoint charts with their data in the embedded workbook, so a presenter can
restyle or correct them in PowerPoint; numbers are the attainment fractions of the
`StatusReport` with the number format '0 %'. Every slide carries the Stand and the filters in
its footer, and the deck's explanations go to the speaker notes.

PowerPoint does not lay text out for us at save time: `kora.report.export.slide_fit` measures
the text and decides sizes, widths and how many items fit; this module draws what it decides.
"""

from __future__ import annotations

import io
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from kora.report.deck import Chart, Deck, Metric, Section, Slide, Table
from kora.report.export.common import xml_safe
from kora.report.export.slide_fit import (
    CELL_PAD_X,
    CELL_PAD_Y,
    GREY,
    LINE,
    SYMBOL_COLORS,
    fit_sections,
    fit_table,
    n_lines,
    pt,
    shorten,
    slide_text,
    text_width,
)

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13,333 × 7,5 in: PowerPoint's 16:9
MARGIN = Inches(0.5)
FOOTER_TOP = HEIGHT - Inches(0.55)  # nothing but the footer below this line
BODY_BOTTOM = FOOTER_TOP - Inches(0.1)
GAP = Inches(0.15)
PAD = Inches(0.05)  # inner margin of text boxes
INK = RGBColor(0x1A, 0x1A, 0x1A)
LIGHT = RGBColor(0xF2, 0xF4, 0xF7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
FONT = "Calibri"
FOOTER_NAMES = ("Fußzeile", "Foliennummer")

# --- writing text -----------------------------------------------------------------------------


def _style_run(run, *, size: float, bold: bool = False, color: RGBColor = INK, italic: bool = False) -> None:
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.name = FONT
    font.color.rgb = color
    font.language_id = MSO_LANGUAGE_ID.GERMAN


def _paragraph(frame, text: str, *, size: float, first: bool = False, space_before: float = 0, **style):
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


def _bullet(p, indent: float, char: str | None) -> None:
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


def _textbox(slide, left: int, top: int, width: int, height: int, *, name: str | None = None):
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


def _header(slide, s: Slide, *, big: bool = False) -> int:
    """Title (one line if a size from the list fits, else two) and subtitle below it, never on
    top of each other. Returns the bottom of the header."""
    top = Inches(0.3)
    width = WIDTH - 2 * MARGIN
    inner = pt(width - 2 * PAD)
    sizes = (40, 36, 32) if big else (30, 28, 26)
    title = slide_text(s.title)
    size = next((z for z in sizes if n_lines(title, z, inner, bold=True) == 1), None)
    if size is None:
        size = next((z for z in (*sizes, 24, 22) if n_lines(title, z, inner, bold=True) <= 2), 22)
        title = shorten(title, size, inner, 2, bold=True)  # only a title of some 150 characters
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
        text = shorten(slide_text(s.subtitle), sub_size, inner, 2 if lines == 1 else 1)
        sub_h = int(Pt(n_lines(text, sub_size, inner) * sub_size * LINE)) + 2 * PAD
        frame = _textbox(slide, MARGIN, bottom + Inches(0.04), width, sub_h, name="Untertitel")
        _paragraph(frame, text, size=sub_size, first=True, color=GREY)
        bottom += Inches(0.04) + sub_h
    return bottom


def _fit_size(texts: list[str], sizes: tuple[int, ...], width: float, *, bold: bool = False) -> int:
    """Largest size at which every text is one line wide."""
    return next((z for z in sizes if all(text_width(t, z, bold=bold) <= width for t in texts)), sizes[-1])


def _metrics(slide, metrics: tuple[Metric, ...], top: int) -> int:
    """A row of number cards: labels in one size, each value as large as its card allows."""
    gap = Inches(0.2)
    width = int((WIDTH - 2 * MARGIN - gap * (len(metrics) - 1)) / len(metrics))
    pad_x = Inches(0.15)
    inner = pt(width - 2 * pad_x)
    labels = [slide_text(m.label) for m in metrics]
    values = [slide_text(m.value) for m in metrics]
    notes = [slide_text(m.note) for m in metrics]
    label_size = _fit_size(labels, (14, 13, 12), inner)
    value_sizes = [_fit_size([v], (28, 26, 24, 22, 20, 18), inner, bold=True) for v in values]
    value_size = max(value_sizes)
    label_lines = max(n_lines(t, label_size, inner) for t in labels)
    has_note = any(notes)
    notes = [shorten(t, 12, inner, 1) for t in notes]
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


def _chart(slide, chart: Chart, left: int, top: int, width: int, height: int) -> None:
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


def _show_every_label(axis) -> None:
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


def _table(slide, table: Table, left: int, top: int, width: int, height: int) -> None:
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
            style: dict[str, Any] = {"bold": True, "color": WHITE} if i == 0 else {}
            if i and value.startswith("… und "):
                style = {"italic": True, "color": GREY}
            for k, line in enumerate(value.split("\n")):
                _paragraph(cell.text_frame, line, size=fit.size, first=k == 0, **style)


# --- text sections ----------------------------------------------------------------------------


def _sections(slide, sections: tuple[Section, ...], left: int, top: int, width: int, height: int) -> None:
    if not sections:
        return
    n_cols = 1 if len(sections) == 1 else 2 if width < Inches(9) or len(sections) in (2, 4) else 3
    gap = Inches(0.3)
    col_w = int((width - gap * (n_cols - 1)) / n_cols)
    _, columns = fit_sections(sections, n_cols, pt(col_w - 2 * PAD), pt(height - 2 * PAD))
    for c, paras in enumerate(columns):
        frame = _textbox(slide, left + c * (col_w + gap), top, col_w, height, name=f"Abschnitte {c + 1}")
        for k, para in enumerate(paras):
            style = dict(para.style)
            p = _paragraph(frame, para.text, size=para.size, first=k == 0, space_before=para.space_before, **style)
            if para.bullet is not None:
                _bullet(p, para.indent, para.bullet or None)


# --- footer, body, deck -----------------------------------------------------------------------


def _footer(slide, deck: Deck, number: int) -> None:
    width = WIDTH - 2 * MARGIN - Inches(1.0)
    height = HEIGHT - FOOTER_TOP - Inches(0.08)
    text = slide_text(deck.footer)
    size = next((z for z in (10, 9) if n_lines(text, z, pt(width - 2 * PAD)) <= 2), 8)
    frame = _textbox(slide, MARGIN, FOOTER_TOP, width, height, name=FOOTER_NAMES[0])
    _paragraph(frame, shorten(text, size, pt(width - 2 * PAD), 2), size=size, first=True, color=GREY)
    num = _textbox(slide, WIDTH - MARGIN - Inches(1.0), FOOTER_TOP, Inches(1.0), height, name=FOOTER_NAMES[1])
    p = _paragraph(num, f"{number} / {len(deck.slides)}", size=10, first=True, color=GREY)
    p.alignment = PP_ALIGN.RIGHT


def _body(slide, s: Slide, top: int) -> None:
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
