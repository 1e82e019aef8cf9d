"""A backup while the dashboard runs: the CLI leaves an order, the server process makes the copy.

DuckDB lets one process open the file for writing; while the dashboard runs, `python -m kora
backup` cannot open it at all. So the CLI writes an order file into `<db dir>/sicherungen/
auftraege/` and waits; the dashboard (which holds the file) calls `handle_orders(db)` from a
background thread (hook point: docs/backup.md), writes the verified copy into `sicherungen/`
and an answer file next to the order; the CLI then copies that backup to `--out`.

The order carries nothing the server acts on except an id and the requester's name (recorded in
the audit row): the server only ever writes into its own `sicherungen/` folder, so whoever can
drop a file into the folder can at most cause a backup, never choose where the server writes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kora.access.backup import create_backup
from kora.access.roles import Actor
from kora.db import Database
from kora.db.backup import backup_folder
from kora.errors import DatabaseLockedError, KoraError

ORDER_FOLDER = "auftraege"
MAX_ORDERS_PER_CALL = 3  # a flood of order files costs at most three backups per poll
_ID = re.compile(r"^[0-9a-f]{16}$")


def order_folder(db_path: Path) -> Path:
    return backup_folder(db_path) / ORDER_FOLDER


@dataclass(frozen=True)
class Answer:
    ok: bool
    backup: Path | None
    message: str


# --- CLI side ------------------------------------------------------------------------------------


def place_order(db_path: Path, *, requested_by: str) -> str:
    """Write an order (atomically: temp name, then rename) and return its id."""
    folder = order_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    order_id = secrets.token_hex(8)
    temp = folder / f".{order_id}.tmp"
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    temp.write_text(json.dumps({"id": order_id, "von": requested_by[:200], "am": stamp}), encoding="utf-8")
    os.replace(temp, folder / f"{order_id}.auftrag.json")
    return order_id


def wait_for_answer(db_path: Path, order_id: str, *, timeout: float, poll: float = 0.2) -> Answer | None:
    """The server's answer, or None after `timeout` seconds (the order is then withdrawn)."""
    folder = order_folder(db_path)
    answer = folder / f"{order_id}.antwort.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer.exists():
            data = json.loads(answer.read_text(encoding="utf-8"))
            answer.unlink(missing_ok=True)
            name = Path(str(data.get("datei") or "")).name  # only a file in the backup folder, never a path
            backup = backup_folder(db_path) / name if name else None
            return Answer(bool(data.get("ok")), backup, str(data.get("meldung", "")))
        time.sleep(poll)
    (folder / f"{order_id}.auftrag.json").unlink(missing_ok=True)
    return None


def backup_through_server(
    db_path: Path, out: Path, *, requested_by: str, timeout: float, locked: DatabaseLockedError, overwrite: bool = False
) -> str:
    """Ask the running dashboard for a backup and copy it to `out`; German message or KoraError."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise KoraError(
            f"Die Datei {out} gibt es schon. Bitte einen neuen Namen wählen oder mit --force überschreiben."
        )
    order_id = place_order(db_path, requested_by=requested_by)
    answer = wait_for_answer(db_path, order_id, timeout=timeout)
    if answer is None:
        raise DatabaseLockedError(
            f"{locked} Der Sicherungsauftrag wurde in {order_folder(db_path)} abgelegt, aber das laufende Programm "
            f"hat ihn nicht innerhalb von {timeout:.0f} s bearbeitet (Auftrag zurückgezogen). Bitte die Sicherung "
            "auf der Verwaltungsseite herunterladen oder das Dashboard kurz beenden und erneut sichern."
        )
    if not answer.ok or answer.backup is None:
        raise KoraError(f"Das Dashboard konnte die Sicherung nicht erstellen: {answer.message}")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(answer.backup, out)
    return f"{answer.message} Kopiert nach {out} (erstellt vom laufenden Dashboard)."


# --- server side ---------------------------------------------------------------------------------


def pending_orders(db_path: Path) -> list[tuple[str, str]]:
    """(id, requester) of well-formed orders, oldest first; malformed files are removed."""
    folder = order_folder(db_path)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.auftrag.json"), key=lambda p: p.stat().st_mtime):
        try:
            data = json.loads(path.read_text(encoding="utf-8")[:4096])
            order_id, requester = str(data["id"]), str(data.get("von") or "unbekannt")[:200]
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        if _ID.match(order_id) and path.name == f"{order_id}.auftrag.json":
            out.append((order_id, requester))
        else:
            path.unlink(missing_ok=True)
    return out


def handle_orders(db: Database, *, now: dt.datetime | None = None) -> list[Answer]:
    """Fulfil pending orders (at most MAX_ORDERS_PER_CALL): the dashboard's poll, every few seconds."""
    if db.path is None:
        return []
    answers = []
    for order_id, requester in pending_orders(db.path)[:MAX_ORDERS_PER_CALL]:
        folder = order_folder(db.path)
        (folder / f"{order_id}.auftrag.json").unlink(missing_ok=True)
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = backup_folder(db.path) / f"kora-{stamp}-{order_id[:6]}.duckdb"
        actor = Actor(name=f"{requester} (Sicherungsauftrag)", role="admin", source="system", display_name=requester)
        try:
            result = create_backup(db, target, actor=actor)
            answer = Answer(True, target, result.message)
        except KoraError as err:
            answer = Answer(False, None, str(err))
        payload = {"ok": answer.ok, "datei": answer.backup.name if answer.backup else None, "meldung": answer.message}
        temp = folder / f".{order_id}.antwort.tmp"
        temp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, folder / f"{order_id}.antwort.json")
        answers.append(answer)
    return answers


def poll_orders(db: Database, stop: threading.Event, *, every: float = 2.0) -> None:
    """The dashboard's background loop (part B hook): fulfil orders until `stop` is set.

    `db` must be the server's own cursor for this thread (`shared.cursor()`); an error in one
    round is reported in that order's answer and never ends the loop.
    """
    while not stop.wait(every):
        try:
            handle_orders(db)
        except (KoraError, OSError):
            continue
