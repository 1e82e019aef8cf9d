"""The named steps of `kora.metrics._evaluate`, each with its own hand-computed table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kora import metrics
from tests.test_metrics import indicator

NAN = float("nan")


def _arrays(direction: str, aggregation: str, baseline: float | None, target: float) -> metrics._Arrays:
    meta = pd.DataFrame([indicator(direction, aggregation, baseline)]).assign(target=target)
    return metrics._Arrays(meta)


def _row(readings: dict[int, float]) -> np.ndarray:
    values = np.full((1, 12), np.nan)
    for m, v in readings.items():
        values[0, m - 1] = v
    return values


@pytest.mark.parametrize(
    ("aggregation", "readings", "c", "value", "n_rep", "last_month"),
    [
        ("sum", {1: 1.0, 2: 2.0, 3: 3.0}, 3, 6.0, 3, 3),
        ("sum", {1: 1.0, 3: 3.0}, 6, 4.0, 2, 3),
        ("mean", {1: 10.0, 4: 20.0}, 6, 15.0, 2, 4),
        ("last", {1: 10.0, 4: 20.0, 7: 5.0}, 6, 20.0, 2, 4),
        ("sum", {}, 6, NAN, 0, 0),
    ],
)
def test_year_to_date(
    aggregation: str, readings: dict[int, float], c: int, value: float, n_rep: int, last_month: int
) -> None:
    ytd = metrics._year_to_date(_row(readings), _arrays("up", aggregation, 0.0, 10.0), c)
    assert ytd.value[0] == pytest.approx(value, nan_ok=True)
    assert (int(ytd.n_rep[0]), int(ytd.last_month[0])) == (n_rep, last_month)


@pytest.mark.parametrize(
    ("direction", "aggregation", "baseline", "target", "readings", "c", "expected", "needed"),
    [
        ("up", "sum", 1.0, 5.0, {1: 0.25, 2: 0.5}, 6, 2.5, (5 - 0.75) / 6),
        ("down", "mean", 4.0, 2.0, {1: 3.0}, 6, 3.0, NAN),
        ("up", "sum", None, 12.0, {1: 1.0}, 12, 12.0, NAN),
        ("yesno", "last", 0.0, 1.0, {1: 0.0}, 6, NAN, NAN),
    ],
)
def test_zielpfad(
    direction: str,
    aggregation: str,
    baseline: float | None,
    target: float,
    readings: dict[int, float],
    c: int,
    expected: float,
    needed: float,
) -> None:
    a = _arrays(direction, aggregation, baseline, target)
    got_expected, got_needed = metrics._zielpfad(a, metrics._year_to_date(_row(readings), a, c))
    assert got_expected[0] == pytest.approx(expected, nan_ok=True)
    assert got_needed[0] == pytest.approx(needed, nan_ok=True)


@pytest.mark.parametrize(
    ("direction", "aggregation", "baseline", "target", "readings", "c", "raw"),
    [
        ("up", "sum", 1.0, 5.0, {1: 1.0}, 1, 0.2),
        ("down", "mean", 4.0, 2.0, {1: 3.0}, 1, 0.5),
        ("down", "sum", 12.0, 6.0, dict.fromkeys(range(1, 13), 0.75), 12, 0.5),
        ("yesno", "last", 0.0, 1.0, {1: 1.0}, 1, 1.0),
        ("up", "last", 5.0, 3.0, {1: 4.0}, 1, 1.0),
        ("up", "sum", 0.0, 5.0, {}, 3, NAN),
    ],
)
def test_attainment(
    direction: str, aggregation: str, baseline: float, target: float, readings: dict[int, float], c: int, raw: float
) -> None:
    a = _arrays(direction, aggregation, baseline, target)
    assert metrics._attainment(a, metrics._year_to_date(_row(readings), a, c))[0] == pytest.approx(raw, nan_ok=True)


@pytest.mark.parametrize(
    ("forecast", "direction", "will_reach", "shortfall"),
    [(6.0, "up", 1, 0.0), (4.0, "up", 0, 0.2), (NAN, "up", -1, NAN), (1.5, "down", 1, 0.0), (3.0, "down", 0, 0.2)],
)
def test_reach(forecast: float, direction: str, will_reach: int, shortfall: float) -> None:
    target = 5.0 if direction == "up" else 2.0
    baseline = 0.0 if direction == "up" else 7.0
    a = _arrays(direction, "mean", baseline, target)
    ytd = metrics._year_to_date(_row({1: 1.0}), a, 1)
    got_reach, got_short = metrics._reach(a, ytd, np.array([forecast]))
    assert int(got_reach[0]) == will_reach
    assert got_short[0] == pytest.approx(shortfall, nan_ok=True)


@pytest.mark.parametrize(
    ("parents", "children", "expected"),
    [
        (["a", "b", "c"], ["c", "a", "x"], [2, 0, -1]),
        (["a", "b", "a"], ["a", "b"], [2, 1]),  # duplicates: the last one wins
        ([], ["a"], [-1]),
        (["a"], [], []),
    ],
)
def test_index_of(parents: list[str], children: list[str], expected: list[int]) -> None:
    from kora.frame_keys import index_of

    got = index_of(np.array(parents, dtype=object), np.array(children, dtype=object))
    assert got.tolist() == expected


@pytest.mark.parametrize(
    ("parent", "child", "expected"),
    [
        ({"k": ["a", "a", "b"], "id": [1, 2, 1]}, {"k": ["b", "a", "a", "c"], "id": [1, 2, 3, 1]}, [2, 1, -1, -1]),
        ({"k": ["a", "a"], "id": [1, 1]}, {"k": ["a"], "id": [1]}, [1]),  # duplicates: the last one wins
        ({"k": ["a", None], "id": ["1", "2"]}, {"k": [None, "a"], "id": [2, 1]}, [1, 0]),  # text match, as key_strings
    ],
)
def test_positions_with_integer_keys_match_text_keys(parent: dict, child: dict, expected: list[int]) -> None:
    from kora.frame_keys import index_of, key_strings, positions

    parents, children = pd.DataFrame(parent), pd.DataFrame(child)
    assert positions(parents, children).tolist() == expected
    by_text = index_of(key_strings(parents, list(parents.columns)), key_strings(children, list(children.columns)))
    assert by_text.tolist() == expected


@pytest.mark.parametrize(
    ("targets", "year", "target", "prev_target", "prev_year"),
    [
        ({2025: 5.0, 2026: 8.0}, 2026, 8.0, 5.0, 2025),
        ({2025: 5.0, 2026: 8.0}, 2025, 5.0, NAN, NAN),
        ({2024: 2.0, 2025: 5.0}, 2027, NAN, 5.0, 2025),
    ],
)
def test_series_matrix_joins_this_and_last_target(
    targets: dict[int, float], year: int, target: float, prev_target: float, prev_year: float
) -> None:
    import datetime as dt

    from kora.series_matrix import series_matrix

    inds = pd.DataFrame([indicator("up", "sum")])
    tg = pd.DataFrame([{"indicator_id": "x", "year": y, "target": t} for y, t in targets.items()])
    rd = pd.DataFrame(columns=["indicator_id", "month", "value"])
    meta = series_matrix(inds, tg, rd, as_of=dt.date(year, 3, 1)).meta.iloc[0]
    assert meta["target"] == pytest.approx(target, nan_ok=True)
    assert meta["_prev_target"] == pytest.approx(prev_target, nan_ok=True)
    assert meta["_prev_year"] == pytest.approx(prev_year, nan_ok=True)
