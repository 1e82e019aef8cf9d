"""Operations shared by the CLI and the pages: init, Beispieldaten, the plan as a dict.

One code path, two doors: `python -m kora init` and the start page's buttons call the same
functions, so what city IT scripts is exactly what users click. Writes take the acting
`kora.access.auth.Actor` and check its role (Beispieldaten and plan reloads are Admin only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kora import periods
from kora.access.auth import Actor, authorize, os_user
from kora.db import Database, admin_store, audit_store, massnahmen_store, plan_store, readings_store
from kora.errors import KoraError
from kora.massnahmen import quelle
from kora.periods import utcnow
from kora.plan.files import CATALOGUE_FILE, DEFAULT_KOMMUNE, PLAN_FILE, load_plan
from kora.samples import massnahmen as sample_massnahmen
from kora.samples.demo import demo_milestone_events, demo_readings

__all__ = ["DEFAULT_KOMMUNE", "InitResult", "init", "load_demo", "os_user", "plan_dict", "remove_demo", "utcnow"]


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
        who = authorize(db, actor, "plan_neu_geladen", kommune=plan.kommune, object=Path(plan_path).name)
    else:
        if actor is not None and not isinstance(actor, Actor):
            raise TypeError("actor must be a kora.access.auth.Actor (e.g. Actor.cli()), not " + type(actor).__name__)
        who = actor or Actor.system()
    with db.write_lock, db.transaction():
        plan_store.write_plan(db, plan, actor=who.audit_name)
        applied, skipped = admin_store.reapply_plan_changes(db, kommune=plan.kommune)
        quelle.load_catalogue_quellen(db, catalogue_path=catalogue_path, kommune=plan.kommune)
        audit_store.write_audit(
            db,
            actor=who.audit_name,
            action="plan_neu_geladen" if loaded else "plan_geladen",
            object=f"{Path(plan_path).name}, {Path(catalogue_path).name}",
            detail={"admin_aenderungen_angewendet": applied, "uebersprungen": skipped} if applied or skipped else None,
            kommune=plan.kommune,
        )
    return InitResult(plan.kommune, not loaded, loaded, len(plan.vorhaben), len(plan.indicators), applied, skipped)


def ensure_ready(db: Database) -> None:
    """First start: create the plan from the embedded files when the DB is empty."""
    if not plan_store.kommunen(db):
        init(db, actor=Actor.system())


# --- Beispieldaten --------------------------------------------------------------------------


def has_demo(db: Database, kommune: str = DEFAULT_KOMMUNE) -> bool:
    return readings_store.count_readings(db, kommune=kommune, demo=True) > 0


def has_readings(db: Database, kommune: str = DEFAULT_KOMMUNE) -> bool:
    return readings_store.count_readings(db, kommune=kommune) > 0


def load_demo(
    db: Database, *, actor: Actor | None, kommune: str = DEFAULT_KOMMUNE, today: dt.date | None = None
) -> int:
    """Load Beispieldaten (January 2025 to the last complete month); returns versions written.

    Admin only. Refuses when Beispieldaten are already there, so running it twice does not
    double them.
    """
    who = authorize(db, actor, "beispieldaten_geladen", kommune=kommune, object="Beispieldaten")
    today = today or periods.today_local()
    if has_demo(db, kommune):
        raise KoraError("Beispieldaten sind bereits geladen. Zum Neuladen erst entfernen: python -m kora demo --remove")
    if readings_store.count_readings(db, kommune=kommune, demo=False):
        # demo versions are back-dated; among real readings they would become the "current" value
        raise KoraError(
            "Es sind bereits echte Messwerte erfasst. Beispieldaten werden nur in eine leere Datenbank "
            "geladen, damit sie keine echten Zahlen überdecken. Zum Ausprobieren eine eigene Datei "
            "verwenden: python -m kora demo --db beispiel.duckdb"
        )
    plan = load_plan()
    if plan.kommune != kommune:
        raise KoraError(f"Beispieldaten gibt es nur für {plan.kommune_name}.")
    frame = demo_readings(plan, today=today)
    with db.write_lock, db.transaction():
        # one demo upload per reporting date, so history and "since last time" look real
        for stamp, part in frame.groupby("recorded_at", sort=True):
            upload_id = readings_store.new_upload(
                db,
                kommune=kommune,
                kind="demo",
                user="Beispieldaten",
                at=stamp,
                filename="Beispieldaten",
                n_new=len(part),
                reason="Beispieldaten",
            )
            rows = part.assign(
                kommune=kommune,
                source="Beispieldaten",
                upload_id=upload_id,
                recorded_by="Beispieldaten",
                reason=part["comment"].where(part["comment"].notna(), None),
            )
            readings_store.insert_readings(db, rows)
        for mid, status, reached, stamp in demo_milestone_events(plan, today=today):
            upload_id = readings_store.new_upload(
                db, kommune=kommune, kind="demo", user="Beispieldaten", at=stamp, filename="Beispieldaten (Meilenstein)"
            )
            plan_store.add_milestone_event(
                db,
                kommune=kommune,
                milestone_id=mid,
                status=status,
                reached_on=reached,
                due=None,
                actor="Beispieldaten",
                reason="Beispieldaten",
                upload_id=upload_id,
                at=stamp,
            )
        sample_massnahmen.load(db, plan, kommune=kommune, today=today)  # the demo Maßnahmenliste
        audit_store.write_audit(
            db, actor=who.audit_name, action="beispieldaten_geladen", detail={"versionen": len(frame)}, kommune=kommune
        )
    return len(frame)


def remove_demo(db: Database, *, actor: Actor | None, kommune: str = DEFAULT_KOMMUNE) -> int:
    """Remove all Beispieldaten (Admin only); the city's own readings stay untouched."""
    who = authorize(db, actor, "beispieldaten_entfernt", kommune=kommune, object="Beispieldaten")
    with db.write_lock:
        with db.transaction():
            massnahmen_store.remove_demo(db, kommune=kommune)  # demo Maßnahmen first: they name demo uploads
        n = readings_store.remove_demo(db, kommune=kommune)
        audit_store.write_audit(
            db, actor=who.audit_name, action="beispieldaten_entfernt", detail={"versionen": n}, kommune=kommune
        )
    return n


# --- the plan as plain data -----------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, dt.datetime):  # DuckDB DATE columns arrive as pandas Timestamps
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def plan_dict(db: Database, kommune: str = DEFAULT_KOMMUNE) -> dict[str, Any]:
    """The plan as stored in the DB, in the shape of `python -m kora plan --json`."""
    info = plan_store.kommune_info(db, kommune)
    if info is None:
        raise KoraError(f"Für die Kommune „{kommune}“ ist kein Plan geladen. Bitte zuerst: python -m kora init")
    felder = plan_store.aktionsfelder_df(db, kommune)
    vorhaben = plan_store.vorhaben_df(db, kommune)
    indicators = plan_store.indicators_df(db, kommune)
    targets = plan_store.targets_df(db, kommune)
    milestones = plan_store.milestones_df(db, kommune)
    target_map: dict[str, dict[str, float]] = {}
    for row in targets.itertuples(index=False):
        target_map.setdefault(row.indicator_id, {})[str(row.year)] = float(row.target)
    return {
        "kommune": kommune,
        "kommune_name": info["name"],
        "title": info["title"],
        "plan_start": _clean(info["plan_start"]),
        "aktionsfelder": [{"code": r.code, "title": r.title} for r in felder.itertuples(index=False)],
        "vorhaben": [
            {
                "nr": int(v.nr),
                "aktionsfeld": v.aktionsfeld,
                "title": v.title,
                "zielsetzung": v.zielsetzung,
                "umsetzungsideen": v.umsetzungsideen,
                "meilensteine": [
                    {
                        "id": m.id,
                        "text": m.text,
                        "faellig": _clean(m.due),
                        "status": m.status,
                        "erreicht_am": None if pd.isna(m.reached_on) else _clean(m.reached_on),
                    }
                    for m in milestones[milestones["nr"] == v.nr].itertuples(index=False)
                ],
                "indikatoren_text": v.indikatoren_text,
                "partner_cities": v.partner_cities,
                "vorsaetze": v.vorsaetze,
                "indicators": indicators[indicators["vorhaben"].map(lambda xs, nr=v.nr: nr in xs)]["id"].tolist(),
            }
            for v in vorhaben.itertuples(index=False)
        ],
        "indicators": [
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
                "targets": target_map.get(i.id, {}),
                "vorhaben": list(i.vorhaben),
                "weight": float(i.weight),
                "annahme": bool(i.assumption),
                "meldung": i.frequency,
                "quelle_text": i.quelle_text,
            }
            for i in indicators.itertuples(index=False)
        ],
    }
