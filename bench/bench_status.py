"""Benchmark: goal attainment on a network-scale DB (not a test; run it by hand).

    .venv/bin/python bench/bench_status.py [--runs 15]

Builds a synthetic DB with kora.samples.network (default 20 Kommunen × 30 indicators × 120 months ×
3 versions = 216 000 reading rows) in a temporary directory, then measures, interleaved round
by round so machine noise hits all alike:

* floor  — one DuckDB aggregate scan over every reading row (status_store.aggregate_scan),
* one    — build_status for one Kommune (what a dashboard page needs),
* all    — build_status for all Kommunen at once (the network view),
* series — the chart series of one indicator.

Reports the median in ms and as a ratio to the floor measured in the same run (shared machines
vary; the ratio travels). Goal: full status under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
import machine
import pandas as pd

from kora.db import open_database, status_store
from kora.samples.network import build_network_db, kommune_id
from kora.tracking.status import build_status, series

GOAL_MS = 200.0


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kommunen", type=int, default=20)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--versions", type=int, default=3)
    args = parser.parse_args()

    print(f"Maschine: {machine.describe()}")
    print(f"Python {platform.python_version()}, duckdb {duckdb.__version__}, pandas {pd.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "netz.duckdb")
        start = time.perf_counter()
        info = build_network_db(
            db, kommunen=args.kommunen, indicators=args.indicators, years=args.years, versions=args.versions
        )
        db.checkpoint()
        rows = f"{info.readings:,}".replace(",", ".")
        print(
            f"Netzwerk-DB: {len(info.kommunen)} Kommunen × {info.indicators_per_kommune} Indikatoren, "
            f"{info.months[0]:%m/%Y}–{info.months[1]:%m/%Y}, {rows} Messwert-Versionen "
            f"(aufgebaut in {time.perf_counter() - start:.1f} s)"
        )
        as_of = info.months[1]
        one = kommune_id(1)
        cases: dict[str, Callable[[], object]] = {
            "floor": lambda: status_store.aggregate_scan(db),
            "one": lambda: build_status(db, kommune=one, as_of=as_of),
            "all": lambda: build_status(db, kommune=None, as_of=as_of),
            "series": lambda: series(db, "ind01", kommune=one, as_of=as_of),
            "one_known_at": lambda: build_status(db, kommune=one, as_of=as_of, known_at=dt.date(as_of.year, 6, 30)),
        }
        for fn in cases.values():  # warm-up: caches, first-query planning
            fn()
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, fn in cases.items():
                samples[name].append(timed(fn))
        db.close()

    floor = statistics.median(samples["floor"])
    labels = {
        "floor": "Boden: 1 DuckDB-Aggregat über alle Zeilen",
        "one": "Status einer Kommune",
        "all": f"Status aller {args.kommunen} Kommunen",
        "series": "Diagrammreihe eines Indikators",
        "one_known_at": "Status einer Kommune, known_at",
    }
    print(f"\nMedian aus {args.runs} Läufen (Stand {as_of:%m/%Y}):")
    for name, values in samples.items():
        med = statistics.median(values)
        goal = (
            ""
            if name == "floor" or name == "series"
            else ("  ✓ < 200 ms" if med < GOAL_MS else "  ✗ Ziel 200 ms verfehlt")
        )
        print(f"  {labels[name]:44s} {med:8.1f} ms  {med / floor:6.1f} × Boden{goal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
