"""Benchmark: monthly German-Excel files into an empty DB and into a DB holding 1 M versions.

    .venv/bin/python bench/import_history.py [--rows 10000,100000] [--repeat 5] [--history 1000000]
    .venv/bin/python bench/import_history.py --quick        # 10 000 rows, 3 rounds

The files are Windows-1252 with real non-ASCII content (indicator names with umlauts, ß and €;
German comments with €). Each round, per file size and interleaved: the floor, the import into
an empty DB (plan loaded, no readings: the importer skips its diff there), the import into the
history DB (500 indicators × every month since 2010-01 × ~10 versions ≈ 1 M rows, built once and
cached under /tmp/kora-bench-cache). Every import writes (the values differ from the history,
so they are corrections with a Korrekturgrund); each starts from a fresh copy of its DB.

Floor: DuckDB `read_csv` of the same file into a table. DuckDB cannot read Windows-1252 (its
latin-1 rejects the € byte), so the floor decodes the bytes in Python exactly as the importer must
(`bytes.decode("cp1252")`) and DuckDB reads the UTF-8 file; decode + read_csv are timed together.

Wall clock and CPU time of this process are both reported (the machine is shared; CPU time is
what the import itself costs — DuckDB's worker threads included). Timed: `kora.readings.importer.import_file` (parse, validate, diff, preview, commit) — the
function behind the upload page and `python -m kora import`; opening the DB is not timed.
Goals (issue 12): 10 000 rows into 1 M versions ≤ 2 × into the empty DB; 100 000 rows ≤ 5 × floor.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import common
import duckdb

N_INDICATORS = 500
REASON = "Benchmark: Korrektur nach Prüfung durch das Straßenbauamt"


def floor_seconds(data: bytes, utf8_path: Path) -> tuple[float, float]:
    """Decode as the importer must, then DuckDB's own reader: the least any import must do."""
    con = duckdb.connect()
    try:
        with common.Stopwatch() as sw:
            data.decode("cp1252")
            con.execute(
                "CREATE TABLE floor AS SELECT * FROM read_csv(?, delim=';', header=true, "
                "decimal_separator=',', thousands='.', encoding='utf-8')",
                [str(utf8_path)],
            ).fetchall()
        return sw.wall, sw.cpu
    finally:
        con.close()


def build_dbs(history: int) -> tuple[Path, Path, int]:
    last = common.last_complete_month()
    n_months = common.months_since_start(last)
    versions = max(1, -(-history // (N_INDICATORS * n_months)))
    key = common.cache_key("import", N_INDICATORS, last, versions)

    def empty(path: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            plan, catalogue = common.write_catalogue(Path(tmp), N_INDICATORS)
            common.init_db(path, plan, catalogue)

    empty_db = common.cached(f"import-empty-{key}.duckdb", empty)

    def full(path: Path) -> None:
        common.copy_db(empty_db, path)
        common.add_history(path, n_indicators=N_INDICATORS, last=last, versions=versions)

    full_db = common.cached(f"import-history-{key}.duckdb", full)
    return empty_db, full_db, N_INDICATORS * n_months * versions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000", help="file sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--history", type=int, default=1_000_000, help="versions in the history DB (about)")
    parser.add_argument("--quick", action="store_true", help="10 000 rows, 3 rounds")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [int(x) for x in args.rows.split(",")]
    repeat = 3 if args.quick else args.repeat

    empty_db, full_db, versions = build_dbs(args.history)
    last = common.last_complete_month()
    common.header(
        "Import: leere DB und DB mit Historie",
        Historie=f"{common.de(versions, 0)} Versionen ({N_INDICATORS} Indikatoren × Monate seit 2010-01)",
        Runden=repeat,
    )
    with tempfile.TemporaryDirectory(prefix="kora-bench-import-") as tmp:
        work = Path(tmp)
        files: dict[int, tuple[bytes, Path]] = {}
        for n in sizes:
            data = common.monthly_csv(n, N_INDICATORS, last=last, seed=n)
            utf8 = work / f"floor-{n}.csv"
            utf8.write_text(data.decode("cp1252"), encoding="utf-8")
            files[n] = (data, utf8)
            print(f"Datei {common.de(n, 0)} Zeilen: {common.de(len(data) / 1e6, 2)} MB Windows-1252")
        samples = {(n, case): [] for n in sizes for case in ("floor", "empty", "history")}
        for r in range(repeat):
            for n in sizes:
                data, utf8 = files[n]
                samples[(n, "floor")].append(floor_seconds(data, utf8))
                for case, src in (("empty", empty_db), ("history", full_db)):
                    db = common.copy_db(src, work / f"{case}.duckdb")
                    seconds, message = common.import_in_process(db, data, filename=f"monat-{n}.csv", reason=REASON)
                    samples[(n, case)].append(seconds)
                    if r == 0:
                        print(f"  ({case}, {n}: {message})")
            print(f"  Runde {r + 1}/{repeat} fertig")
        for n in sizes:
            floor = samples[(n, "floor")]
            empty, hist = samples[(n, "empty")], samples[(n, "history")]
            print(f"\n{common.de(n, 0)} Zeilen")
            print("  Boden: cp1252 dekodieren + DuckDB read_csv")
            print(
                f"      Wanduhr {common.spread_ms([f[0] for f in floor])}; CPU {common.spread_ms([f[1] for f in floor])}"
            )
            print("  Import in leere DB")
            print(common.both_lines(empty, floor, "Boden"))
            print(f"  Import in DB mit {common.de(versions / 1e6, 2)} Mio. Versionen")
            print(common.both_lines(hist, floor, "Boden"))
            print(common.both_lines(hist, empty, "Import in leere DB"))
            rows_s = n / statistics.median([h[0] for h in hist])
            print(f"  Durchsatz mit Historie (Wanduhr): {common.de(rows_s, 0)} Zeilen/s")


if __name__ == "__main__":
    main()
