"""Real Chromium against a real `streamlit run app.py` on localhost.

Debian's /usr/bin/chromium driven by Playwright (no browser download). Each test module gets a
server with its own DB file; screenshots go to test-artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.local_server import CHROMIUM, LAUNCH_ARGS, free_port, server_command, start_server, stop_server

SHOTS = ROOT / "test-artifacts" / "screenshots"

# How long a browser test waits for something that must appear. Not a speed goal (bench/ measures
# speed): the suite runs in two processes, each with a Streamlit server and Chromium, on a shared
# 2-core machine, where a run that takes 3 s alone took over 30 s in CI.
WAIT_MS = 60_000

pytestmark = pytest.mark.browser


class Server:
    def __init__(self, db: Path, *, app: Path = ROOT / "app.py", env: dict[str, str] | None = None) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = db.with_suffix(".log")
        command = server_command(port=self.port, app=None if app == ROOT / "app.py" else app)
        full_env = {**os.environ, "KORA_DB": str(db), **(env or {})}
        self.proc = start_server(command, port=self.port, env=full_env, log=self.log, timeout_s=60)

    def stop(self) -> None:
        stop_server(self.proc)


def kora_cli(*args: str, db: Path) -> None:
    subprocess.run([sys.executable, "-m", "kora", *args, "--db", str(db)], cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("e2e") / "kora.duckdb"
    kora_cli("demo", db=db)
    server = Server(db)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium fehlt: ./dev.sh test installiert es (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@contextlib.contextmanager
def fresh_page(browser: object, *, width: int = 1600, height: int = 1000) -> Iterator[object]:
    """A page in a browser context of its own (no cookies of other tests), German locale, the
    suite's wait; the context is closed afterwards even when the test fails."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")  # type: ignore[attr-defined]
    try:
        pg = context.new_page()
        pg.set_default_timeout(WAIT_MS)
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    with fresh_page(browser) as pg:
        yield pg


def shot(pg: object, name: str, *, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path


def wait_for_app(pg: object) -> None:
    """Until Streamlit has finished running the script (no 'running' indicator) and charts drew."""
    pg.wait_for_selector('[data-testid="stApp"]')  # type: ignore[attr-defined]
    pg.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS
    )
