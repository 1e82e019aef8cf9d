"""The slide deck as one self-contained HTML file: opens offline, can be e-mailed, prints as PDF.

No script, no external file, no web font: inline CSS and inline SVG charts drawn here, and a
Content-Security-Policy that forbids loading anything, so the report looks the same on a
laptop without network and cannot phone home. Every text goes through `html.escape` —
reading comments are typed by users.
"""

from __future__ import annotations

import html

from kora import fmt
from kora.report.deck import Chart, Deck, Metric, Section, Slide, Table
from kora.report.export.common import xml_safe

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
:root { --ink: #1a1a1a; --grey: #555; --light: #f2f4f7; --accent: #0072B2; --line: #d9dde3; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: #e9ecf0; color: var(--ink);
       font-family: "Segoe UI", Calibri, "DejaVu Sans", Arial, sans-serif; font-size: 17px; line-height: 1.4; }
.top { max-width: 1280px; margin: 24px auto 8px; padding: 0 16px; }
.top h1 { margin: 0 0 4px; font-size: 30px; }
.filters { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0; padding: 0; list-style: none; color: var(--grey); }
.filters b { color: var(--ink); font-weight: 600; }
.demo { display: inline-block; background: #fff3cd; border: 1px solid #e6c200; border-radius: 6px; padding: 4px 10px; margin: 6px 0; }
.toc { margin: 10px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px; }
.toc a { display: inline-block; padding: 4px 10px; border-radius: 14px; background: #fff; color: var(--accent);
         text-decoration: none; border: 1px solid var(--line); font-size: 15px; }
.slide { max-width: 1280px; margin: 18px auto; background: #fff; border-radius: 10px; padding: 28px 36px 16px;
         box-shadow: 0 1px 4px rgba(0,0,0,.12); display: flex; flex-direction: column; min-height: 640px; }
.slide h2 { margin: 0; font-size: 32px; line-height: 1.2; }
.slide.titel h2 { font-size: 42px; }
.subtitle { margin: 6px 0 0; color: var(--grey); font-size: 18px; }
.metrics { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px; margin: 18px 0 6px; }
.metric { background: var(--light); border-radius: 10px; padding: 10px 16px; }
.metric .label { color: var(--grey); font-size: 15px; }
.metric .value { font-size: 30px; font-weight: 700; line-height: 1.2; }
.metric .note { color: var(--grey); font-size: 14px; }
.body { display: flex; flex-direction: column; gap: 18px; margin-top: 14px; flex: 1; }
figure { margin: 0; }
figcaption { font-weight: 700; font-size: 18px; margin-bottom: 6px; }
svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 15px; }
th { background: var(--accent); color: #fff; text-align: left; padding: 6px 8px; font-weight: 600; }
td { padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; white-space: pre-line; }
tr:nth-child(even) td { background: #f8f9fb; }
.sections { column-width: 330px; column-gap: 28px; }  /* balanced columns: a long list does not leave three empty ones */
.section { break-inside: avoid; margin-bottom: 16px; }
.section h3 { margin: 0 0 6px; color: var(--accent); font-size: 19px; }
.section ul { margin: 0; padding-left: 20px; }
.section li { margin: 0 0 6px; }
.section .detail { display: block; color: var(--grey); font-size: 14px; }
.section .empty, .section .more { color: var(--grey); font-style: italic; margin: 0; }
.notes { margin-top: 12px; color: var(--grey); font-size: 14px; }
.notes summary { cursor: pointer; }
.slide > footer { margin-top: 16px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--grey);
                  font-size: 13px; display: flex; justify-content: space-between; gap: 16px; }
.slide > footer span:last-child { white-space: nowrap; }
.colophon { max-width: 1280px; margin: 8px auto 32px; padding: 0 16px; color: var(--grey); font-size: 13px; }
@media (max-width: 900px) { .slide { padding: 18px; } }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background: #fff; font-size: 13px; }
  .toc, .notes summary { display: none; }
  .notes { display: none; }
  .slide { box-shadow: none; margin: 0; padding: 0; max-width: none; min-height: 0; break-after: page; page-break-after: always; }
  .top { margin: 0 0 8mm; }
}
"""


def esc(text: object) -> str:
    """Every text in the report goes through here (user comments included)."""
    return html.escape(xml_safe(text), quote=True)


# --- SVG bar charts ----------------------------------------------------------------------------

BAR_W = 600  # with the label column about the width of a slide: charts use the room, scale down on phones
VALUE_W = 70
GROUP_GAP = 10
CHAR_W = 7.4  # average glyph width at 14 px, for the label column


def svg_chart(chart: Chart) -> str:
    """Horizontal bars 0–100 %, first category on top; several series side by side with a legend."""
    n_series = max(1, len(chart.series))
    bar_h = 22 if n_series == 1 else 16
    group_h = bar_h * n_series + GROUP_GAP
    legend_h = 22 * n_series + 4 if n_series > 1 else 0
    top = 24 + legend_h
    height = top + group_h * len(chart.categories) + 8
    x0 = int(max([12, *(len(c) for c in chart.categories)]) * CHAR_W) + 24
    width = x0 + BAR_W + VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" '
        f'aria-label="{esc(chart.title)}" font-family="Segoe UI, Calibri, DejaVu Sans, Arial, sans-serif">'
    ]
    if n_series > 1:
        for k, s in enumerate(chart.series):
            y = 4 + 22 * k
            parts.append(f'<rect x="{x0}" y="{y}" width="14" height="14" fill="{esc(s.color)}"/>')
            parts.append(f'<text x="{x0 + 20}" y="{y + 12}" font-size="13" fill="#333">{esc(s.name)}</text>')
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = x0 + BAR_W * tick
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 6}" stroke="#e3e3e3"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top - 10}" font-size="13" fill="#666" text-anchor="middle">{esc(fmt.percent(tick))}</text>'
        )
    for i, category in enumerate(chart.categories):
        y = top + i * group_h
        parts.append(
            f'<text x="{x0 - 8}" y="{y + (group_h - GROUP_GAP) / 2 + 5:.1f}" font-size="14" fill="#1a1a1a" '
            f'text-anchor="end">{esc(category)}</text>'
        )
        for j, series in enumerate(chart.series):
            value = series.values[i] if i < len(series.values) else None
            color = chart.colors[i] if n_series == 1 and chart.colors else series.color
            by = y + j * bar_h
            w = 0.0 if value is None else max(0.0, min(1.0, float(value))) * BAR_W
            label = fmt.attainment(value, value)  # below the start: "−20 % (unter Startwert)", no bar
            parts.append(
                f'<rect x="{x0}" y="{by + 2}" width="{w:.1f}" height="{bar_h - 4}" fill="{esc(color)}">'
                f"<title>{esc(category)} · {esc(series.name)}: {esc(label)}</title></rect>"
            )
            parts.append(
                f'<text x="{x0 + w + 6:.1f}" y="{by + bar_h / 2 + 4:.1f}" font-size="13" fill="#1a1a1a">{esc(label)}</text>'
            )
    parts.append(f'<line x1="{x0}" y1="{top - 6}" x2="{x0}" y2="{height - 6}" stroke="#888"/>')
    parts.append("</svg>")
    return "".join(parts)


# --- blocks ----------------------------------------------------------------------------------


def _metrics(metrics: tuple[Metric, ...]) -> str:
    if not metrics:
        return ""
    cells = "".join(
        f'<div class="metric"><div class="label">{esc(m.label)}</div><div class="value">{esc(m.value)}</div>'
        + (f'<div class="note">{esc(m.note)}</div>' if m.note else "")
        + "</div>"
        for m in metrics
    )
    return f'<div class="metrics">{cells}</div>'


def _table(table: Table) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(section: Section) -> str:
    out = [f'<div class="section"><h3>{esc(section.heading)}</h3>']
    if not section.items:
        out.append(f'<p class="empty">{esc(section.empty)}</p>')
    else:
        out.append("<ul>")
        for item in section.items:
            detail = f'<span class="detail">{esc(item.detail)}</span>' if item.detail else ""
            out.append(f"<li>{esc(item.text)}{detail}</li>")
        out.append("</ul>")
    if section.more:
        out.append(f'<p class="more">… und {section.more} weitere</p>')
    out.append("</div>")
    return "".join(out)


def _slide(deck: Deck, s: Slide, number: int) -> str:
    parts = [f'<section class="slide {esc(s.key)}" id="folie-{number}"><header><h2>{esc(s.title)}</h2>']
    if s.subtitle:
        parts.append(f'<p class="subtitle">{esc(s.subtitle)}</p>')
    parts.append("</header>")
    parts.append(_metrics(s.metrics))
    side = ""
    if s.table is not None:
        side = _table(s.table)
    elif s.sections:
        side = '<div class="sections">' + "".join(_section(x) for x in s.sections) + "</div>"
    chart = f"<figure><figcaption>{esc(s.chart.title)}</figcaption>{svg_chart(s.chart)}</figure>" if s.chart else ""
    parts.append(f'<div class="body">{chart}{side}</div>')
    if s.notes:
        parts.append(f'<details class="notes"><summary>Hinweise</summary><p>{esc(s.notes)}</p></details>')
    parts.append(f"<footer><span>{esc(deck.footer)}</span><span>Folie {number} / {len(deck.slides)}</span></footer>")
    parts.append("</section>")
    return "".join(parts)


def build_html(deck: Deck) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    filters = "".join(f"<li>{esc(label)}: <b>{esc(value)}</b></li>" for label, value in deck.filters)
    toc = "".join(f'<li><a href="#folie-{i}">{i}. {esc(s.title)}</a></li>' for i, s in enumerate(deck.slides, 1))
    demo = (
        '<p class="demo">🧪 Dieser Bericht zeigt Beispieldaten, keine echten Messwerte der Stadt.</p>'
        if deck.demo
        else ""
    )
    title = f"{deck.title} · Stand {fmt.month_name(deck.as_of)}"
    slides = "".join(_slide(deck, s, i) for i, s in enumerate(deck.slides, 1))
    return (
        "<!doctype html>\n"
        '<html lang="de"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="KoRa-Monitor">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<div class="top"><h1>{esc(title)}</h1><p class="subtitle">{esc(deck.plan_title)}</p>'
        f'<ul class="filters">{filters}</ul>{demo}<ul class="toc">{toc}</ul></div>'
        f"{slides}"
        '<p class="colophon">Erstellt mit KoRa-Monitor. Zum Drucken oder als PDF: im Browser „Drucken“ → '
        "„Als PDF speichern“ (eine Folie je Seite).</p>"
        "</body></html>\n"
    )
