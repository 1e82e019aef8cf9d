"""Shared parts of the issue-12 benchmarks: statistics, cached databases, servers, and every kora import.

Why one module: kora's modules are being split into smaller ones (names move). The benchmarks
reach the product through stable doors — the CLI in subprocesses, `python -m kora serve`, and
AppTest on app.py — and where they must call the library (building a 1 M-version DB, an
in-process import), the import lives in a function here, so a rename is a one-line fix.

Every benchmark prints min / median / max and the ratio to a floor measured in the same run,
interleaved round by round, so the noise of this shared machine hits both alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import machine

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CACHE = Path(os.environ.get("KORA_BENCH_CACHE", "/tmp/kora-bench-cache"))
CACHE_VERSION = "v1"  # bump when the generated data changes shape
BENCH_USER = "Benchmark"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# re-exported for the bench scripts: one copy of the browser set-up for tests and bench
from tests.support.local_server import CHROMIUM as CHROMIUM  # noqa: E402
from tests.support.local_server import LAUNCH_ARGS as LAUNCH_ARGS  # noqa: E402

# --- printing -------------------------------------------------------------------------------


def de(x: float, digits: int = 1) -> str:
    """German decimal comma: 1234.5 -> '1.234,5' (README and output speak German)."""
    return f"{x:,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def spread_ms(seconds: Sequence[float]) -> str:
    """'min 12,0 · median 15,1 · max 20,3 ms'."""
    ms = [s * 1000 for s in seconds]
    return f"min {de(min(ms))} · median {de(statistics.median(ms))} · max {de(max(ms))} ms"


def ratio_text(values: Sequence[float], floor: Sequence[float]) -> str:
    """Median / median, plus the per-round ratios' range (rounds are interleaved pairs)."""
    med = statistics.median(values) / statistics.median(floor)
    if len(values) == len(floor):
        per = [v / f for v, f in zip(values, floor, strict=True)]
        return f"{de(med, 2)} × (je Runde {de(min(per), 2)}–{de(max(per), 2)} ×)"
    return f"{de(med, 2)} ×"


def header(title: str, **facts: object) -> None:
    print(f"== {title}")
    print(f"Maschine: {machine.describe()} · Last (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Zeit: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    for key, value in facts.items():
        print(f"{key}: {value}")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """`python -m kora …` as city IT runs it (a fresh process: startup and imports included)."""
    return subprocess.run([PY, "-m", "kora", *args], cwd=ROOT, check=check, capture_output=True)


def cached(name: str, build: Callable[[Path], None]) -> Path:
    """A generated DB under CACHE, built once (into a temporary name, renamed when complete)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / name
    if not path.exists():
        tmp = CACHE / f"building-{os.getpid()}-{name}"
        tmp.unlink(missing_ok=True)
        start = time.perf_counter()
        build(tmp)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        tmp.rename(path)
        print(f"(erzeugt: {path} in {de(time.perf_counter() - start)} s, zwischengespeichert)")
    return path


def copy_db(src: Path, dst: Path) -> Path:
    dst.unlink(missing_ok=True)
    Path(str(dst) + ".wal").unlink(missing_ok=True)
    shutil.copy(src, dst)
    return dst


# --- the synthetic catalogue and German Excel files ----------------------------------------

PLAN_START = dt.date(2010, 1, 1)
UNITS = ("Anzahl", "€", "%", "km", "Anzahl")  # cycled; "%" indicators get max = 100
NAMES = (
    "Querungshilfen für Fußgänger*innen",
    "Fahrradstraßen in der Königstraße",
    "Radabstellanlagen an Schulen (Größe ab 10 Plätzen)",
    "Förderung Lastenräder in €",
    "Überprüfte Ampelschaltungen",
)
COMMENTS = (
    "Zählung Königstraße – Nachmeldung",
    "Kosten 1.234,50 € (geschätzt)",
    "Größenänderung nach Prüfung durch Straßenbauamt",
    "Übernahme aus Jahresbericht, „vorläufig“",
    "Maßnahme verzögert: Witterung",
)


def last_complete_month(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def month_list(last: dt.date, count: int) -> list[dt.date]:
    out, y, m = [], last.year, last.month
    for _ in range(count):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def months_since_start(last: dt.date) -> int:
    return (last.year - PLAN_START.year) * 12 + last.month - PLAN_START.month + 1


def indicator_name(i: int) -> str:
    return f"{NAMES[i % len(NAMES)]} Nr. {i:04d}"


def write_catalogue(folder: Path, n_indicators: int) -> tuple[Path, Path]:
    """Aachen's plan with plan start 2010-01 plus `n_indicators` synthetic ones with German names."""
    from kora.plan.files import CATALOGUE_FILE, PLAN_FILE  # kora import (see module docstring)

    folder.mkdir(parents=True, exist_ok=True)
    text = PLAN_FILE.read_text(encoding="utf-8")
    start = f'plan_start = "{PLAN_START:%Y-%m}"'
    plan_text = text.replace('plan_start = "2025-01"', start)
    assert start in plan_text, "plan_start not found in the plan file"
    plan = folder / "aktionsplan.toml"
    plan.write_text(plan_text, encoding="utf-8")
    parts = [CATALOGUE_FILE.read_text(encoding="utf-8")]
    for i in range(n_indicators):
        unit = UNITS[i % len(UNITS)]
        parts.append(
            f'\n[[indikator]]\nid = "ind_{i:04d}"\nname = "{indicator_name(i)}"\nmessung = "Benchmark (synthetisch)"\n'
            f'erhoben_von = "Straßenbauamt"\neinheit = "{unit}"\nrichtung = "up"\naggregation = "sum"\nmin = 0\n'
            f"{'max = 100' if unit == '%' else ''}\nvorhaben = [{i % 7 + 1}]\n"
        )
    catalogue = folder / "indikatoren.toml"
    catalogue.write_text("".join(parts), encoding="utf-8")
    return plan, catalogue


def _value_text(i: int, rng: random.Random) -> str:
    if UNITS[i % len(UNITS)] == "%":
        return f"{rng.randint(0, 9999) / 100:.2f}".replace(".", ",")
    return f"{rng.randint(0, 99999):,}".replace(",", ".")


def monthly_csv(n_rows: int, n_indicators: int, *, last: dt.date, seed: int) -> bytes:
    """German Excel 'CSV (Trennzeichen-getrennt)': Windows-1252, ';', decimal comma, MM.YYYY.

    Real non-ASCII content: every 4th row names its indicator by its German display name
    (umlauts, ß, €) instead of the id, and every 3rd row carries a German comment with €.
    Cells are the last n_rows / n_indicators months up to `last`, all indicators each month.
    """
    rng = random.Random(seed)
    per = -(-n_rows // n_indicators)
    out = ["Indikator;Monat;Wert;Kommentar"]
    k = 0
    for month in month_list(last, per):
        label = f"{month.month:02d}.{month.year}"
        for i in range(n_indicators):
            if k == n_rows:
                break
            ind = indicator_name(i) if k % 4 == 0 else f"ind_{i:04d}"
            comment = COMMENTS[k % len(COMMENTS)] if k % 3 == 0 else ""
            out.append(f"{ind};{label};{_value_text(i, rng)};{comment}")
            k += 1
    data = ("\r\n".join(out) + "\r\n").encode("cp1252")
    assert b"\x80" in data and "ß".encode("cp1252") in data  # € and ß really are Windows-1252 bytes
    return data


# --- databases (kora imports) --------------------------------------------------------------


def init_db(path: Path, plan: Path, catalogue: Path) -> None:
    from kora.access.roles import Actor
    from kora.db import open_database
    from kora.plan import setup

    db = open_database(path)
    try:
        setup.init(db, plan_path=plan, catalogue_path=catalogue, actor=Actor.cli(BENCH_USER))
        db.checkpoint()
    finally:
        db.close()


def add_history(path: Path, *, n_indicators: int, last: dt.date, versions: int, seed: int = 11) -> int:
    """Bulk-append `versions` versions of every cell (indicator × month since plan start); returns rows.

    Written like kora.samples.network does (readings_store.insert_readings), because a million
    versions through the importer would take longer than the benchmark itself.
    """
    import numpy as np
    import pandas as pd

    from kora.db import open_database, readings_store
    from kora.plan.model import DEFAULT_KOMMUNE

    n_months = months_since_start(last)
    months = pd.to_datetime(month_list(last, n_months))
    ids = np.array([f"ind_{i:04d}" for i in range(n_indicators)])
    rng = np.random.default_rng(seed)
    db = open_database(path)
    try:
        with db.write_lock, db.transaction():
            for v in range(versions):
                at = dt.datetime(2011, 1, 1) + dt.timedelta(days=30 * v)
                upload = readings_store.new_upload(
                    db, kommune=DEFAULT_KOMMUNE, kind="upload", user=BENCH_USER, at=at,
                    filename=f"historie-v{v + 1}.csv", reason=None if v == 0 else "Korrektur (synthetisch)",
                    n_new=n_indicators * n_months if v == 0 else 0, n_changed=0 if v == 0 else n_indicators * n_months,
                )  # fmt: skip
                frame = pd.DataFrame(
                    {
                        "kommune": DEFAULT_KOMMUNE,
                        "indicator_id": np.repeat(ids, n_months),
                        "month": np.tile(months, n_indicators),
                        "value": rng.integers(0, 100, n_indicators * n_months).astype(float),
                        "comment": None,
                        "source": "synthetisch",
                        "upload_id": upload,
                        "recorded_at": pd.Timestamp(at),
                        "recorded_by": BENCH_USER,
                        "reason": None if v == 0 else "Korrektur (synthetisch)",
                    }
                )
                readings_store.insert_readings(db, frame)
        db.checkpoint()
        return int(readings_store.count_readings(db))
    finally:
        db.close()


def import_in_process(path: Path, data: bytes, *, filename: str, reason: str) -> tuple[tuple[float, float], str]:
    """The library's write function (what the upload page and `python -m kora import` call).

    Returns ((wall, CPU) seconds of import_file alone, its German result message); opening the
    DB is not timed.
    """
    from kora.access.roles import Actor
    from kora.db import open_database
    from kora.plan.model import DEFAULT_KOMMUNE
    from kora.readings.commit import import_file

    db = open_database(path)
    try:
        with Stopwatch() as sw:
            outcome = import_file(
                db, data, filename=filename, actor=Actor.cli(BENCH_USER), reason=reason, kommune=DEFAULT_KOMMUNE
            )
        elapsed = (sw.wall, sw.cpu)
        if not outcome.committed or outcome.result is None:
            raise RuntimeError(f"import not saved: {outcome.as_dict()}")
        return elapsed, outcome.result.message
    finally:
        db.close()


def build_network(path: Path, kommunen: int) -> None:
    """kora.samples.network: `kommunen` × 30 indicators × 120 months × 3 versions."""
    from kora.db import open_database
    from kora.samples.network import build_network_db

    db = open_database(path)
    try:
        build_network_db(db, kommunen=kommunen)
        db.checkpoint()
    finally:
        db.close()


def network_kommune(i: int = 1) -> str:
    from kora.samples.network import kommune_id

    return kommune_id(i)


def demo_db(path: Path) -> None:
    """Aachen plan + Beispieldaten, through the CLI."""
    run_cli("init", "--db", str(path))
    run_cli("demo", "--db", str(path))


def cache_key(*parts: object) -> str:
    return hashlib.sha1(repr((CACHE_VERSION, *parts)).encode()).hexdigest()[:10]


# --- the bare one-chart app (the floor of every page measurement) ---------------------------

BARE_APP = """import streamlit as st
page = st.navigation([st.Page("views/chart.py", title="Chart", default=True)])
page.run()
"""
BARE_PAGE = """import plotly.graph_objects as go
import streamlit as st
st.title("Bare")
st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2])), theme=None)
"""


def write_bare_app(folder: Path) -> Path:
    (folder / "views").mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(BARE_APP, encoding="utf-8")
    (folder / "views" / "chart.py").write_text(BARE_PAGE, encoding="utf-8")
    return folder / "app.py"


# --- servers --------------------------------------------------------------------------------


class Server:
    """`python -m kora serve --db … --server.port …` (db given) or `streamlit run bare/app.py`, on 127.0.0.1."""

    def __init__(self, *, db: Path | None = None, bare_app: Path | None = None, log: Path) -> None:
        from tests.support.local_server import free_port, server_command, start_server

        assert db is not None or bare_app is not None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = server_command(port=self.port, app=None if db is not None else bare_app)
        if db is not None:
            command[4:4] = ["--db", str(db)]  # python -m kora serve --db PATH …
        env = {**os.environ, **({"KORA_DB": str(db)} if db else {})}
        self.proc = start_server(command, port=self.port, env=env, log=log, timeout_s=90)
        self.log = log

    @property
    def pid(self) -> int:
        return self.proc.pid  # `kora serve` runs Streamlit in this very process (kora.web.ui.serve)

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (and reaped children) from /proc/PID/stat."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        return _status_kb(self.pid, "VmRSS") / 1024

    def peak_rss_mb(self) -> float:
        return _status_kb(self.pid, "VmHWM") / 1024

    def stop(self) -> None:
        from tests.support.local_server import stop_server

        stop_server(self.proc)


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


# JavaScript: the script run is over (no running indicator) and every Plotly chart has drawn.
PAGE_DONE_JS = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (!charts.length) return false;
  return Array.from(charts).every(c => c.querySelector('.main-svg'));
}"""
PAGE_ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'


# --- status (kora imports) ------------------------------------------------------------------

FLOOR_AGGREGATE_SQL = """
    SELECT kommune, indicator_id, count(*) AS n, sum(value) AS total, arg_max(value, recorded_at) AS newest
    FROM readings GROUP BY ALL ORDER BY ALL
"""


class StatusTimer:
    """In-process `status --json` (build_status + to_json, exactly what the CLI prints) on one open DB."""

    def __init__(self, path: Path) -> None:
        from kora.db import open_database

        self.db = open_database(path)

    def status_json(self, kommune: str | None) -> tuple[float, float]:
        from kora.tracking.status import build_status

        with Stopwatch() as sw:
            text = build_status(self.db, kommune=kommune).to_json()
        assert text.startswith("{")
        return sw.wall, sw.cpu

    def floor(self) -> tuple[float, float]:
        """One aggregate over every reading version, as a DataFrame, dumped as JSON."""
        import json

        with Stopwatch() as sw:
            frame = self.db.df(FLOOR_AGGREGATE_SQL)
            json.dumps(frame.to_dict(orient="records"), default=str)
        return sw.wall, sw.cpu

    def close(self) -> None:
        self.db.close()


# --- wall clock and CPU time ------------------------------------------------------------------
# On a shared machine under load, wall time mostly measures the neighbours. CPU time of the
# measured process (all its threads; for subprocesses the reaped children) is what the code
# itself costs, so every in-process and CLI benchmark records both.


class Stopwatch:
    """`with Stopwatch() as sw: …` → sw.wall, sw.cpu (this process, all threads) in seconds."""

    def __enter__(self) -> Stopwatch:
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


def children_cpu() -> float:
    """CPU seconds of all reaped child processes so far (user + system)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def both_lines(values: Sequence[tuple[float, float]], floor: Sequence[tuple[float, float]], floor_name: str) -> str:
    """Two indented lines: wall and CPU, each with min/median/max and the ratio to the floor."""
    out = []
    for i, kind in ((0, "Wanduhr"), (1, "CPU    ")):
        v, f = [x[i] for x in values], [x[i] for x in floor]
        out.append(f"      {kind} {spread_ms(v)}  = {ratio_text(v, f)} {floor_name}")
    return "\n".join(out)
