"""`status`: goal attainment per indicator, Vorhaben and Aktionsfeld, as a German table or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from kora import fmt
from kora.cli.common import add_db_argument, add_json_argument, add_time_arguments, open_db
from kora.db import status_store
from kora.fmt import is_missing
from kora.labels import STATUS_LABELS
from kora.periods import parse_day, parse_month
from kora.plan import setup as ops
from kora.tracking.results import StatusReport
from kora.tracking.status import build_status

ALL = "alle"


def percent(fraction: Any) -> str:
    return fmt.percent(fraction)


def with_unit(value: Any, unit: str, direction: str) -> str:
    return fmt.value_with_unit(value, unit, direction=direction)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), *(line(r) for r in rows)]


def render(report: StatusReport, kommune_name: str) -> str:
    """The readable German status table of `python -m kora status`."""
    as_of = fmt.month_name(report.as_of)
    out = [f"Zielerreichung {kommune_name} – Stand {as_of}"]
    if report.known_at is None:
        out.append("Datenstand: aktuell (alle gespeicherten Korrekturen)")
    else:
        out.append(f"Datenstand: wie bekannt am {report.known_at:%d.%m.%Y %H:%M} UTC")
    if report.demo:
        out.append("Hinweis: enthält Beispieldaten.")
    plan = report.plan
    out.append(f"\nGesamtplan: {percent(plan['attainment'])} · {STATUS_LABELS[plan['status']]}")
    ms = report.milestones
    if ms.get("due"):
        overdue = f", {ms['overdue']} überfällig" if ms["overdue"] else ""
        ids = f" ({', '.join(ms['overdue_ids'][:10])}{' …' if len(ms['overdue_ids']) > 10 else ''})" if overdue else ""
        out.append(
            f"Meilensteine: {ms['reached_on_time']} von {ms['due']} fälligen fristgerecht erreicht "
            f"({percent(ms['share_on_time'])}){overdue}{ids}"
        )

    multi = report.kommune is None
    lead = ["Kommune"] if multi else []

    def prefix(row: Any) -> list[str]:
        return [str(row.kommune)] if multi else []

    out.append("\nAktionsfelder")
    out += _table(
        [*lead, "Code", "Titel", "Zielerreichung", "Status"],
        [
            [*prefix(r), r.code, _short(r.title, 50), percent(r.attainment), STATUS_LABELS[r.status]]
            for r in report.aktionsfelder.itertuples(index=False)
        ],
        right={len(lead) + 2},
    )
    out.append("\nVorhaben")
    out += _table(
        [*lead, "Nr", "AF", "Titel", "Zielerreichung", "Status"],
        [
            [*prefix(r), str(r.nr), r.aktionsfeld, _short(r.title, 50), percent(r.attainment), STATUS_LABELS[r.status]]
            for r in report.vorhaben.itertuples(index=False)
        ],
        right={len(lead), len(lead) + 3},
    )
    out.append(f"\nIndikatoren (Jahr {report.as_of.year}, Werte seit Jahresbeginn)")
    rows = []
    for r in report.indicators.itertuples(index=False):
        rows.append(
            [
                *prefix(r),
                _short(r.name, 42),
                with_unit(r.value, r.unit, r.direction),
                with_unit(r.target, r.unit, r.direction),
                percent(r.attainment),
                with_unit(r.expected, r.unit, r.direction),
                "–" if is_missing(r.needed_per_month) else with_unit(r.needed_per_month, r.unit, r.direction),
                with_unit(r.forecast, r.unit, r.direction),
                STATUS_LABELS[r.status],
                f"{r.months_reported}/{r.months_due}",
            ]
        )
    header = [
        *lead,
        "Indikator",
        "Wert",
        "Jahresziel",
        "Zielerreichung",
        "Soll",
        "Nötig/Monat",
        "Prognose",
        "Status",
        "Meldungen",
    ]
    out += _table(header, rows, right={len(lead) + i for i in (1, 2, 3, 4, 5, 6, 8)})
    out.append(
        "\nZielerreichung = (Wert − Start) / (Ziel − Start); Soll = Zielpfad zum Stand; "
        "Nötig/Monat = für das Jahresziel je verbleibendem Monat noch nötig (bei „weniger ist besser“: noch erlaubt); "
        "Prognose = erwarteter Jahreswert; Meldungen = gemeldete / fällige Monate."
    )
    return "\n".join(out)


def cmd_status(args: argparse.Namespace) -> int:
    as_of = parse_month(args.as_of) if args.as_of else None
    known_at = parse_day(args.known_at) if args.known_at else None
    kommune = None if args.kommune == ALL else args.kommune
    with open_db(args) as db:
        ops.ensure_ready(db)
        report = build_status(db, kommune=kommune, as_of=as_of, known_at=known_at)
        names = status_store.kommunen_df(db, kommune)
    if args.json:
        print(report.to_json())
        return 0
    name = names["name"].iloc[0] if kommune is not None and len(names) else "alle Kommunen"
    print(render(report, name))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="Zielerreichung je Indikator, Vorhaben und Aktionsfeld anzeigen")
    add_db_argument(p)
    add_json_argument(p)
    add_time_arguments(p)
    p.add_argument(
        "--kommune", default=ops.DEFAULT_KOMMUNE, help=f"Kommune (Standard: {ops.DEFAULT_KOMMUNE}; '{ALL}' = alle)"
    )
    p.set_defaults(func=cmd_status)
