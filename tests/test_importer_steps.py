"""The named steps of commit, revert and the one write-plus-audit path (kora.readings.versions).

Pure steps get tables; the write path runs against a real temporary DuckDB file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kora.db import Database, audit_store, plan_store, readings_store
from kora.errors import KoraError, NotFoundError
from kora.readings.commit import Changes, reason_missing_message, stale, version_frame
from kora.readings.revert import Refusal, Todo, refusal, revert_message, split_plan, upload_list
from kora.readings.versions import AuditRow, Batch, MilestoneVersion, UploadRow, write_versions

AT = dt.datetime(2026, 11, 2, 9, 30)


def cells(statuses: list[str], value_changed: list[bool] | None = None, old: list[float] | None = None) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame(
        {
            "indicator_id": [f"i{k}" for k in range(n)],
            "month": pd.to_datetime(["2025-03-01"] * n).astype("datetime64[us]"),
            "value": np.arange(n, dtype="float64"),
            "comment": ["", "Kommentar", "", ""][:n] if n <= 4 else [""] * n,
            "source": ["", "Zählung", "", ""][:n] if n <= 4 else [""] * n,
            "status": statuses,
            "value_changed": value_changed or [False] * n,
            "old_value": old if old is not None else [np.nan] * n,
        }
    )


@pytest.mark.parametrize(
    ("statuses", "value_changed", "counts"),
    [
        ([], [], (0, 0, 0, 0)),
        (["new", "new"], [False, False], (2, 0, 0, 0)),
        (["unchanged", "unchanged"], [False, False], (0, 0, 2, 0)),
        (["new", "changed", "unchanged"], [False, True, False], (1, 1, 1, 1)),
        (["changed", "changed"], [False, True], (0, 2, 0, 1)),  # a comment-only change needs no reason
    ],
)
def test_changes_of_a_fresh_diff(statuses: list[str], value_changed: list[bool], counts: tuple[int, ...]) -> None:
    changes = Changes.of(cells(statuses, value_changed))
    assert (changes.n_new, changes.n_changed, changes.n_unchanged, changes.n_value_changes) == counts
    assert changes.is_written.tolist() == [s != "unchanged" for s in statuses]


@pytest.mark.parametrize(
    ("shown", "fresh", "is_stale"),
    [
        (cells(["new"]), None, False),  # the same frame: nobody wrote since the preview
        (cells(["new"]), cells(["new"]), False),
        (cells(["new"]), cells(["changed"], old=[1.0]), True),  # someone reported the cell meanwhile
        (cells(["changed"], old=[1.0]), cells(["changed"], old=[2.0]), True),  # a different stored value
        (cells(["new", "new"]), cells(["new"]), True),
        (cells([]), cells([]), False),
    ],
)
def test_stale(shown: pd.DataFrame, fresh: pd.DataFrame | None, is_stale: bool) -> None:
    assert stale(shown, shown if fresh is None else fresh) is is_stale


@pytest.mark.parametrize(
    ("n", "fragment"), [(1, "ändert 1 bereits gemeldeten Wert."), (3, "ändert 3 bereits gemeldete Werte.")]
)
def test_reason_missing_message(n: int, fragment: str) -> None:
    assert fragment in reason_missing_message(n) and "Korrekturgrund" in reason_missing_message(n)


@pytest.mark.parametrize(
    ("reason", "statuses", "stored_reasons"),
    [
        (None, ["new", "changed"], [None, None]),
        ("Doppelt gezählt", ["new", "changed"], [None, "Doppelt gezählt"]),  # the reason belongs to the change
    ],
)
def test_version_frame(reason: str | None, statuses: list[str], stored_reasons: list[str | None]) -> None:
    upload = UploadRow(kommune="aachen", kind="upload", user="kim", at=AT, reason=reason)
    table = version_frame(cells(statuses), upload=upload, upload_id=7, default_source="m.csv").to_pydict()
    assert table["reason"] == stored_reasons
    assert table["comment"] == [None, "Kommentar"]  # empty comment: NULL
    assert table["source"] == ["m.csv", "Zählung"]  # empty source: the file name
    assert table["upload_id"] == [7, 7] and table["recorded_by"] == ["kim", "kim"]
    assert list(table) == list(readings_store.READING_COLUMNS)


ROW = {"kommune": "aachen", "kind": "upload", "reverted_by": None}


@pytest.mark.parametrize(
    ("row", "reason", "error", "fragment"),
    [
        (ROW, "falsche Datei", None, None),
        (None, "falsche Datei", NotFoundError, "gibt es nicht"),
        ({**ROW, "kommune": "netz01"}, "falsche Datei", NotFoundError, "gibt es nicht"),
        (ROW, "", KoraError, "Bitte einen Grund"),
        ({**ROW, "kind": "demo"}, "x", KoraError, "Beispieldaten werden nicht zurückgenommen"),
        ({**ROW, "reverted_by": 9.0}, "x", KoraError, "bereits mit Upload 9 zurückgenommen"),
        ({**ROW, "reverted_by": float("nan")}, "x", None, None),
    ],
)
def test_refusal(row: dict[str, Any] | None, reason: str, error: type[KoraError] | None, fragment: str | None) -> None:
    if error is None:
        refusal(row, upload_id=3, kommune="aachen", reason=reason)
        return
    with pytest.raises(Refusal, match=fragment) as refused:
        refusal(row, upload_id=3, kommune="aachen", reason=reason)
    assert refused.value.kind is error


def plan_frame(current: list[int], before: list[float | None]) -> pd.DataFrame:
    n = len(current)
    return pd.DataFrame(
        {
            "kommune": ["aachen"] * n,
            "indicator_id": [f"i{k}" for k in range(n)],
            "month": pd.to_datetime(["2025-03-01"] * n),
            "current_upload": current,
            "before_value": pd.array(before, dtype="Float64"),
            "before_comment": [None] * n,
        }
    )


@pytest.mark.parametrize(
    ("current", "before", "todo", "skipped", "later", "restored", "withdrawn"),
    [
        ([3, 3], [1.0, None], 2, 0, [], 1, 1),
        ([3, 5], [1.0, 2.0], 1, 1, [5], 1, 0),
        ([5, 7, 5], [1.0, 2.0, None], 0, 3, [5, 7], 0, 0),
    ],
)
def test_split_plan(
    current: list[int],
    before: list[float | None],
    todo: int,
    skipped: int,
    later: list[int],
    restored: int,
    withdrawn: int,
) -> None:
    split = split_plan(plan_frame(current, before), 3)
    assert (len(split.cells), split.skipped, split.later) == (todo, skipped, later)
    assert (split.restored, split.withdrawn) == (restored, withdrawn)


def test_split_plan_refuses_an_upload_without_readings() -> None:
    with pytest.raises(Refusal, match="keine Messwerte geschrieben"):
        split_plan(plan_frame([], []), 3)


@pytest.mark.parametrize(
    ("current", "before", "expected"),
    [
        ([3], [1.0], "1 Wert auf den vorherigen Stand gesetzt, 0 Erstmeldungen zurückgezogen."),
        ([3, 3], [None, None], "0 Werte auf den vorherigen Stand gesetzt, 2 Erstmeldungen zurückgezogen."),
        ([3, 5], [1.0, 1.0], "1 Wert blieb unverändert, weil er später durch Upload 5 erneut gespeichert wurde"),
        ([3, 5, 6], [1.0, 1.0, 1.0], "2 Werte blieben unverändert, weil sie später durch Uploads 5, 6 erneut"),
    ],
)
def test_revert_message(current: list[int], before: list[float | None], expected: str) -> None:
    todo = split_plan(plan_frame(current, before), 3)
    message = revert_message(3, 8, todo)
    assert message.startswith("Upload 3 zurückgenommen (Rücknahme 8):") and expected in message


@pytest.mark.parametrize(
    ("ids", "text"),
    [
        ([4], "Upload 4"),
        ([4, 5], "Uploads 4, 5"),
        (list(range(1, 13)), "Uploads 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 und 2 weitere"),
    ],
)
def test_upload_list(ids: list[int], text: str) -> None:
    assert upload_list(ids) == text


def versions_of(kommune: str, indicator: str, months: list[str]):  # type: ignore[no-untyped-def]
    def rows(upload_id: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "kommune": kommune,
                "indicator_id": indicator,
                "month": pd.to_datetime(months),
                "value": np.arange(len(months), dtype="float64"),
                "comment": None,
                "source": "test",
                "upload_id": upload_id,
                "recorded_at": AT,
                "recorded_by": "kim",
                "reason": None,
            }
        )

    return rows


@pytest.mark.parametrize(
    ("shape", "uploads", "versions", "events"),
    [
        ("one upload", 1, 2, 0),
        ("two uploads", 2, 3, 0),
        ("milestone only", 1, 0, 1),
    ],
)
def test_write_versions_writes_uploads_versions_and_one_audit_row(
    db: Database, shape: str, uploads: int, versions: int, events: int
) -> None:
    indicator = plan_store.indicators_df(db, "aachen")["id"].iloc[0]
    milestone = plan_store.milestones_df(db, "aachen")["id"].iloc[0]
    batches = {
        "one upload": [
            Batch(
                UploadRow("aachen", "upload", "kim", AT),
                readings=versions_of("aachen", indicator, ["2025-01-01", "2025-02-01"]),
            )
        ],
        "two uploads": [
            Batch(UploadRow("aachen", "upload", "kim", AT), readings=versions_of("aachen", indicator, ["2025-01-01"])),
            Batch(
                UploadRow("aachen", "upload", "kim", AT),
                readings=versions_of("aachen", indicator, ["2025-02-01", "2025-03-01"]),
            ),
        ],
        "milestone only": [
            Batch(
                UploadRow("aachen", "demo", "kim", AT),
                milestones=(MilestoneVersion(milestone, "erreicht", dt.date(2025, 5, 1), actor="kim", reason="x"),),
            )
        ],
    }[shape]
    audits_before = len(audit_store.audit_df(db))
    seen: list[list[int]] = []

    def audit(ids: list[int]) -> AuditRow:
        seen.append(ids)
        return AuditRow("kim", "upload", "aachen", object=f"Upload {ids[0]}", detail={"n": len(ids)})

    ids = write_versions(db, batches, audit=audit)
    assert len(ids) == uploads and seen == [ids]
    assert readings_store.count_readings(db, kommune="aachen") == versions
    assert sorted(readings_store.uploads_df(db, kommune="aachen")["id"].tolist()) == sorted(ids)
    assert int(db.scalar("SELECT count(*) FROM milestone_events WHERE upload_id IS NOT NULL")) == events
    log = audit_store.audit_df(db)
    assert len(log) == audits_before + 1 and log["object"].iloc[0] == f"Upload {ids[0]}"


@pytest.mark.parametrize("failing", ["versions", "audit"])
def test_write_versions_is_all_or_nothing(db: Database, failing: str) -> None:
    """A failure anywhere (a bad version row, the audit row) leaves no upload, version or audit row behind."""
    indicator = plan_store.indicators_df(db, "aachen")["id"].iloc[0]
    good = versions_of("aachen", indicator, ["2025-01-01"])

    def broken_versions(upload_id: int) -> pd.DataFrame:
        raise RuntimeError("kaputt")

    def audit(ids: list[int]) -> AuditRow:
        if failing == "audit":
            raise RuntimeError("kaputt")
        return AuditRow("kim", "upload", "aachen")

    audits_before = len(audit_store.audit_df(db))
    batches = [
        Batch(UploadRow("aachen", "upload", "kim", AT), readings=good),
        Batch(UploadRow("aachen", "upload", "kim", AT), readings=broken_versions if failing == "versions" else good),
    ]
    with pytest.raises(RuntimeError):
        write_versions(db, batches, audit=audit)
    assert readings_store.count_readings(db) == 0
    assert readings_store.uploads_df(db).empty
    assert len(audit_store.audit_df(db)) == audits_before


def test_todo_counts() -> None:
    todo = Todo(plan_frame([3, 3, 3], [1.0, None, None]), 0, [])
    assert (todo.restored, todo.withdrawn) == (1, 2)
