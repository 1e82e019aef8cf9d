"""Streamlit glue for the Städtevergleich: cached comparison, package import/export, samples.

Follows kora.web.state's pattern: a cursor per loader, `state.clear_caches()` after every write,
the acting person (kora.web.gate) passed to kora's writes.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kora.network import service
from kora.network.indicators import SharedIndicator, shared_indicators
from kora.network.results import Comparison, ExportResult, ImportOutcome
from kora.samples import partner_packages
from kora.web import gate, state


def indicators() -> tuple[SharedIndicator, ...]:
    return shared_indicators()


@st.cache_data(ttl=state.LOADER_TTL, show_spinner=False)
def _comparison(path: str, own: str, indicator_id: str, year: int, as_of: dt.date) -> Comparison:
    return service.comparison(state.fresh_cursor(path), indicator_id=indicator_id, year=year, as_of=as_of, own=own)


def comparison(indicator_id: str, year: int, as_of: dt.date) -> Comparison:
    return _comparison(state.db_path(), gate.own_kommune(), indicator_id, year, as_of)


@st.cache_data(ttl=state.LOADER_TTL, show_spinner=False)
def _has_network_data(path: str, own: str) -> bool:
    return service.has_network_data(state.fresh_cursor(path), own=own)


def has_network_data() -> bool:
    return _has_network_data(state.db_path(), gate.own_kommune())


def import_package(data: bytes, filename: str, *, dry_run: bool) -> ImportOutcome:
    outcome = service.import_package(
        state.database(), data, filename=filename, actor=gate.current_actor(), dry_run=dry_run
    )
    if not dry_run and outcome.ok:
        state.clear_caches()
    return outcome


def export_package(as_of: dt.date) -> ExportResult:
    return service.export_package(state.database(), actor=gate.current_actor(), as_of=as_of, own=gate.own_kommune())


def load_samples() -> int:
    n = partner_packages.load_samples(state.database(), actor=gate.current_actor())
    state.clear_caches()
    return n
