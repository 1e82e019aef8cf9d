"""Where an indicator's values come from: typed (`meldung`), the Maßnahmenliste or the milestones.

The catalogue file (data/indikatoren.toml, field `quelle`, default "meldung") sets the start;
an Admin switches a source with a reason (page and CLI). A switch is recorded like a change of
a target (append-only `quelle_changes`, applied to `indicators.quelle`, one audit row) and is
re-applied after `init --reload-plan`. Switching to a derived source writes the derived values
at once as new reading versions (the typed ones stay in the history); switching back to
`meldung` keeps the values and lets typed uploads correct them again. While a source is
derived, a typed upload for the indicator is refused (kora.readings.quelle_guard). The vocabulary
(which sources an indicator may have, the catalogue field) is kora.plan.quellen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kora import fmt
from kora.access.roles import Actor, authorize
from kora.db import Database, massnahmen_store
from kora.db.audit_store import AuditAction
from kora.errors import NotFoundError, ValidationError
from kora.labels import QUELLE_LABELS
from kora.massnahmen import refresh
from kora.periods import utcnow
from kora.plan.edits import MAX_REASON
from kora.plan.quellen import quelle_problem
from kora.readings.versions import AuditRow, UploadRow, write_versions


def quellen_at(db: Database, *, kommune: str, known_at: dt.datetime | None = None) -> dict[str, str]:
    """Source per indicator as it was at `known_at` (None: now): later switches are undone."""
    return quellen_at_all(db, kommunen=[kommune], known_at=known_at)[kommune]


def quellen_at_all(
    db: Database, *, kommunen: list[str], known_at: dt.datetime | None = None
) -> dict[str, dict[str, str]]:
    """Source per indicator and Kommune as it was at `known_at` (None: now), in two queries for all."""
    now = massnahmen_store.quellen_of(db, kommunen=kommunen)
    if known_at is None or not kommunen:
        return now
    changes = massnahmen_store.quelle_changes_of(db, kommunen=kommunen)
    later = changes[pd.to_datetime(changes["recorded_at"]) > pd.Timestamp(known_at)]
    for r in later.iloc[::-1].itertuples(index=False):  # undo newest first: ends at the oldest's old value
        now[r.kommune][r.indicator_id] = r.old_quelle
    return now


@dataclass(frozen=True)
class QuelleChange:
    indicator_id: str
    old: str
    new: str
    changed: bool
    derived_versions: int = 0

    @property
    def message(self) -> str:
        if not self.changed:
            return f"Die Quelle von „{self.indicator_id}“ ist bereits „{QUELLE_LABELS[self.new]}“: nichts geändert."
        text = f"Quelle von „{self.indicator_id}“ umgestellt: {QUELLE_LABELS[self.old]} → {QUELLE_LABELS[self.new]}."
        if self.new != "meldung":
            text += f" {self.derived_versions} abgeleitete Monatswerte gespeichert."
        return text

    def as_dict(self) -> dict[str, object]:
        return {"indicator": self.indicator_id, "old": self.old, "new": self.new, "changed": self.changed,
                "derived_versions": self.derived_versions, "message": self.message}  # fmt: skip


def set_quelle(
    db: Database,
    actor: Actor | None,
    indicator_id: str,
    quelle: str,
    *,
    reason: str,
    kommune: str,
    today: dt.date | None = None,
) -> QuelleChange:
    """Switch an indicator's source (Admin, with a reason); derived values are written at once."""
    obj = f"Indikator {indicator_id}: Quelle"
    who = authorize(db, actor, AuditAction.QUELLE_AENDERN, kommune=kommune, object=obj)
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            "Bitte einen Grund angeben: er wird mit der Umstellung gespeichert und im Audit-Log gezeigt."
        )
    if len(text) > MAX_REASON:
        raise ValidationError(f"Der Grund ist länger als {MAX_REASON} Zeichen. Bitte kürzen.")
    current = massnahmen_store.quellen(db, kommune=kommune)
    if indicator_id not in current:
        raise NotFoundError(f"Indikator „{indicator_id}“ gibt es nicht.")
    if problem := quelle_problem(indicator_id, quelle):
        raise ValidationError(problem)
    with db.write_lock:
        old = massnahmen_store.quellen(db, kommune=kommune)[indicator_id]
        if old == quelle:
            return QuelleChange(indicator_id, old, quelle, False)
        now = utcnow()

        def switch(_upload_id: int | None = None) -> None:
            massnahmen_store.record_quelle_change(
                db, kommune=kommune, indicator_id=indicator_id, old=old, new=quelle, at=now, by=who.audit_name,
                reason=text,
            )  # fmt: skip
            massnahmen_store.set_quelle(db, kommune=kommune, indicator_id=indicator_id, quelle=quelle)

        def audit(_upload_id: int | None, written: int) -> AuditRow:
            return AuditRow(who.audit_name, AuditAction.QUELLE_AENDERN, kommune, object=obj, at=now,
                            detail={"alt": old, "neu": quelle, "grund": text, "abgeleitete_werte": written})  # fmt: skip

        if quelle == "meldung":  # back to typed values: no upload, the derived values stay as versions
            with db.transaction():
                switch()
                write_versions(db, [], audit=lambda _ids: audit(None, 0))
            return QuelleChange(indicator_id, old, quelle, True, 0)
        _, written = refresh.write_with_derived(
            db,
            UploadRow(kommune, "upload", who.name, now, filename=f"Quelle {indicator_id}: {QUELLE_LABELS[quelle]}",
                      reason=text),
            before=switch, audit=audit, indicator_ids=[indicator_id], today=today,
            source=lambda uid: f"{QUELLE_LABELS[quelle]} (Umstellung, Upload {uid})",
        )  # fmt: skip
    return QuelleChange(indicator_id, old, quelle, True, written)


def quelle_changes(db: Database, *, kommune: str) -> pd.DataFrame:
    """German table of all source switches, newest first."""
    frame = massnahmen_store.quelle_changes_df(db, kommune=kommune).iloc[::-1]
    return pd.DataFrame(
        {
            "Zeitpunkt": [fmt.local_stamp(t) for t in frame["recorded_at"]],
            "Indikator": frame["indicator_id"],
            "Alt": frame["old_quelle"].map(QUELLE_LABELS),
            "Neu": frame["new_quelle"].map(QUELLE_LABELS),
            "Von": frame["recorded_by"],
            "Grund": frame["reason"],
        }
    ).reset_index(drop=True)


def with_quelle(db: Database, indicators: pd.DataFrame, *, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """The status frame with a `quelle` column (as it was at `known_at`); several Kommunen allowed."""
    if indicators.empty or "id" not in indicators.columns:
        return indicators.assign(quelle=pd.Series([], dtype="str")) if indicators.empty else indicators
    kommunen = indicators["kommune"].unique().tolist() if "kommune" in indicators.columns else []
    per = quellen_at_all(db, kommunen=kommunen, known_at=known_at)
    return indicators.assign(
        quelle=[per.get(k, {}).get(i, "meldung") for k, i in zip(indicators["kommune"], indicators["id"], strict=True)]
    )
