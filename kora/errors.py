"""One exception family for everything a user can cause or fix.

Every `KoraError` carries a German message meant for the person in front of the screen
(Koordinator*in, Fachbereichsleitung, city IT). Pages show `str(err)`; the CLI prints it and
exits non-zero. Driver errors never reach users untranslated.
"""

from __future__ import annotations


class KoraError(Exception):
    """Base class: `str(err)` is a complete German sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanFileError(KoraError):
    """The plan or indicator catalogue file is broken (names file, entry and field)."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.problem = problem
        super().__init__(f"Fehler in {file}, Eintrag {entry}, Feld „{field}“: {problem}")


class DatabaseError(KoraError):
    """A database operation failed; the message says what to do."""


class DatabaseLockedError(DatabaseError):
    """Another process holds the read-write lock on the DuckDB file."""


class DatabaseDamagedError(DatabaseError):
    """The file is not a DuckDB database or its blocks fail their checksums: no writes, restore a backup."""


class DatabaseReadOnlyError(DatabaseError):
    """The database is open read-only (KORA_READONLY or a file that cannot be written): no changes."""


class NotFoundError(KoraError):
    """A requested Aktionsfeld, Vorhaben, indicator or upload does not exist."""


class ValidationError(KoraError):
    """Input data was rejected; `problems` lists every problem found."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class PermissionDenied(KoraError):
    """The acting user lacks the role for a write."""
