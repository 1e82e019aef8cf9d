"""The one place that talks to the DuckDB driver.

Every query in kora goes through `Database`, which turns driver exceptions into `KoraError`
subclasses with German messages (harlequin's adapter pattern). DuckDB allows one read-write
process per file, so a process opens exactly one connection (`open_database`) and each thread
or Streamlit session works on its own `Database.cursor()`.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from kora.errors import DatabaseDamagedError, DatabaseError, DatabaseLockedError, DatabaseReadOnlyError

Params = Sequence[Any] | dict[str, Any] | None

DEFAULT_DB = Path(__file__).resolve().parent.parent.parent / "data" / "kora.duckdb"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` wins, then env `KORA_DB`, then `data/kora.duckdb` (ignored by git)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KORA_DB")
    return Path(env) if env else DEFAULT_DB


RESTORE_HINT = (
    "Bitte die letzte Sicherung zurückspielen: python -m kora restore SICHERUNG.duckdb --db {path} --force "
    "(Sicherungen liegen im Ordner „sicherungen“ neben der Datenbank; siehe README, Sicherung und Wiederherstellung)."
)
READ_ONLY = (
    "Die Datenbank ist nur zum Lesen geöffnet ({why}). Dashboards, Status und Exporte funktionieren; "
    "Änderungen (Uploads, Rücknahmen, Verwaltung) sind in diesem Modus nicht möglich."
)
_DAMAGED = ("corrupt database file", "checksum", "not a valid duckdb database file", "invalid database file")
_DISK_FULL = ("no space left on device", "disk full", "could not write all bytes", "file too large")
_READ_ONLY_FS = ("read-only file system", "permission denied")


def _damaged(text: str, path: Path | None) -> DatabaseDamagedError:
    low = text.lower()
    what = "ist keine KoRa-/DuckDB-Datenbank" if "not a valid duckdb" in low else "ist beschädigt (Prüfsummenfehler)"
    return DatabaseDamagedError(
        f"Die Datenbankdatei {path or ''} {what}. Es wird nichts hineingeschrieben. "
        + RESTORE_HINT.format(path=path or "data/kora.duckdb")
        + f" (Technisch: {text.splitlines()[0]})"
    )


def _translate(err: Exception, path: Path | None = None) -> DatabaseError:
    text = str(err)
    low = text.lower()
    if any(k in low for k in _DAMAGED):
        return _damaged(text, path)
    if any(k in low for k in _DISK_FULL):
        return DatabaseError(
            f"Der Speicherplatz für die Datenbank {path or ''} ist voll. Die Änderung wurde nicht gespeichert; "
            "die bisherigen Daten sind unverändert. Bitte Platz auf dem Laufwerk schaffen und erneut versuchen."
        )
    if "read-only mode" in low:
        return DatabaseReadOnlyError(READ_ONLY.format(why="Nur-Lese-Modus"))
    if any(k in low for k in _READ_ONLY_FS):
        return DatabaseReadOnlyError(
            f"Die Datenbankdatei {path or ''} kann nicht geschrieben werden (schreibgeschütztes Laufwerk oder "
            "fehlende Rechte). Bitte Rechte prüfen, oder das Dashboard mit KORA_READONLY=1 nur zum Lesen starten."
        )
    if isinstance(err, duckdb.IOException) and "lock" in low:
        pid = re.search(r"PID (\d+)", text)
        who = f" (Prozess {pid.group(1)})" if pid else ""
        return DatabaseLockedError(
            f"Die Datenbank {path or ''} ist gerade von einem anderen Programm{who} geöffnet. "
            "KoRa-Monitor erlaubt nur ein schreibendes Programm je Datenbankdatei: "
            "Beenden Sie das Dashboard oder den anderen Befehl und versuchen Sie es erneut."
        )
    if isinstance(err, duckdb.TransactionException | duckdb.ConstraintException):
        return DatabaseError(
            "Die Änderung konnte nicht gespeichert werden, weil gleichzeitig eine andere Änderung "
            "gespeichert wurde oder die Daten widersprüchlich sind. Es wurde nichts verändert; bitte erneut versuchen. "
            f"(Technisch: {text.splitlines()[0]})"
        )
    if isinstance(err, duckdb.IOException):
        return DatabaseError(
            f"Die Datenbankdatei {path or ''} kann nicht gelesen oder geschrieben werden. "
            f"Prüfen Sie Pfad, Rechte und freien Speicherplatz. (Technisch: {text.splitlines()[0]})"
        )
    return DatabaseError(f"Datenbankfehler: {text.splitlines()[0] if text else type(err).__name__}")


class Database:
    """A DuckDB connection or cursor with error translation and explicit transactions."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path | None = None,
        *,
        write_lock: threading.RLock | None = None,
        read_only: str = "",
    ) -> None:
        self._con = con
        self.path = path
        self.read_only = read_only  # "" = writable, else why not (German, for messages)
        # Shared by all cursors of one connection: writers that read-then-append (imports,
        # reverts) hold it so two sessions never compute a diff against the same state.
        self.write_lock = write_lock or threading.RLock()
        self._in_tx = False

    # -- lifecycle --------------------------------------------------------------------------

    def cursor(self) -> Database:
        """A new cursor on the same connection: one per thread or Streamlit session."""
        try:
            return Database(self._con.cursor(), self.path, write_lock=self.write_lock, read_only=self.read_only)
        except duckdb.Error as err:
            raise _translate(err, self.path) from err

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- statements -------------------------------------------------------------------------

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement and consume its result (DuckDB 2 blocks on unfinished results)."""
        try:
            self._con.execute(sql, params).fetchall()
        except duckdb.Error as err:
            raise _translate(err, self.path) from err

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            self._con.executemany(sql, rows)
        except duckdb.Error as err:
            raise _translate(err, self.path) from err

    def rows(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        try:
            return self._con.execute(sql, params).fetchall()
        except duckdb.Error as err:
            raise _translate(err, self.path) from err

    def one(self, sql: str, params: Params = None) -> tuple[Any, ...] | None:
        try:
            return self._con.execute(sql, params).fetchone()
        except duckdb.Error as err:
            raise _translate(err, self.path) from err

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def df(self, sql: str, params: Params = None) -> pd.DataFrame:
        try:
            return self._con.execute(sql, params).df()
        except duckdb.Error as err:
            raise _translate(err, self.path) from err

    def insert_df(self, table: str, columns: Sequence[str], frame: pd.DataFrame | pa.Table) -> None:
        """Bulk-insert a DataFrame or Arrow table (columns by name) — fast path for large uploads.

        Arrow is the faster source: DuckDB reads its text columns directly, pandas ones per value.
        """
        cols = ", ".join(columns)
        view = f"_kora_insert_{id(frame)}"
        data = frame.select(list(columns)) if isinstance(frame, pa.Table) else frame[list(columns)]
        try:
            self._con.register(view, data)
            self._con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}").fetchall()  # noqa: S608
        except duckdb.Error as err:
            raise _translate(err, self.path) from err
        finally:
            with contextlib.suppress(duckdb.Error):
                self._con.unregister(view)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """All-or-nothing: commit on success, roll back on any exception."""
        if self._in_tx:
            yield self
            return
        if self.read_only:  # every write of kora runs in a transaction: refused here with the reason
            raise DatabaseReadOnlyError(READ_ONLY.format(why=self.read_only))
        try:
            self._con.begin()
        except duckdb.Error as err:
            raise _translate(err, self.path) from err
        self._in_tx = True
        try:
            yield self
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self._con.rollback()
            raise
        else:
            try:
                self._con.commit()
            except duckdb.Error as err:
                with contextlib.suppress(duckdb.Error):
                    self._con.rollback()
                raise _translate(err, self.path) from err
        finally:
            self._in_tx = False

    def checkpoint(self) -> None:
        self.execute("CHECKPOINT")


def read_only_reason(db_path: Path) -> str:
    """Why this process opens the file read-only ("" = it may write): KORA_READONLY, or a file it cannot write."""
    if os.environ.get("KORA_READONLY", "").strip().lower() in ("1", "true", "ja", "yes"):
        return "KORA_READONLY ist gesetzt"
    if db_path.exists() and not os.access(db_path, os.W_OK):
        return "die Datei ist schreibgeschützt"
    if db_path.exists() and not os.access(db_path.parent, os.W_OK):
        return "der Ordner der Datenbank ist schreibgeschützt"
    return ""


def open_database(
    path: str | os.PathLike[str] | None = None, *, migrate: bool = True, check: bool | None = None
) -> Database:
    """Open (and by default create/migrate) the DB file; the one connection of this process.

    Read-only (no migrations, every transaction refused with a German reason) when KORA_READONLY is
    set or the file cannot be written. `check` (default: env KORA_CHECK_DB, else on) reads every
    table once so a damaged file is refused before anything writes into it (`verify_readable`).
    """
    db_path = resolve_db_path(path)
    why = read_only_reason(db_path)
    if why and not db_path.exists():
        raise DatabaseReadOnlyError(
            f"Die Datenbank {db_path} gibt es nicht, und {why}: sie kann nicht angelegt werden."
        )
    try:
        if not why:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(db_path), read_only=bool(why))
    except duckdb.Error as err:
        raise _translate(err, db_path) from err
    except OSError as err:
        raise _translate(err, db_path) from err
    db = Database(con, db_path, read_only=why)
    try:
        if check if check is not None else os.environ.get("KORA_CHECK_DB", "1") != "0":
            verify_readable(db)
        if migrate and not why:
            migrate_with_backup(db)
    except BaseException:
        db.close()
        raise
    return db


def verify_readable(db: Database) -> None:
    """Read every value of every table (DuckDB verifies each block's checksum as it reads it).

    Random bytes in the file made `status` fail while `import` still wrote into it; now the open
    fails with the restore hint. Cost: one full scan (measured in README, Grenzen).
    """
    from kora.db import backup

    catalog = db.scalar("SELECT current_database()")
    for (table,) in db.rows(backup.tables_sql(), [catalog]):
        db.rows(backup.fingerprint_sql(catalog, table))


def migrate_with_backup(db: Database) -> list[int]:
    """Pending migrations, after a verified copy into `sicherungen/` (docs/backup.md, hook 3).

    A failing backup stops the start-up with its German message: no migration without a copy.
    The audit row is written after the migrations, into the migrated database.
    """
    from kora.db import audit_store, backup
    from kora.db.migrations import apply_migrations

    info = backup.backup_before_migrations(db)  # None for a new database or when nothing is pending
    applied = apply_migrations(db)
    if info is not None:
        audit_store.write_audit(
            db,
            actor="system",
            action=audit_store.AuditAction.SICHERUNG,
            object=str(info.path),
            detail={"grund": "vor Migration", "schema": applied, "sha256": info.sha256},
        )
    return applied
