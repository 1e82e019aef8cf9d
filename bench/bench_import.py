"""Benchmark: a 100 000-row German Excel CSV through parse + validate + preview + commit.

Not a timed test: prints rows per second and the ratio to DuckDB's own `read_csv` of the same
file, measured in the same run on the same machine (goal: at most 5x that floor). The floor
reads the file into a DuckDB table (`CREATE TABLE … AS SELECT * FROM read_csv(…)`), which is
the least any import must do: tokenize the file and materialise the rows.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--repeat 7]

Each repetition imports into a fresh DB (same catalogue: 500 synthetic indicators, plan start
2010-01), so every run writes all rows as new versions.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import duckdb  # noqa: E402
import machine  # noqa: E402  (bench/machine.py)

from kora.access.roles import Actor  # noqa: E402
from kora.db import open_database  # noqa: E402
from kora.plan import setup as ops  # noqa: E402
from kora.plan.model import DEFAULT_KOMMUNE  # noqa: E402
from kora.readings.catalogue import Catalogue  # noqa: E402
from kora.readings.check import parse_file  # noqa: E402
from kora.readings.commit import import_file  # noqa: E402
from tests.data.bigplan import big_long_csv, write_big_plan  # noqa: E402


def floor_seconds(path: Path) -> float:
    con = duckdb.connect()
    start = time.perf_counter()
    con.execute(
        "CREATE TABLE floor AS SELECT * FROM read_csv(?, delim=';', header=true, decimal_separator=',')",
        [str(path)],
    )
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def one_import(template_db: Path, work: Path, data: bytes) -> dict[str, float]:
    db_file = work / "run.duckdb"
    shutil.copy(template_db, db_file)
    db = open_database(db_file)
    try:
        catalogue = Catalogue.from_db(db, kommune=DEFAULT_KOMMUNE)
        t0 = time.perf_counter()
        checked = parse_file(data, catalogue)
        t1 = time.perf_counter()
        assert not checked.problems, checked.problems[:3]
        outcome = import_file(db, data, filename="bench.csv", actor=Actor.cli("bench"), kommune=DEFAULT_KOMMUNE)
        t2 = time.perf_counter()
        assert outcome.committed and outcome.result is not None and outcome.result.new == len(checked.readings)
    finally:
        db.close()
        db_file.unlink(missing_ok=True)
        Path(str(db_file) + ".wal").unlink(missing_ok=True)
    return {"parse_validate": t1 - t0, "import_total": t2 - t1}


def _spread(seconds: list[float]) -> str:
    """'min 131 – max 162 ms': the machine is shared, so the spread belongs next to the median."""
    return f"min {min(seconds) * 1000:.0f} – max {max(seconds) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kora-bench-"))
    try:
        plan, catalogue = write_big_plan(work / "plan")
        template_db = work / "template.duckdb"
        db = open_database(template_db)
        ops.init(db, plan_path=plan, catalogue_path=catalogue, actor=Actor.cli("bench"))
        db.checkpoint()
        db.close()
        data = big_long_csv(args.rows)
        csv_path = work / "bench.csv"
        csv_path.write_bytes(data)

        print(f"Maschine: {machine.describe()}")
        print(f"Datei: {args.rows} Zeilen, {len(data) / 1e6:.1f} MB (Windows-1252, Semikolon, Dezimalkomma)")
        floors, totals, parses = [], [], []
        for i in range(args.repeat):
            floors.append(floor_seconds(csv_path))
            timing = one_import(template_db, work, data)
            parses.append(timing["parse_validate"])
            totals.append(timing["import_total"])
            print(
                f"  Lauf {i + 1}: DuckDB read_csv {floors[-1] * 1000:.0f} ms | "
                f"lesen+prüfen {timing['parse_validate'] * 1000:.0f} ms | "
                f"lesen+prüfen+Vorschau+Speichern {timing['import_total'] * 1000:.0f} ms"
            )
        floor = statistics.median(floors)
        total = statistics.median(totals)
        ratios = [t / f for t, f in zip(totals, floors, strict=True)]
        print(f"Median DuckDB read_csv (Boden): {floor * 1000:.0f} ms ({_spread(floors)})")
        print(
            f"Median Import gesamt: {total * 1000:.0f} ms = {args.rows / total:,.0f} Zeilen/s".replace(",", ".")
            + f" ({_spread(totals)})"
        )
        print(f"Median nur lesen+prüfen: {statistics.median(parses) * 1000:.0f} ms ({_spread(parses)})")
        print(
            f"Verhältnis Import / DuckDB read_csv: {total / floor:.1f}x (Ziel: höchstens 5x; "
            f"je Lauf {min(ratios):.1f}x–{max(ratios):.1f}x)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
