"""After any write, every page shows the new data at once (kora.web.state's data-version keys).

The loaders are no longer emptied after a write; their key holds the Kommune's data version
(kora.db.data_version). Each test fills the caches, writes through the real writer on the
server's own connection (as the pages do), and checks that the next load equals a fresh,
uncached computation — and differs from what was cached before, so a stale cache would fail.
One AppTest checks the same across two sessions of the running app.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kora.db import Database, plan_store
from kora.db.data_version import data_version
from kora.massnahmen import quelle
from kora.massnahmen import upload as massnahmen_upload
from kora.plan import edits, setup
from kora.readings.commit import import_file
from kora.readings.revert import revert_upload
from kora.samples import beispieldaten, partner_packages
from kora.tracking.status import build_status
from kora.tracking.status import series as build_series
from kora.web import state
from tests.conftest import APP, OPERATOR, TODAY

K = "aachen"
AS_OF = dt.date(2025, 10, 1)
CELL = "Indikator;Monat;Wert;Kommentar\r\nkritik_extern;{month};{value};Nachmeldung Königstraße\r\n"


@pytest.fixture
def server_db(app_env: Path) -> Iterator[Database]:
    """The server's own connection (kora.web.state), with plan and Beispieldaten, caches empty."""
    db = state.fresh_cursor(str(app_env))
    beispieldaten.load_demo(db, actor=OPERATOR, kommune=K, today=TODAY)
    yield db
    st.cache_resource.clear()


def upload(db: Database, value: int) -> int:
    outcome = import_file(
        db,
        CELL.format(month="01.2025", value=value).encode("cp1252"),
        filename="korrektur.csv",
        actor=OPERATOR,
        reason="Test: Nachmeldung",
        kommune=K,
        today=TODAY,
    )
    assert outcome.result is not None and outcome.result.upload_id is not None, outcome
    return outcome.result.upload_id


def cell(frame: pd.DataFrame, month: str) -> float:
    """The value a chart shows for one month (the series' `value` column)."""
    row = frame[pd.to_datetime(frame["month"]).dt.strftime("%Y-%m") == month]
    return float(row["value"].iloc[0])


def assert_status_fresh(db: Database, *, kommune: str = K) -> None:
    shown = state.status(AS_OF, kommune=kommune).indicators
    fresh = build_status(db, kommune=kommune, as_of=AS_OF, known_at=None).indicators
    pd.testing.assert_frame_equal(shown, fresh)


def test_upload_commit_and_revert_show_at_once(server_db: Database) -> None:
    before = cell(state.series("kritik_extern", AS_OF, kommune=K), "2025-01")
    stale = state.status(AS_OF, kommune=K).indicators
    upload_id = upload(server_db, 4242)
    assert cell(state.series("kritik_extern", AS_OF, kommune=K), "2025-01") == 4242 != before
    assert not state.status(AS_OF, kommune=K).indicators.equals(stale)
    assert_status_fresh(server_db)
    revert_upload(server_db, upload_id, actor=OPERATOR, reason="Test", kommune=K)
    assert cell(state.series("kritik_extern", AS_OF, kommune=K), "2025-01") == before
    assert_status_fresh(server_db)


def test_only_what_a_reading_upload_touches_reloads(server_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A monthly upload leaves the plan (a ~100 ms load) cached; the readings reload."""
    loads: list[str] = []
    real = setup.plan_dict

    def counted(db: Database, *, kommune: str) -> dict[str, Any]:
        loads.append(kommune)
        return real(db, kommune=kommune)

    monkeypatch.setattr(state.setup, "plan_dict", counted)
    plan = state.plan(K)
    series = state.series("kritik_extern", AS_OF, kommune=K)
    upload(server_db, 4243)
    assert state.plan(K) == plan and loads == [K]  # served from the cache: not loaded again
    assert cell(state.series("kritik_extern", AS_OF, kommune=K), "2025-01") == 4243 != cell(series, "2025-01")


def test_beispieldaten_load_and_remove_show_at_once(app_env: Path) -> None:
    db = state.fresh_cursor(str(app_env))
    assert not state.has_readings(K) and not state.has_demo(K)
    beispieldaten.load_demo(db, actor=OPERATOR, kommune=K, today=TODAY)
    assert state.has_readings(K) and state.has_demo(K)
    assert_status_fresh(db)
    beispieldaten.remove_demo(db, actor=OPERATOR, kommune=K)
    assert not state.has_demo(K)
    assert_status_fresh(db)
    st.cache_resource.clear()


def target(plan: dict, indicator_id: str, year: int) -> float | None:
    ind = next(i for i in plan["indicators"] if i["id"] == indicator_id)
    return ind["targets"].get(str(year), ind["targets"].get(year))


def test_plan_edit_shows_at_once(server_db: Database) -> None:
    old = target(state.plan(K), "kritik_extern", 2025)
    stale = state.status(AS_OF, kommune=K).indicators
    edits.set_plan_value(
        server_db, OPERATOR, "kritik_extern", field="target", year=2025, value=(old or 0) + 7, reason="Test", kommune=K
    )
    assert target(state.plan(K), "kritik_extern", 2025) == (old or 0) + 7
    assert state.plan(K) == setup.plan_dict(server_db, kommune=K)
    assert not state.status(AS_OF, kommune=K).indicators.equals(stale)
    assert_status_fresh(server_db)


def test_milestone_edit_shows_at_once(server_db: Database) -> None:
    shown = state.milestones(K)
    row = shown[shown["status"] == "offen"].iloc[0]
    edits.set_milestone(
        server_db, OPERATOR, row["id"], status="erreicht", reached_on=TODAY, reason="Test", kommune=K, today=TODAY
    )
    after = state.milestones(K)
    pd.testing.assert_frame_equal(after, plan_store.milestones_df(server_db, K))
    assert not after.equals(shown)


MASSNAHMEN = (
    "Nr;Maßnahme;Art;Länge km;Priorität Verwaltung;Priorität Politik;Phase;Projektleitung;Steckbrief;"
    "Planungsbeginn;Beschluss geplant;Beschluss;Fertigstellung geplant;Fertigstellung\r\n"
    "T-99;Radfahrstreifen Jülicher Straße;geschützter Radfahrstreifen;2,5;1;2;umgesetzt;A. Schmidt;ja;"
    "01.2025;05.2025;04.2025;09.2025;15.09.2025\r\n"
)


def test_quelle_switch_and_massnahmen_import_show_at_once(server_db: Database) -> None:
    stale = state.status(AS_OF, kommune=K).indicators
    quelle.set_quelle(server_db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune=K, today=TODAY)
    assert_status_fresh(server_db)
    assert not state.status(AS_OF, kommune=K).indicators.equals(stale)  # its "quelle" column
    switched = state.series("km_umgesetzt", AS_OF, kommune=K)
    done = massnahmen_upload.import_list(
        server_db, [("liste.csv", MASSNAHMEN.encode("cp1252"))], actor=OPERATOR, kommune=K, today=TODAY
    )
    assert done.ok, done
    shown = state.series("km_umgesetzt", AS_OF, kommune=K)
    fresh = build_series(server_db, "km_umgesetzt", kommune=K, as_of=AS_OF, known_at=None)
    pd.testing.assert_frame_equal(shown, fresh)
    assert not shown.equals(switched)  # the list's km reached the chart at once
    assert_status_fresh(server_db)


def test_network_import_moves_the_partner_kommune_too(server_db: Database) -> None:
    partner = "muenchen"
    own_before = data_version(server_db, kommune=K)
    assert not state.has_readings(partner)
    assert partner_packages.load_samples(server_db, actor=OPERATOR, today=TODAY) > 0
    assert state.has_readings(partner)  # stored under the partner, audited under the own Kommune
    assert data_version(server_db, kommune=K) != own_before


def test_refused_and_reading_only_actions_leave_the_version(server_db: Database) -> None:
    before = data_version(server_db, kommune=K)
    broken = b"Indikator;Monat;Wert\r\nkritk_extern;01.2025;4\r\n"
    outcome = import_file(server_db, broken, filename="kaputt.csv", actor=OPERATOR, kommune=K, today=TODAY)
    assert outcome.result is None
    assert data_version(server_db, kommune=K) == before  # a refused file changes nothing
    upload(server_db, 4244)
    after = data_version(server_db, kommune=K)
    assert after.data != before.data and after.plan == before.plan


def _decoded(node: object) -> object:
    """A chart spec with plotly's base64 typed arrays ({"dtype", "bdata"}) turned back into numbers."""
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            return np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).tolist()
        return {k: _decoded(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decoded(v) for v in node]
    return node


def chart_specs(at: AppTest) -> str:
    return " ".join(json.dumps(_decoded(json.loads(c.proto.spec))) for c in at.get("plotly_chart"))


def test_a_write_in_one_session_shows_in_another_sessions_next_run(server_db: Database) -> None:
    """Two sessions of the app: B uploads on the upload page, A's very next rerun shows it."""
    reader = AppTest.from_file(APP, default_timeout=30)
    reader.run()
    reader.switch_page("pages/dashboard/aktionsfeld.py").run()
    assert not reader.exception
    reader.segmented_control(key="feld_select").set_value("A").run()  # kritik_extern: Vorhaben 1, Aktionsfeld A
    assert "4245" not in chart_specs(reader)
    writer = AppTest.from_file(APP, default_timeout=30)
    writer.run()
    writer.switch_page("pages/messwerte/upload.py").run()
    writer.file_uploader[0].set_value(
        ("k.csv", CELL.format(month="03.2026", value=4245).encode("cp1252"), "text/csv")
    ).run()
    reasons = [t for t in writer.text_input if t.key == "upload_reason"]
    if reasons:  # typed and clicked in one go: the upload form sends the reason with the click
        reasons[0].input("Test: Nachmeldung")
    writer.button(key="upload_commit").click().run()
    assert any("Gespeichert" in s.value for s in writer.success), [e.value for e in writer.error]
    reader.run()
    assert not reader.exception
    assert "4245" in chart_specs(reader)
