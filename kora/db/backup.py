"""Consistent copies of the DuckDB file, and putting one back.

Why not `cp`: DuckDB keeps recent commits in the `.wal` next to the file, and a copy taken while
the dashboard writes can be torn. The process that holds the file makes the copy instead, with
`ATTACH 'copy' ; COPY FROM DATABASE <this> TO copy` inside one transaction (DuckDB 2.0: tables
with their constraints, sequences at their current value). The copy is then read back in full
and compared table by table with the source at the same snapshot (row count + a sum of row
hashes), so a backup that exists is a backup that opens and holds the same data.

Restoring never overwrites blindly: the backup is opened read-only and checked (every table of
every migration it claims, all rows readable) before anything is replaced; the file it replaces
is kept next to it (`….vor-wiederherstellung-JJJJMMTT-HHMMSS`), because nothing is ever lost.
Role checks and audit rows are kora.access.backup's job; this module only handles files and SQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kora.db.adapter import Database, _translate
from kora.db.migrations import MIGRATIONS
from kora.errors import DatabaseError, DatabaseLockedError

Fingerprint = tuple[int, int]  # (rows, sum of row hashes)
BACKUP_FOLDER = "sicherungen"  # next to the database file: automatic and dashboard-made backups


def backup_folder(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / BACKUP_FOLDER


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds: its path, size, schema versions and every table's fingerprint."""

    path: Path
    bytes: int
    sha256: str
    versions: tuple[int, ...]
    tables: dict[str, Fingerprint] = field(default_factory=dict)

    @property
    def rows(self) -> dict[str, int]:
        return {name: fp[0] for name, fp in self.tables.items()}


@dataclass(frozen=True)
class RestoreInfo:
    backup: BackupInfo
    target: Path
    kept: list[Path]  # the replaced file (and its WAL), renamed, never deleted


# --- SQL, built apart from the code that runs it --------------------------------------------------


def quote_ident(name: str) -> str:
    """A DuckDB identifier in double quotes (catalog names are file stems: `kora-test` is legal)."""
    return '"' + name.replace('"', '""') + '"'


def attach_sql(alias: str, *, read_only: bool = False) -> str:
    return f"ATTACH ? AS {quote_ident(alias)}" + (" (READ_ONLY)" if read_only else "")


def copy_database_sql(source: str, target: str) -> str:
    return f"COPY FROM DATABASE {quote_ident(source)} TO {quote_ident(target)}"


def detach_sql(alias: str) -> str:
    return f"DETACH {quote_ident(alias)}"


def tables_sql() -> str:
    return "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' ORDER BY table_name"


def fingerprint_sql(catalog: str, table: str) -> str:
    """Rows and an order-independent sum of row hashes: reads every value of the table."""
    return (
        f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) "  # noqa: S608 (quoted identifiers)
        f"FROM {quote_ident(catalog)}.main.{quote_ident(table)} AS t"
    )


def migration_tables(versions: set[int]) -> set[str]:
    """Tables the given migrations create: what a backup claiming them must contain."""
    names: set[str] = {"schema_migrations"}
    for version, _name, sql in MIGRATIONS:
        if version in versions:
            names.update(re.findall(r"CREATE TABLE (\w+)", sql))
    return names


# --- reading fingerprints ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _remove_with_wal(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)


# --- backup --------------------------------------------------------------------------------------


def write_backup(db: Database, out: Path, *, overwrite: bool = False) -> BackupInfo:
    """Copy the open database into `out` (consistent snapshot), verify the copy, then move it in place.

    Runs in the process that holds the file (CLI or dashboard); writers of this process wait on
    `db.write_lock` for the few seconds it takes. A half-written copy never appears under `out`.
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise DatabaseError(
            f"Die Datei {out} gibt es schon. Bitte einen neuen Namen wählen oder mit --force überschreiben."
        )
    if db.path is not None and out.resolve() == Path(db.path).resolve():
        raise DatabaseError("Die Sicherung kann nicht die Datenbankdatei selbst sein. Bitte einen anderen Pfad wählen.")
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.unfertig")
    alias = f"kora_sicherung_{secrets.token_hex(4)}"
    source = db.scalar("SELECT current_database()")
    try:
        with db.write_lock:
            db.execute(attach_sql(alias), [str(temp)])
            try:
                source_fp, copy_fp = _copy_in_transaction(db, source, alias)
            finally:
                with contextlib.suppress(DatabaseError):
                    db.execute(detach_sql(alias))
        if source_fp != copy_fp:
            raise DatabaseError(
                "Die Sicherung stimmt nach dem Kopieren nicht mit der Datenbank überein und wurde verworfen. "
                "Bitte erneut versuchen; wiederholt sich das, ist die Datenbankdatei vermutlich beschädigt."
            )
        _fsync(temp)
        os.replace(temp, out)
    except OSError as err:
        raise DatabaseError(
            f"Die Sicherung nach {out} konnte nicht geschrieben werden ({err.strerror or err}). "
            "Bitte Pfad, Rechte und freien Speicherplatz prüfen."
        ) from err
    finally:
        _remove_with_wal(temp)
    versions = tuple(sorted(r[0] for r in db.rows("SELECT version FROM schema_migrations")))
    return BackupInfo(out, out.stat().st_size, _sha256(out), versions, source_fp)


def _copy_in_transaction(
    db: Database, source: str, alias: str
) -> tuple[dict[str, Fingerprint], dict[str, Fingerprint]]:
    """One transaction: the copy and both fingerprints see the same snapshot of the source."""
    with db.transaction():
        db.execute(copy_database_sql(source, alias))
        source_fp = _fingerprints_of(db, source)
        copy_fp = _fingerprints_of(db, alias)
    return source_fp, copy_fp


def _fingerprints_of(db: Database, catalog: str) -> dict[str, Fingerprint]:
    names = [r[0] for r in db.rows(tables_sql(), [catalog])]
    out = {}
    for name in names:
        rows, total = db.one(fingerprint_sql(catalog, name)) or (0, 0)
        out[name] = (int(rows), int(total))
    return out


# --- checking a backup ---------------------------------------------------------------------------


def inspect_backup(path: Path) -> BackupInfo:
    """Open a backup read-only and read all of it; raise DatabaseError (German) if it is no usable backup."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"Die Sicherung {path} gibt es nicht. Bitte den Pfad prüfen.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise DatabaseError(
            f"Die Datei {path} ist keine lesbare KoRa-Monitor-Sicherung (keine DuckDB-Datenbank oder beschädigt). "
            f"Es wurde nichts verändert. (Technisch: {str(err).splitlines()[0]})"
        ) from err
    db = Database(con, path)
    try:
        tables = _fingerprints_of(db, db.scalar("SELECT current_database()"))
        versions = (
            {r[0] for r in db.rows("SELECT version FROM schema_migrations")} if "schema_migrations" in tables else None
        )
    except DatabaseError as err:
        raise DatabaseError(
            f"Die Sicherung {path} ist beschädigt: nicht alle Daten lassen sich lesen. Es wurde nichts verändert. "
            f"Bitte eine andere Sicherung wählen. ({err})"
        ) from err
    finally:
        db.close()
    if versions is None:
        raise DatabaseError(
            f"Die Datei {path} ist eine DuckDB-Datenbank, aber keine KoRa-Monitor-Sicherung "
            "(Tabelle schema_migrations fehlt). Es wurde nichts verändert."
        )
    _check_schema(path, versions, set(tables))
    return BackupInfo(path, path.stat().st_size, _sha256(path), tuple(sorted(versions)), tables)


def _check_schema(path: Path, versions: set[int], tables: set[str]) -> None:
    known = {m[0] for m in MIGRATIONS}
    if versions - known:
        raise DatabaseError(
            f"Die Sicherung {path} stammt von einer neueren KoRa-Monitor-Version (Schema {max(versions)}, "
            f"diese Version kennt bis {max(known)}). Bitte KoRa-Monitor aktualisieren. Es wurde nichts verändert."
        )
    missing = sorted(migration_tables(versions) - tables)
    if missing:
        raise DatabaseError(
            f"Der Sicherung {path} fehlen Tabellen ({', '.join(missing)}); sie ist unvollständig. "
            "Es wurde nichts verändert. Bitte eine andere Sicherung wählen."
        )


# --- restore -------------------------------------------------------------------------------------


def target_in_use(target: Path) -> str | None:
    """The lock message when another process holds `target`, else None (a damaged file is not 'in use')."""
    if not target.exists():
        return None
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.IOException as err:
        translated = _translate(err, target)
        return str(translated) if isinstance(translated, DatabaseLockedError) else None
    except duckdb.Error:
        return None  # not openable: damaged — exactly what a restore is for
    con.close()
    return None


def replace_database(backup: Path, target: Path, *, force: bool = False, now: dt.datetime | None = None) -> RestoreInfo:
    """Put a checked backup in place of `target`; the old file (and WAL) is renamed, not deleted."""
    info = inspect_backup(backup)
    target = Path(target)
    if target.exists() and not force:
        raise DatabaseError(
            f"Die Datenbank {target} gibt es schon. Eine Wiederherstellung ersetzt sie; bitte mit --force bestätigen "
            "(die bisherige Datei bleibt als „….vor-wiederherstellung-…“ daneben erhalten)."
        )
    busy = target_in_use(target)
    if busy:
        raise DatabaseLockedError(busy + " Für die Wiederherstellung bitte zuerst das Dashboard beenden.")
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.unfertig")
    kept: list[Path] = []
    try:
        shutil.copyfile(backup, temp)
        _fsync(temp)
        for old in (target, Path(f"{target}.wal")):
            if old.exists():
                keep = old.with_name(f"{old.name}.vor-wiederherstellung-{stamp}")
                os.replace(old, keep)
                kept.append(keep)
        os.replace(temp, target)
    except OSError as err:
        raise DatabaseError(
            f"Die Wiederherstellung nach {target} ist gescheitert ({err.strerror or err}). "
            f"Bisherige Dateien: {', '.join(str(k) for k in kept) or 'unverändert'}. Bitte Rechte und Speicherplatz prüfen."
        ) from err
    finally:
        temp.unlink(missing_ok=True)
    return RestoreInfo(info, target, kept)


def table_fingerprints(db: Database) -> dict[str, Fingerprint]:
    """Every table of an open database (after a restore: must equal the backup's)."""
    return _fingerprints_of(db, db.scalar("SELECT current_database()"))


# --- before migrations (hook for open_database, see docs/backup.md) -------------------------------


def pending_migrations(db: Database) -> list[int]:
    """Schema versions a start-up would apply; [] for a new database (nothing to protect yet)."""
    if not db.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"):
        return []
    applied = {r[0] for r in db.rows("SELECT version FROM schema_migrations")}
    if not applied:
        return []
    return sorted({m[0] for m in MIGRATIONS} - applied)


def backup_before_migrations(db: Database, *, now: dt.datetime | None = None) -> BackupInfo | None:
    """A verified copy into `sicherungen/` before pending migrations change the schema, else None.

    Called by `open_database` before `apply_migrations` (part B hook); the audit row is written by
    the caller once the audit table is known to exist, so this stays free of role logic.
    """
    pending = pending_migrations(db)
    if not pending or db.path is None:
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    out = backup_folder(Path(db.path)) / f"{Path(db.path).stem}-vor-schema-{pending[0]}-{stamp}.duckdb"
    return write_backup(db, out)
