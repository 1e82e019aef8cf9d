"""Benchmark: 1, 8 and 16 simultaneous browser sessions on the Übersicht — server CPU per load, peak RSS.

    .venv/bin/python bench/concurrent_sessions.py [--sessions 1,8,16] [--loads 8] [--budget 240] [--db PATH]
    .venv/bin/python bench/concurrent_sessions.py --quick     # 1 and 8 sessions

Two servers on 127.0.0.1 only: `python -m kora serve --db …` (Aachen + Beispieldaten unless --db)
and the bare one-chart app (floor). One headless Chromium; per level N, N browser contexts load
the page at the same time, each load a new tab (a new Streamlit session) that counts as done
when the script run is over and every chart has drawn. Bounded: about --loads loads per level
(at least 1 per session), 180 s timeout per load; levels run from the largest down and no new
level starts after --budget seconds, so a run stays under 10 minutes even on an overloaded
machine (a skipped level is reported as NOT MEASURED). App and bare app alternate level by level.

Measured per level and server: wall time per load (min / median / max), server CPU-seconds per
load (utime+stime of the server process from /proc/PID/stat, before and after the level),
peak RSS during the level (VmRSS sampled every 50 ms) and the process's VmHWM, and errors
(timeouts, exceptions, Streamlit error elements). Chromium runs on the same 2 cores as the
server, so wall times include client contention; CPU-s per load counts the server alone.
Goals (issue 12): server CPU per Übersicht load ≤ 1,3 × the bare app's; 16 sessions without an error.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import common

TIMEOUT_MS = 180_000


@dataclass
class Level:
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    hwm_mb: float = 0.0
    wall_s: float = 0.0


class RssSampler(threading.Thread):
    def __init__(self, server: common.Server) -> None:
        super().__init__(daemon=True)
        self.server, self.peak, self.stopped = server, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, self.server.rss_mb())
            self.stopped.wait(0.05)


async def one_session(browser: object, url: str, loads: int, level: Level) -> None:
    context = await browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")  # type: ignore[attr-defined]
    try:
        for _ in range(loads):
            page = await context.new_page()
            try:
                start = time.perf_counter()
                await page.goto(url, timeout=TIMEOUT_MS)
                await page.wait_for_function(common.PAGE_DONE_JS, timeout=TIMEOUT_MS, polling=50)
                level.loads.append(time.perf_counter() - start)
                shown = await page.locator(common.PAGE_ERROR_SELECTOR).count()
                if shown:
                    level.errors.append(f"{shown} Fehleranzeige(n) auf der Seite")
            except Exception as err:  # noqa: BLE001 — every failed load is counted, the run goes on
                level.errors.append(f"{type(err).__name__}: {str(err).splitlines()[0][:120]}")
            finally:
                await page.close()
    finally:
        await context.close()


async def run_level(browser: object, server: common.Server, url: str, sessions: int, loads: int) -> Level:
    level = Level()
    sampler = RssSampler(server)
    sampler.start()
    cpu0, start = server.cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(one_session(browser, url, loads, level) for _ in range(sessions)))
    level.wall_s = time.perf_counter() - start
    level.cpu_s = server.cpu_seconds() - cpu0
    sampler.stopped.set()
    sampler.join()
    level.peak_rss_mb, level.hwm_mb = sampler.peak, server.peak_rss_mb()
    return level


async def measure(
    app: common.Server, bare: common.Server, levels: list[int], total: int, budget_s: float
) -> dict[tuple[str, int], Level]:
    from playwright.async_api import async_playwright

    out: dict[tuple[str, int], Level] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=common.CHROMIUM, args=common.LAUNCH_ARGS)
        targets = {"App (Übersicht)": (app, f"{app.url}/"), "leere App": (bare, f"{bare.url}/")}
        for server, url in targets.values():  # warm-up: first load fills the server's caches
            await run_level(browser, server, url, 1, 1)
        started = time.perf_counter()
        for n in sorted(levels, reverse=True):  # the heaviest level first: the budget never skips it
            if time.perf_counter() - started > budget_s:
                print(f"  {n} Sitzungen übersprungen: Zeitbudget ({common.de(budget_s, 0)} s) aufgebraucht")
                continue
            per_session = max(1, -(-total // n))
            for name, (server, url) in targets.items():
                out[(name, n)] = await run_level(browser, server, url, n, per_session)
            print(f"  {n} Sitzungen × {per_session} Aufrufe fertig")
        await browser.close()
    return out


def report(results: dict[tuple[str, int], Level], levels: list[int]) -> None:
    for n in levels:
        if ("leere App", n) not in results:
            print(f"\n{n} gleichzeitige Sitzung(en): NICHT GEMESSEN (Zeitbudget)")
            continue
        print(f"\n{n} gleichzeitige Sitzung(en)")
        cpu = {}
        for name in ("leere App", "App (Übersicht)"):
            lv = results[(name, n)]
            done = len(lv.loads)
            cpu[name] = lv.cpu_s / done if done else float("nan")
            loads = common.spread_ms(lv.loads) if lv.loads else "keine"
            print(f"  {name:16s} {done} Aufrufe in {common.de(lv.wall_s)} s, je Aufruf {loads}")
            print(
                f"  {'':16s} Server-CPU {common.de(cpu[name], 3)} CPU-s je Aufruf "
                f"({common.de(done / lv.wall_s, 2)} Aufrufe/s); RSS-Spitze {common.de(lv.peak_rss_mb, 0)} MB "
                f"(VmHWM {common.de(lv.hwm_mb, 0)} MB); Fehler {len(lv.errors)}"
            )
            for err in sorted(set(lv.errors))[:5]:
                print(f"  {'':16s}   ! {err}")
        ratio = cpu["App (Übersicht)"] / cpu["leere App"]
        print(f"  Server-CPU je Aufruf: App = {common.de(ratio, 2)} × leere App")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,8,16", help="levels of simultaneous sessions")
    parser.add_argument(
        "--loads", type=int, default=8, help="about this many loads per level and server (≥ 1 per session)"
    )
    parser.add_argument("--budget", type=float, default=240, help="start no new level after this many seconds")
    parser.add_argument("--db", type=Path, help="a kora DB to copy (default: Aachen + Beispieldaten)")
    parser.add_argument("--quick", action="store_true", help="1 and 8 sessions")
    args = parser.parse_args()
    levels = [1, 8] if args.quick else [int(x) for x in args.sessions.split(",")]
    total = 8 if args.quick else args.loads
    with tempfile.TemporaryDirectory(prefix="kora-bench-concurrency-") as tmp:
        work = Path(tmp)
        db = work / "kora.duckdb"
        common.copy_db(args.db, db) if args.db else common.demo_db(db)
        app = common.Server(db=db, log=work / "app.log")
        bare = common.Server(bare_app=common.write_bare_app(work / "bare"), log=work / "bare.log")
        common.header(
            "Gleichzeitige Sitzungen auf der Übersicht",
            DB=args.db or "Aachen + Beispieldaten",
            Stufen=", ".join(map(str, levels)),
            Server=f"App PID {app.pid}, leere App PID {bare.pid}",
        )
        try:
            results = asyncio.run(measure(app, bare, levels, total, args.budget))
        finally:
            app.stop()
            bare.stop()
    report(results, levels)
    failed = sum(len(lv.errors) for lv in results.values())
    print(f"\nFehler insgesamt: {failed}")
    if failed:
        print("(Fehler oben je Stufe aufgeführt.)")


if __name__ == "__main__":
    main()
