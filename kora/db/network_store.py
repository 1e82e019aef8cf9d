"""SQL for the KoRa network: benchmark packages received and which Kommune a user belongs to.

The values of a package are ordinary `readings` rows of the sending Kommune (one `uploads` row
per package), so corrections are new versions and `known_at` reproduces an older comparison;
this module only keeps what the package said about itself (Stand, Einwohner, definitions).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from kora.db.adapter import Database


def insert_package(
    db: Database,
    *,
    upload_id: int,
    kommune: str,
    name: str,
    einwohner: int,
    created: dt.datetime,
    as_of: dt.date,
    sha256: str,
    definitions: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    at: dt.datetime,
    by: str,
) -> None:
    db.execute(
        "INSERT INTO network_packages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            upload_id,
            kommune,
            name,
            einwohner,
            created,
            as_of,
            sha256,
            json.dumps(definitions, ensure_ascii=False),
            json.dumps(targets, ensure_ascii=False),
            at,
            by,
        ],
    )


def packages_df(db: Database, *, kommune: str | None = None, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Every package received (newest first), as known at `known_at`."""
    return db.df(
        """
        SELECT upload_id, kommune, name, einwohner, created, as_of, sha256, received_at, received_by
        FROM network_packages
        WHERE ($k IS NULL OR kommune = $k) AND ($known_at IS NULL OR received_at <= $known_at)
        ORDER BY received_at DESC, upload_id DESC
        """,
        {"k": kommune, "known_at": known_at},
    )


def latest_packages_df(db: Database, *, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """The newest package per Kommune as known at `known_at` (its Stand and creation time)."""
    return db.df(
        """
        SELECT kommune, name, einwohner, created, as_of, received_at, upload_id
        FROM network_packages
        WHERE ($known_at IS NULL OR received_at <= $known_at)
        QUALIFY row_number() OVER (PARTITION BY kommune ORDER BY received_at DESC, upload_id DESC) = 1
        ORDER BY kommune
        """,
        {"known_at": known_at},
    )


def locally_kept_kommunen(db: Database) -> set[str]:
    """Kommunen whose readings are entered here (uploads, Beispieldaten), not received as packages:
    a package of theirs would overwrite their own numbers."""
    return {
        row[0]
        for row in db.rows(
            "SELECT DISTINCT kommune FROM uploads WHERE id NOT IN (SELECT upload_id FROM network_packages)"
        )
    }


def user_kommune(db: Database, username: str) -> str | None:
    """The Kommune a person was assigned to last (None: never assigned)."""
    value = db.scalar(
        "SELECT kommune FROM user_kommunen WHERE username = ? ORDER BY assigned_at DESC LIMIT 1", [username]
    )
    return None if value is None else str(value)


def set_user_kommune(db: Database, *, username: str, kommune: str, at: dt.datetime, by: str) -> None:
    db.execute("INSERT INTO user_kommunen VALUES (?, ?, ?, ?)", [username, kommune, at, by])


def user_kommunen_df(db: Database) -> pd.DataFrame:
    return db.df(
        """
        SELECT username, kommune, assigned_at, assigned_by FROM user_kommunen
        QUALIFY row_number() OVER (PARTITION BY username ORDER BY assigned_at DESC) = 1
        ORDER BY username
        """
    )
