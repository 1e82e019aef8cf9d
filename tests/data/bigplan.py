"""A large catalogue for 100 000-row imports (kill -9 test and bench/bench_import.py).

The real catalogue has 15 indicators, so 100 000 distinct cells need a synthetic one: the
Aachen plan with plan_start 2010-01 and `n` generated indicators (ids ind_0000 …). Months
2010-01..2026-10 are 202; 500 indicators x 200 months = 100 000 cells.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from kora.plan.files import CATALOGUE_FILE, PLAN_FILE

PLAN_START = dt.date(2010, 1, 1)


def write_big_plan(folder: Path, n_indicators: int = 500) -> tuple[Path, Path]:
    """(plan file, catalogue file) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    plan_text = PLAN_FILE.read_text(encoding="utf-8").replace('plan_start = "2025-01"', 'plan_start = "2010-01"')
    assert 'plan_start = "2010-01"' in plan_text
    plan = folder / "aktionsplan.toml"
    plan.write_text(plan_text, encoding="utf-8")
    lines = [CATALOGUE_FILE.read_text(encoding="utf-8")]
    for i in range(n_indicators):
        lines.append(
            f"""
[[indikator]]
id = "ind_{i:04d}"
name = "Synthetischer Indikator {i}"
messung = "Benchmark"
erhoben_von = "Test"
einheit = "{"%" if i % 5 == 0 else "Anzahl"}"
richtung = "up"
aggregation = "sum"
min = 0
{"max = 100" if i % 5 == 0 else ""}
vorhaben = [{i % 7 + 1}]
"""
        )
    catalogue = folder / "indikatoren.toml"
    catalogue.write_text("\n".join(lines), encoding="utf-8")
    return plan, catalogue


def months(first: dt.date, count: int) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    for _ in range(count):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def big_long_csv(n_rows: int = 100_000, n_indicators: int = 500, seed: int = 7) -> bytes:
    """German Excel CSV (Windows-1252, ';', decimal comma, MM.YYYY) with n distinct cells."""
    rng = random.Random(seed)
    per = -(-n_rows // n_indicators)
    month_list = months(PLAN_START, per)
    out = ["Indikator;Monat;Wert;Kommentar"]
    k = 0
    for month in month_list:
        label = f"{month.month:02d}.{month.year}"
        for i in range(n_indicators):
            if k == n_rows:
                break
            value = rng.randint(0, 9999) / 100 if i % 5 == 0 else rng.randint(0, 99999)
            text = f"{value:.2f}".replace(".", ",") if i % 5 == 0 else f"{value:,}".replace(",", ".")
            out.append(f"ind_{i:04d};{label};{text};")
            k += 1
    return ("\r\n".join(out) + "\r\n").encode("cp1252")
