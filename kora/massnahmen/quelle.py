"""Where an indicator's values come from: typed (`meldung`), the Maßnahmenliste or the milestones.

The catalogue file (data/indikatoren.toml, field `quelle`, default "meldung") sets the start;
an Admin switches a source with a reason (page and CLI). A switch is recorded like a change of
a target (append-only `quelle_changes`, applied to `indicators.quelle`, one audit row) and is
re-applied after `init --reload-plan`. Switching to a derived source writes the derived values
at once as new reading versions (the typed ones stay in the history); switching back to
`meldung` keeps the values and lets typed uploads correct them again. While a source is
derived, a typed upload for the indicator is refused (`typed_upload_problems`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kora import fmt
from kora.access.auth import Actor, authorize
from kora.db import Database, audit_store, massnahmen_store, readings_store
from kora.errors import NotFoundError, PlanFileError, ValidationError
from kora.massnahmen import refresh
from kora.massnahmen.derive import DERIVED, FROM_MILESTONES
from kora.periods import utcnow
from kora.plan.edits import MAX_REASON
from kora.readings.ingest import Problem

QUELLEN = ("meldung", "massnahmen", "meilensteine")
QUELLE_LABELS = {"meldung": "Meldung (getippt)", "massnahmen": "Maßnahmenliste", "meilensteine": "Meilensteine"}
ALLOWED = {
    **dict.fromkeys(DERIVED, ("meldung", "massnahmen")),
    **dict.fromkeys(FROM_MILESTONES, ("meldung", "meilensteine")),
}


def allowed_for(indicator_id: str) -> tuple[str, ...]:
    return ALLOWED.get(indicator_id, ("meldung",))


def _check(indicator_id: str, quelle: str) -> str | None:
    if quelle not in QUELLEN:
        return f"Quelle „{quelle}“ gibt es nicht; erlaubt: {', '.join(QUELLEN)}."
    if quelle not in allowed_for(indicator_id):
        return (
            f"„{indicator_id}“ kann nicht aus „{QUELLE_LABELS[quelle]}“ abgeleitet werden; möglich: "
            f"{', '.join(allowed_for(indicator_id))}."
        )
    return None


def catalogue_quellen(catalogue_path: Path | str) -> dict[str, str]:
    """`quelle` per indicator from the catalogue file (default meldung); PlanFileError when invalid."""
    path = Path(catalogue_path)
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, str] = {}
    for item in raw.get("indikator", []):
        ind_id, quelle = str(item.get("id", "")), item.get("quelle", "meldung")
        problem = _check(ind_id, str(quelle))
        if problem:
            raise PlanFileError(path.name, f"Indikator {ind_id}", "quelle", problem)
        out[ind_id] = str(quelle)
    return out


def load_catalogue_quellen(db: Database, *, catalogue_path: Path | str, kommune: str) -> int:
    """After the plan tables were (re)written: sources from the file, then every recorded switch
    on top, in order (caller holds the transaction). Returns the number of switches re-applied."""
    for ind_id, quelle in catalogue_quellen(catalogue_path).items():
        massnahmen_store.set_quelle(db, kommune=kommune, indicator_id=ind_id, quelle=quelle)
    known = set(massnahmen_store.quellen(db, kommune=kommune))
    applied = 0
    for r in massnahmen_store.quelle_changes_df(db, kommune=kommune).itertuples(index=False):
        if r.indicator_id in known:
            massnahmen_store.set_quelle(db, kommune=kommune, indicator_id=r.indicator_id, quelle=r.new_quelle)
            applied += 1
    return applied


def quellen_at(db: Database, *, kommune: str, known_at: dt.datetime | None = None) -> dict[str, str]:
    """Source per indicator as it was at `known_at` (None: now): later switches are undone."""
    now = massnahmen_store.quellen(db, kommune=kommune)
    if known_at is None:
        return now
    changes = massnahmen_store.quelle_changes_df(db, kommune=kommune)
    later = changes[pd.to_datetime(changes["recorded_at"]) > pd.Timestamp(known_at)]
    for r in later.iloc[::-1].itertuples(index=False):  # undo newest first: ends at the oldest's old value
        now[r.indicator_id] = r.old_quelle
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
    who = authorize(db, actor, "quelle_aendern", kommune=kommune, object=obj)
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
    if problem := _check(indicator_id, quelle):
        raise ValidationError(problem)
    with db.write_lock:
        old = massnahmen_store.quellen(db, kommune=kommune)[indicator_id]
        if old == quelle:
            return QuelleChange(indicator_id, old, quelle, False)
        now = utcnow()
        written = 0
        with db.transaction():
            massnahmen_store.record_quelle_change(
                db,
                kommune=kommune,
                indicator_id=indicator_id,
                old=old,
                new=quelle,
                at=now,
                by=who.audit_name,
                reason=text,
            )
            massnahmen_store.set_quelle(db, kommune=kommune, indicator_id=indicator_id, quelle=quelle)
            if quelle != "meldung":
                upload_id = readings_store.new_upload(
                    db, kommune=kommune, kind="upload", user=who.name, at=now,
                    filename=f"Quelle {indicator_id}: {QUELLE_LABELS[quelle]}", reason=text,
                )  # fmt: skip
                written = refresh.write_derived(
                    db, kommune=kommune, upload_id=upload_id, at=now, user=who.name, indicator_ids=[indicator_id],
                    source=f"{QUELLE_LABELS[quelle]} (Umstellung, Upload {upload_id})", today=today,
                )  # fmt: skip
            audit_store.write_audit(
                db, actor=who.audit_name, action="quelle_aendern", object=obj, kommune=kommune, at=now,
                detail={"alt": old, "neu": quelle, "grund": text, "abgeleitete_werte": written},
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


def typed_upload_problems(db: Database, readings: pd.DataFrame, *, kommune: str) -> list[Problem]:
    """One problem per typed reading of an indicator whose values are derived (readings importer hook)."""
    if readings is None or readings.empty:
        return []
    derived = refresh.derived_sources(db, kommune=kommune)
    hit = readings[readings["indicator_id"].isin(list(derived))]
    return [
        Problem(
            int(r.line),
            str(r.column) or None,
            str(r.indicator_id),
            f"Die Werte von „{r.indicator_id}“ werden aus der Quelle „{QUELLE_LABELS[derived[r.indicator_id]]}“ "
            "abgeleitet und können nicht getippt hochgeladen werden. Bitte die Zeile löschen und die "
            f"{QUELLE_LABELS[derived[r.indicator_id]]} pflegen (oder die Administration stellt die Quelle auf "
            "„meldung“ zurück).",
        )
        for r in hit.itertuples(index=False)
    ]


def with_quelle(db: Database, indicators: pd.DataFrame, *, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """The status frame with a `quelle` column (as it was at `known_at`); several Kommunen allowed."""
    if indicators.empty or "id" not in indicators.columns:
        return indicators.assign(quelle=pd.Series([], dtype="str")) if indicators.empty else indicators
    kommunen = indicators["kommune"].unique().tolist() if "kommune" in indicators.columns else []
    per = {k: quellen_at(db, kommune=k, known_at=known_at) for k in kommunen}
    return indicators.assign(
        quelle=[per.get(k, {}).get(i, "meldung") for k, i in zip(indicators["kommune"], indicators["id"], strict=True)]
    )
