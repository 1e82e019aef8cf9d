"""`status`: goal attainment per indicator, Vorhaben and Aktionsfeld, as a German table or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from kora import fmt
from kora.cli.common import add_db_argument, add_json_argument, add_time_arguments, open_db
from kora.db import status_store
from kora.kommunen import own_kommune
from kora.labels import STATUS_LABELS
from kora.periods import parse_day, parse_month
from kora.plan import setup
from kora.tracking.results import StatusReport
from kora.tracking.status import build_status

ALL = "alle"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _heading(report: StatusReport, kommune_name: str) -> list[str]:
    """Title, which corrections count (now or as known on a day), and the Beispieldaten warning."""
    out = [f"Zielerreichung {kommune_name} – Stand {fmt.month_name(report.as_of)}"]
    if report.known_at is None:
        out.append("Datenstand: aktuell (alle gespeicherten Korrekturen)")
    else:
        out.append(f"Datenstand: wie bekannt am {report.known_at:%d.%m.%Y %H:%M} UTC")
    if report.demo:
        out.append("Hinweis: enthält Beispieldaten.")
    return out


def _summary(plan: dict[str, Any], milestones: dict[str, Any]) -> list[str]:
    """The whole plan in one line, and the milestones due so far (overdue ones named, at most ten)."""
    out = [
        f"\nGesamtplan: {fmt.attainment(plan['attainment'], plan.get('attainment_raw'))} · {STATUS_LABELS[plan['status']]}"
    ]
    if milestones.get("due"):
        overdue_ids = milestones["overdue_ids"]
        overdue = f", {milestones['overdue']} überfällig" if milestones["overdue"] else ""
        ids = f" ({', '.join(overdue_ids[:10])}{' …' if len(overdue_ids) > 10 else ''})" if overdue else ""
        out.append(
            f"Meilensteine: {milestones['reached_on_time']} von {milestones['due']} fälligen fristgerecht erreicht "
            f"({fmt.percent(milestones['share_on_time'])}){overdue}{ids}"
        )
    return out


def _attainment(row: Any) -> str:
    """As the dashboards show it: '40 %', or '−60 % (unter Startwert)' below the start (issue 11)."""
    return fmt.attainment(row.attainment, getattr(row, "attainment_raw", None))


def _lead(report: StatusReport) -> list[str]:
    """A Kommune column first when the report covers all Kommunen (`--kommune alle`)."""
    return ["Kommune"] if report.kommune is None else []


def _prefix(report: StatusReport, row: Any) -> list[str]:
    return [str(row.kommune)] if report.kommune is None else []


def _aktionsfelder(report: StatusReport) -> list[str]:
    lead = _lead(report)
    rows = [
        [*_prefix(report, r), r.code, _short(r.title, 50), _attainment(r), STATUS_LABELS[r.status]]
        for r in report.aktionsfelder.itertuples(index=False)
    ]
    return ["\nAktionsfelder", *_table([*lead, "Code", "Titel", "Zielerreichung", "Status"], rows, {len(lead) + 2})]


def _vorhaben(report: StatusReport) -> list[str]:
    lead = _lead(report)
    rows = [
        [
            *_prefix(report, r),
            str(r.nr),
            r.aktionsfeld,
            _short(r.title, 50),
            _attainment(r),
            STATUS_LABELS[r.status],
        ]
        for r in report.vorhaben.itertuples(index=False)
    ]
    header = [*lead, "Nr", "AF", "Titel", "Zielerreichung", "Status"]
    return ["\nVorhaben", *_table(header, rows, {len(lead), len(lead) + 3})]


INDICATOR_HEADER = ["Indikator", "Wert", "Jahresziel", "Zielerreichung", "Soll", "Nötig/Monat", "Prognose", "Status"]


def indicator_cells(row: Any) -> list[str]:
    """One indicator as German text cells; "Nötig/Monat" is "–" when nothing is needed any more."""

    def with_unit(value: Any) -> str:
        return fmt.value_with_unit(value, row.unit, direction=row.direction)

    needed = "–" if fmt.is_missing(row.needed_per_month) else with_unit(row.needed_per_month)
    return [
        _short(row.name, 42),
        with_unit(row.value),
        with_unit(row.target),
        _attainment(row),
        with_unit(row.expected),
        needed,
        with_unit(row.forecast),
        STATUS_LABELS[row.status],
        f"{row.months_reported}/{row.months_due}",
    ]


def _indicators(report: StatusReport) -> list[str]:
    lead = _lead(report)
    rows = [[*_prefix(report, r), *indicator_cells(r)] for r in report.indicators.itertuples(index=False)]
    header = [*lead, *INDICATOR_HEADER, "Meldungen"]
    table = _table(header, rows, {len(lead) + i for i in (1, 2, 3, 4, 5, 6, 8)})
    return [f"\nIndikatoren (Jahr {report.as_of.year}, Werte seit Jahresbeginn)", *table]


LEGEND = (
    "\nZielerreichung = (Wert − Start) / (Ziel − Start); Soll = Zielpfad zum Stand; "
    "Nötig/Monat = für das Jahresziel je verbleibendem Monat noch nötig (bei „weniger ist besser“: noch erlaubt); "
    "Prognose = erwarteter Jahreswert; Meldungen = gemeldete / fällige Monate."
)


def render(report: StatusReport, kommune_name: str) -> str:
    """The readable German status table of `python -m kora status`."""
    out = _heading(report, kommune_name)
    out += _summary(report.plan, report.milestones)
    out += _aktionsfelder(report)
    out += _vorhaben(report)
    out += _indicators(report)
    out.append(LEGEND)
    return "\n".join(out)


def cmd_status(args: argparse.Namespace) -> int:
    as_of = parse_month(args.as_of) if args.as_of else None
    known_at = parse_day(args.known_at) if args.known_at else None
    kommune = None if args.kommune == ALL else (args.kommune or own_kommune())
    with open_db(args) as db:
        setup.ensure_ready(db)
        report = build_status(db, kommune=kommune, as_of=as_of, known_at=known_at)
        names = status_store.kommunen_df(db, kommune)
    if args.json:
        print(report.to_json(pretty=args.pretty))
        return 0
    name = names["name"].iloc[0] if kommune is not None and len(names) else "alle Kommunen"
    print(render(report, name))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="Zielerreichung je Indikator, Vorhaben und Aktionsfeld anzeigen")
    add_db_argument(p)
    add_json_argument(p)
    add_time_arguments(p)
    p.add_argument("--pretty", action="store_true", help="JSON eingerückt ausgeben (Standard: kompakt)")
    p.add_argument("--kommune", default=None, help=f"Kommune (Standard: die eigene, KORA_KOMMUNE; '{ALL}' = alle)")
    p.set_defaults(func=cmd_status)
