"""Benchmark: `status --json` for one Kommune and for all, at 20, 100 and 400 Kommunen, growth fitted.

    .venv/bin/python bench/status_growth.py [--kommunen 20,100,400] [--repeat 3]
    .venv/bin/python bench/status_growth.py --quick          # 20 and 100 Kommunen, 3 rounds

Network DBs from kora.samples.network.build_network_db (each Kommune: 30 indicators × 120 months
× 3 versions = 10 800 reading rows), built once and cached under /tmp/kora-bench-cache (the
400-Kommunen DB takes a few minutes the first time).

Two doors, each with its own floor, all interleaved round by round:

* CLI — `python -m kora status --json …` as city IT runs it, a fresh process each time (wall
  clock, output parsed as JSON). Floor: a fresh Python process that imports duckdb and pandas,
  opens the DB read-only, runs one aggregate over every reading version (per Kommune and
  indicator, as many records as the status has indicator rows: count, sum, newest value) into
  a DataFrame and prints it as JSON.
* in-process — build_status(…).to_json() (exactly the text the CLI prints) on an open DB, so
  interpreter start-up and imports do not hide the part that grows. Floor: the same aggregate
  plus json.dumps in the same process.

Wall clock and CPU time are both reported (CLI: the child's CPU from getrusage; in-process: this
process, DuckDB's threads included) — on a loaded shared machine CPU time is what the command
itself costs. The growth with the number of Kommunen is fitted by least squares (ms per Kommune).
Goal (issue 12): `--kommune alle` at 400 Kommunen < 1 s, slope below today's ~1,35 ms/Kommune.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import common

FLOOR_SCRIPT = f"""
import json, sys
import duckdb, pandas
con = duckdb.connect(sys.argv[1], read_only=True)
df = con.sql('''{common.FLOOR_AGGREGATE_SQL}''').df()
print(json.dumps(df.to_dict(orient="records"), default=str))
"""
LABELS = {
    "cli_floor": "CLI-Boden (Python+DuckDB-Aggregat+JSON)",
    "cli_one": "CLI status --json, eine Kommune",
    "cli_all": "CLI status --json --kommune alle",
    "lib_floor": "im Prozess: Boden (Aggregat+JSON)",
    "lib_one": "im Prozess: eine Kommune",
    "lib_all": "im Prozess: alle Kommunen",
}


def timed_process(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU of the child process) in seconds."""
    cpu0, start = common.children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, cwd=common.ROOT, capture_output=True)
    elapsed = time.perf_counter() - start, common.children_cpu() - cpu0
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd[:5])} failed:\n{done.stderr.decode()[-2000:]}")
    try:
        json.loads(done.stdout)  # it really printed JSON
    except ValueError as err:
        raise RuntimeError(f"{' '.join(cmd[:5])}: no JSON: {done.stdout[:200]!r}") from err
    return elapsed


def fit(xs: list[int], ys: list[float]) -> tuple[float, float]:
    """Least-squares line y = a + b·x (ms, ms per Kommune)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - b * mx, b


def cli_cases(db: Path, one: str) -> dict[str, Callable[[], tuple[float, float]]]:
    status = [common.PY, "-m", "kora", "status", "--json", "--db", str(db), "--kommune"]
    return {
        "cli_floor": lambda: timed_process([common.PY, "-c", FLOOR_SCRIPT, str(db)]),
        "cli_one": lambda: timed_process([*status, one]),
        "cli_all": lambda: timed_process([*status, "alle"]),
    }


def lib_cases(timer: common.StatusTimer, one: str) -> dict[str, Callable[[], tuple[float, float]]]:
    return {
        "lib_floor": timer.floor,
        "lib_one": lambda: timer.status_json(one),
        "lib_all": lambda: timer.status_json(None),
    }


def report(sizes: list[int], samples: dict[tuple[int, str], list[tuple[float, float]]]) -> None:
    for n in sizes:
        print(f"\n{n} Kommunen ({common.de(n * 10_800, 0)} Messwert-Versionen)")
        for case, label in LABELS.items():
            values = samples[(n, case)]
            print(f"  {label}")
            if case.endswith("floor"):
                for i, kind in ((0, "Wanduhr"), (1, "CPU    ")):
                    print(f"      {kind} {common.spread_ms([v[i] for v in values])}")
            else:
                print(common.both_lines(values, samples[(n, case.split("_")[0] + "_floor")], "Boden"))
    if len(sizes) >= 2:
        print("\nWachstum (Ausgleichsgerade über die Mediane; Wanduhr | CPU):")
        for case, label in LABELS.items():
            line = []
            for i in (0, 1):
                a, b = fit(sizes, [statistics.median(v[i] for v in samples[(n, case)]) * 1000 for n in sizes])
                line.append(f"{common.de(a, 0)} ms + {common.de(b, 3)} ms je Kommune")
            print(f"  {label:42s} {line[0]} | {line[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommunen", default="20,100,400", help="network sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="20 and 100 Kommunen, 3 rounds")
    args = parser.parse_args()
    sizes = [20, 100] if args.quick else [int(x) for x in args.kommunen.split(",")]
    repeat = 3 if args.quick else args.repeat

    dbs = {
        n: common.cached(
            f"network-{n}-{common.cache_key('network', n)}.duckdb", lambda p, n=n: common.build_network(p, n)
        )
        for n in sizes
    }
    one = common.network_kommune(1)
    common.header("Status als JSON im Städtenetzwerk", Kommune=one, Runden=repeat)
    samples: dict[tuple[int, str], list[tuple[float, float]]] = {(n, c): [] for n in sizes for c in LABELS}
    for r in range(repeat + 1):  # round 0 warms page cache, .pyc files and DuckDB; not counted
        for n in sizes:
            # the CLI needs the file lock: the in-process DB is opened only between the CLI runs
            for case, fn in cli_cases(dbs[n], one).items():
                seconds = fn()
                if r:
                    samples[(n, case)].append(seconds)
            timer = common.StatusTimer(dbs[n])
            try:
                for case, fn in lib_cases(timer, one).items():
                    seconds = fn()
                    if r:
                        samples[(n, case)].append(seconds)
            finally:
                timer.close()
        print(f"  Runde {r}/{repeat} fertig" if r else "  Aufwärmrunde fertig")
    report(sizes, samples)


if __name__ == "__main__":
    main()
