"""German number, percent and date formatting for text, tables and chart labels.

The audience reads 1.234,5 and "März 2025"; Python's locale module depends on the machine's
installed locales, so formatting is done here explicitly and tested.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from typing import Any

import pandas as pd

from kora.labels import STATUS_ICONS, STATUS_LABELS

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
# As German Excel shows them with the format MMM.
MONTHS_SHORT = ("Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")

# A cell starting with one of these is a formula to Excel/LibreOffice: text exports escape it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

# plotly's `separators`: decimal mark first, then thousands separator.
PLOTLY_SEPARATORS = ",."


def is_missing(value: Any) -> bool:
    """None, NaN, NA and NaT alike (DuckDB and pandas hand us all four)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a missing scalar
        return False


def as_date(value: Any) -> dt.date | None:
    """Dates arrive as date, Timestamp, NaT or None; callers want a date or None."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value


def status_text(status: Any) -> str:
    """'⚠️ gefährdet' — status as icon and word, never colour alone."""
    key = "no_data" if is_missing(status) else str(status)
    return f"{STATUS_ICONS.get(key, '')} {STATUS_LABELS.get(key, key)}".strip()


def number(value: float | int | None, digits: int = 1, *, unit: str = "", missing: str = "–") -> str:
    """1234.5 → '1.234,5'; integers without decimals when `digits` is 0."""
    if is_missing(value):
        return missing
    assert value is not None
    text = f"{float(value):,.{digits}f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    if text.startswith("-") and float(text.replace(".", "").replace(",", ".")) == 0:
        text = text[1:]
    return f"{text}\u00a0{unit}" if unit else text


def smart_number(value: float | int | None, *, unit: str = "", missing: str = "–") -> str:
    """Whole numbers without decimals, others with up to two (trailing zeros dropped)."""
    if is_missing(value):
        return missing
    assert value is not None
    v = float(value)
    if v.is_integer():
        return number(v, 0, unit=unit)
    text = number(v, 2)
    text = text.rstrip("0").rstrip(",") if "," in text else text
    return f"{text}\u00a0{unit}" if unit else text


def exact_number(value: float | None) -> str:
    """1234.5678 → '1.234,5678': every decimal up to six, for messages that quote a cell as written.

    A problem message must show the number the file holds, not a rounded one ('0,049 liegt außerhalb …'
    is useful, '0 liegt außerhalb …' is not). Missing values give ''.
    """
    if value is None or value != value:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(fraction: float | None, digits: int = 0, *, missing: str = "–") -> str:
    """0.2 → '20 %' (German typography: space before %)."""
    if is_missing(fraction):
        return missing
    assert fraction is not None
    return number(fraction * 100, digits) + "\u00a0%"


def signed_points(delta: float | None, *, missing: str = "–") -> str:
    """Change in percentage points: 0.05 → '+5 Pp.'"""
    if is_missing(delta):
        return missing
    assert delta is not None
    pts = round(delta * 100)
    return f"{'+' if pts > 0 else '±' if pts == 0 else '−'}{abs(pts)}\u00a0Pp."


def zielpfad_gap(gap: float | None, *, missing: str = "") -> str:
    """Attainment minus Soll as words: −0.05 → '5 Pp. hinter dem Zielpfad', 0.004 → 'auf dem Zielpfad'."""
    if is_missing(gap):
        return missing
    assert gap is not None
    pts = round(gap * 100)
    if pts == 0:
        return "auf dem Zielpfad"
    return f"{abs(pts)}\u00a0Pp. {'vor' if pts > 0 else 'hinter'} dem Zielpfad"


def shown_attainment(clamped: float | None, raw: float | None = None) -> float | None:
    """The attainment a view shows: the raw value when it lies below the clamped one, else the clamped one.

    For an indicator that is exactly "below its start" (raw < 0 %). For a roll-up (Vorhaben,
    Aktionsfeld, Gesamt) the raw value is the mean of its parts' raw values, so a part below its
    start pulls it down: the total the reader sees is the mean of the cards they see (B at −100 %
    beside A, C, D made "Gesamt 65 %" from the clamped values, 40 % from the shown ones).
    One number for text, bar and gap, so "Soll 83 % · 5 Pp. hinter dem Zielpfad" is always the
    difference of the two percentages the reader sees.
    """
    if is_missing(raw):
        return None if is_missing(clamped) else float(clamped)  # type: ignore[arg-type]
    if is_missing(clamped) or round(float(raw) * 100) < round(float(clamped) * 100):  # type: ignore[arg-type]
        return float(raw)  # type: ignore[arg-type]
    return None if is_missing(clamped) else float(clamped)  # type: ignore[arg-type]


def signed_percent(fraction: float | None, *, missing: str = "–") -> str:
    """−0.6 → '−60 %' (a real minus sign, as in the texts)."""
    return percent(fraction, missing=missing).replace("-", "\u2212")


def attainment(clamped: float | None, raw: float | None = None, *, missing: str = "–") -> str:
    """The attainment people read: '40 %', or for a value below its start '−60 % (unter Startwert)'.

    The clamped 0 % would say "nothing happened" where the raw value says "we went backwards".
    """
    shown = shown_attainment(clamped, raw)
    text = signed_percent(shown, missing=missing)
    return f"{text} (unter Startwert)" if shown is not None and shown < 0 else text


def soll_text(clamped: float | None, raw: float | None, soll: float | None) -> str | None:
    """'Soll 83 % · 5 Pp. hinter dem Zielpfad' (shown attainment − Soll), None without a Soll."""
    shown = shown_attainment(clamped, raw)
    if is_missing(soll) or shown is None:
        return None
    return f"Soll {percent(soll)} · {zielpfad_gap(shown - float(soll))}"  # type: ignore[arg-type]


def month_name(month: dt.date) -> str:
    """date(2025, 3, 1) → 'März 2025'."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def month_short(month: dt.date) -> str:
    """date(2025, 3, 1) → 'Mrz 25' (German Excel's MMM YY)."""
    return f"{MONTHS_SHORT[month.month - 1]} {month.year % 100:02d}"


def month_numeric(month: dt.date) -> str:
    """date(2025, 3, 1) → '03/2025': short and unambiguous, for file messages and templates."""
    return f"{month.month:02d}/{month.year}"


def date(value: dt.date | dt.datetime | None, *, missing: str = "–") -> str:
    """date(2025, 3, 31) → '31.03.2025'."""
    if value is None or is_missing(value):
        return missing
    return value.strftime("%d.%m.%Y")


def local_stamp(stored_utc: Any, *, seconds: bool = False, missing: str = "") -> str:
    """A stored (naive UTC) timestamp as Aachen wall time: '26.11.2026 08:15'."""
    from kora.periods import to_local

    local = to_local(stored_utc)
    if local is None:
        return missing
    return local.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def datetime(value: dt.datetime | None, *, missing: str = "–") -> str:
    if value is None:
        return missing
    return value.strftime("%d.%m.%Y %H:%M")


def value_with_unit(value: float | None, unit: str, *, direction: str = "up") -> str:
    """Readings as users know them: ja/nein for yes/no indicators, else number + unit."""
    if is_missing(value):
        return "–"
    if direction == "yesno":
        return "ja" if value and float(value) >= 0.5 else "nein"
    if unit in ("Anzahl", ""):
        return smart_number(value)
    return smart_number(value, unit=unit)


# Unicode bidi controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM): in user text they
# reorder what is shown ("rechnung\u202ecsv.exe" displays as "rechnungexe.vsc"), so they are shown as codes.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Terminal control characters (ESC sequences recolour, move the cursor or rewrite earlier lines).
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible_text(text: object) -> str:
    """User text with every bidi control shown as its code (‹U+202E›), for any output format.

    The one rule for names, file names, comments and reasons before they reach Markdown (`markdown`),
    HTML/PPTX/XLSX (`kora.report.export.common.xml_safe`), Plotly labels (`plotly_text`) or the
    terminal (`terminal`).
    """
    return _BIDI.sub(lambda m: f"‹U+{ord(m.group()):04X}›", str(text))


_PLOTLY_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plotly_text(text: object) -> str:
    """User text for Plotly titles, axis/tick labels, hover and annotation text, shown as typed.

    Plotly renders a subset of HTML in these strings (`<b>`, `<br>`, `<a href=…>`, `<span style>`)
    and decodes entities: a Maßnahme titled `<a href="…">` would become a live link in the chart.
    `&`, `<`, `>` become entities (Plotly shows them as the characters again); bidi controls become
    codes (`visible_text`). Shorten text before escaping, never after (an entity must not be cut).
    """
    return visible_text(text).translate(_PLOTLY_ENTITIES)


def terminal(text: object) -> str:
    """User text for the terminal: bidi controls visible, control characters (ESC …) as ‹^X› codes."""
    return _TERMINAL_CONTROLS.sub(lambda m: f"‹0x{ord(m.group()):02X}›", visible_text(text))


# Every character with a meaning in Streamlit's Markdown (CommonMark + GFM autolinks + HTML + KaTeX).
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&\"'=")


def markdown(text: object) -> str:
    """User or plan text made inert for Markdown, shown exactly as typed.

    The one escaping rule for st.markdown/st.error/st.caption: names, file names, reasons,
    comments and plan texts ("Planer*innen") never become emphasis, links, images, HTML or maths,
    and `https:…` is not auto-linked. Line breaks stay line breaks; bidi controls are shown as
    codes (`visible_text`).
    """
    out = []
    for ch in visible_text(text):
        if ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")
        else:
            out.append(ch)
    return "".join(out)


def chart_lines(text: object, width: int) -> str:
    """Text for a plotly label, wrapped at word boundaries into lines of at most `width` characters.

    Plotly cuts nothing itself: a long title or axis label simply runs out of the figure (issue 11:
    "…Radfahrstreifen — ⚠️ gefährd" at 1440 px, Vorhaben names clipped on the phone). Plotly reads
    `<br>`, `<b>` … as markup, so the text is HTML-escaped before the line breaks are added.
    """
    lines = textwrap.wrap(visible_text(text), width=width, break_long_words=True, break_on_hyphens=True)
    return "<br>".join(plotly_text(line) for line in lines) or ""


def month_tick(month: dt.date, *, with_year: bool) -> str:
    """Month tick label for charts: 'Apr', or 'Jan 26' where the reader needs the year (short: a phone's
    axis has room for four of them beside the y tick labels)."""
    return month_short(month) if with_year else MONTHS_SHORT[month.month - 1]


def half_year_ticks(when: pd.Series, *, as_of: dt.date | None) -> tuple[list[pd.Timestamp], list[str]]:
    """Date-axis ticks for timelines: January and July of every year shown, as 'Juli<br>2025' (words,
    not '07/2025' or '07.2025'; two short lines so six of them fit a phone). Over more than three
    years that would be too many for a phone: then Januar only, as the year ('2025'), every
    second year beyond eight. `as_of` (the Stand) is kept on the axis where given."""
    dates = [pd.Timestamp(d) for d in when if d is not None and not pd.isna(d)]
    if as_of is not None:
        dates.append(pd.Timestamp(as_of))
    if not dates:
        return [], []
    first, last = min(dates), max(dates)
    # up to the January after the last date: a lone December date still gets a tick beside it
    ticks = pd.date_range(pd.Timestamp(first.year, 1, 1), pd.Timestamp(last.year + 1, 1, 1), freq="6MS")
    ticks = [t for t in ticks if first - pd.Timedelta(days=100) <= t <= last + pd.Timedelta(days=100)]
    if last - first <= pd.Timedelta(days=3 * 366):
        return ticks, [f"{MONTHS[t.month - 1]}<br>{t.year}" for t in ticks]
    years = [t for t in ticks if t.month == 1]
    step = 1 if len(years) <= 8 else 2
    years = years[::step]
    return years, [str(t.year) for t in years]
