"""Shared fixtures: real temporary DuckDB files (never mocks), the plan, Beispieldaten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kora.access.roles import Actor
from kora.db import Database, open_database
from kora.plan import setup as ops
from kora.plan.files import load_plan
from kora.plan.model import Plan
from kora.samples.beispieldaten import load_demo

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SEED = ROOT.parent / "shared" / "seed" / "000_54ee02670b66ee92.txt"
# A fixed "today" keeps Beispieldaten and attainment reproducible in tests.
TODAY = dt.date(2026, 11, 26)
# Fixtures act as the machine operator (role admin), like `python -m kora …` does.
OPERATOR = Actor.cli("test")
# The Kommune of the seed plan every test DB is initialised with; the library never assumes it.
KOMMUNE = "aachen"


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_plan()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kora.duckdb"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    ops.init(database, actor=OPERATOR)
    yield database
    database.close()


@pytest.fixture
def demo_db(db: Database) -> Database:
    load_demo(db, today=TODAY, actor=OPERATOR, kommune=KOMMUNE)
    return db


@pytest.fixture
def app_env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at a fresh DB file and start with empty Streamlit caches."""
    import streamlit as st

    monkeypatch.setenv("KORA_DB", str(db_path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield db_path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def fresh_login_brake() -> Iterator[None]:
    """The login brake lives for a server process; pytest is one process for hundreds of logins from
    "localhost", so each test starts (and ends) with a brake that has seen no failures."""
    from kora.access.login import THROTTLE

    THROTTLE.reset()
    yield
    THROTTLE.reset()
