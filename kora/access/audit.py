"""The audit log for people: German labels, filters, CSV and XLSX export (Admin only).

The log itself is append-only (kora/db/audit_store.py only INSERTs; a test greps the whole
code base for UPDATE/DELETE on audit_log). Exports are formula-safe: a cell that starts with
=, +, -, @, tab or CR stays text in Excel (a name like "=HYPERLINK(…)" is not executed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kora import fmt, periods
from kora.access.auth import Actor, authorize
from kora.db import Database, audit_store

ACTION_LABELS = {
    "upload": "Upload",
    "upload_ruecknahme": "Rücknahme",
    "plan_geladen": "Plan geladen",
    "plan_neu_geladen": "Plan neu geladen",
    "beispieldaten_geladen": "Beispieldaten geladen",
    "beispieldaten_entfernt": "Beispieldaten entfernt",
    "startwert_aendern": "Startwert geändert",
    "zielwert_aendern": "Jahresziel geändert",
    "gewicht_aendern": "Gewicht geändert",
    "meilenstein_aendern": "Meilenstein geändert",
    "koordination_zuordnen": "Koordination zugeordnet",
    "benutzer_anlegen": "Benutzer angelegt",
    "benutzer_aendern": "Benutzer geändert",
    "benutzer_deaktivieren": "Benutzer deaktiviert",
    "passwort_aendern": "Passwort geändert",
    "anmeldung": "Anmeldung",
    "abmeldung": "Abmeldung",
    "audit_lesen": "Audit-Log gelesen",
    "sicherung": "Sicherung erstellt",
    "wiederherstellung": "Wiederhergestellt",
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
    return ACTION_LABELS.get(action, action)


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
    authorize(db, actor, "audit_lesen", kommune=None, object="Audit-Log")
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
    if action == "upload" and (detail.get("geaendert") or 0) > 0:
        return "Upload (Korrektur)"
    if action == "upload" and detail.get("keine_aenderung"):
        return "Upload (keine Änderung)"
    return action_label(action)


def facets(db: Database) -> dict[str, list[str]]:
    return audit_store.audit_facets(db)


# --- export -------------------------------------------------------------------------------------


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(fmt.FORMULA_START):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """Semicolon CSV in UTF-8 with BOM (opens in German Excel as is), formula-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow([_safe_text(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(frame: pd.DataFrame, *, title: str = "Audit-Log KoRa-Monitor") -> bytes:
    """One sheet, every text cell stored as text (never a formula), numbers numeric."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from kora.report.export.xlsx import put

    wb = Workbook()
    ws = wb.active
    ws.title = "Audit-Log"
    put(ws, 1, 1, title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    put(ws, 2, 1, f"Exportiert am {periods.now_local().strftime('%d.%m.%Y %H:%M')} · {len(frame)} Einträge")
    widths = {"Nr": 8, "Zeitpunkt": 20, "Wer": 26, "Aktion": 24, "Objekt": 36, "Ergebnis": 22, "Grund": 40}
    for j, name in enumerate(frame.columns, start=1):
        put(ws, 4, j, name)
        ws.cell(row=4, column=j).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = widths.get(name, 60)
    for i, row in enumerate(frame.itertuples(index=False), start=5):
        for j, value in enumerate(row, start=1):
            put(ws, i, j, value)
    ws.freeze_panes = "A5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def file_name(ext: str, *, today: dt.date | None = None) -> str:
    return f"KoRa_Audit-Log_{(today or periods.today_local()).isoformat()}.{ext}"
