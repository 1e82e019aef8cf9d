"""Benchmark: page rerun time (AppTest) and browser time to the first chart.

Not a test: machines here are shared and noisy, so figures are medians and the browser figure is
reported as a ratio to a bare one-chart `st.navigation` app measured in the same run.

    .venv/bin/python bench/bench_pages.py [--runs 5] [--loads 5] [--skip-browser]

Goals: rerun under 300 ms per page on Beispieldaten and on the network-scale DB;
navigation → first chart drawn at most 1.3× the bare app.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import machine  # noqa: E402  (bench/machine.py)

from kora.access.roles import Actor  # noqa: E402
from kora.db import open_database  # noqa: E402
from kora.plan import setup as ops  # noqa: E402
from kora.plan.model import DEFAULT_KOMMUNE  # noqa: E402
from kora.samples.beispieldaten import load_demo  # noqa: E402

PAGES = [
    "pages/dashboard/uebersicht.py",
    "pages/dashboard/aktionsfeld.py",
    "pages/dashboard/vorhaben.py",
    "pages/dashboard/meilensteine.py",
    "pages/dashboard/staedtenetzwerk.py",
]

BARE_APP = """
import streamlit as st
page = st.navigation([st.Page("views/chart.py", title="Chart", default=True)])
page.run()
"""
BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st
st.title("Bare")
st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2])), theme=None)
"""


def make_db(path: Path, *, network: bool) -> None:
    db = open_database(path)
    ops.init(db, actor=Actor.cli("bench"))
    load_demo(db, actor=Actor.cli("bench"), kommune=DEFAULT_KOMMUNE)
    if network:
        from kora.samples.network import build_network_db

        build_network_db(db)
    db.checkpoint()
    db.close()


def rerun_times(db_path: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Per page: (first run with cold caches, median warm rerun) in ms."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["KORA_DB"] = str(db_path)
    out: dict[str, tuple[float, float]] = {}
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()  # first run: empty caches, opens the DB
        cold = (time.perf_counter() - t0) * 1000
        assert not at.exception, at.exception
        warm = []
        for _ in range(runs):
            t0 = time.perf_counter()
            at.run()
            warm.append((time.perf_counter() - t0) * 1000)
        out[page] = (cold, statistics.median(warm))
        del at
    # release the DuckDB file: the browser part starts a server process that must open it
    st.cache_resource.clear()
    gc.collect()
    return out


def first_chart_ms(app: Path, db_path: Path | None, path: str, loads: int) -> float:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, Server

    server = Server(db_path or app.parent / "unused.duckdb", app=app)
    try:
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            for i in range(loads + 1):
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(f"{server.url}/{path}")
                page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=60_000)
                if i:  # the first load warms the server's caches
                    times.append((time.perf_counter() - t0) * 1000)
                context.close()
            browser.close()
        return statistics.median(times)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    print(f"Maschine: {machine.describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        dbs = {
            "Beispieldaten": tmpdir / "demo.duckdb",
            "Netzwerk (20 Kommunen, ~216 000 Zeilen)": tmpdir / "net.duckdb",
        }
        make_db(dbs["Beispieldaten"], network=False)
        t0 = time.perf_counter()
        make_db(dbs["Netzwerk (20 Kommunen, ~216 000 Zeilen)"], network=True)
        print(f"Netzwerk-DB erzeugt in {time.perf_counter() - t0:.1f} s")

        print("\nServerseitige Rerun-Zeit je Seite (AppTest; Median warm, erster Lauf kalt), Ziel < 300 ms")
        for label, path in dbs.items():
            print(f"  {label}:")
            for page, (cold, warm) in rerun_times(path, args.runs).items():
                flag = "ok" if warm < 300 else "ÜBER ZIEL"
                print(f"    {page:40s} warm {warm:7.1f} ms  kalt {cold:7.1f} ms  {flag}")

        if args.skip_browser:
            return
        bare = tmpdir / "bare"
        (bare / "views").mkdir(parents=True)
        (bare / "app.py").write_text(BARE_APP)
        (bare / "views" / "chart.py").write_text(BARE_PAGE)
        floor = first_chart_ms(bare / "app.py", None, "", args.loads)
        print("\nBrowser: Navigation → erstes Diagramm gezeichnet (Median), Verhältnis zur leeren Ein-Diagramm-App")
        print(f"  leere App (Boden):         {floor:7.0f} ms")
        for label, path in dbs.items():
            ms = first_chart_ms(ROOT / "app.py", path, "", args.loads)  # the Übersicht is the default page at /
            print(f"  Übersicht, {label[:12]:12s}: {ms:7.0f} ms  = {ms / floor:4.2f}× (Ziel ≤ 1,3×)")


if __name__ == "__main__":
    main()
