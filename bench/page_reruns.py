"""Benchmark: Aktionsfeld and Übersicht — warm rerun, first load after a write, cold start (AppTest).

    .venv/bin/python bench/page_reruns.py [--repeat 5] [--db PATH]
    .venv/bin/python bench/page_reruns.py --quick           # 3 rounds

Wall clock and CPU time of this process (all threads) are both reported: on a loaded shared
machine the CPU time is what the page itself costs. Server side only (no browser): `streamlit.testing.v1.AppTest` on app.py runs the page script as
the server does for a session. Floor: a bare one-chart `st.navigation` app (bench/common.py),
measured in the same process, interleaved with the pages round by round.

* warm rerun — the same session runs again (caches filled): what every widget click costs.
* first load after a write — a second AppTest session opens "Messwerte hochladen", uploads a
  real one-cell correction (Windows-1252, umlauts and € in the comment) with a Korrekturgrund
  and presses "Speichern" — the real write path with whatever cache invalidation the upload
  page does; then the page's session runs again. Floor: the bare app's warm rerun.
* cold start — a new session with empty st.cache_data and st.cache_resource (the DB connection
  reopened). The Python process itself is warm (modules imported); the bare app's cold start
  (also emptied caches, new session) is the floor.

Script cache: a Streamlit server compiles each page script once (one ScriptCache per runtime);
AppTest makes a new ScriptCache for every run, so every run pays the compile and the "magic"
AST pass of app.py and the page (~5–8 ms, more for bigger scripts than the bare app). The
benchmark shares one ScriptCache across runs, as the server does; `--compile-every-run` measures
AppTest's own behaviour (the numbers of session 2).

DB: Aachen plan with Beispieldaten, made with `python -m kora init` + `demo` (or --db: a copy of it).
Goals (issue 12): Aktionsfeld warm rerun ≤ 5 × the bare app's; first load after a write ≤ 2 × warm rerun.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import common

PAGES = {
    "Aktionsfeld": "pages/dashboard/aktionsfeld.py",
    "Übersicht": "pages/dashboard/uebersicht.py",
}
UPLOAD_PAGE = "pages/messwerte/upload.py"
CELL = ("kritik_extern", "01.2025")  # a count indicator of the Aachen catalogue, inside the Beispieldaten
TIMEOUT = 180


def correction(round_no: int) -> bytes:
    ind, month = CELL
    text = f"Indikator;Monat;Wert;Kommentar\r\n{ind};{month};{100 + round_no};Nachmeldung Königstraße, Kosten 120 €\r\n"
    return text.encode("cp1252")


def share_script_cache() -> None:
    """Compile each script once per process, as a server does (AppTest makes a cache per run)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]


class Sessions:
    """AppTest sessions of one process: the pages, the bare app, and an uploader."""

    def __init__(self, bare_app: Path) -> None:
        from streamlit.testing.v1 import AppTest

        self.AppTest = AppTest
        self.app = str(common.ROOT / "app.py")
        self.bare_app = str(bare_app)
        self.writes = 0

    def clear(self) -> None:
        import streamlit as st
        from streamlit import logger

        logger.set_log_level("error")  # "missing ScriptRunContext" outside a run is expected here

        st.cache_data.clear()
        st.cache_resource.clear()

    def open(self, page: str | None) -> object:
        at = self.AppTest.from_file(self.bare_app if page is None else self.app, default_timeout=TIMEOUT)
        if page is not None:
            at.switch_page(page)
        return at

    def run(self, at: object) -> tuple[float, float]:
        with common.Stopwatch() as sw:
            at.run()  # type: ignore[attr-defined]
        elapsed = (sw.wall, sw.cpu)
        if at.exception or (hasattr(at, "error") and len(at.error)):  # type: ignore[attr-defined]
            raise RuntimeError(f"page failed: {list(at.exception) or [e.value for e in at.error]}")  # type: ignore[attr-defined]
        return elapsed

    def write(self) -> tuple[float, float]:
        """A real upload through the upload page (preview, Korrekturgrund, Speichern)."""
        at = self.open(UPLOAD_PAGE)
        with common.Stopwatch() as sw:
            at.run()
            at.file_uploader[0].set_value(("korrektur.csv", correction(self.writes), "text/csv")).run()
            reason = [t for t in at.text_input if t.key == "upload_reason"]
            if reason:  # typed and clicked in one go: the upload form sends the reason with the click
                reason[0].input("Benchmark: Nachmeldung")
            at.button(key="upload_commit").click().run()
        elapsed = (sw.wall, sw.cpu)
        if at.exception or not any("Gespeichert" in s.value for s in at.success):
            raise RuntimeError(f"upload failed: {list(at.exception)} {[e.value for e in at.error]}")
        self.writes += 1
        return elapsed


Sample = tuple[float, float]  # (wall, CPU) seconds


def measure(sessions: Sessions, repeat: int) -> dict[tuple[str, str], list[Sample]]:
    samples: dict[tuple[str, str], list[Sample]] = {}

    def add(page: str, case: str, seconds: Sample) -> None:
        samples.setdefault((page, case), []).append(seconds)

    names = ["bare", *PAGES]
    for name in names:  # the process's very first run of each: imports (plotly, kora) — reported apart
        sessions.clear()
        add(name, "first_in_process", sessions.run(sessions.open(PAGES.get(name))))
    for r in range(repeat):
        for name in names:  # cold start: new session, emptied caches
            sessions.clear()
            add(name, "cold", sessions.run(sessions.open(PAGES.get(name))))
        live = {name: sessions.open(PAGES.get(name)) for name in names}
        for at in live.values():
            sessions.run(at)
        for _ in range(3):  # warm reruns, interleaved
            for name, at in live.items():
                add(name, "warm", sessions.run(at))
        for name in PAGES:  # first load after a write
            add("write", "write", sessions.write())
            add("bare", "after_write", sessions.run(live["bare"]))
            add(name, "after_write", sessions.run(live[name]))
        del live
        print(f"  Runde {r + 1}/{repeat} fertig")
    return samples


def report(samples: dict[tuple[str, str], list[Sample]]) -> None:
    bare_warm, bare_cold = samples[("bare", "warm")], samples[("bare", "cold")]
    print("\nLeere Ein-Diagramm-App (Boden)")
    for label, values in (
        ("warm", bare_warm),
        ("kalt", bare_cold),
        ("nach Schreiben", samples[("bare", "after_write")]),
    ):
        print(
            f"  {label:15s} Wanduhr {common.spread_ms([v[0] for v in values])}; CPU {common.spread_ms([v[1] for v in values])}"
        )
    for name in PAGES:
        warm, cold, after = samples[(name, "warm")], samples[(name, "cold")], samples[(name, "after_write")]
        print(f"\n{name}")
        print("  warmer Rerun")
        print(common.both_lines(warm, bare_warm, "leere App (warm)"))
        print("  erster Lauf nach Schreiben")
        print(common.both_lines(after, warm, "eigener warmer Rerun"))
        print(common.both_lines(after, samples[("bare", "after_write")], "leere App (warm, gleiche Runden)"))
        print("  Kaltstart")
        print(common.both_lines(cold, bare_cold, "leere App (kalt)"))
    first = ", ".join(f"{n} {common.de(samples[(n, 'first_in_process')][0][0] * 1000, 0)} ms" for n in ["bare", *PAGES])
    print(f"\nAllererster Lauf im Prozess (mit Modul-Importen, nicht in den Zahlen oben): {first}")
    write = samples[("write", "write")]
    print(
        f"Das Schreiben selbst (Upload-Seite: Vorschau + Speichern): Wanduhr {common.spread_ms([w[0] for w in write])}"
        f"; CPU {common.spread_ms([w[1] for w in write])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a kora DB to copy (default: Aachen + Beispieldaten)")
    parser.add_argument("--quick", action="store_true", help="3 rounds")
    parser.add_argument("--compile-every-run", action="store_true", help="AppTest's default: no shared ScriptCache")
    args = parser.parse_args()
    if not args.compile_every_run:
        share_script_cache()
    repeat = 3 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="kora-bench-pages-") as tmp:
        work = Path(tmp)
        db = work / "kora.duckdb"
        if args.db:
            common.copy_db(args.db, db)
        else:
            common.demo_db(db)
        os.environ["KORA_DB"] = str(db)
        bare = common.write_bare_app(work / "bare")
        common.header(
            "Seiten (AppTest, serverseitig)",
            DB=args.db or "Aachen + Beispieldaten (python -m kora demo)",
            Skriptcache="je Lauf neu (AppTest)" if args.compile_every_run else "geteilt (wie der Server)",
            Runden=f"{repeat} (je Runde: Kaltstart, 3 warme Reruns, je Seite ein Upload + erster Lauf danach)",
        )
        sessions = Sessions(bare)
        report(measure(sessions, repeat))
        sessions.clear()


if __name__ == "__main__":
    main()
