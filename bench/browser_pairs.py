"""Benchmark: the app and a bare one-chart app in a real browser, loaded in alternating pairs.

    .venv/bin/python bench/browser_pairs.py [--pairs 5] [--db PATH]
    .venv/bin/python bench/browser_pairs.py --quick          # 3 pairs

Two servers on 127.0.0.1: `python -m kora serve --db …` (Aachen + Beispieldaten unless --db) and
`streamlit run` of the bare app (bench/common.py). Headless Debian Chromium via Playwright. Each
load is a fresh browser context (no cache, new Streamlit session): navigation → the script run
is over (no running indicator) and every Plotly chart has drawn its SVG; the time to the first
drawn chart is recorded too, and the server's CPU time per load (/proc/PID/stat), which the
neighbours' load on this shared machine does not inflate. App page and bare app alternate (app, bare, app, bare, …) so the
machine's noise hits both alike. The very first load of each server (its caches empty, modules
still importing) is reported apart and left out of the medians.

A screenshot of the last load of each page goes to test-artifacts/bench/ to look at.
Goal (issue 5, kept): Übersicht first chart ≤ 1,3 × the bare app.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import common

PAGES = {"Übersicht": "", "Aktionsfeld": "aktionsfeld"}  # the default page lives at "/" (/uebersicht: "Page not found")
SHOTS = common.ROOT / "test-artifacts" / "bench"
TIMEOUT_MS = 120_000


def load(browser: object, server: common.Server, url: str, shot: Path | None = None) -> tuple[float, float, float, int]:
    """(seconds to first chart, seconds to done, server CPU-s, error elements) of one fresh load."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        cpu0, start = server.cpu_seconds(), time.perf_counter()
        page.goto(url)
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=TIMEOUT_MS)
        first = time.perf_counter() - start
        page.wait_for_function(common.PAGE_DONE_JS, timeout=TIMEOUT_MS, polling=50)
        done = time.perf_counter() - start
        cpu = server.cpu_seconds() - cpu0
        errors = page.locator(common.PAGE_ERROR_SELECTOR).count() + page.get_by_text("Page not found").count()
        if shot is not None:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        return first, done, cpu, errors
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a kora DB to copy (default: Aachen + Beispieldaten)")
    parser.add_argument("--quick", action="store_true", help="3 pairs")
    args = parser.parse_args()
    pairs = 3 if args.quick else args.pairs
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kora-bench-browser-") as tmp:
        work = Path(tmp)
        db = work / "kora.duckdb"
        common.copy_db(args.db, db) if args.db else common.demo_db(db)
        app = common.Server(db=db, log=work / "app.log")
        bare = common.Server(bare_app=common.write_bare_app(work / "bare"), log=work / "bare.log")
        common.header("Browser: App und leere App im Wechsel", DB=args.db or "Aachen + Beispieldaten", Paare=pairs)
        samples: dict[str, list[tuple[float, float, float]]] = {}
        firsts: dict[str, tuple[float, float, float]] = {}
        errors = 0
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=common.CHROMIUM, args=common.LAUNCH_ARGS)
                targets = {"leere App": (bare, f"{bare.url}/")} | {
                    name: (app, f"{app.url}/{path}") for name, path in PAGES.items()
                }
                for name, (server, url) in targets.items():  # first load of each server and page, reported apart
                    f, d, c, e = load(browser, server, url)
                    firsts[name], errors = (f, d, c), errors + e
                for i in range(pairs):
                    for name, path in PAGES.items():
                        last = i == pairs - 1
                        pair = ((name, app, f"{app.url}/{path}"), (f"leere App ({name})", bare, f"{bare.url}/"))
                        for label, server, url in pair:
                            shot = (
                                SHOTS / f"{(path or 'uebersicht') if label == name else 'leer'}.png" if last else None
                            )
                            f, d, c, e = load(browser, server, url, shot)
                            samples.setdefault(label, []).append((f, d, c))
                            errors += e
                    print(f"  Paar {i + 1}/{pairs} fertig")
                browser.close()
        finally:
            app.stop()
            bare.stop()
    print("\nErster Aufruf je Server/Seite (leere Caches; nicht in den Medianen):")
    for name, (f, d, c) in firsts.items():
        print(
            f"  {name:12s} erstes Diagramm {common.de(f * 1000, 0)} ms, fertig {common.de(d * 1000, 0)} ms, "
            f"Server-CPU {common.de(c * 1000, 0)} ms"
        )
    for name in PAGES:
        app_f, app_d, app_c = zip(*samples[name], strict=True)
        bare_f, bare_d, bare_c = zip(*samples[f"leere App ({name})"], strict=True)
        print(f"\n{name} (je Paar neuer Browser-Kontext)")
        print(f"  leere App: erstes Diagramm {common.spread_ms(bare_f)}; fertig {common.spread_ms(bare_d)}")
        print(f"  App:       erstes Diagramm {common.spread_ms(app_f)}")
        print(f"      = {common.ratio_text(app_f, bare_f)} leere App")
        print(f"  App:       fertig (alle Diagramme, Skript beendet) {common.spread_ms(app_d)}")
        print(f"      = {common.ratio_text(app_d, bare_d)} leere App")
        print(f"  Server-CPU je Aufruf: leere App {common.spread_ms(bare_c)}")
        print(
            f"                        App       {common.spread_ms(app_c)}  = {common.ratio_text(app_c, bare_c)} leere App"
        )
    print(f"\nFehleranzeigen auf den Seiten: {errors}. Screenshots: {SHOTS}")


if __name__ == "__main__":
    main()
