"""Streamlit glue for the Städtevergleich: cached comparison, package import/export, samples.

Kept apart from kora/web/ui.py (which other work splits); follows its pattern: a cursor per
loader, `ui.clear_caches()` after every write, the acting person passed to kora's writes.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kora.network import service
from kora.network.indicators import SharedIndicator, shared_indicators
from kora.web import ui


def own_kommune() -> str:
    return ui.own_kommune()


def indicators() -> tuple[SharedIndicator, ...]:
    return shared_indicators()


@st.cache_data(ttl=ui.LOADER_TTL, show_spinner=False)
def _comparison(path: str, own: str, indicator_id: str, year: int, as_of: dt.date) -> service.Comparison:
    return service.comparison(ui._fresh(path), indicator_id=indicator_id, year=year, as_of=as_of, own=own)


def comparison(indicator_id: str, year: int, as_of: dt.date) -> service.Comparison:
    return _comparison(ui.db_path(), own_kommune(), indicator_id, year, as_of)


@st.cache_data(ttl=ui.LOADER_TTL, show_spinner=False)
def _has_network_data(path: str, own: str) -> bool:
    return service.has_network_data(ui._fresh(path), own=own)


def has_network_data() -> bool:
    return _has_network_data(ui.db_path(), own_kommune())


def import_package(data: bytes, filename: str, *, dry_run: bool) -> service.ImportOutcome:
    outcome = service.import_package(ui.database(), data, filename=filename, actor=ui.current_actor(), dry_run=dry_run)
    if not dry_run and outcome.ok:
        ui.clear_caches()
    return outcome


def export_package(as_of: dt.date) -> service.ExportResult:
    return service.export_package(ui.database(), actor=ui.current_actor(), as_of=as_of, own=own_kommune())


def load_samples() -> int:
    n = service.load_samples(ui.database(), actor=ui.current_actor())
    ui.clear_caches()
    return n
