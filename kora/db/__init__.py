"""DuckDB storage: the adapter (`Database`), migrations and the SQL of each area.

All SQL of the project lives in this package, always with bound parameters.
"""

from __future__ import annotations

from kora.db.adapter import Database, open_database, resolve_db_path

__all__ = ["Database", "open_database", "resolve_db_path"]
