"""What committing a file would do, cell by cell: read, check and compare with what is stored.

`preview_upload` is the first of the three write entry points (preview, commit, revert): it
writes nothing but, for a rejected or refused file, its one audit row. The page shows the
`Preview` (new / changed / unchanged cells, problems, the Korrekturgrund question) and hands it
to `kora.readings.commit.commit_upload` unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kora import fmt
from kora.access.roles import Actor, allowed_indicators, authorize
from kora.db import Database, audit_store, import_store, readings_store
from kora.db.audit_store import AuditAction
from kora.errors import PermissionDenied
from kora.labels import CHANGE_ICONS, CHANGE_LABELS
from kora.readings import findings
from kora.readings.catalogue import Catalogue
from kora.readings.check import Checked, empty_readings, parse_file
from kora.readings.ingest import Problem
from kora.readings.ingest.columns import take_text
from kora.readings.quelle_guard import typed_upload_problems


@dataclass
class Preview:
    """What committing a file would do, cell by cell; `errors` non-empty means rejected."""

    filename: str
    sha256: str
    size: int
    kommune: str
    description: str
    layout: str
    cells: pd.DataFrame  # readings + status, old_value, old_comment, name
    errors: list[Problem]
    notes: list[str] = field(default_factory=list)
    n_empty: int = 0
    same_file_upload: int | None = None
    rejection_audited: bool = False
    state: tuple[int, int] = (0, 0)  # readings count and max seq when the diff was computed
    catalogue: Catalogue | None = None
    forbidden: list[str] = field(default_factory=list)  # indicators written here but outside the actor's scope
    actor_scope: str = ""
    denied: str = ""  # the refusal of `forbidden`, already audited as "verweigert" by the preview

    @property
    def forbidden_message(self) -> str:
        """Why this person may not save the file (shown before they press Speichern)."""
        if not self.forbidden:
            return ""
        names = {r.id: r.name for r in self.catalogue.rules} if self.catalogue else {}
        shown = ", ".join(f"„{names.get(i, i)}“ ({i})" for i in self.forbidden[:10])
        more = f" und {len(self.forbidden) - 10} weitere" if len(self.forbidden) > 10 else ""
        return (
            f"Sie dürfen diese Datei nicht speichern: sie enthält neue oder geänderte Werte für {shown}{more}. "
            f"Sie sind Koordinator*in für {self.actor_scope}. Bitte nur Werte Ihrer Vorhaben hochladen oder die "
            "Administration um eine Zuordnung bitten."
        )

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return int((self.cells["status"] == status).sum()) if len(self.cells) else 0

    @property
    def n_new(self) -> int:
        return self.count("new")

    @property
    def n_changed(self) -> int:
        return self.count("changed")

    @property
    def n_unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def n_value_changes(self) -> int:
        """Changed cells whose value (not only the comment) changes: these need a Korrekturgrund."""
        if not len(self.cells):
            return 0
        return int(((self.cells["status"] == "changed") & self.cells["value_changed"]).sum())

    @property
    def needs_reason(self) -> bool:
        return self.n_value_changes > 0

    @property
    def noop(self) -> bool:
        return self.ok and self.n_new == 0 and self.n_changed == 0

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "format": self.description,
            "layout": self.layout,
            "new": self.n_new,
            "changed": self.n_changed,
            "unchanged": self.n_unchanged,
            "empty": self.n_empty,
            "needs_reason": self.needs_reason,
            "errors": [p.as_dict() for p in self.errors],
            "notes": list(self.notes),
        }

    def message(self) -> str:
        if self.errors:
            n = len(self.errors)
            return f"Die Datei wurde abgelehnt: {n} Fehler gefunden. Es wurde nichts gespeichert."
        if self.noop:
            same = f" (gleiche Datei wie Upload {self.same_file_upload})" if self.same_file_upload else ""
            return f"Keine Änderung: alle {self.n_unchanged} Werte sind bereits so gespeichert{same}."
        text = f"Vorschau: {self.n_new} neu, {self.n_changed} geändert, {self.n_unchanged} unverändert."
        if self.needs_reason:
            changes = plural(self.n_value_changes, "bereits gemeldeter Wert ändert", "bereits gemeldete Werte ändern")
            text += f" {changes} sich: bitte einen Korrekturgrund angeben."
        return text

    def error_table(self) -> pd.DataFrame:
        """German table for the page: Zeile, Spalte, Wert, Meldung."""
        return findings.error_table(self.errors)

    def table(self, *, only_changes: bool = False) -> pd.DataFrame:
        """German preview table; a changed cell shows 'alt → neu'. Comments stay plain text."""
        cells = self.cells.sort_values(["line", "month"], kind="stable")
        if only_changes and len(cells):
            cells = cells[cells["status"] != "unchanged"]
        rules = {r.id: r for r in self.catalogue.rules} if self.catalogue else {}
        direction = [rules[i].direction if i in rules else "" for i in cells["indicator_id"]]
        new_text = [_shown_value(v, d) for v, d in zip(cells["value"], direction, strict=True)]
        old_text = [_shown_value(v, d) for v, d in zip(cells["old_value"], direction, strict=True)]
        shown = [
            f"{o} → {n}" if s == "changed" and o != n else n
            for s, o, n in zip(cells["status"], old_text, new_text, strict=True)
        ]
        return pd.DataFrame(
            {
                "Zeile": cells["line"].astype("int64"),
                "Indikator": cells["indicator_id"],
                "Name": [rules[i].name if i in rules else "" for i in cells["indicator_id"]],
                "Monat": [fmt.month_name(m) for m in cells["month"]],
                "Status": [f"{CHANGE_ICONS[s]} {CHANGE_LABELS[s]}" for s in cells["status"]],
                "Wert": shown,
                "Kommentar": cells["comment"],
            }
        ).reset_index(drop=True)


_STATUSES = ("new", "changed", "unchanged")


def diff(readings: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Readings + old_value/old_comment/old_upload + status (new/changed/unchanged), file order kept."""
    cells = readings.reset_index(drop=True)
    if current.empty:  # first report of every cell: no join needed
        cells = cells.assign(old_value=np.nan, old_comment=None, old_upload=pd.NA)
    else:
        cur = current.rename(columns={"value": "old_value", "comment": "old_comment", "upload_id": "old_upload"})
        cur["month"] = cur["month"].astype("datetime64[us]")
        cells = cells.merge(
            cur[["indicator_id", "month", "old_value", "old_comment", "old_upload"]],
            on=["indicator_id", "month"],
            how="left",
        )
    old = cells["old_value"].astype("float64").to_numpy()
    new = cells["value"].astype("float64").to_numpy()
    had_value = ~np.isnan(old)
    with np.errstate(invalid="ignore"):
        same_value = had_value & (np.abs(old - new) <= 1e-9 * np.maximum(1.0, np.abs(new)))
    new_comment = cells["comment"].astype("str")
    if had_value.any() and (new_comment != "").any():
        old_comment = cells["old_comment"].where(cells["old_comment"].notna(), "").astype("str")
        comment_changed = ((new_comment != "") & (new_comment != old_comment)).to_numpy(dtype=bool)
    else:
        comment_changed = np.zeros(len(cells), dtype=bool)
    status = np.where(~had_value, 0, np.where(same_value & ~comment_changed, 2, 1))
    cells["status"] = take_text(_STATUSES, status, index=cells.index)  # str column without 100k Python strings
    cells["value_changed"] = had_value & ~same_value
    return cells


def plural(n: int, one: str, many: str) -> str:
    """'1 Wert' / '3 Werte'."""
    return f"{n} {one if n == 1 else many}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def current_for(db: Database, kommune: str, readings: pd.DataFrame) -> pd.DataFrame:
    """What is stored now for the file's cells: its indicators within its month span (one query).

    Bounded by the file (indicators × months it names), not by the history; cells of that span
    the file does not name are dropped by `diff`'s left join.
    """
    if not len(readings):
        return empty_current()
    ids = sorted(readings["indicator_id"].unique().tolist())
    months = readings["month"]
    return import_store.current_cells(
        db,
        kommune=kommune,
        indicator_ids=ids,
        first_month=months.min().date(),
        last_month=months.max().date(),
    )


def preview_upload(
    db: Database,
    data: bytes,
    *,
    filename: str,
    actor: Actor | None,
    kommune: str,
    today: dt.date | None = None,
    audit_rejection: bool = True,
) -> Preview:
    """Read, check and diff a file against the DB. Writes nothing — except, for a rejected
    file, its one audit row (`audit_rejection=False` for dry runs).

    Only people who may write readings get a preview (a Leser*in is refused and audited);
    cells outside a Koordinator*in's scope are listed in `forbidden` so the page can say so
    instead of offering Speichern — `commit_upload` refuses them anyway. Because the page never
    reaches the commit then, the preview itself is the refusal: it writes the same one
    "verweigert" audit row the commit would (action "upload", the missing indicators in the
    detail) and keeps its message in `denied`. Dry runs (`audit_rejection=False`) write none.
    """
    who = authorize(db, actor, AuditAction.UPLOAD, kommune=kommune, object=filename)
    sha = _sha256(data)
    size = len(data)
    catalogue = Catalogue.from_db(db, kommune=kommune)
    checked = parse_file(data, catalogue, today=today)  # the size limit is checked before parsing
    checked.problems += typed_upload_problems(db, checked.readings, kommune=kommune)  # derived: refused
    state = import_store.readings_state(db, kommune=kommune)
    cells = _compare(db, checked, state=state, kommune=kommune)
    preview = Preview(
        filename=filename,
        sha256=sha,
        size=size,
        kommune=kommune,
        description=checked.description,
        layout=checked.layout,
        cells=cells,
        errors=checked.problems,
        notes=checked.notes,
        n_empty=checked.n_empty,
        same_file_upload=readings_store.last_upload_with_hash(db, kommune=kommune, sha256=sha),
        state=state,
        catalogue=catalogue,
    )
    _mark_out_of_scope(db, preview, who=who, audit=audit_rejection)
    if preview.errors and audit_rejection:
        audit_refused_file(db, preview, user=who.audit_name, why="Fehler in der Datei")
    return preview


def _compare(db: Database, checked: Checked, *, state: tuple[int, int], kommune: str) -> pd.DataFrame:
    """The diff of the checked readings: none for a rejected file, no DB read while the Kommune has no version."""
    if checked.problems:
        return diff(empty_readings(), empty_current())
    if state[0] == 0:  # no version of this kommune yet (the state the diff is recorded against)
        return diff(checked.readings, empty_current())
    return diff(checked.readings, current_for(db, kommune, checked.readings))


def _mark_out_of_scope(db: Database, preview: Preview, *, who: Actor, audit: bool) -> None:
    """A Koordinator*in's new or changed cells outside their Vorhaben: listed in `forbidden`, refused once.

    The refusal is the commit's own check, so the audit row is exactly the one a refused commit writes.
    """
    mine = allowed_indicators(db, who, kommune=preview.kommune)
    cells = preview.cells
    if mine is None or not len(cells):
        return
    written = cells.loc[cells["status"] != "unchanged", "indicator_id"]
    preview.forbidden = sorted(set(written.unique().tolist()) - mine)
    preview.actor_scope = who.scope_text()
    if preview.forbidden and audit:
        try:
            indicators = sorted(set(written.tolist()))
            authorize(
                db, who, AuditAction.UPLOAD, kommune=preview.kommune, indicators=indicators, object=preview.filename
            )
        except PermissionDenied as refused:
            preview.denied = str(refused)


def empty_current() -> pd.DataFrame:
    """Stored cells of a Kommune without any version (typed like `import_store.current_cells`)."""
    return pd.DataFrame(
        {
            "indicator_id": pd.Series([], dtype="str"),
            "month": pd.Series([], dtype="datetime64[us]"),
            "value": pd.Series([], dtype="float64"),
            "comment": pd.Series([], dtype="str"),
            "upload_id": pd.Series([], dtype="Int64"),
        }
    )


def audit_refused_file(db: Database, preview: Preview, *, user: str, why: str) -> None:
    """The one "abgelehnt" audit row of a refused file (its first 20 problems in the detail)."""
    audit_store.write_audit(
        db,
        actor=user,
        action=AuditAction.UPLOAD,
        outcome="abgelehnt",
        object=preview.filename,
        detail={
            "grund": why,
            "sha256": preview.sha256,
            "bytes": preview.size,
            "fehler": len(preview.errors),
            "erste_fehler": [str(p) for p in preview.errors[:20]],
        },
        kommune=preview.kommune,
    )
    preview.rejection_audited = True


def _shown_value(value: float, direction: str) -> str:
    """A cell's value as the preview shows it: ja/nein for yes/no indicators, else the exact number."""
    if direction == "yesno" and value in (0.0, 1.0):
        return "ja" if value == 1.0 else "nein"
    return fmt.exact_number(value)
