"""The steps of `python -m kora status`'s German table (the whole output is in test_cli.py).

Numbers come from kora.fmt: decimal comma and a no-break space before the unit (U+00A0).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from kora.cli import status


def _row(**changes: object) -> SimpleNamespace:
    base = {
        "name": "Radwege",
        "unit": "km",
        "direction": "up",
        "value": 12.5,
        "target": 40.0,
        "attainment": 0.3125,
        "expected": 10.0,
        "needed_per_month": 3.4375,
        "forecast": 50.0,
        "status": "on_track",
        "months_reported": 3,
        "months_due": 3,
    }
    return SimpleNamespace(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {},
            [
                "Radwege",
                "12,5\u00a0km",
                "40\u00a0km",
                "31\u00a0%",
                "10\u00a0km",
                "3,44\u00a0km",
                "50\u00a0km",
                "im Plan",
                "3/3",
            ],
        ),
        (
            {"needed_per_month": None},
            ["Radwege", "12,5\u00a0km", "40\u00a0km", "31\u00a0%", "10\u00a0km", "–", "50\u00a0km", "im Plan", "3/3"],
        ),
        (
            {"value": None, "attainment": None, "forecast": None, "status": "no_data", "months_reported": 0},
            ["Radwege", "–", "40\u00a0km", "–", "10\u00a0km", "3,44\u00a0km", "–", "keine Daten", "0/3"],
        ),
        ({"name": "x" * 60}, ["x" * 41 + "…"]),
    ],
)
def test_indicator_cells(changes: dict, expected: list[str]) -> None:
    cells = status.indicator_cells(_row(**changes))
    assert len(cells) == len(status.INDICATOR_HEADER) + 1
    assert cells[: len(expected)] == expected


@pytest.mark.parametrize(
    ("milestones", "lines"),
    [
        ({"due": 0}, ["\nGesamtplan: 50\u00a0% · gefährdet"]),
        (
            {"due": 4, "reached_on_time": 3, "share_on_time": 0.75, "overdue": 0, "overdue_ids": []},
            ["\nGesamtplan: 50\u00a0% · gefährdet", "Meilensteine: 3 von 4 fälligen fristgerecht erreicht (75\u00a0%)"],
        ),
        (
            {
                "due": 12,
                "reached_on_time": 0,
                "share_on_time": 0.0,
                "overdue": 12,
                "overdue_ids": [f"M{i}" for i in range(12)],
            },
            [
                "\nGesamtplan: 50\u00a0% · gefährdet",
                "Meilensteine: 0 von 12 fälligen fristgerecht erreicht (0\u00a0%), 12 überfällig "
                "(M0, M1, M2, M3, M4, M5, M6, M7, M8, M9 …)",
            ],
        ),
    ],
)
def test_summary(milestones: dict, lines: list[str]) -> None:
    assert status._summary({"attainment": 0.5, "status": "at_risk"}, milestones) == lines


@pytest.mark.parametrize(
    ("known_at", "demo", "lines"),
    [
        (
            None,
            False,
            ["Zielerreichung Aachen – Stand Oktober 2026", "Datenstand: aktuell (alle gespeicherten Korrekturen)"],
        ),
        (
            dt.datetime(2026, 11, 3, 9, 30),
            False,
            ["Zielerreichung Aachen – Stand Oktober 2026", "Datenstand: wie bekannt am 03.11.2026 09:30 UTC"],
        ),
        (
            None,
            True,
            [
                "Zielerreichung Aachen – Stand Oktober 2026",
                "Datenstand: aktuell (alle gespeicherten Korrekturen)",
                "Hinweis: enthält Beispieldaten.",
            ],
        ),
    ],
)
def test_heading(known_at: dt.datetime | None, demo: bool, lines: list[str]) -> None:
    report = SimpleNamespace(as_of=dt.date(2026, 10, 1), known_at=known_at, demo=demo)
    assert status._heading(report, "Aachen") == lines  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("plan", "shown"),
    [
        ({"attainment": 0.5, "status": "at_risk"}, "50\u00a0%"),
        # B below its start: the dashboards show the raw mean 40 %, so the CLI must not say the clamped 65 %
        ({"attainment": 0.65, "attainment_raw": 0.40, "status": "off_track"}, "40\u00a0%"),
        ({"attainment": 0.0, "attainment_raw": -0.2, "status": "off_track"}, "\u221220\u00a0% (unter Startwert)"),
    ],
)
def test_summary_shows_the_attainment_of_the_dashboards(plan: dict, shown: str) -> None:
    assert status._summary(plan, {"due": 0})[0].startswith(f"\nGesamtplan: {shown} · ")


def test_an_indicator_below_its_start_reads_as_regression() -> None:
    cells = status.indicator_cells(_row(attainment=0.0, attainment_raw=-0.6, status="off_track"))
    assert cells[3] == "\u221260\u00a0% (unter Startwert)"  # not "0 %": "nothing happened" ≠ "went backwards"
