"""`serve`: create or migrate the DB, then start the dashboard (what `./dev.sh run` does)."""

from __future__ import annotations

import argparse
import os

from kora.cli.common import add_db_argument, open_db
from kora.plan import setup


def cmd_serve(args: argparse.Namespace) -> int:
    if args.db:
        os.environ["KORA_DB"] = args.db  # the dashboard process reads the same file
    with open_db(args) as db:
        result = setup.init(db)
    print(result.message())
    from kora.web import serve  # imports streamlit: only when the dashboard is really started

    return serve.serve(args.extra_args)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="Dashboard starten (http://localhost:8501); weitere Streamlit-Optionen werden durchgereicht",
    )
    add_db_argument(p)
    p.set_defaults(func=cmd_serve, passes_extra_args=True)  # e.g. --server.port 8502
