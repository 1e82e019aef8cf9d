"""Benchmark: what the integrity check on open costs (issue 15), on the demo DB and a 216 000-row network DB.

`open_database(check=True)` reads every value of every table once (DuckDB verifies each block's
checksum as it reads), so a damaged file is refused before anything writes into it. Printed:
open without the check (the floor), with it, and the ratio — median of `--repeat` runs each.

    .venv/bin/python bench/bench_db_check.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import machine  # noqa: E402

from kora.access.roles import Actor  # noqa: E402
from kora.db import open_database  # noqa: E402
from kora.plan import setup  # noqa: E402
from kora.plan.model import DEFAULT_KOMMUNE  # noqa: E402
from kora.samples.beispieldaten import load_demo  # noqa: E402
from kora.samples.network import build_network_db  # noqa: E402


def _median_open(path: Path, *, check: bool, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        open_database(path, check=check).close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Maschine: {machine.describe()}")
    with tempfile.TemporaryDirectory(prefix="kora-check-") as tmp:
        demo, network = Path(tmp) / "demo.duckdb", Path(tmp) / "netz.duckdb"
        with open_database(demo) as db:
            setup.init(db, actor=Actor.cli("bench"))
            load_demo(db, actor=Actor.cli("bench"), kommune=DEFAULT_KOMMUNE)
        with open_database(network) as db:
            info = build_network_db(db)
            db.checkpoint()
        print(f"Netzwerk-DB: {getattr(info, 'readings', '?')} Messwert-Versionen")
        for label, path in (("Beispieldaten", demo), ("Netzwerk", network)):
            floor = _median_open(path, check=False, repeat=args.repeat)
            checked = _median_open(path, check=True, repeat=args.repeat)
            size = path.stat().st_size / 1024 / 1024
            print(
                f"{label:14} {size:6.1f} MB  öffnen {floor * 1000:7.0f} ms, mit Prüfung {checked * 1000:7.0f} ms "
                f"(+{(checked - floor) * 1000:.0f} ms, {checked / floor:.1f} × Floor)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
