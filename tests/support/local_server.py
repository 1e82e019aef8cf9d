"""A Streamlit server on 127.0.0.1 for the browser tests and the benchmarks: port, start, health wait.

One copy for tests/browser/conftest.py and bench/common.py (they had one each): both start
`python -m kora serve` or `streamlit run` with the same flags and wait on `/_stcore/health`.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Debian's Chromium (playwright cannot download browsers here) and the flags both callers launch it with
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(*, port: int, app: Path | None) -> list[str]:
    """`python -m kora serve` (app None) or `python -m streamlit run APP`, local, headless, no watcher."""
    start = (
        [sys.executable, "-m", "kora", "serve"] if app is None else [sys.executable, "-m", "streamlit", "run", str(app)]
    )
    return [*start, "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip


def start_server(
    command: Sequence[str], *, port: int, env: Mapping[str, str], log: Path, timeout_s: float
) -> subprocess.Popen[bytes]:
    """Start `command` in the repo root and wait until its health endpoint answers 200.

    Raises RuntimeError with the server's log when it exits or does not answer in time.
    """
    proc = subprocess.Popen(list(command), cwd=ROOT, env=dict(env), stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    stop_server(proc)
    raise RuntimeError(f"Streamlit did not start:\n{log.read_text()}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
