"""Layout checks for a page open in Playwright: what a reader would see as cut, overlapping or scrolled.

Each check is a function `check(page) -> list[str]` that returns German-free, human-readable problem
descriptions (empty list = fine), so a failing test names what is wrong and where. The measuring is
done in the browser (one `page.evaluate` per check) on the real rendered DOM:

- `horizontal_scroll`: the page body (document, Streamlit's app view or main container) is wider than
  the window, so the reader has to scroll sideways.
- `chart_text`: every Plotly text a reader needs (title, tick labels, annotations, bar/point labels,
  axis titles, legend entries) lies inside its chart and does not overlap another one. Texts are
  compared as rotated rectangles (`getBBox` through `getScreenCTM`), so 45° tick labels are not
  reported just because their axis-aligned boxes overlap. Touching within `tolerance` px is allowed.
- `annotation_on_data`: an annotation (e.g. "Frühwarnung seit …") lying on a bar or marker.
- `table_cut`: an `st.dataframe` (glide grid, drawn on a canvas) whose columns are partly hidden
  behind a horizontal scroll, or whose column widths are narrower than the text they hold (the cell
  texts come from the grid's accessibility table, their widths are measured with the grid's font);
  an `st.table` (HTML) that only fits with a horizontal scroll.
- `page_error`: a Streamlit exception (traceback) or Streamlit's English "Page not found" dialog.
- `slide_fit`, `slide_font_sizes`, `slide_chrome`: the Präsentationsmodus slide
  (`.st-key-praes_body`) fits the window, its text is large enough for a projector, and the audience
  sees no controls outside the slide.

Part B of issue 11 adds cases by calling these functions on more pages; tests/browser/test_layout_checks.py
proves each check reports a deliberately broken synthetic page.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from tests.browser.conftest import WAIT_MS

SIZES: dict[str, tuple[int, int]] = {
    "1440x900": (1440, 900),
    "1920x1080": (1920, 1080),
    "390x844": (390, 844),
    "1280x720": (1280, 720),
}
CHART = '[data-testid="stPlotlyChart"]'
SLIDE_BODY = ".st-key-praes_body"
MAX_SHOT_HEIGHT = 9000

# --- in-browser measurements (static JS, arguments passed by Playwright) ------------------------

_HORIZONTAL_SCROLL_JS = """
() => {
  const out = [];
  const se = document.scrollingElement;
  if (se.scrollWidth > window.innerWidth + 1)
    out.push(`Seite ist ${se.scrollWidth} px breit bei ${window.innerWidth} px Fenster (Querscrollen)`);
  for (const id of ['stAppViewContainer', 'stMain']) {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (el && el.scrollWidth > el.clientWidth + 1)
      out.push(`${id} ist ${el.scrollWidth} px breit bei ${el.clientWidth} px sichtbar (Querscrollen)`);
  }
  return out;
}
"""

# Shared helper: corners of an SVG/HTML element as a (possibly rotated) quadrilateral in viewport px.
_QUAD_JS = """
const quad = (el) => {
  if (el.getBBox && el.getScreenCTM) {
    const b = el.getBBox(), m = el.getScreenCTM();
    if (!m || b.width < 0.5 || b.height < 0.5) return null;
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  }
  const r = el.getBoundingClientRect();
  if (r.width < 0.5 || r.height < 0.5) return null;
  return [[r.left, r.top], [r.right, r.top], [r.right, r.bottom], [r.left, r.bottom]];
};
// Separating axis test for two convex quads: overlapping by more than tol px along every axis.
const overlaps = (p, q, tol) => {
  for (const poly of [p, q]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      let nx = y1 - y2, ny = x2 - x1; const len = Math.hypot(nx, ny) || 1; nx /= len; ny /= len;
      const proj = (pts) => pts.map(([x, y]) => x * nx + y * ny);
      const a = proj(p), b = proj(q);
      const depth = Math.min(Math.max(...a), Math.max(...b)) - Math.max(Math.min(...a), Math.min(...b));
      if (depth <= tol) return false;
    }
  }
  return true;
};
const visible = (el) => {
  for (let n = el; n && n.nodeType === 1; n = n.parentNode) {
    const s = getComputedStyle(n);
    if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
  }
  return true;
};
"""

_CHART_TEXT_JS = (
    "(tol) => {"
    + _QUAD_JS
    + """
  const KINDS = [
    ['Titel', 'text.gtitle'], ['x-Tick', 'g.xtick > text'], ['y-Tick', 'g.ytick > text'],
    ['Annotation', 'g.annotation text'], ['Beschriftung', 'g.textpoint > text'],
    ['Achsentitel', 'text.xtitle, text.ytitle'], ['Legende', 'text.legendtext'],
  ];
  const out = [];
  [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter((e) => e.getClientRects().length).forEach((chart, ci) => {
    const svg = chart.querySelector('svg.main-svg');
    if (!svg) return;
    const s = svg.getBoundingClientRect(), c = chart.getBoundingClientRect();
    const box = { l: Math.max(s.left, c.left), r: Math.min(s.right, c.right), t: Math.max(s.top, c.top), b: Math.min(s.bottom, c.bottom) };
    const title = ((chart.querySelector('text.gtitle') || {}).textContent || '').trim();
    const name = `Diagramm ${ci + 1}` + (title ? ` „${title.slice(0, 60)}“` : '');
    const items = [];
    for (const [kind, sel] of KINDS) {
      for (const el of chart.querySelectorAll(sel)) {
        const text = el.textContent.trim();
        const q = text && visible(el) ? quad(el) : null;
        if (q) items.push({ kind, text, q });
      }
    }
    for (const it of items) {
      const xs = it.q.map((p) => p[0]), ys = it.q.map((p) => p[1]);
      const cut = [Math.max(0, box.l - Math.min(...xs)), Math.max(0, Math.max(...xs) - box.r),
                   Math.max(0, box.t - Math.min(...ys)), Math.max(0, Math.max(...ys) - box.b)];
      const worst = Math.max(...cut);
      if (worst > tol) out.push(`${name}: ${it.kind} „${it.text.slice(0, 50)}“ ragt ${Math.round(worst)} px aus dem Diagramm`);
    }
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        if (overlaps(items[i].q, items[j].q, tol))
          out.push(`${name}: ${items[i].kind} „${items[i].text.slice(0, 40)}“ überlappt ${items[j].kind} „${items[j].text.slice(0, 40)}“`);
      }
    }
  });
  return out;
}
"""
)

_ANNOTATION_ON_DATA_JS = (
    "(tol) => {"
    + _QUAD_JS
    + """
  const out = [];
  [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter((e) => e.getClientRects().length).forEach((chart, ci) => {
    const marks = [...chart.querySelectorAll('g.trace.bars g.point path, g.trace.scatter g.points path.point')]
      .filter(visible).map(quad).filter(Boolean);
    for (const el of chart.querySelectorAll('g.annotation text')) {
      const q = el.textContent.trim() && visible(el) ? quad(el) : null;
      if (q && marks.some((m) => overlaps(q, m, tol)))
        out.push(`Diagramm ${ci + 1}: Annotation „${el.textContent.trim().slice(0, 50)}“ liegt auf den Daten`);
    }
  });
  return out;
}
"""
)

_DATAFRAME_CUT_JS = """
(tol) => {
  const out = [];
  const ctx = document.createElement('canvas').getContext('2d');
  const PAD = 8 * 2; // glide-data-grid's cellHorizontalPadding on both sides
  const CHART_DATA = /^-?[0-9.e+-]+(,-?[0-9.e+-]+){2,}$/;  // a chart cell's data in the accessibility table
  [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter((e) => e.getClientRects().length).forEach((df, i) => {
    const heads = [...df.querySelectorAll('table thead th')].map((th) => th.textContent.trim());
    const name = `Tabelle ${i + 1} [${heads.join(', ').slice(0, 80)}]`;
    const scroller = df.querySelector('.dvn-scroller');
    if (!scroller) return;
    if (scroller.scrollWidth > scroller.clientWidth + tol)
      out.push(`${name}: ${scroller.scrollWidth - scroller.clientWidth} px der Spalten nur per Querscrollen sichtbar`);
    const editor = df.querySelector('.stDataFrameGlideDataEditor') || df;
    const css = getComputedStyle(editor);
    const family = css.getPropertyValue('--gdg-font-family') || 'sans-serif';
    const fontOf = (v, dflt) => `${(css.getPropertyValue(v) || dflt).trim()} ${family}`;
    const width = (text, font) => { ctx.font = font; return ctx.measureText(text).width; };
    const need = heads.map((h) => width(h, fontOf('--gdg-header-font-style', '600 14px')) + PAD);
    let longest = { w: 0, text: '' };
    for (const tr of df.querySelectorAll('table tbody tr')) {
      [...tr.children].forEach((td, j) => {
        if (CHART_DATA.test(td.textContent)) return;  // a line/bar chart column: drawn, its numbers are not shown
        const w = width(td.textContent, fontOf('--gdg-base-font-style', '14px')) + PAD;
        if (j < need.length) need[j] = Math.max(need[j], w);
        if (w > longest.w) longest = { w, text: td.textContent };
      });
    }
    const stack = [...df.querySelectorAll('.dvn-stack > div')].map((d) => d.offsetWidth);
    const total = stack.length ? Math.max(...stack) : scroller.scrollWidth;  // sum of the column widths
    const wanted = need.reduce((a, b) => a + b, 0);
    if (wanted > total + tol + 2)
      out.push(`${name}: Spalten ${total} px breit, Texte brauchen ${Math.round(wanted)} px (abgeschnitten, z. B. „${longest.text.slice(0, 50)}“)`);
  });
  [...document.querySelectorAll('[data-testid="stTable"]')].filter((e) => e.getClientRects().length).forEach((t, i) => {
    const heads = [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const wide = [t, ...t.querySelectorAll('div')].find((el) => el.scrollWidth > el.clientWidth + tol);
    if (wide) out.push(`HTML-Tabelle ${i + 1} [${heads.join(', ').slice(0, 80)}]: ${wide.scrollWidth - wide.clientWidth} px nur per Querscrollen sichtbar`);
  });
  return out;
}
"""

_PAGE_ERROR_JS = """
() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stException"]'))
    out.push(`Fehlermeldung: „${el.innerText.trim().slice(0, 80)}“`);
  for (const el of document.querySelectorAll('[role="dialog"], [data-testid="stToast"]'))
    if (/not found|does not seem to exist/i.test(el.innerText))
      out.push(`Hinweis „${el.innerText.trim().replace(/\\s+/g, ' ').slice(0, 80)}“`);
  return out;
}
"""

_SLIDE_FIT_JS = """
(sel) => {
  const body = document.querySelector(sel);
  if (!body) return ['keine Folie gefunden'];
  const r = body.getBoundingClientRect();
  const out = [];
  if (r.bottom > window.innerHeight + 1)
    out.push(`Folie ragt ${Math.round(r.bottom - window.innerHeight)} px unter den Bildschirmrand (${window.innerWidth}×${window.innerHeight})`);
  if (r.top < -1) out.push(`Folie beginnt ${Math.round(-r.top)} px über dem Bildschirmrand`);
  if (r.right > window.innerWidth + 1) out.push(`Folie ragt ${Math.round(r.right - window.innerWidth)} px rechts hinaus`);
  return out;
}
"""

_SLIDE_FONTS_JS = """
([sel, bodyMin, chartMin]) => {
  const body = document.querySelector(sel);
  if (!body) return ['keine Folie gefunden'];
  const small = new Map();
  const note = (kind, el, size, min) => {
    if (size + 0.01 >= min) return;
    const key = `${kind} ${size.toFixed(1)} px`;
    if (!small.has(key)) small.set(key, el.textContent.trim().slice(0, 40));
  };
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || el.closest('svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    note('Text', el, parseFloat(getComputedStyle(el).fontSize), bodyMin);
  }
  for (const t of body.querySelectorAll('.main-svg text')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width < 1) continue;
    note('Diagrammtext', t, parseFloat(getComputedStyle(t).fontSize), chartMin);
  }
  return [...small].map(([k, v]) => `${k} < Minimum: „${v}“`);
}
"""

_SLIDE_CHROME_JS = """
(sel) => {
  const body = document.querySelector(sel);
  const out = [];
  const inView = (r) => r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (sidebar && inView(sidebar.getBoundingClientRect()) && getComputedStyle(sidebar).display !== 'none')
    out.push('Seitenleiste sichtbar');
  const controls = 'button, [data-testid="stSelectbox"], [data-testid="stExpander"] summary, h5';
  for (const el of document.querySelectorAll(`[data-testid="stMain"] :is(${controls})`)) {
    if (body && body.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (inView(r) && getComputedStyle(el).visibility !== 'hidden')
      out.push(`sichtbar für das Publikum: „${(el.innerText || el.getAttribute('aria-label') || el.tagName).trim().split('\\n')[0].slice(0, 40)}“`);
  }
  return [...new Set(out)];
}
"""


# --- the checks ---------------------------------------------------------------------------------


def horizontal_scroll(page: Any) -> list[str]:
    return page.evaluate(_HORIZONTAL_SCROLL_JS)


def chart_text(page: Any, *, tolerance: float = 1.0) -> list[str]:
    return page.evaluate(_CHART_TEXT_JS, tolerance)


def annotation_on_data(page: Any, *, tolerance: float = 1.0) -> list[str]:
    return page.evaluate(_ANNOTATION_ON_DATA_JS, tolerance)


def table_cut(page: Any, *, tolerance: float = 1.0) -> list[str]:
    return page.evaluate(_DATAFRAME_CUT_JS, tolerance)


def page_error(page: Any) -> list[str]:
    return page.evaluate(_PAGE_ERROR_JS)


def slide_fit(page: Any) -> list[str]:
    return page.evaluate(_SLIDE_FIT_JS, SLIDE_BODY)


def slide_font_sizes(page: Any, *, body_min: float = 24, chart_min: float = 20) -> list[str]:
    return page.evaluate(_SLIDE_FONTS_JS, [SLIDE_BODY, body_min, chart_min])


def slide_chrome(page: Any) -> list[str]:
    return page.evaluate(_SLIDE_CHROME_JS, SLIDE_BODY)


PAGE_CHECKS = {
    "horizontal_scroll": horizontal_scroll,
    "chart_text": chart_text,
    "annotation_on_data": annotation_on_data,
    "table_cut": table_cut,
    "page_error": page_error,
}


def check_page(page: Any) -> dict[str, list[str]]:
    """All general checks on the page as it is now drawn: {check name: problems}."""
    return stable(lambda: {name: check(page) for name, check in PAGE_CHECKS.items()}, page)


def stable(measure: Any, page: Any, *, tries: int = 5, pause_ms: int = 300) -> Any:
    """Measure until two measurements in a row agree: Plotly may still be re-laying out a chart
    (legend and ticks move) on a busy machine, and a check must not report a passing state."""
    last = measure()
    for _ in range(tries - 1):
        page.wait_for_timeout(pause_ms)
        now = measure()
        if now == last:
            return now
        last = now
    return last


# --- waiting and screenshots ----------------------------------------------------------------------


def settle(page: Any, *, pause_ms: int = 250) -> None:
    """Until Streamlit finished its run and every Plotly chart has drawn (and re-laid out)."""
    page.wait_for_timeout(pause_ms)
    # the script run has finished (the status widget shows only after a delay, so check the app state too)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=WAIT_MS)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{CHART}')].filter((e) => e.getClientRects().length).every((c) => c.querySelector('.main-svg'))",
        timeout=WAIT_MS,
    )
    # glide-data-grid fills its accessibility table (the cell texts table_cut measures) after drawing
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stDataFrame\"]')].filter((e) => e.getClientRects().length).every((d) => d.querySelector('table th'))",
        timeout=WAIT_MS,
    )
    charts_fitted(page)
    page.wait_for_timeout(pause_ms)


_FITTED_JS = f"""() => [...document.querySelectorAll('{CHART}')].filter((e) => e.getClientRects().length).every((c) => {{
  const svg = c.querySelector('.main-svg');
  return svg && Math.abs(svg.getBoundingClientRect().width - c.getBoundingClientRect().width) <= 2;
}}) && [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter((e) => e.getClientRects().length).every((d) => {{
  const sc = d.querySelector('.dvn-scroller');  // the grid follows its container, or is narrower than it and complete
  return !sc || (sc.clientWidth <= d.clientWidth + 2
    && (sc.clientWidth >= d.clientWidth - 4 || sc.scrollWidth <= sc.clientWidth + 1));
}})"""


def charts_fitted(page: Any, *, timeout_ms: int = 4_000) -> None:
    """Wait (bounded) until Plotly charts and data grids re-laid out to their container's width after a resize.

    Best effort: a chart with a fixed width never matches, so the wait ends after `timeout_ms`.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(_FITTED_JS, timeout=timeout_ms)


def resize(page: Any, width: int, height: int) -> None:
    """Set the window size and let Plotly re-lay out the charts, as after a person resizes the window.

    A second resize event after the charts fitted: on a busy machine Plotly sometimes keeps a legend
    placed for the previous size (over the tick labels) until the next re-layout.
    """
    if page.viewport_size != {"width": width, "height": height}:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        charts_fitted(page)
        page.evaluate("() => window.dispatchEvent(new Event('resize'))")
        page.wait_for_timeout(300)


def screenshot(page: Any, path: Path, *, full: bool = True) -> Path:
    """PNG of the page; `full`: all of it (Streamlit scrolls inside stMain, so the window grows to its height).

    The window is left at the grown height: call `resize` before measuring again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if full:
        size = page.viewport_size
        height = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 0; }"
        )
        tall = min(max(size["height"], height), MAX_SHOT_HEIGHT)
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": tall})
            page.wait_for_timeout(250)
    page.screenshot(path=str(path))
    return path
