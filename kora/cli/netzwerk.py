"""`netzwerk export|import|vergleich|zuordnen`: benchmarking with the KoRa network.

Same library calls as the page "Städtevergleich" (kora.network.service). Exit codes: 0 = stored,
clean dry run or printed; 2 = rejected (problems printed, nothing stored).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kora import fmt
from kora.access.roles import Actor
from kora.cli.common import add_db_argument, add_json_argument, open_db, print_json
from kora.errors import KoraError
from kora.network import members, package, service, validate
from kora.periods import parse_day, parse_month
from kora.plan import setup
from kora.samples import partner_packages

MAX_PRINTED = 50


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise KoraError(f"Datei „{path}“ nicht gefunden.")
    with p.open("rb") as fh:  # never more than the limit (+1 so the library sees "too big")
        return fh.read(package.MAX_PACKAGE_BYTES + 1)


def cmd_export(args: argparse.Namespace) -> int:
    as_of = parse_month(args.as_of) if args.as_of else None
    with open_db(args) as db:
        setup.ensure_ready(db)
        result = service.export_package(db, actor=Actor.cli(args.user), as_of=as_of)
    Path(args.out).write_bytes(result.data)
    print(f"Benchmark-Paket geschrieben: {args.out} ({result.n_values} Werte, Stand {result.as_of:%Y-%m}).")
    if result.skipped_demo:
        print(f"Hinweis: {result.skipped_demo} Beispieldaten-Werte wurden nicht exportiert.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    data = _read(args.file)
    with open_db(args) as db:
        setup.ensure_ready(db)
        outcome = service.import_package(
            db, data, filename=Path(args.file).name, actor=Actor.cli(args.user), dry_run=args.dry_run
        )
    if args.json:
        print_json(outcome.as_dict())
        return 0 if outcome.ok else 2
    for note in outcome.notes:
        print(f"Hinweis: {note}")
    if not outcome.ok:
        print(outcome.message, file=sys.stderr)
        for problem in outcome.errors[:MAX_PRINTED]:
            print(f"  {validate.problem_text(problem)}", file=sys.stderr)
        if len(outcome.errors) > MAX_PRINTED:
            print(f"  … und {len(outcome.errors) - MAX_PRINTED} weitere (alle mit --json).", file=sys.stderr)
        return 2
    print(outcome.message)
    return 0


def cmd_vergleich(args: argparse.Namespace) -> int:
    as_of = parse_month(args.as_of) if args.as_of else None
    known_at = parse_day(args.known_at) if args.known_at else None
    with open_db(args) as db:
        setup.ensure_ready(db)
        result = service.comparison(db, indicator_id=args.indicator, year=args.year, as_of=as_of, known_at=known_at)
    if args.json:
        print_json(result.as_dict())
        return 0
    ind = result.indicator
    print(f"{ind.name} — {args.year}, Stand {fmt.month_name(result.as_of)} ({ind.unit_compared})")
    for row in result.table.itertuples(index=False):
        mark = "►" if row.is_own else " "
        rank = "–" if row.rank is None or row.rank != row.rank else f"{int(row.rank)}."
        shown = fmt.number(row.compared, 2)
        print(f" {mark} {rank:>3} {row.name:<20} {shown:>10}  (Stand {fmt.month_short(row.stand)})")
    print(f"Median des Netzwerks: {fmt.number(result.stats['median'], 2)}")
    return 0


def cmd_zuordnen(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        print(members.set_user_kommune(db, Actor.cli(args.user), args.username, args.kommune))
    return 0


def cmd_beispiel(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        setup.ensure_ready(db)
        n = partner_packages.load_samples(db, actor=Actor.cli(args.user))
    print(f"Synthetische Beispiel-Pakete (keine echten Werte) geladen: {n} Werte.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("netzwerk", help="Städtevergleich: Benchmark-Pakete austauschen und vergleichen")
    inner = p.add_subparsers(dest="netzwerk_command", metavar="AKTION")
    inner.required = True

    e = inner.add_parser("export", help="Benchmark-Paket der eigenen Kommune schreiben (ZIP)")
    e.add_argument("--out", required=True, metavar="DATEI", help="Zieldatei, z. B. kora-benchmark.zip")
    e.add_argument("--as-of", metavar="JJJJ-MM", help="Stand (Standard: letzter vollständiger Monat)")
    e.set_defaults(func=cmd_export)

    i = inner.add_parser("import", help="Benchmark-Paket einer anderen Kommune prüfen und speichern")
    i.add_argument("file", metavar="DATEI")
    i.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    add_json_argument(i)
    i.set_defaults(func=cmd_import)

    v = inner.add_parser("vergleich", help="alle Kommunen zu einem gemeinsamen Indikator")
    v.add_argument("--indicator", required=True, metavar="ID")
    v.add_argument("--year", required=True, type=int, metavar="JJJJ")
    v.add_argument("--as-of", metavar="JJJJ-MM", help="Stand (Standard: letzter vollständiger Monat)")
    v.add_argument("--known-at", metavar="JJJJ-MM-TT", help="nur Werte, die bis zu diesem Tag gespeichert waren")
    add_json_argument(v)
    v.set_defaults(func=cmd_vergleich)

    z = inner.add_parser("zuordnen", help="Benutzer einer Kommune zuordnen (gemeinsame Installation)")
    z.add_argument("username", metavar="BENUTZER")
    z.add_argument("kommune", metavar="KOMMUNE", help="ID aus data/kommunen.toml, z. B. muenchen")
    z.set_defaults(func=cmd_zuordnen)

    b = inner.add_parser("beispiel", help="synthetische Beispiel-Pakete einiger Partnerstädte laden (Beispieldaten)")
    b.set_defaults(func=cmd_beispiel)

    for parser in (e, i, v, z, b):
        add_db_argument(parser)
        parser.add_argument("--user", help="Name, der im Audit-Log steht (Standard: Betriebssystem-Benutzer)")
