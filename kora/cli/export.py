"""`export`: the Brownbag deck as PowerPoint, self-contained HTML report or Excel workbook.

Same data and slides as the Präsentationsmodus page (`kora.tracking.stand.gather` + a renderer), so a
file made here for a Stand equals the one downloaded from the page.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from kora.cli.common import add_db_argument, add_time_arguments, open_db
from kora.errors import KoraError
from kora.periods import last_complete_month, parse_day, parse_month
from kora.plan import setup
from kora.plan.model import DEFAULT_KOMMUNE
from kora.report import export
from kora.tracking.stand import gather


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.out:
        suffix = Path(args.out).suffix.lower().lstrip(".")
        if suffix in export.FORMATS:
            return suffix
    raise KoraError("Bitte das Format angeben: --format pptx, html oder xlsx (oder --out mit dieser Endung).")


def cmd_export(args: argparse.Namespace) -> int:
    key = _format(args)
    as_of = parse_month(args.as_of) if args.as_of else last_complete_month()
    known_at = parse_day(args.known_at) if args.known_at else None
    since = parse_day(args.since) if args.since else None
    with open_db(args) as db:
        setup.ensure_ready(db)
        bundle = export.make_bundle(gather(db, kommune=args.kommune, as_of=as_of, since=since, known_at=known_at))
    data = export.render(key, bundle)
    out = Path(args.out) if args.out else Path(export.bundle_file_name(key, bundle))
    try:
        if out.parent and not out.parent.exists():
            raise KoraError(f"Der Ordner „{out.parent}“ für --out existiert nicht.")
        out.write_bytes(data)
    except OSError as err:
        raise KoraError(f"Die Datei „{out}“ konnte nicht geschrieben werden: {err.strerror or err}.") from None
    print(f"{export.FORMATS[key].label} gespeichert: {out} ({_contents(key, data, bundle)}) · {bundle.deck.footer}")
    return 0


def _contents(key: str, data: bytes, bundle: export.Bundle) -> str:
    """What the file holds, in its own terms: a workbook has sheets, not slides."""
    if key == "xlsx":
        import openpyxl

        names = openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames
        return f"{len(names)} Tabellenblätter: {', '.join(names)}"
    return f"{len(bundle.deck.slides)} Folien"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="Brownbag-Folien als PowerPoint, HTML-Bericht oder Excel-Arbeitsmappe speichern",
        description="Erzeugt die Folien des Präsentationsmodus als Datei: PPTX (bearbeitbare Diagramme), "
        "eigenständiges HTML (offline lesbar, per E-Mail versendbar) oder XLSX (Plan, Indikatoren, "
        "Messwerte mit Versionen, Zielerreichung).",
    )
    add_db_argument(p)
    p.add_argument("--format", choices=sorted(export.FORMATS), help="Dateiformat (sonst aus der Endung von --out)")
    add_time_arguments(p)
    p.add_argument(
        "--since",
        metavar="JJJJ-MM-TT",
        help="Datum des letzten Termins für „Was hat sich geändert?“ (Standard: 4 Wochen vor heute bzw. --known-at)",
    )
    p.add_argument("--out", metavar="DATEI", help="Zieldatei (Standard: KoRa_<kommune>_Stand_<JJJJ-MM>.<format>)")
    p.add_argument("--kommune", default=DEFAULT_KOMMUNE, help=f"Kommune (Standard: {DEFAULT_KOMMUNE})")
    p.set_defaults(func=cmd_export)
