"""Admin edits of the plan: baselines, yearly targets, weights and milestones — each with a reason.

Why append-only: a target is a political decision; the city must be able to show who changed
it, when, from what, and why. Plan values live in `plan_changes` (see kora/db/admin_store.py)
and are applied to the plan tables at once, so every dashboard uses them; `init
--reload-plan` re-applies them on top of the files. Milestone changes are events in
`milestone_events` (the latest one is the state), which a reload never touches.

Permissions: plan values are Admin only; a milestone may also be changed by a
Koordinator*in of its Vorhaben (they report progress). Every change writes one audit row.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora import fmt, periods
from kora.access.roles import Actor, authorize
from kora.db import Database, admin_store, audit_store, auth_store, plan_store
from kora.db.audit_store import AuditAction
from kora.errors import NotFoundError, ValidationError
from kora.periods import utcnow
from kora.plan import rules
from kora.plan.model import MILESTONE_STATUSES

MAX_REASON = 500
FIELD_ACTIONS = {
    "baseline": AuditAction.STARTWERT_AENDERN,
    "baseline_year": AuditAction.STARTWERT_AENDERN,
    "target": AuditAction.ZIELWERT_AENDERN,
    "weight": AuditAction.GEWICHT_AENDERN,
}
FIELD_LABELS = {"baseline": "Startwert", "baseline_year": "Startjahr", "target": "Jahresziel", "weight": "Gewicht"}
MILESTONE_STATUS = MILESTONE_STATUSES  # the order of the page's select box


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(
            "Bitte einen Grund angeben: er wird mit der Änderung gespeichert und im Audit-Log gezeigt."
        )
    if len(text) > MAX_REASON:
        raise ValidationError(f"Der Grund ist länger als {MAX_REASON} Zeichen. Bitte kürzen.")
    return text


@dataclass(frozen=True)
class PlanChange:
    indicator_id: str
    field: str
    year: int | None
    old: float | None
    new: float | None
    changed: bool

    @property
    def message(self) -> str:
        what = FIELD_LABELS[self.field] + (f" {self.year}" if self.year else "")
        if not self.changed:
            return f"{what} von „{self.indicator_id}“ ist bereits {_show(self.new)}: nichts geändert."
        return f"{what} von „{self.indicator_id}“ geändert: {_show(self.old)} → {_show(self.new)}."


def _show(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = float(value)
    return f"{int(v)}" if v.is_integer() else f"{v:.6g}".replace(".", ",")


def _indicator(db: Database, kommune: str, indicator_id: str) -> dict[str, Any]:
    frame = plan_store.indicators_df(db, kommune)
    hit = frame[frame["id"] == indicator_id]
    if hit.empty:
        raise NotFoundError(f"Indikator „{indicator_id}“ gibt es nicht.")
    row = hit.iloc[0].to_dict()
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def _number(field: str, value: float | None) -> float:
    """The typed value as a finite float; a page may pass text or NaN."""
    try:
        v = float(value)  # type: ignore[arg-type]  # None is caught below as "not a number"
    except (TypeError, ValueError):
        raise ValidationError(f"{FIELD_LABELS[field]}: „{value}“ ist keine Zahl.") from None
    if not math.isfinite(v):
        raise ValidationError(f"{FIELD_LABELS[field]}: bitte eine endliche Zahl angeben.")
    return v


def _rule_problem(ind: dict[str, Any], field: str, year: int | None, v: float) -> str | None:
    """The shared catalogue rule (kora.plan.rules) for this field, as the file loader applies it."""
    if field == "weight":
        return rules.weight_problem(v)
    if field == "baseline_year":
        return rules.baseline_year_problem(v)
    if field == "target" and (year is None or rules.target_year_problem(year) is not None):
        return "braucht das Jahr des Ziels (z. B. 2026)."
    bounds = rules.ValueBounds(
        direction=str(ind["direction"]),
        minimum=ind.get("minimum"),
        maximum=ind.get("maximum"),
        integer=bool(ind.get("is_integer")),
        unit=str(ind.get("unit") or ""),
    )
    return rules.value_problem(v, bounds)


def _validate(ind: dict[str, Any], field: str, year: int | None, value: float | None) -> float | None:
    if value is None:
        if field == "target":
            return None  # removes the yearly target
        raise ValidationError(f"Bitte einen Wert für {FIELD_LABELS[field]} angeben.")
    v = _number(field, value)
    problem = _rule_problem(ind, field, year, v)
    if problem is not None:
        raise ValidationError(f"{FIELD_LABELS[field]} von „{ind['name']}“ {problem}")
    return v


def set_plan_value(
    db: Database,
    actor: Actor | None,
    indicator_id: str,
    *,
    field: str,
    value: float | None,
    reason: str,
    year: int | None = None,
    kommune: str,
) -> PlanChange:
    """Change a baseline, baseline year, yearly target (value None removes it) or weight."""
    if field not in FIELD_ACTIONS:
        raise ValueError(f"unknown field {field!r}")
    action = FIELD_ACTIONS[field]
    label = FIELD_LABELS[field] + (f" {year}" if year else "")
    who = authorize(db, actor, action, kommune=kommune, object=f"Indikator {indicator_id}: {label}")
    reason = _reason(reason)
    ind = _indicator(db, kommune, indicator_id)
    new = _validate(ind, field, year, value)
    with db.write_lock:
        current = admin_store.indicator_values(db, kommune=kommune, indicator_id=indicator_id) or {}
        old = current.get("targets", {}).get(int(year or 0)) if field == "target" else current.get(field)
        old = None if old is None or (isinstance(old, float) and math.isnan(old)) else float(old)
        if old == new:
            return PlanChange(indicator_id, field, year, old, new, False)
        now = utcnow()
        with db.transaction():
            admin_store.record_change(
                db, kommune=kommune, indicator_id=indicator_id, field=field, year=year, old_value=old, new_value=new,
                at=now, by=who.audit_name, reason=reason,
            )  # fmt: skip
            admin_store.apply_value(db, kommune=kommune, indicator_id=indicator_id, field=field, year=year, value=new)
            audit_store.write_audit(
                db,
                actor=who.audit_name,
                action=action,
                object=f"Indikator {indicator_id}: {label}",
                detail={"feld": FIELD_LABELS[field], "jahr": year, "alt": old, "neu": new, "grund": reason},
                kommune=kommune,
                at=now,
            )
    return PlanChange(indicator_id, field, year, old, new, True)


def plan_changes(db: Database, *, kommune: str) -> pd.DataFrame:
    """German table of all admin edits, newest first."""
    frame = admin_store.plan_changes_df(db, kommune=kommune)
    return pd.DataFrame(
        {
            "Zeitpunkt": [fmt.local_stamp(t) for t in frame["recorded_at"]],
            "Indikator": frame["indicator_id"],
            "Feld": [
                FIELD_LABELS[f] + (f" {int(y)}" if not pd.isna(y) else "")
                for f, y in zip(frame["field"], frame["year"], strict=True)
            ],
            "Alt": [_show(v) for v in frame["old_value"]],
            "Neu": [_show(v) for v in frame["new_value"]],
            "Von": frame["recorded_by"],
            "Grund": frame["reason"],
        }
    )


# --- milestones ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneChange:
    milestone_id: str
    status: str
    due: dt.date | None
    reached_on: dt.date | None
    message: str


def _milestone_actor(db: Database, actor: Actor | None, milestone_id: str, kommune: str) -> Actor:
    """Role first (no existence leak to readers), then the Vorhaben the milestone belongs to."""
    obj = f"Meilenstein {milestone_id}"
    authorize(db, actor, AuditAction.MEILENSTEIN_AENDERN, kommune=kommune, object=obj)
    nr = auth_store.milestone_vorhaben(db, kommune=kommune, milestone_id=milestone_id)
    if nr is None:
        raise NotFoundError(f"Meilenstein „{milestone_id}“ gibt es nicht.")
    return authorize(db, actor, AuditAction.MEILENSTEIN_AENDERN, kommune=kommune, vorhaben=[nr], object=obj)


def _reached_on(status: str, reached_on: dt.date | None, today: dt.date) -> dt.date | None:
    """Only a reached milestone has a reached date: today unless given, never in the future."""
    if status not in MILESTONE_STATUS:
        raise ValidationError(f"Status „{status}“ gibt es nicht: offen, erreicht oder verschoben.")
    if status == "erreicht":
        reached_on = reached_on or today
        if reached_on > today:
            raise ValidationError("Das Datum „erreicht am“ liegt in der Zukunft. Bitte das tatsächliche Datum angeben.")
        return reached_on
    if reached_on is not None:
        raise ValidationError("Ein Datum „erreicht am“ gibt es nur mit Status „erreicht“.")
    return None


def _new_due(status: str, due: dt.date | None, *, old_due: dt.date | None, old_status: str) -> dt.date | None:
    """The due date keeps its value unless given; postponing needs a new date."""
    due = due or old_due
    if status == "verschoben" and due is not None and due == old_due and old_status != "verschoben":
        raise ValidationError("Verschoben: bitte das neue Fälligkeitsdatum angeben.")
    return due


def set_milestone(
    db: Database,
    actor: Actor | None,
    milestone_id: str,
    *,
    status: str,
    reason: str,
    due: dt.date | None = None,
    reached_on: dt.date | None = None,
    kommune: str,
    today: dt.date | None = None,
) -> MilestoneChange:
    """Record a milestone's new status (offen / erreicht / verschoben), due date and reached date."""
    who = _milestone_actor(db, actor, milestone_id, kommune)
    reason = _reason(reason)
    reached_on = _reached_on(status, reached_on, today or periods.today_local())
    current = plan_store.milestones_df(db, kommune)
    row = current[current["id"] == milestone_id].iloc[0]
    old_due = fmt.as_date(row["due"])
    due = _new_due(status, due, old_due=old_due, old_status=str(row["status"]))
    now = utcnow()
    detail = {"status_alt": row["status"], "status": status, "faellig_alt": old_due, "faellig": due}
    with db.write_lock, db.transaction():
        plan_store.add_milestone_event(
            db, kommune=kommune, milestone_id=milestone_id, status=status, reached_on=reached_on, due=due,
            actor=who.audit_name, reason=reason, at=now,
        )  # fmt: skip
        audit_store.write_audit(
            db, actor=who.audit_name, action=AuditAction.MEILENSTEIN_AENDERN, object=f"Meilenstein {milestone_id}",
            detail={**detail, "erreicht_am": reached_on, "grund": reason}, kommune=kommune, at=now,
        )  # fmt: skip
    return MilestoneChange(
        milestone_id, status, due, reached_on, f"Meilenstein {milestone_id}: Status „{status}“ gespeichert."
    )


def editable_milestones(db: Database, actor: Actor | None, *, kommune: str) -> pd.DataFrame:
    """Milestones the actor may change (all for admins, own Vorhaben for Koordinator*innen)."""
    frame = plan_store.milestones_df(db, kommune)
    if actor is None or actor.role == "leser":
        return frame.iloc[0:0]
    if actor.is_admin:
        return frame
    return frame[frame["nr"].isin(sorted(actor.vorhaben))]


def milestone_choices(db: Database, actor: Actor | None, *, kommune: str) -> list[dict[str, Any]]:
    """Plain dicts for the page's select box: id, nr, text, status, due, reached_on, label."""
    out = []
    for r in editable_milestones(db, actor, kommune=kommune).itertuples(index=False):
        text = str(r.text)
        short = text if len(text) <= 90 else text[:89].rstrip() + "…"
        out.append(
            {
                "id": r.id,
                "nr": int(r.nr),
                "text": text,
                "status": r.status,
                "due": fmt.as_date(r.due),
                "due_planned": fmt.as_date(r.due_planned),
                "reached_on": fmt.as_date(r.reached_on),
                "label": f"{r.id} · Vorhaben {int(r.nr)} · {short} ({r.status})",
            }
        )
    return out


__all__ = [
    "FIELD_LABELS",
    "MILESTONE_STATUS",
    "MilestoneChange",
    "PlanChange",
    "editable_milestones",
    "milestone_choices",
    "plan_changes",
    "set_milestone",
    "set_plan_value",
]
