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

from kora.errors import DatabaseError, DatabaseLockedError

Params = Sequence[Any] | dict[str, Any] | None

DEFAULT_DB = Path(__file__).resolve().parent.parent.parent / "data" / "kora.duckdb"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--db` wins, then env `KORA_DB`, then `data/kora.duckdb` (ignored by git)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KORA_DB")
    return Path(env) if env else DEFAULT_DB


def _translate(err: Exception, path: Path | None = None) -> DatabaseError:
    text = str(err)
    if isinstance(err, duckdb.IOException) and "lock" in text.lower():
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
    ) -> None:
        self._con = con
        self.path = path
        # Shared by all cursors of one connection: writers that read-then-append (imports,
        # reverts) hold it so two sessions never compute a diff against the same state.
        self.write_lock = write_lock or threading.RLock()
        self._in_tx = False

    # -- lifecycle --------------------------------------------------------------------------

    def cursor(self) -> Database:
        """A new cursor on the same connection: one per thread or Streamlit session."""
        try:
            return Database(self._con.cursor(), self.path, write_lock=self.write_lock)
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


def open_database(path: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default create/migrate) the DB file; the one connection of this process."""
    from kora.db.migrations import apply_migrations

    db_path = resolve_db_path(path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path))
    except duckdb.Error as err:
        raise _translate(err, db_path) from err
    db = Database(con, db_path)
    if migrate:
        try:
            apply_migrations(db)
        except BaseException:
            db.close()
            raise
    return db
