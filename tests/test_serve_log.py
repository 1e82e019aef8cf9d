"""Issue 11: `python -m kora serve --server.port …` starts with a clean log — no English notices
about a changed [server] section, no "No runtime found" for every cached loader."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import Server


def test_serve_log_has_no_spurious_warnings(tmp_path: Path) -> None:
    server = Server(tmp_path / "kora.duckdb")  # `kora serve --server.port N --server.address …`, waits for health
    try:
        log = server.log.read_text(encoding="utf-8")
    finally:
        server.stop()
    log += server.log.read_text(encoding="utf-8")
    assert "No runtime found" not in log
    assert "[server] config option section" not in log
    assert "Traceback" not in log
