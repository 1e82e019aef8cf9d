"""Operations shared by the CLI and the pages: init and the plan as a dict (Beispieldaten: kora.samples).

One code path, two doors: `python -m kora init` and the start page's buttons call the same
functions, so what city IT scripts is exactly what users click. Writes take the acting
`kora.access.roles.Actor` and check its role (Beispieldaten and plan reloads are Admin only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kora.access.roles import Actor, authorize, os_user
from kora.db import Database, admin_store, audit_store, massnahmen_store, plan_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError
from kora.periods import utcnow
from kora.plan.files import CATALOGUE_FILE, PLAN_FILE, load_plan
from kora.plan.model import DEFAULT_KOMMUNE
from kora.plan.quellen import catalogue_quellen

__all__ = ["DEFAULT_KOMMUNE", "InitResult", "init", "os_user", "plan_dict", "utcnow"]


@dataclass(frozen=True)
class InitResult:
    kommune: str
    plan_loaded: bool
    plan_reloaded: bool
    vorhaben: int
    indicators: int
    admin_changes: int = 0  # admin edits of targets/baselines/weights re-applied after a reload
    admin_changes_skipped: int = 0

    def message(self) -> str:
        if self.plan_reloaded:
            what = "Plan aus den Dateien neu geladen"
        elif self.plan_loaded:
            what = "Plan geladen"
        else:
            what = "Plan war bereits geladen, nichts geändert"
        text = f"Datenbank bereit ({what}): {self.vorhaben} Vorhaben, {self.indicators} Indikatoren."
        if self.admin_changes:
            text += (
                f" {self.admin_changes} Änderung(en) aus dem Admin-Bereich (Startwerte, Ziele, Gewichte) wurden erneut "
                "auf die Werte der Dateien angewendet."
            )
        if self.admin_changes_skipped:
            text += f" {self.admin_changes_skipped} Änderung(en) betreffen Indikatoren, die es nicht mehr gibt."
        return text


def init(
    db: Database,
    *,
    plan_path: Path | str = PLAN_FILE,
    catalogue_path: Path | str = CATALOGUE_FILE,
    reload: bool = False,
    actor: Actor | None = None,
) -> InitResult:
    """Validate the files, then load the plan if the DB has none (or `reload`).

    Validation happens before any write, so a broken file leaves the DB as it was.
    Running it twice changes nothing. The first load into an empty DB needs no role (it
    cannot overwrite anything; recorded as `actor` or "system"); a reload is Admin only and
    re-applies the admin edits recorded in `plan_changes` on top of the files' values.
    """
    plan = load_plan(plan_path, catalogue_path)
    loaded = plan_store.plan_loaded(db, plan.kommune)
    if loaded and not reload:
        return InitResult(plan.kommune, False, False, len(plan.vorhaben), len(plan.indicators))
    if loaded:
        who = authorize(db, actor, AuditAction.PLAN_NEU_GELADEN, kommune=plan.kommune, object=Path(plan_path).name)
    else:
        if actor is not None and not isinstance(actor, Actor):
            raise TypeError("actor must be a kora.access.roles.Actor (e.g. Actor.cli()), not " + type(actor).__name__)
        who = actor or Actor.system()
    with db.write_lock, db.transaction():
        plan_store.write_plan(db, plan, actor=who.audit_name)
        applied, skipped = admin_store.reapply_plan_changes(db, kommune=plan.kommune)
        load_catalogue_quellen(db, catalogue_path=catalogue_path, kommune=plan.kommune)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action=AuditAction.PLAN_NEU_GELADEN if loaded else AuditAction.PLAN_GELADEN,
            object=f"{Path(plan_path).name}, {Path(catalogue_path).name}",
            detail={"admin_aenderungen_angewendet": applied, "uebersprungen": skipped} if applied or skipped else None,
            kommune=plan.kommune,
        )
    return InitResult(plan.kommune, not loaded, loaded, len(plan.vorhaben), len(plan.indicators), applied, skipped)


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


def ensure_ready(db: Database) -> None:
    """First start: create the plan from the embedded files when the DB is empty."""
    if not plan_store.kommunen(db):
        init(db, actor=Actor.system())


# --- the plan as plain data -----------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, dt.datetime):  # DuckDB DATE columns arrive as pandas Timestamps
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _target_map(targets: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Yearly targets per indicator, years as text keys (the JSON shape)."""
    target_map: dict[str, dict[str, float]] = {}
    for row in targets.itertuples(index=False):
        target_map.setdefault(str(row.indicator_id), {})[str(row.year)] = float(row.target)
    return target_map


def _milestone_dicts(milestones: pd.DataFrame, nr: int) -> list[dict[str, Any]]:
    """The milestones of one Vorhaben with their current state."""
    return [
        {
            "id": m.id,
            "text": m.text,
            "faellig": _clean(m.due),
            "status": m.status,
            "erreicht_am": None if pd.isna(m.reached_on) else _clean(m.reached_on),
        }
        for m in milestones[milestones["nr"] == nr].itertuples(index=False)
    ]


def _vorhaben_dicts(vorhaben: pd.DataFrame, milestones: pd.DataFrame, indicators: pd.DataFrame) -> list[dict[str, Any]]:
    """Each Vorhaben with its milestones and the ids of its indicators."""
    return [
        {
            "nr": int(v.nr),
            "aktionsfeld": v.aktionsfeld,
            "title": v.title,
            "zielsetzung": v.zielsetzung,
            "umsetzungsideen": v.umsetzungsideen,
            "meilensteine": _milestone_dicts(milestones, int(v.nr)),
            "indikatoren_text": v.indikatoren_text,
            "partner_cities": v.partner_cities,
            "vorsaetze": v.vorsaetze,
            "indicators": indicators[indicators["vorhaben"].map(lambda xs, nr=v.nr: nr in xs)]["id"].tolist(),
        }
        for v in vorhaben.itertuples(index=False)
    ]


def _indicator_dicts(indicators: pd.DataFrame, target_map: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    """Each indicator with its current (possibly admin-edited) baseline, targets and weight."""
    return [
        {
            "id": i.id,
            "name": i.name,
            "messung": i.messung,
            "erhoben_von": i.erhoben_von,
            "unit": i.unit,
            "direction": i.direction,
            "aggregation": i.aggregation,
            "baseline": _clean(i.baseline),
            "baseline_year": None if pd.isna(i.baseline_year) else int(i.baseline_year),
            "targets": target_map.get(str(i.id), {}),
            "vorhaben": list(i.vorhaben),
            "weight": float(i.weight),
            "annahme": bool(i.assumption),
            "meldung": i.frequency,
            "quelle_text": i.quelle_text,
        }
        for i in indicators.itertuples(index=False)
    ]


def plan_dict(db: Database, *, kommune: str) -> dict[str, Any]:
    """The plan as stored in the DB, in the shape of `python -m kora plan --json`."""
    info = plan_store.kommune_info(db, kommune)
    if info is None:
        raise KoraError(f"Für die Kommune „{kommune}“ ist kein Plan geladen. Bitte zuerst: python -m kora init")
    felder = plan_store.aktionsfelder_df(db, kommune)
    indicators = plan_store.indicators_df(db, kommune)
    vorhaben = plan_store.vorhaben_df(db, kommune)
    return {
        "kommune": kommune,
        "kommune_name": info["name"],
        "title": info["title"],
        "plan_start": _clean(info["plan_start"]),
        "aktionsfelder": [{"code": r.code, "title": r.title} for r in felder.itertuples(index=False)],
        "vorhaben": _vorhaben_dicts(vorhaben, plan_store.milestones_df(db, kommune), indicators),
        "indicators": _indicator_dicts(indicators, _target_map(plan_store.targets_df(db, kommune))),
    }
