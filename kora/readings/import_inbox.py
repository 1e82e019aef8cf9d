"""An import while the dashboard runs: `python -m kora import FILE --wait 60` hands the file to the server.

Same mechanism as backups (`kora.access.backup_inbox`, docs/backup.md): DuckDB lets one process
write the file, the dashboard holds it, so the CLI drops an order into `<db dir>/sicherungen/
auftraege/` — the file's bytes (`<id>.import.daten`) and a small order (`<id>.import.json`:
requester, file name, Korrekturgrund, dry run) — and waits. The dashboard's background thread
(`poll_orders`, started in `kora.web.state`) runs the very same `import_file` the upload page and
the CLI run, and writes the outcome (`outcome.as_dict()`) as `<id>.import-antwort.json`; the CLI
prints it as if it had imported itself. A nightly import from another system can therefore run
beside the dashboard. The files and their handling are the generic order box
(`kora.access.orders`); account changes travel the same way (`kora.access.account_orders`).

Trust: whoever can write into the database's folder can already replace the database file; the
server reads at most MAX_UPLOAD_BYTES per order, takes only a base name from the order, and at
most MAX_ORDERS_PER_CALL orders per poll. The operator's name is recorded as
"NAME (Importauftrag)" with the machine operator's role, exactly as a direct CLI import would be.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kora.access import account_orders, backup_inbox, orders
from kora.access.roles import Actor
from kora.db import Database
from kora.errors import DatabaseLockedError, KoraError
from kora.readings.commit import import_file
from kora.readings.ingest import MAX_UPLOAD_BYTES

MAX_ORDERS_PER_CALL = 3
KIND = "import"


# --- CLI side ------------------------------------------------------------------------------------


def place_import(
    db_path: Path, data: bytes, *, filename: str, requested_by: str, reason: str | None, dry_run: bool, kommune: str
) -> str:
    """Write the data, then the order (atomically, last): the server never sees half an order."""
    meta = {
        "von": requested_by[:200],
        "datei": Path(filename).name[:255],
        "grund": (reason or "")[:2000],
        "probelauf": bool(dry_run),
        "kommune": kommune,
    }
    return orders.place(db_path, KIND, meta, data=data[: MAX_UPLOAD_BYTES + 1])


def wait_for_import(db_path: Path, order_id: str, *, timeout: float, poll: float = 0.2) -> dict[str, Any] | None:
    """The server's outcome (`import_file(...).as_dict()`), or None after `timeout` (order withdrawn)."""
    return orders.wait(db_path, KIND, order_id, timeout=timeout, poll=poll)


def import_through_server(
    db_path: Path,
    data: bytes,
    *,
    filename: str,
    requested_by: str,
    reason: str | None,
    dry_run: bool,
    kommune: str,
    timeout: float,
    locked: DatabaseLockedError,
) -> dict[str, Any]:
    """Hand the import to the running dashboard and return its outcome; DatabaseLockedError when it does not answer."""
    order_id = place_import(
        db_path, data, filename=filename, requested_by=requested_by, reason=reason, dry_run=dry_run, kommune=kommune
    )
    outcome = wait_for_import(db_path, order_id, timeout=timeout)
    if outcome is None:
        raise DatabaseLockedError(
            f"{locked} Der Importauftrag wurde in {backup_inbox.order_folder(db_path)} abgelegt, aber das laufende "
            f"Programm hat ihn nicht innerhalb von {timeout:.0f} s bearbeitet (Auftrag zurückgezogen). Bitte später "
            "erneut versuchen, die Datei auf der Upload-Seite hochladen oder das Dashboard kurz beenden."
        )
    return outcome


# --- server side ---------------------------------------------------------------------------------


def pending_imports(db_path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(id, order) of well-formed import orders, oldest first; malformed ones are removed."""
    return orders.pending(db_path, KIND)


def _run_order(db: Database, db_path: Path, order_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    data = orders.take(db_path, KIND, order_id, max_bytes=MAX_UPLOAD_BYTES + 1)
    if data is None:
        return {"ok": False, "committed": False, "message": "Die Daten des Importauftrags fehlen.", "errors": []}
    requester = str(meta.get("von") or "unbekannt")[:200]
    kommune = orders.order_kommune(meta)  # the CLI names its Kommune; an order without one is not guessed
    actor = Actor(name=f"{requester} (Importauftrag)", role="admin", source="cli", display_name=requester)
    outcome = import_file(
        db,
        data,
        filename=Path(str(meta.get("datei") or "import.csv")).name,
        actor=actor,
        reason=str(meta.get("grund") or "") or None,
        dry_run=bool(meta.get("probelauf")),
        kommune=kommune,
    )
    return {"ok": outcome.ok, **outcome.as_dict()}


def handle_imports(db: Database) -> list[dict[str, Any]]:
    """Run pending import orders (at most MAX_ORDERS_PER_CALL) and write each answer."""
    if db.path is None:
        return []
    answers = []
    for order_id, meta in pending_imports(db.path)[:MAX_ORDERS_PER_CALL]:
        try:
            result = _run_order(db, db.path, order_id, meta)
        except KoraError as err:
            result = {"ok": False, "committed": False, "message": str(err), "errors": []}
        orders.answer(db.path, KIND, order_id, result)
        answers.append(result)
    return answers


def poll_orders(db: Database, stop: threading.Event, *, every: float = 2.0) -> None:
    """The dashboard's background loop: backup, import and account orders until `stop` is set."""
    while not stop.wait(every):
        for handle in (backup_inbox.handle_orders, handle_imports, account_orders.handle_orders):
            try:
                handle(db)
            except (KoraError, OSError):
                continue
