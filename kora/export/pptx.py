"""The slide deck as a PowerPoint file with native, editable charts (python-pptx, no pictures).

Charts are real PowerPoint charts with their data in the embedded workbook, so a presenter can
restyle or correct them in PowerPoint; numbers are the attainment fractions of the
`StatusReport` with the number format '0 %'. Every slide carries the Stand and the filters in
its footer, and the deck's explanations go to the speaker notes.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from kora.export.common import xml_safe
from kora.slides import Chart, Deck, Metric, Section, Slide, Table

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13,333 × 7,5 in: PowerPoint's 16:9
MARGIN = Inches(0.5)
INK = RGBColor(0x1A, 0x1A, 0x1A)
GREY = RGBColor(0x55, 0x55, 0x55)
LIGHT = RGBColor(0xF2, 0xF4, 0xF7)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
FONT = "Calibri"


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _style_run(run, *, size: int, bold: bool = False, color: RGBColor = INK, italic: bool = False) -> None:  # type: ignore[no-untyped-def]
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.name = FONT
    font.color.rgb = color
    font.language_id = MSO_LANGUAGE_ID.GERMAN


def _paragraph(frame, text: str, *, size: int, first: bool = False, **style):  # type: ignore[no-untyped-def]
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    run = p.add_run()
    run.text = xml_safe(text)
    _style_run(run, size=size, **style)
    return p


def _textbox(slide, left: int, top: int, width: int, height: int):  # type: ignore[no-untyped-def]
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Inches(0.05)
    return frame


# --- parts of a slide -------------------------------------------------------------------------


def _title(slide, s: Slide, *, big: bool = False) -> None:  # type: ignore[no-untyped-def]
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.25), WIDTH - 2 * MARGIN, Inches(0.85)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.text = xml_safe(s.title)
    frame.vertical_anchor = MSO_ANCHOR.TOP
    p = frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    for run in p.runs:
        _style_run(run, size=40 if big else 30, bold=True, color=INK)
    if s.subtitle:
        sub = _textbox(slide, MARGIN, Inches(1.05), WIDTH - 2 * MARGIN, Inches(0.45))
        _paragraph(sub, s.subtitle, size=16, first=True, color=GREY)


def _metrics(slide, metrics: tuple[Metric, ...], top: int) -> None:  # type: ignore[no-untyped-def]
    if not metrics:
        return
    gap = Inches(0.2)
    width = int((WIDTH - 2 * MARGIN - gap * (len(metrics) - 1)) / len(metrics))
    for i, m in enumerate(metrics):
        left = MARGIN + i * (width + gap)
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, Inches(1.05))
        box.adjustments[0] = 0.12
        box.fill.solid()
        box.fill.fore_color.rgb = LIGHT
        box.line.fill.background()
        box.shadow.inherit = False
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Inches(0.15)
        p = _paragraph(frame, m.label, size=13, first=True, color=GREY)
        p.alignment = PP_ALIGN.LEFT
        p = _paragraph(frame, m.value, size=26, bold=True)
        p.alignment = PP_ALIGN.LEFT
        if m.note:
            p = _paragraph(frame, m.note, size=12, color=GREY)
            p.alignment = PP_ALIGN.LEFT


def _chart(slide, chart: Chart, left: int, top: int, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    data = CategoryChartData(number_format=chart.number_format)
    data.categories = [xml_safe(c) for c in chart.categories]
    for series in chart.series:
        data.add_series(xml_safe(series.name), list(series.values), number_format=chart.number_format)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, height, data)
    c = frame.chart
    c.font.size = Pt(12)
    c.font.name = FONT
    c.has_title = True
    c.chart_title.text_frame.text = xml_safe(chart.title)
    for p in c.chart_title.text_frame.paragraphs:
        for run in p.runs:
            _style_run(run, size=15, bold=True)
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.BOTTOM
        c.legend.include_in_layout = False
        c.legend.font.size = Pt(11)
    axis = c.value_axis
    axis.minimum_scale = 0.0
    axis.maximum_scale = 1.0
    axis.major_unit = 0.25
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    axis.tick_labels.number_format = chart.number_format
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(11)
    cat = c.category_axis
    cat.reverse_order = True  # first category on top, as in the table and the HTML report
    cat.tick_labels.font.size = Pt(12)
    cat.format.line.color.rgb = RGBColor(0x88, 0x88, 0x88)
    plot = c.plots[0]
    plot.gap_width = 50
    plot.overlap = 0
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = chart.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(11)
    for series, spec in zip(plot.series, chart.series, strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(spec.color)
        series.invert_if_negative = False
    if len(chart.series) == 1 and chart.colors:
        for i, color in enumerate(chart.colors):
            point = plot.series[0].points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(color)


def _table_size(table: Table, widths: list[int], height: int) -> int:
    """Largest font size (pt) at which the table's wrapped rows fit the height."""
    for size in (14, 13, 12, 11, 10):
        total = 0.0
        for row in (table.columns, *table.rows):
            lines = max(
                sum(-(-max(1, len(part)) // max(6, int((w / 12700 - 10) / (size * 0.5)))) for part in str(v).split("\n"))
                for v, w in zip(row, widths, strict=True)
            )
            total += lines * size * 1.2 + 6
        if total <= height / 12700:
            return size
    return 9


def _table(slide, table: Table, left: int, top: int, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    n_rows = len(table.rows) + 1
    weights = table.widths or tuple(1.0 for _ in table.columns)
    total = sum(weights)
    widths = [int(width * w / total) for w in weights]
    size = _table_size(table, widths, height)
    row_h = int(Pt(size * 1.2 + 6))
    shape = slide.shapes.add_table(n_rows, len(table.columns), left, top, width, row_h * n_rows)
    t = shape.table
    for i, w in enumerate(widths):
        t.columns[i].width = Emu(w)
    for row in t.rows:
        row.height = row_h  # PowerPoint grows rows to fit their text
    for j, name in enumerate(table.columns):
        cell = t.cell(0, j)
        cell.text = ""
        _paragraph(cell.text_frame, name, size=size, first=True, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
    for i, row in enumerate(table.rows, start=1):
        for j, value in enumerate(row):
            cell = t.cell(i, j)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            for k, line in enumerate(str(value).split("\n")):
                _paragraph(cell.text_frame, line, size=size, first=k == 0)


def _section_lines(section: Section) -> list[tuple[str, int, dict]]:
    """(text, size offset, style) paragraphs of one section, heading first."""
    out: list[tuple[str, int, dict]] = [(section.heading, 3, {"bold": True, "color": ACCENT})]
    if not section.items:
        out.append((section.empty, 0, {"italic": True, "color": GREY}))
    for item in section.items:
        out.append((f"• {item.text}", 0, {}))
        if item.detail:
            out.append((f"   {item.detail}", -2, {"color": GREY}))
    if section.more:
        out.append((f"… und {section.more} weitere", -1, {"italic": True, "color": GREY}))
    return out


def _height_pt(paragraphs: list[tuple[str, int, dict]], size: int, width_pt: float) -> float:
    """Rough height of wrapped paragraphs (Calibri averages about half an em per character)."""
    total = 0.0
    for text, offset, _ in paragraphs:
        pt = size + offset
        per_line = max(8, int(width_pt / (pt * 0.5)))
        total += -(-len(text) // per_line) * pt * 1.2 + 3
    return total


def _sections(slide, sections: tuple[Section, ...], left: int, top: int, width: int, height: int) -> None:  # type: ignore[no-untyped-def]
    """Sections flow into 2–3 text columns (shortest column first); the font is the largest
    size at which every column fits the space."""
    if not sections:
        return
    n_cols = 1 if len(sections) == 1 else 2 if width < Inches(9) or len(sections) in (2, 4) else 3
    gap = Inches(0.25)
    col_w = int((width - gap * (n_cols - 1)) / n_cols)
    width_pt = col_w / 12700 - 8
    columns: list[list[tuple[str, int, dict]]] = [[] for _ in range(n_cols)]
    for section in sections:
        lines = _section_lines(section)
        target = min(range(n_cols), key=lambda c: _height_pt(columns[c], 12, width_pt))
        if columns[target]:
            columns[target].append(("", -4, {}))  # space between sections
        columns[target].extend(lines)
    height_pt = height / 12700 - 10
    size = next(
        (s for s in (16, 15, 14, 13, 12, 11, 10) if all(_height_pt(c, s, width_pt) <= height_pt for c in columns)), 9
    )
    for c, paragraphs in enumerate(columns):
        frame = _textbox(slide, left + c * (col_w + gap), top, col_w, height)
        for k, (text, offset, style) in enumerate(paragraphs):
            _paragraph(frame, text, size=size + offset, first=k == 0, **style)


def _footer(slide, deck: Deck, number: int) -> None:  # type: ignore[no-untyped-def]
    frame = _textbox(slide, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN - Inches(1.0), Inches(0.35))
    _paragraph(frame, deck.footer, size=10, first=True, color=GREY)
    num = _textbox(slide, WIDTH - MARGIN - Inches(1.0), HEIGHT - Inches(0.45), Inches(1.0), Inches(0.35))
    p = _paragraph(num, f"{number} / {len(deck.slides)}", size=10, first=True, color=GREY)
    p.alignment = PP_ALIGN.RIGHT


def _body(slide, s: Slide, top: int) -> None:  # type: ignore[no-untyped-def]
    bottom = HEIGHT - Inches(0.6)
    height = bottom - top
    full = WIDTH - 2 * MARGIN
    right_parts = s.table is not None or bool(s.sections)
    if s.chart is not None and right_parts:
        chart_w = int(full * (0.40 if s.table is not None else 0.42))
        _chart(slide, s.chart, MARGIN, top, chart_w, height)
        left = MARGIN + chart_w + Inches(0.3)
        width = full - chart_w - Inches(0.3)
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
        _title(slide, s, big=s.key == "titel")
        top = Inches(1.6) if s.subtitle else Inches(1.2)
        if s.metrics:
            _metrics(slide, s.metrics, top)
            top += Inches(1.25)
        _body(slide, s, top)
        _footer(slide, deck, number)
        notes = s.notes + ("\n\n" if s.notes else "") + deck.footer
        slide.notes_slide.notes_text_frame.text = xml_safe(notes)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
