"""Comparison maths (kora.network.compare) and the registry: parametrised tables and properties."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kora import kommunen
from kora.errors import KoraError
from kora.network import compare
from kora.network.indicators import normalise, shared_by_id

D = dt.date


def frame(rows: list[tuple[str, dt.date, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kommune", "month", "value"])


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", 6.0), ("mean", 2.0), ("last", 3.0)],
)
def test_year_value_follows_the_catalogue_aggregation(aggregation: str, expected: float) -> None:
    rows = [("a", D(2026, 1, 1), 1.0), ("a", D(2026, 3, 1), 3.0), ("a", D(2026, 2, 1), 2.0), ("a", D(2025, 12, 1), 9.0)]
    out = compare.year_values(frame(rows), aggregation=aggregation, year=2026, as_of=D(2026, 10, 1))
    assert out.loc[0, "value"] == expected
    assert out.loc[0, "months"] == 3
    assert out.loc[0, "stand"] == D(2026, 3, 1)


def test_months_after_as_of_do_not_count() -> None:
    rows = [("a", D(2026, 1, 1), 1.0), ("a", D(2026, 5, 1), 5.0)]
    out = compare.year_values(frame(rows), aggregation="sum", year=2026, as_of=D(2026, 4, 1))
    assert out.loc[0, "value"] == 1.0 and out.loc[0, "stand"] == D(2026, 1, 1)


@pytest.mark.parametrize(
    ("direction", "values", "ranks"),
    [
        ("up", [3.0, 1.0, 2.0], [1, 3, 2]),
        ("down", [3.0, 1.0, 2.0], [3, 1, 2]),
        ("yesno", [1.0, 0.0, 1.0], [1, 3, 1]),
        ("up", [2.0, None, 2.0], [1, None, 1]),
    ],
)
def test_rank(direction: str, values: list, ranks: list) -> None:
    got = compare.rank(pd.Series(values, dtype=float), direction=direction)
    assert [None if pd.isna(r) else int(r) for r in got] == ranks


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], {"q1": 1.75, "median": 2.5, "q3": 3.25}),
        ([5.0], {"q1": 5.0, "median": 5.0, "q3": 5.0}),
        ([None, float("nan")], {"q1": None, "median": None, "q3": None}),
    ],
)
def test_quartiles(values: list, expected: dict) -> None:
    assert compare.quartiles(values) == expected


@pytest.mark.parametrize(
    ("value", "einwohner", "normalisation", "expected"),
    [(5.0, 250_000, "je_100k", 2.0), (5.0, 250_000, "keine", 5.0), (None, 1, "je_100k", None)],
)
def test_normalise(value, einwohner, normalisation, expected) -> None:
    assert normalise(value, einwohner=einwohner, normalisation=normalisation) == expected


def test_comparison_table_marks_old_stand_and_normalises() -> None:
    rows = [("a", D(2026, 10, 1), 1.0), ("b", D(2026, 2, 1), 4.0)]
    table = compare.comparison_table(
        frame(rows),
        einwohner={"a": 100_000, "b": 400_000},
        aggregation="sum",
        direction="up",
        normalisation="je_100k",
        year=2026,
        as_of=D(2026, 10, 1),
    )
    assert table["kommune"].tolist() == ["a", "b"]  # 1.0 vs 1.0 per 100 000: tie, shared rank
    assert table["rank"].tolist() == [1, 1]
    assert table["stand_old"].tolist() == [False, True]  # February is > 3 months before October


def test_kommunen_outside_the_registry_are_left_out() -> None:
    table = compare.comparison_table(
        frame([("netz01", D(2026, 1, 1), 1.0)]),
        einwohner={"a": 1},
        aggregation="sum",
        direction="up",
        normalisation="keine",
        year=2026,
        as_of=D(2026, 3, 1),
    )
    assert table.empty


def test_better_partners_are_only_partners_that_rank_better() -> None:
    table = pd.DataFrame(
        {"kommune": ["x", "p1", "own", "p2"], "rank": pd.array([1, 2, 3, 4], dtype="Int64"), "compared": [9, 8, 7, 6]}
    )
    got = compare.better_partners(table, own="own", partners={"p1": [1, 6], "p2": [1]})
    assert got == [{"kommune": "p1", "rank": 2, "compared": 8.0, "vorhaben": [1, 6]}]


def test_trends_are_twelve_months_with_gaps() -> None:
    out = compare.trends(
        frame([("a", D(2026, 10, 1), 2.0), ("a", D(2026, 1, 1), 1.0)]),
        einwohner={"a": 200_000},
        normalisation="je_100k",
        as_of=D(2026, 10, 1),
    )
    assert len(out["a"]) == 12 and out["a"][-1] == 1.0 and out["a"][2] == 0.5 and out["a"][0] is None


@given(
    st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(1, 12), st.floats(0, 1e4, allow_nan=False)), max_size=40),
    st.sampled_from(["up", "down", "yesno"]),
)
@settings(deadline=None)  # pandas' first groupby in a busy worker can take longer than 200 ms
def test_properties_rank_and_median(rows: list, direction: str) -> None:
    data = frame([(k, D(2026, m, 1), v) for k, m, v in rows]).drop_duplicates(["kommune", "month"])
    table = compare.comparison_table(
        data,
        einwohner={k: 100_000 for k in "abcdef"},
        aggregation="sum",
        direction=direction,
        normalisation="je_100k",
        year=2026,
        as_of=D(2026, 12, 1),
    )
    assert set(table["kommune"]) == set(data["kommune"])
    if len(table):
        best = table[table["rank"] == 1]["compared"]
        pick = max if direction != "down" else min
        assert best.iloc[0] == pytest.approx(pick(table["compared"]))
        stats = compare.quartiles(table["compared"])
        assert stats["q1"] <= stats["median"] <= stats["q3"]


def test_registry_has_the_model_and_partner_cities_with_sources() -> None:
    reg = kommunen.by_id()
    for kid in (
        "aachen",
        "muenchen",
        "potsdam",
        "karlsruhe",
        "bielefeld",
        "hannover",
        "frankfurt",
        "bonn",
        "leipzig",
        "nuernberg",
        "oldenburg",
        "augsburg",
    ):
        assert reg[kid].einwohner > 100_000 and reg[kid].quelle and reg[kid].jahr >= 2020
    assert kommunen.id_for_plan_name("Frankfurt am Main") == "frankfurt"


def test_every_partner_city_of_the_plan_is_in_the_registry(plan) -> None:
    cities = {c for v in plan.vorhaben for c in v.partner_cities}
    assert {c: kommunen.id_for_plan_name(c) for c in cities if kommunen.id_for_plan_name(c) is None} == {}


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "aachen"), ({"KORA_KOMMUNE": "Muenchen"}, "muenchen"), ({"KORA_KOMMUNE": " "}, "aachen")],
)
def test_own_kommune_from_configuration(env: dict, expected: str, tmp_path) -> None:
    assert kommunen.own_kommune(env, secrets_file=tmp_path / "none.toml") == expected


def test_own_kommune_from_secrets_and_unknown_refused(tmp_path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[kora]\nkommune = "bonn"\n', encoding="utf-8")
    assert kommunen.own_kommune({}, secrets_file=secrets) == "bonn"
    assert kommunen.own_kommune({"KORA_KOMMUNE": "leipzig"}, secrets_file=secrets) == "leipzig"  # env wins
    with pytest.raises(KoraError, match="nicht bekannt"):
        kommunen.own_kommune({"KORA_KOMMUNE": "atlantis"}, secrets_file=secrets)


def test_shared_indicators_are_marked_in_the_catalogue() -> None:
    shared = shared_by_id()
    assert shared["km_umgesetzt"].per_100k and shared["projekte_umgesetzt"].per_100k
    assert not shared["planungsdauer_monate"].per_100k
    assert "kritik_extern" not in shared  # a city's own press review is not comparable
