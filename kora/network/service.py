"""Benchmark packages and the Städtevergleich against the database: the one path for CLI and pages.

Export writes the own Kommune's shared indicators as known at export time; import checks the
package completely (kora.network.validate), then stores its values as new reading versions of
the sending Kommune through kora.readings.versions (the one write-plus-audit path) in one
transaction — or nothing at all. Both check the role on the server and
write an audit row. `comparison()` feeds kora.network.compare from the readings of all Kommunen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kora.access.roles import Actor, authorize
from kora.db import Database, audit_store, network_store, readings_store
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, NotFoundError
from kora.kommunen import by_id, id_for_plan_name, kommune, own_kommune
from kora.network import compare, package, validate
from kora.network.indicators import SharedIndicator, shared_by_id, shared_indicators
from kora.network.results import Comparison, ExportResult, ImportOutcome
from kora.periods import last_complete_month, normalize_known_at, utcnow
from kora.plan.setup import plan_dict
from kora.readings.versions import AuditRow, Batch, UploadRow, write_versions

SOURCE = "Benchmark-Paket"
VALUE_TOLERANCE = 1e-9


# --- export ------------------------------------------------------------------------------------


def _export_values(db: Database, *, own: str, as_of: dt.date) -> tuple[pd.DataFrame, int]:
    current = readings_store.current_readings_df(db, kommune=own)
    current = current[current["indicator_id"].isin(list(shared_by_id()))]
    current = current[pd.to_datetime(current["month"]).dt.date <= as_of]
    demo = int(current["is_demo"].sum()) if len(current) else 0
    real = current[~current["is_demo"].astype(bool)] if len(current) else current
    return real[["indicator_id", "month", "value"]], demo


def export_package(
    db: Database,
    *,
    actor: Actor | None,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    own: str | None = None,
) -> ExportResult:
    """The own Kommune's benchmark package (zip bytes). Beispieldaten are never exported.

    `own`: in a shared installation the Kommune of the person exporting (default: configuration)."""
    own = own or own_kommune()
    last = last_complete_month(today)
    as_of = as_of or last
    if as_of > last:
        raise KoraError(
            f"Stand {as_of:%Y-%m} liegt in der Zukunft: spätestens {last:%Y-%m} (letzter vollständiger Monat)."
        )
    who = authorize(db, actor, AuditAction.NETZWERK_EXPORT, kommune=own)
    values, demo = _export_values(db, own=own, as_of=as_of)
    used = [s for s in shared_indicators() if s.id in set(values["indicator_id"])]
    if values.empty:
        raise KoraError(
            "Keine Werte zum Exportieren: für die gemeinsamen Indikatoren des Netzwerks "
            f"({', '.join(s.id for s in shared_indicators())}) sind bis {as_of:%Y-%m} keine echten Messwerte "
            "gespeichert (Beispieldaten werden nie exportiert)."
        )
    targets = [{"indikator": s.id, "jahr": y, "wert": v} for s in used for y, v in s.targets]
    data = package.build_package(
        kommune=kommune(own), created=utcnow(), as_of=as_of, indicators=used, values=values, targets=targets
    )
    audit_store.write_audit(
        db,
        actor=who.audit_name,
        action=AuditAction.NETZWERK_EXPORT,
        object=f"kora-benchmark-{own}-{as_of:%Y-%m}.zip",
        detail={"werte": len(values), "stand": f"{as_of:%Y-%m}", "beispieldaten_ausgelassen": demo},
        kommune=own,
    )
    return ExportResult(data, f"kora-benchmark-{own}-{as_of:%Y-%m}.zip", own, as_of, len(values), demo)


# --- import ------------------------------------------------------------------------------------


def context(db: Database, *, today: dt.date | None = None) -> validate.Context:
    return validate.Context(
        shared=shared_by_id(),
        registry=by_id(),
        own=own_kommune(),
        hosted=frozenset(network_store.locally_kept_kommunen(db)),
        last_month=last_complete_month(today),
    )


def _diff(db: Database, parsed: package.ParsedPackage) -> tuple[pd.DataFrame, int]:
    """The rows to write (new or changed) and the number unchanged."""
    current = readings_store.current_readings_df(db, kommune=parsed.kommune)
    values = parsed.values.assign(month=pd.to_datetime(parsed.values["month"]).dt.date)
    if current.empty:
        return values.assign(old=float("nan")), 0
    current = current.assign(month=pd.to_datetime(current["month"]).dt.date)
    merged = values.merge(
        current[["indicator_id", "month", "value"]].rename(columns={"value": "old"}),
        on=["indicator_id", "month"],
        how="left",
    )
    same = (merged["old"] - merged["value"]).abs() <= VALUE_TOLERANCE
    return merged[~same], int(same.sum())


def _upload_row(
    parsed: package.ParsedPackage, rows: pd.DataFrame, unchanged: int, *, filename: str, who: Actor
) -> UploadRow:
    new = int(rows["old"].isna().sum())
    return UploadRow(
        kommune=parsed.kommune,
        kind="demo" if parsed.synthetic else "upload",
        user=who.name,
        at=utcnow(),
        filename=filename,
        sha256=parsed.sha256,
        reason=("Beispieldaten (synthetisch): " if parsed.synthetic else "")
        + f"{SOURCE} {parsed.kommune_name}, Stand {parsed.as_of:%Y-%m}",
        n_new=new,
        n_changed=len(rows) - new,
        n_unchanged=unchanged,
    )


def _version_rows(rows: pd.DataFrame, upload: UploadRow, upload_id: int) -> pd.DataFrame:
    """The package's values as reading versions of the sending Kommune (readings_store.READING_COLUMNS)."""
    return pd.DataFrame(
        {
            "kommune": upload.kommune,
            "indicator_id": rows["indicator_id"].astype(str),
            "month": rows["month"],
            "value": rows["value"].astype(float),
            "comment": None,
            "source": SOURCE,
            "upload_id": upload_id,
            "recorded_at": upload.at,
            "recorded_by": upload.user,
            "reason": None,
        }
    )


def _store(
    db: Database,
    parsed: package.ParsedPackage,
    rows: pd.DataFrame,
    unchanged: int,
    *,
    filename: str,
    who: Actor,
    own: str,
) -> int:
    """One transaction: the upload, its versions and the audit row (readings.versions, the one write
    path), plus what the package said about itself (network_packages) — all or nothing."""
    upload = _upload_row(parsed, rows, unchanged, filename=filename, who=who)

    def audit(ids: list[int]) -> AuditRow:
        detail = {"von": parsed.kommune, "stand": f"{parsed.as_of:%Y-%m}", "neu": upload.n_new}
        detail["korrigiert"] = upload.n_changed
        return AuditRow(
            actor=who.audit_name, action=AuditAction.NETZWERK_IMPORT, kommune=own, object=filename, detail=detail
        )

    created = parsed.created if parsed.created.tzinfo is None else parsed.created.astimezone(dt.UTC)
    with db.transaction():
        (upload_id,) = write_versions(
            db, [Batch(upload, readings=lambda uid: _version_rows(rows, upload, uid))], audit=audit
        )
        network_store.insert_package(
            db,
            upload_id=upload_id,
            kommune=parsed.kommune,
            name=parsed.kommune_name,
            einwohner=parsed.einwohner,
            created=created.replace(tzinfo=None),
            as_of=parsed.as_of,
            sha256=parsed.sha256,
            definitions=list(parsed.definitions),
            targets=list(parsed.targets),
            at=upload.at,
            by=who.name,
        )
    return upload_id


def import_package(
    db: Database,
    data: bytes,
    *,
    filename: str,
    actor: Actor | None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportOutcome:
    """Check a package and (unless `dry_run`) store it; any problem → nothing stored."""
    own = own_kommune()
    who = authorize(db, actor, AuditAction.NETZWERK_IMPORT, kommune=own, object=filename)
    outcome = ImportOutcome(dry_run=dry_run)
    try:
        parsed = validate.read_package(data, context(db, today=today))
    except package.PackageRejected as rejected:
        outcome.errors = list(rejected.problems)
        if not dry_run:
            audit_store.write_audit(
                db,
                actor=who.audit_name,
                action=AuditAction.NETZWERK_IMPORT,
                outcome="abgelehnt",
                object=filename,
                detail={"probleme": len(outcome.errors), "erstes": str(outcome.errors[0])},
                kommune=own,
            )
        return outcome
    outcome.kommune, outcome.as_of, outcome.notes = parsed.kommune, parsed.as_of, list(parsed.notes)
    with db.write_lock:
        rows, outcome.unchanged = _diff(db, parsed)
        outcome.new = int(rows["old"].isna().sum())
        outcome.changed = len(rows) - outcome.new
        if dry_run:
            return outcome
        outcome.upload_id = _store(db, parsed, rows, outcome.unchanged, filename=filename, who=who, own=own)
    return outcome


# --- comparison --------------------------------------------------------------------------------


def _partners(plan: dict[str, Any], indicator: SharedIndicator) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for v in plan.get("vorhaben", []):
        if v["nr"] in indicator.vorhaben:
            for city in v.get("partner_cities", ()):
                kid = id_for_plan_name(city)
                if kid:
                    out.setdefault(kid, []).append(v["nr"])
    return out


def _packages(db: Database, known_at: dt.datetime | None) -> dict[str, dict[str, Any]]:
    latest = network_store.latest_packages_df(db, known_at=known_at)
    return {str(r["kommune"]): r for r in latest.to_dict("records")}


def _annotate(table: pd.DataFrame, *, own: str, packages: dict[str, dict[str, Any]], demo: set[str]) -> None:
    """Add name, own flag, Einwohner, package time, origin and Beispieldaten flag per Kommune."""
    registry = by_id()
    table["name"] = [registry[k].name for k in table["kommune"]]
    table["is_own"] = table["kommune"] == own
    table["einwohner"] = [registry[k].einwohner for k in table["kommune"]]
    table["package_created"] = [packages.get(k, {}).get("created") for k in table["kommune"]]
    table["source"] = [
        "eigene Werte" if k == own else ("Benchmark-Paket" if k in packages else "in dieser Installation")
        for k in table["kommune"]
    ]
    table["is_demo"] = table["kommune"].isin(demo)


def comparison(
    db: Database,
    *,
    indicator_id: str,
    year: int,
    as_of: dt.date | None = None,
    known_at: dt.datetime | dt.date | None = None,
    plan: dict[str, Any] | None = None,
    today: dt.date | None = None,
    own: str | None = None,
) -> Comparison:
    """All Kommunen side by side on one shared indicator for `year` (months up to `as_of`).

    `own`: the Kommune highlighted and asked about (default: configuration)."""
    shared = shared_by_id().get(indicator_id)
    if shared is None:
        raise NotFoundError(
            f"„{indicator_id}“ ist kein gemeinsamer Indikator des Netzwerks. Vergleichbar sind: "
            + ", ".join(shared_by_id())
            + "."
        )
    as_of = as_of or last_complete_month(today)
    if year > as_of.year:
        raise KoraError(f"Jahr {year} liegt nach dem Stand {as_of:%Y-%m}.")
    as_of = min(as_of, dt.date(year, 12, 1))
    stamp = normalize_known_at(known_at)
    own = own or own_kommune()
    registry = by_id()
    einwohner = {k: v.einwohner for k, v in registry.items()}
    readings = readings_store.current_readings_df(db, known_at=stamp)
    readings = readings[readings["indicator_id"] == indicator_id]
    demo = set(readings.loc[readings["is_demo"].astype(bool), "kommune"]) if len(readings) else set()
    table = compare.comparison_table(
        readings[["kommune", "month", "value"]],
        einwohner=einwohner,
        aggregation=shared.aggregation,
        direction=shared.direction,
        normalisation=shared.normalisation,
        year=year,
        as_of=as_of,
    )
    _annotate(table, own=own, packages=_packages(db, stamp), demo=demo)
    if plan is None:
        plan = plan_dict(db, kommune=own)
    partners = _partners(plan, shared)
    table["is_partner"] = table["kommune"].isin(list(partners))
    recent = readings[pd.to_datetime(readings["month"]).dt.date <= as_of]
    return Comparison(
        indicator=shared,
        year=year,
        as_of=as_of,
        own=own,
        table=table,
        stats=compare.quartiles(table["compared"].tolist()),
        trends=compare.trends(recent, einwohner=einwohner, normalisation=shared.normalisation, as_of=as_of),
        learn_from=compare.better_partners(table, own=own, partners=partners),
    )


def has_network_data(db: Database, *, own: str | None = None) -> bool:
    """Are values of any other Kommune known (received or entered here)?"""
    own = own or own_kommune()
    return any(k != own for k in readings_store.current_readings_df(db)["kommune"].unique())


HEADLINE_INDICATOR = "km_umgesetzt"  # the question the slide answers: km je 100 000 Einwohner


def deck_comparison(
    db: Database, *, kommune: str, as_of: dt.date, known_at: dt.datetime | None = None
) -> Comparison | None:
    """The comparison for the Brownbag slide and sheet (None when no other Kommune has values:
    no slide then). Fetched once by kora.tracking.stand.gather, drawn by kora.report."""
    if not has_network_data(db, own=kommune):
        return None
    try:
        result = comparison(
            db, indicator_id=HEADLINE_INDICATOR, year=as_of.year, as_of=as_of, known_at=known_at, own=kommune
        )
    except KoraError:
        return None
    return result if len(result.table) > 1 else None
