"""An import while the dashboard runs: `python -m kora import FILE --wait 60` hands the file to the server.

Same mechanism as backups (`kora.access.backup_inbox`, docs/backup.md): DuckDB lets one process
write the file, the dashboard holds it, so the CLI drops an order into `<db dir>/sicherungen/
auftraege/` — the file's bytes (`<id>.import.daten`) and a small order (`<id>.import.json`:
requester, file name, Korrekturgrund, dry run) — and waits. The dashboard's background thread
(`poll_orders`, started in `kora.web.state`) runs the very same `import_file` the upload page and
the CLI run, and writes the outcome (`outcome.as_dict()`) as `<id>.import-antwort.json`; the CLI
prints it as if it had imported itself. A nightly import from another system can therefore run
beside the dashboard.

Trust: whoever can write into the database's folder can already replace the database file; the
server reads at most MAX_UPLOAD_BYTES per order, takes only a base name from the order, and at
most MAX_ORDERS_PER_CALL orders per poll. The operator's name is recorded as
"NAME (Importauftrag)" with the machine operator's role, exactly as a direct CLI import would be.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from kora.access import backup_inbox
from kora.access.roles import Actor
from kora.db import Database
from kora.errors import DatabaseLockedError, KoraError
from kora.readings.commit import import_file
from kora.readings.ingest import MAX_UPLOAD_BYTES

MAX_ORDERS_PER_CALL = 3
_ID = re.compile(r"^[0-9a-f]{16}$")


def _paths(db_path: Path, order_id: str) -> tuple[Path, Path, Path]:
    folder = backup_inbox.order_folder(db_path)
    return (
        folder / f"{order_id}.import.json",
        folder / f"{order_id}.import.daten",
        folder / f"{order_id}.import-antwort.json",
    )


# --- CLI side ------------------------------------------------------------------------------------


def place_import(
    db_path: Path, data: bytes, *, filename: str, requested_by: str, reason: str | None, dry_run: bool, kommune: str
) -> str:
    """Write the data, then the order (atomically, last): the server never sees half an order."""
    folder = backup_inbox.order_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    order_id = secrets.token_hex(8)
    order, payload, _answer = _paths(db_path, order_id)
    payload.write_bytes(data[: MAX_UPLOAD_BYTES + 1])
    temp = folder / f".{order_id}.import.tmp"
    meta = {
        "id": order_id,
        "von": requested_by[:200],
        "datei": Path(filename).name[:255],
        "grund": (reason or "")[:2000],
        "probelauf": bool(dry_run),
        "kommune": kommune,
        "am": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    temp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, order)
    return order_id


def wait_for_import(db_path: Path, order_id: str, *, timeout: float, poll: float = 0.2) -> dict[str, Any] | None:
    """The server's outcome (`import_file(...).as_dict()`), or None after `timeout` (order withdrawn)."""
    order, payload, answer = _paths(db_path, order_id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer.exists():
            data = json.loads(answer.read_text(encoding="utf-8"))
            answer.unlink(missing_ok=True)
            return dict(data)
        time.sleep(poll)
    order.unlink(missing_ok=True)
    payload.unlink(missing_ok=True)
    return None


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
    folder = backup_inbox.order_folder(db_path)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.import.json"), key=lambda p: p.stat().st_mtime):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")[:8192])
            order_id = str(meta["id"])
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        if _ID.match(order_id) and path.name == f"{order_id}.import.json":
            out.append((order_id, meta))
        else:
            path.unlink(missing_ok=True)
    return out


def _run_order(db: Database, db_path: Path, order_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    order, payload, _answer = _paths(db_path, order_id)
    order.unlink(missing_ok=True)
    try:
        with payload.open("rb") as stream:
            data = stream.read(MAX_UPLOAD_BYTES + 1)
    except OSError:
        return {"ok": False, "committed": False, "message": "Die Daten des Importauftrags fehlen.", "errors": []}
    finally:
        payload.unlink(missing_ok=True)
    requester = str(meta.get("von") or "unbekannt")[:200]
    kommune = str(meta.get("kommune") or "")
    if not kommune:  # the CLI names its Kommune; an order without one is not guessed into Aachen
        return {"ok": False, "committed": False, "message": "Der Importauftrag nennt keine Kommune.", "errors": []}
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
        _order, _payload, answer = _paths(db.path, order_id)
        temp = answer.with_name(f".{order_id}.import-antwort.tmp")
        temp.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(temp, answer)
        answers.append(result)
    return answers


def poll_orders(db: Database, stop: threading.Event, *, every: float = 2.0) -> None:
    """The dashboard's background loop: backup orders and import orders until `stop` is set."""
    while not stop.wait(every):
        for handle in (backup_inbox.handle_orders, handle_imports):
            try:
                handle(db)
            except (KoraError, OSError):
                continue
