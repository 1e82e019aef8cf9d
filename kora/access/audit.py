"""The audit log for people: German labels, filters and the readable table (Admin only).

The log itself is append-only (kora/db/audit_store.py only INSERTs; a test greps the whole
code base for UPDATE/DELETE on audit_log). Reading it is itself checked and refused reads are
audited. The CSV/XLSX files are made from `entries()` by kora.report.export.audit_log
(presentation sits above access, so this module never imports it).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora import fmt
from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store
from kora.db.audit_store import AuditAction

ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.UPLOAD: "Upload",
    AuditAction.UPLOAD_RUECKNAHME: "Rücknahme",
    AuditAction.PLAN_GELADEN: "Plan geladen",
    AuditAction.PLAN_NEU_GELADEN: "Plan neu geladen",
    AuditAction.BEISPIELDATEN_GELADEN: "Beispieldaten geladen",
    AuditAction.BEISPIELDATEN_ENTFERNT: "Beispieldaten entfernt",
    AuditAction.STARTWERT_AENDERN: "Startwert geändert",
    AuditAction.ZIELWERT_AENDERN: "Jahresziel geändert",
    AuditAction.GEWICHT_AENDERN: "Gewicht geändert",
    AuditAction.MEILENSTEIN_AENDERN: "Meilenstein geändert",
    AuditAction.KOORDINATION_ZUORDNEN: "Koordination zugeordnet",
    AuditAction.BENUTZER_ANLEGEN: "Benutzer angelegt",
    AuditAction.BENUTZER_AENDERN: "Benutzer geändert",
    AuditAction.BENUTZER_DEAKTIVIEREN: "Benutzer deaktiviert",
    AuditAction.PASSWORT_AENDERN: "Passwort geändert",
    AuditAction.ANMELDUNG: "Anmeldung",
    AuditAction.ABMELDUNG: "Abmeldung",
    AuditAction.AUDIT_LESEN: "Audit-Log gelesen",
}
OUTCOME_LABELS = {"ok": "ausgeführt", "abgelehnt": "abgelehnt", "verweigert": "verweigert (keine Berechtigung)"}
COLUMNS = ["Nr", "Zeitpunkt", "Wer", "Aktion", "Objekt", "Ergebnis", "Grund", "Details"]
DETAIL_LABELS = {
    "neu": "neu",
    "geaendert": "geändert",
    "unveraendert": "unverändert",
    "fehler": "Fehler",
    "wiederhergestellt": "wiederhergestellt",
    "zurueckgezogen": "zurückgezogen",
    "uebersprungen": "übersprungen",
    "alt": "alt",
    "neu_wert": "neu",
    "rolle": "Rolle",
    "status": "Status",
    "faellig": "fällig",
    "erreicht_am": "erreicht am",
    "upload_id": "Upload",
    "ruecknahme_id": "Rücknahme",
    "versionen": "Versionen",
}
REASON_KEYS = ("grund", "korrekturgrund")


def action_label(action: str) -> str:
    """German name of a stored action code; an unknown code (an older release's row) shows as is."""
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:
        return action


@dataclass(frozen=True)
class AuditFilter:
    actions: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive (the whole day)


def _utc_bounds(day: dt.date | None, *, end: bool) -> dt.datetime | None:
    """A local calendar day (Europe/Berlin) as the naive UTC stamp the log stores."""
    if day is None:
        return None
    from zoneinfo import ZoneInfo

    start = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time(), ZoneInfo("Europe/Berlin"))
    return start.astimezone(dt.UTC).replace(tzinfo=None)


def _detail(raw: Any) -> dict[str, Any]:
    if raw is None or (isinstance(raw, float) and pd.isna(raw)) or raw == "":
        return {}
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {"text": str(raw)}
    return value if isinstance(value, dict) else {"wert": value}


def _show(value: Any) -> str:
    if isinstance(value, dict) and set(value) <= {"alt", "neu"}:
        return f"{_show(value.get('alt'))} → {_show(value.get('neu'))}"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value[:10]) + (" …" if len(value) > 10 else "")
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _summary(detail: dict[str, Any]) -> str:
    """'Feld: Jahresziel; Jahr: 2026; 40 → 35' — the detail JSON as one readable line."""
    parts = []
    for key, value in detail.items():
        if key == "alt" and "neu" in detail:
            parts.append(f"{_show(value)} → {_show(detail['neu'])}")
            continue
        if (key == "neu" and "alt" in detail) or key in REASON_KEYS or key in ("sha256", "erste_fehler"):
            continue
        if value in (None, "", [], {}):
            continue
        parts.append(f"{DETAIL_LABELS.get(key, key.replace('_', ' ').capitalize())}: {_show(value)}")
    return "; ".join(parts)


def entries(
    db: Database, actor: Actor | None, flt: AuditFilter = AuditFilter(), *, limit: int = 50_000
) -> pd.DataFrame:
    """German table of audit rows matching `flt`, newest first (Admin only; refusals are audited)."""
    authorize(db, actor, AuditAction.AUDIT_LESEN, kommune=None, object="Audit-Log")
    raw = audit_store.audit_entries_df(
        db,
        actions=list(flt.actions) or None,
        actors=list(flt.actors) or None,
        outcomes=list(flt.outcomes) or None,
        since=_utc_bounds(flt.since, end=False),
        until=_utc_bounds(flt.until, end=True),
        limit=limit,
    )
    details = [_detail(d) for d in raw["detail"]]
    return pd.DataFrame(
        {
            "Nr": raw["id"].astype("int64"),
            "Zeitpunkt": [fmt.local_stamp(t, seconds=True) for t in raw["happened_at"]],
            "Wer": raw["actor"].astype("str"),
            "Aktion": [_label(a, d) for a, d in zip(raw["action"], details, strict=True)],
            "Objekt": raw["object"].fillna("").astype("str"),
            "Ergebnis": raw["outcome"].map(OUTCOME_LABELS).fillna(raw["outcome"]),
            "Grund": [next((str(d[k]) for k in REASON_KEYS if d.get(k)), "") for d in details],
            "Details": [_summary(d) for d in details],
        },
        columns=COLUMNS,
    )


def _label(action: str, detail: dict[str, Any]) -> str:
    if action == AuditAction.UPLOAD and (detail.get("geaendert") or 0) > 0:
        return "Upload (Korrektur)"
    if action == AuditAction.UPLOAD and detail.get("keine_aenderung"):
        return "Upload (keine Änderung)"
    return action_label(action)


def facets(db: Database) -> dict[str, list[str]]:
    return audit_store.audit_facets(db)
