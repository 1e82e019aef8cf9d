"""German formatting: numbers, percent, months, dates."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kora import fmt


@pytest.mark.parametrize(
    ("value", "digits", "unit", "expected"),
    [
        (1234.5, 1, "", "1.234,5"),
        (1234567.891, 2, "", "1.234.567,89"),
        (0.75, 2, "km", "0,75\u00a0km"),
        (-0.04, 1, "", "0,0"),
        (-1.5, 1, "", "-1,5"),
        (5, 0, "", "5"),
        (None, 1, "", "–"),
        (float("nan"), 1, "", "–"),
    ],
)
def test_number(value: float | None, digits: int, unit: str, expected: str) -> None:
    assert fmt.number(value, digits, unit=unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(5.0, "5"), (2.5, "2,5"), (0.70833, "0,71"), (1234.0, "1.234"), (1.10, "1,1")]
)
def test_smart_number(value: float, expected: str) -> None:
    assert fmt.smart_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.2, "20\u00a0%"), (1.0, "100\u00a0%"), (None, "–"), (0.456, "46\u00a0%")]
)
def test_percent(value: float | None, expected: str) -> None:
    assert fmt.percent(value) == expected


@pytest.mark.parametrize(
    ("month", "long", "short"),
    [(dt.date(2025, 3, 1), "März 2025", "Mrz 25"), (dt.date(2026, 12, 1), "Dezember 2026", "Dez 26")],
)
def test_months(month: dt.date, long: str, short: str) -> None:
    assert fmt.month_name(month) == long
    assert fmt.month_short(month) == short


def test_date() -> None:
    assert fmt.date(dt.date(2025, 3, 31)) == "31.03.2025"


@pytest.mark.parametrize(("value", "expected"), [(1.0, "ja"), (0.0, "nein"), (None, "–")])
def test_yes_no(value: float | None, expected: str) -> None:
    assert fmt.value_with_unit(value, "ja/nein", direction="yesno") == expected


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_number_parses_back(value: float) -> None:
    text = fmt.number(value, 2)
    back = float(text.replace(".", "").replace(",", "."))
    assert back == pytest.approx(round(value, 2), abs=0.006)


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [
        (dt.date(2025, 1, 1), -1, dt.date(2024, 12, 1)),
        (dt.date(2025, 12, 1), 1, dt.date(2026, 1, 1)),
        (dt.date(2025, 6, 1), 18, dt.date(2026, 12, 1)),
    ],
)
def test_add_months(month: dt.date, n: int, expected: dt.date) -> None:
    from kora.periods import add_months

    assert add_months(month, n) == expected


def test_parse_month_errors_are_german() -> None:
    from kora.errors import KoraError
    from kora.periods import last_complete_month, parse_month

    assert parse_month("2025-06") == dt.date(2025, 6, 1)
    assert last_complete_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
    with pytest.raises(KoraError, match="JJJJ-MM"):
        parse_month("Juni")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("rechnung\u202ecsv.exe.csv", "rechnung‹U+202E›csv.exe.csv"),
        ("Abschnitt \u2067x\u2069", "Abschnitt ‹U+2067›x‹U+2069›"),
        ("Straße ü", "Straße ü"),
    ],
)
def test_visible_text_shows_bidi_controls_as_codes(text: str, shown: str) -> None:
    assert fmt.visible_text(text) == shown
    assert "\u202e" not in fmt.markdown(text) and "\u2067" not in fmt.markdown(text)


def test_terminal_text_neutralises_escape_sequences_and_keeps_lines() -> None:
    assert fmt.terminal("a\x1b[2Jb\tc\nd\u202e") == "a‹0x1B›[2Jb\tc\nd‹U+202E›"


@given(st.text())
def test_markdown_never_lets_bidi_controls_through(text: str) -> None:
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]", fmt.markdown(text))


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("kurz", 10, "kurz"),
        ("Umgesetzte km geschützter Radfahrstreifen", 20, "Umgesetzte km<br>geschützter<br>Radfahrstreifen"),
        ("a <b>fett</b> & b", 40, "a &lt;b&gt;fett&lt;/b&gt; &amp; b"),  # plotly markup stays text
        ("", 10, ""),
    ],
)
def test_chart_lines(text: str, width: int, expected: str) -> None:
    assert fmt.chart_lines(text, width) == expected


@pytest.mark.parametrize(
    ("month", "with_year", "expected"),
    [
        (dt.date(2026, 1, 1), True, "Jan 26"),
        (dt.date(2026, 3, 1), False, "Mrz"),
        (dt.date(2026, 10, 1), False, "Okt"),
    ],
)
def test_month_tick(month: dt.date, with_year: bool, expected: str) -> None:
    assert fmt.month_tick(month, with_year=with_year) == expected


@pytest.mark.parametrize(
    ("clamped", "raw", "shown"),
    [
        (0.4, 0.4, 0.4),  # nothing below a start: the one value
        (0.0, -0.6, -0.6),  # an indicator below its start
        (0.65, 0.40, 0.40),  # a total pulled down by a part below its start: the mean of the cards shown
        (1.0, 1.0, 1.0),
        (0.5, None, 0.5),  # no raw value known
        (None, None, None),
    ],
)
def test_shown_attainment_is_what_the_parts_shown_add_up_to(clamped, raw, shown) -> None:  # type: ignore[no-untyped-def]
    assert fmt.shown_attainment(clamped, raw) == shown


@pytest.mark.parametrize(
    ("dates", "as_of", "shown"),
    [
        (["2025-03-01", "2025-10-01"], None, ["Januar<br>2025", "Juli<br>2025", "Januar<br>2026"]),
        (["2025-08-15"], dt.date(2026, 10, 1), ["Juli<br>2025", "Januar<br>2026", "Juli<br>2026", "Januar<br>2027"]),
        ([None, "2027-12-01"], None, ["Januar<br>2028"]),  # missing dates left out; a lone December gets a tick
        ([], None, []),
        ([None], None, []),
        # a list from 2022 to 2029 (the demo Maßnahmenliste): years only, a phone has room for eight
        (["2022-06-01", "2029-09-01"], None, [str(y) for y in range(2023, 2030)]),
        (["2015-03-01", "2029-09-01"], None, [str(y) for y in range(2015, 2030, 2)]),
    ],
)
def test_half_year_ticks(dates: list[str | None], as_of: dt.date | None, shown: list[str]) -> None:
    values = pd.Series([None if d is None else pd.Timestamp(d) for d in dates], dtype=object)
    ticks, texts = fmt.half_year_ticks(values, as_of=as_of)
    assert texts == shown
    assert all(t.month in (1, 7) and t.day == 1 for t in ticks)
