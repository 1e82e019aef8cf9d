"""The Einwohner registry: Stichtag parsing, the one-Stichtag rule for checked figures, and the
caption that tells the reader which figures are unchecked or counted on another day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kora import kommunen
from kora.errors import PlanFileError

ZENSUS_2022 = dt.date(2022, 5, 15)


def registry_file(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "kommunen.toml"
    path.write_text("schema_version = 1\n" + "".join(entries), encoding="utf-8")
    return path


def entry(kid: str = "x", *, name: str = "X-Stadt", jahr: int = 2022, extra: str = "", geprueft: bool = True) -> str:
    return (
        f'\n[[kommune]]\nid = "{kid}"\nname = "{name}"\neinwohner = 100000\njahr = {jahr}\n'
        f'quelle = "Amt"\ngeprueft = {str(geprueft).lower()}\nrolle = "partnerstadt"\n{extra}\n'
    )


def test_checked_figures_share_the_zensus_stichtag_and_name_their_page() -> None:
    """A checked figure must say which page states it, and all checked figures stand on one day —
    otherwise „je 100 000 Einwohner“ compares cities counted on different days."""
    checked = [k for k in kommunen.registry() if k.geprueft]
    assert checked, "at least the figures confirmed from official pages are marked checked"
    assert {k.stichtag for k in checked} == {ZENSUS_2022}
    assert all("https://" in k.quelle and "15.05.2022" in k.quelle for k in checked)


@pytest.mark.parametrize(
    ("kid", "einwohner"),
    [("muenchen", 1_479_408), ("hannover", 513_341), ("frankfurt", 743_318), ("nuernberg", 522_554)],
)
def test_official_zensus_figures(kid: str, einwohner: int) -> None:
    k = kommunen.kommune(kid)
    assert (k.einwohner, k.stichtag, k.jahr, k.geprueft) == (einwohner, ZENSUS_2022, 2022, True)


def test_every_entry_has_a_stichtag_in_its_year() -> None:
    for k in kommunen.registry():
        assert k.stichtag is not None and k.stichtag.year == k.jahr, k.id


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('stichtag = "2022-05-15"', ZENSUS_2022),
        ("stichtag = 2022-05-15", ZENSUS_2022),  # TOML date, unquoted
        ("", None),
    ],
)
def test_stichtag_parsed(tmp_path: Path, extra: str, expected: dt.date | None) -> None:
    (k,) = kommunen.registry(registry_file(tmp_path, entry(extra=extra)))
    assert k.stichtag == expected


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('stichtag = "15.05.2022"', "kein Datum JJJJ-MM-TT"),
        ('stichtag = "2022-13-01"', "kein Datum JJJJ-MM-TT"),
        ("stichtag = 20220515", "muss ein Datum"),
        ("stichtag = 2022-05-15T00:00:00", "muss ein Datum"),
        ('stichtag = "2023-12-31"', "nicht im Jahr 2022"),
    ],
)
def test_bad_stichtag_refused_naming_the_field(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(PlanFileError, match=message) as err:
        kommunen.registry(registry_file(tmp_path, entry(extra=extra)))
    assert "stichtag" in str(err.value) and "Kommune x" in str(err.value)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_any_day_inside_jahr_round_trips(day: dt.date) -> None:
    raw = {
        "id": "x",
        "name": "X",
        "einwohner": 1,
        "jahr": day.year,
        "quelle": "Amt",
        "rolle": "partnerstadt",
        "stichtag": day.isoformat(),
    }
    k = kommunen._entry(raw, 1)
    assert k.stichtag == day
    assert k.stand_text == day.strftime("%d.%m.%Y")


def test_einwohner_text_shows_stand_and_unchecked() -> None:
    assert kommunen.kommune("muenchen").einwohner_text == "1.479.408 (Stand 15.05.2022)"
    assert kommunen.kommune("aachen").einwohner_text.endswith(", ungeprüft)")


def test_hinweis_names_mixed_stichtage_and_unchecked_cities(tmp_path: Path) -> None:
    path = registry_file(
        tmp_path,
        entry("a", name="A-Stadt", extra='stichtag = "2022-05-15"'),
        entry("b", name="B-Stadt", jahr=2023, extra='stichtag = "2023-12-31"', geprueft=False),
        entry("c", name="C-Stadt", extra='stichtag = "2022-05-15"'),
    )
    text = kommunen.einwohner_hinweis(["b", "a"], path)
    assert text.startswith("Einwohner: data/kommunen.toml, Stand 15.05.2022, 31.12.2023.")
    assert "verschiedene Stichtage" in text and "B-Stadt (31.12.2023)" in text and "A-Stadt" not in text
    same_day = kommunen.einwohner_hinweis(["a", "c"], path)
    assert same_day == "Einwohner: data/kommunen.toml, Stand 15.05.2022."
    assert kommunen.einwohner_hinweis(["unbekannt"], path) == ""
