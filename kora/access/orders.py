"""The order box: how a CLI write reaches the running dashboard (imports, account changes).

DuckDB lets one process write the file and the dashboard holds it, so a CLI write that meets the
lock can leave an *order* in `<db dir>/sicherungen/auftraege/` and wait for the server's answer
(README „Nur-Lese-Modus und Importe neben dem Dashboard“, docs/backup.md). Every kind of order
uses the same three files, named by a random id and the kind:

- `<id>.<kind>.json` — the order (written last and atomically: the server never sees half of one),
- `<id>.<kind>.daten` — optional bytes (an import's file),
- `<id>.<kind>-antwort.json` — the server's answer, which the waiting CLI reads and removes.

The box knows nothing about what an order means: `kora.readings.import_inbox` and
`kora.access.account_orders` build and carry out their kinds. Trust: whoever can write into the
database's folder can already replace the database file; the server still reads at most
`MAX_ORDER_CHARS` of an order, accepts only ids it could have made, and takes at most a few orders
per poll. Backups keep their own older file names (`kora.access.backup_inbox`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from kora import kommunen
from kora.access.backup_inbox import order_folder
from kora.errors import KoraError

MAX_ORDER_CHARS = 16_384
_ID = re.compile(r"^[0-9a-f]{16}$")
_KIND = re.compile(r"^[a-z]{2,20}$")


def _files(db_path: Path, kind: str, order_id: str) -> tuple[Path, Path, Path]:
    if not _KIND.match(kind):
        raise ValueError(f"unknown order kind {kind!r}")
    folder = order_folder(db_path)
    return (
        folder / f"{order_id}.{kind}.json",
        folder / f"{order_id}.{kind}.daten",
        folder / f"{order_id}.{kind}-antwort.json",
    )


def _write_atomically(path: Path, payload: dict[str, Any]) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(temp, path)


# --- CLI side ------------------------------------------------------------------------------------


def place(db_path: Path, kind: str, meta: dict[str, Any], *, data: bytes | None = None) -> str:
    """Write the optional bytes, then the order (atomically, last); returns the order id."""
    folder = order_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    order_id = secrets.token_hex(8)
    order, payload, _answer = _files(db_path, kind, order_id)
    if data is not None:
        payload.write_bytes(data)
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _write_atomically(order, {**meta, "id": order_id, "art": kind, "am": stamp})
    return order_id


def wait(db_path: Path, kind: str, order_id: str, *, timeout: float, poll: float = 0.2) -> dict[str, Any] | None:
    """The server's answer, or None after `timeout` seconds when the server never took the order
    (it is then withdrawn: nothing happened). An order the server took but has not answered yet
    cannot be withdrawn any more: KoraError saying so, so nobody repeats a change that may land."""
    order, payload, answer = _files(db_path, kind, order_id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer.exists():
            data = json.loads(answer.read_text(encoding="utf-8"))
            answer.unlink(missing_ok=True)
            return dict(data)
        time.sleep(poll)
    payload.unlink(missing_ok=True)
    try:
        order.unlink()
    except FileNotFoundError:
        raise KoraError(
            f"Das laufende Dashboard hat den Auftrag angenommen, aber nicht innerhalb von {timeout:.0f} s "
            "beantwortet; er wird vermutlich noch ausgeführt. Bitte das Ergebnis im Audit-Log (bzw. in der "
            "Historie) prüfen, bevor Sie den Befehl wiederholen."
        ) from None
    return None


# --- server side ---------------------------------------------------------------------------------


def pending(db_path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(id, order) of well-formed orders of this kind, oldest first; malformed ones are removed."""
    folder = order_folder(db_path)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob(f"*.{kind}.json"), key=lambda p: p.stat().st_mtime):
        try:
            meta = json.loads(path.read_text(encoding="utf-8")[:MAX_ORDER_CHARS])
            order_id = str(meta["id"])
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        if isinstance(meta, dict) and _ID.match(order_id) and path.name == f"{order_id}.{kind}.json":
            out.append((order_id, meta))
        else:
            path.unlink(missing_ok=True)
    return out


def order_kommune(meta: dict[str, Any]) -> str:
    """The Kommune an order names (the CLI always names its own); missing or unknown: refused, never guessed."""
    wanted = str(meta.get("kommune") or "").casefold()
    if wanted not in kommunen.by_id():
        raise KoraError("Der Auftrag nennt keine bekannte Kommune. Nichts geändert.")
    return wanted


def take(db_path: Path, kind: str, order_id: str, *, max_bytes: int) -> bytes | None:
    """Remove the order and return its bytes (at most `max_bytes`; None when there are none)."""
    order, payload, _answer = _files(db_path, kind, order_id)
    order.unlink(missing_ok=True)
    try:
        with payload.open("rb") as stream:
            return stream.read(max_bytes)
    except OSError:
        return None
    finally:
        payload.unlink(missing_ok=True)


def answer(db_path: Path, kind: str, order_id: str, result: dict[str, Any]) -> None:
    """Write the server's answer where the waiting CLI looks for it."""
    _order, _payload, path = _files(db_path, kind, order_id)
    _write_atomically(path, result)
