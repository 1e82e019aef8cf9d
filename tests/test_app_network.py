"""Every page renders on a network-scale DB (20 synthetic Kommunen, ~216 000 reading versions)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kora.db import open_database
from kora.plan import setup
from kora.samples.beispieldaten import load_demo
from kora.samples.network import build_network_db
from tests.conftest import APP, KOMMUNE, OPERATOR, ROOT, TODAY

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages" / "dashboard").rglob("*.py"))
PAGES += ["pages/vortrag/praesentation.py"]


@pytest.fixture(scope="module")
def network_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("network") / "kora.duckdb"
    db = open_database(path)
    setup.init(db, actor=OPERATOR)
    load_demo(db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    info = build_network_db(db)
    assert info.readings >= 200_000
    db.close()
    return path


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_network_scale_db(network_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv("KORA_DB", str(network_db))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=30)
        at.run()
        at.switch_page(page).run()
        assert not at.exception
        assert not at.error
        assert at.title or at.markdown, "every page shows content"
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
