"""Numbered schema migrations, applied in order at start-up, each exactly once.

DDL runs only here, at start-up, followed by a CHECKPOINT (DuckDB corruption reports involve
DDL in the WAL); runtime transactions only change data. Never edit a released migration:
add a new one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kora.db.adapter import Database

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "plan, readings, uploads, audit",
        """
        CREATE TABLE kommunen (
            kommune     VARCHAR PRIMARY KEY,
            name        VARCHAR NOT NULL,
            title       VARCHAR NOT NULL,
            intro       VARCHAR,
            credit      VARCHAR,
            plan_start  DATE NOT NULL,
            loaded_at   TIMESTAMP NOT NULL
        );
        CREATE TABLE aktionsfelder (
            kommune VARCHAR NOT NULL,
            code    VARCHAR NOT NULL,
            title   VARCHAR NOT NULL,
            sort    INTEGER NOT NULL,
            PRIMARY KEY (kommune, code)
        );
        CREATE TABLE vorhaben (
            kommune          VARCHAR NOT NULL,
            nr               INTEGER NOT NULL,
            aktionsfeld      VARCHAR NOT NULL,
            title            VARCHAR NOT NULL,
            zielsetzung      VARCHAR NOT NULL,
            umsetzungsideen  VARCHAR NOT NULL,  -- JSON list of {text, teilvorhaben, punkte}
            indikatoren_text VARCHAR NOT NULL,  -- JSON list of the seed's words
            vorsaetze        VARCHAR NOT NULL,  -- JSON list
            PRIMARY KEY (kommune, nr)
        );
        CREATE TABLE vorhaben_partner (
            kommune VARCHAR NOT NULL,
            nr      INTEGER NOT NULL,
            city    VARCHAR NOT NULL,
            sort    INTEGER NOT NULL,
            PRIMARY KEY (kommune, nr, city)
        );
        CREATE TABLE indicators (
            kommune       VARCHAR NOT NULL,
            id            VARCHAR NOT NULL,
            name          VARCHAR NOT NULL,
            messung       VARCHAR NOT NULL,
            erhoben_von   VARCHAR NOT NULL,
            unit          VARCHAR NOT NULL,
            direction     VARCHAR NOT NULL CHECK (direction IN ('up', 'down', 'yesno')),
            aggregation   VARCHAR NOT NULL CHECK (aggregation IN ('sum', 'mean', 'last')),
            baseline      DOUBLE,
            baseline_year INTEGER,
            quelle_text   VARCHAR,
            minimum       DOUBLE,
            maximum       DOUBLE,
            is_integer    BOOLEAN NOT NULL,
            weight        DOUBLE NOT NULL,
            assumption    BOOLEAN NOT NULL,
            sort          INTEGER NOT NULL,
            PRIMARY KEY (kommune, id)
        );
        CREATE TABLE indicator_targets (
            kommune      VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            year         INTEGER NOT NULL,
            target       DOUBLE NOT NULL,
            PRIMARY KEY (kommune, indicator_id, year)
        );
        CREATE TABLE indicator_vorhaben (
            kommune      VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            nr           INTEGER NOT NULL,
            PRIMARY KEY (kommune, indicator_id, nr)
        );
        CREATE TABLE milestones (
            kommune VARCHAR NOT NULL,
            id      VARCHAR NOT NULL,
            nr      INTEGER NOT NULL,
            text    VARCHAR NOT NULL,
            due     DATE,
            sort    INTEGER NOT NULL,
            PRIMARY KEY (kommune, id)
        );
        -- Milestone status is append-only: the latest event per milestone is its state.
        CREATE SEQUENCE milestone_event_seq START 1;
        CREATE TABLE milestone_events (
            seq          BIGINT NOT NULL DEFAULT nextval('milestone_event_seq'),
            kommune      VARCHAR NOT NULL,
            milestone_id VARCHAR NOT NULL,
            status       VARCHAR NOT NULL CHECK (status IN ('offen', 'erreicht', 'verschoben')),
            reached_on   DATE,
            due          DATE,
            recorded_at  TIMESTAMP NOT NULL,
            recorded_by  VARCHAR NOT NULL,
            reason       VARCHAR,
            upload_id    BIGINT
        );
        CREATE SEQUENCE upload_seq START 1;
        CREATE TABLE uploads (
            id             BIGINT PRIMARY KEY,
            kommune        VARCHAR NOT NULL,
            kind           VARCHAR NOT NULL CHECK (kind IN ('upload', 'revert', 'demo')),
            filename       VARCHAR,
            sha256         VARCHAR,
            user_name      VARCHAR NOT NULL,
            created_at     TIMESTAMP NOT NULL,
            reason         VARCHAR,
            n_new          INTEGER NOT NULL DEFAULT 0,
            n_changed      INTEGER NOT NULL DEFAULT 0,
            n_unchanged    INTEGER NOT NULL DEFAULT 0,
            reverts_upload BIGINT
        );
        -- Readings are append-only versions. value NULL = withdrawn (a revert of a first report).
        CREATE SEQUENCE reading_seq START 1;
        CREATE TABLE readings (
            seq          BIGINT NOT NULL DEFAULT nextval('reading_seq'),
            kommune      VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            month        DATE NOT NULL,
            value        DOUBLE,
            comment      VARCHAR,
            source       VARCHAR,
            upload_id    BIGINT NOT NULL,
            recorded_at  TIMESTAMP NOT NULL,
            recorded_by  VARCHAR NOT NULL,
            reason       VARCHAR
        );
        CREATE SEQUENCE audit_seq START 1;
        CREATE TABLE audit_log (
            id       BIGINT NOT NULL DEFAULT nextval('audit_seq'),
            happened_at TIMESTAMP NOT NULL,
            actor    VARCHAR NOT NULL,
            action   VARCHAR NOT NULL,
            object   VARCHAR,
            outcome  VARCHAR NOT NULL CHECK (outcome IN ('ok', 'abgelehnt', 'verweigert')),
            detail   VARCHAR,
            kommune  VARCHAR
        );
        """,
    ),
    (
        2,
        "reporting frequency of indicators",
        """
        ALTER TABLE indicators ADD COLUMN frequency VARCHAR NOT NULL DEFAULT 'monatlich'
        """,
    ),
    (
        3,
        "access: local accounts, coordinator assignments, admin plan changes",
        """
        -- People who may log in locally (password_hash) or by SSO (matched by e-mail).
        -- Accounts are never deleted, only disabled: the audit log keeps naming them.
        -- Uniqueness of username/email is enforced in kora.access.auth (no ART index: DuckDB
        -- indexes and UPDATEs of the same row do not mix well).
        CREATE TABLE users (
            username      VARCHAR NOT NULL,
            display_name  VARCHAR NOT NULL,
            email         VARCHAR,
            role          VARCHAR NOT NULL CHECK (role IN ('leser', 'koordination', 'admin')),
            password_hash VARCHAR,
            disabled      BOOLEAN NOT NULL DEFAULT false,
            created_at    TIMESTAMP NOT NULL,
            created_by    VARCHAR NOT NULL,
            changed_at    TIMESTAMP
        );
        -- Which Vorhaben (ref = nr) or indicators (ref = id) a Koordinator*in reports for.
        CREATE TABLE coordinator_assignments (
            username    VARCHAR NOT NULL,
            kommune     VARCHAR NOT NULL,
            kind        VARCHAR NOT NULL CHECK (kind IN ('vorhaben', 'indikator')),
            ref         VARCHAR NOT NULL,
            assigned_at TIMESTAMP NOT NULL,
            assigned_by VARCHAR NOT NULL
        );
        -- Admin edits of baselines, yearly targets and weights: append-only, each with a reason,
        -- re-applied on top of the plan files after `init --reload-plan`.
        CREATE SEQUENCE plan_change_seq START 1;
        CREATE TABLE plan_changes (
            seq          BIGINT NOT NULL DEFAULT nextval('plan_change_seq'),
            kommune      VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            field        VARCHAR NOT NULL CHECK (field IN ('baseline', 'baseline_year', 'target', 'weight')),
            year         INTEGER,
            old_value    DOUBLE,
            new_value    DOUBLE,
            recorded_at  TIMESTAMP NOT NULL,
            recorded_by  VARCHAR NOT NULL,
            reason       VARCHAR NOT NULL
        );
        """,
    ),
    (
        4,
        "Maßnahmenliste: versions of Maßnahmen and Ereignisse, source (quelle) per indicator",
        """
        -- Where an indicator's values come from: typed ('meldung'), derived from the
        -- Maßnahmenliste ('massnahmen') or from the milestone records ('meilensteine').
        ALTER TABLE indicators ADD COLUMN quelle VARCHAR NOT NULL DEFAULT 'meldung';
        -- Admin switches of a source: append-only, each with a reason, re-applied after a reload.
        CREATE SEQUENCE quelle_change_seq START 1;
        CREATE TABLE quelle_changes (
            seq          BIGINT NOT NULL DEFAULT nextval('quelle_change_seq'),
            kommune      VARCHAR NOT NULL,
            indicator_id VARCHAR NOT NULL,
            old_quelle   VARCHAR NOT NULL,
            new_quelle   VARCHAR NOT NULL CHECK (new_quelle IN ('meldung', 'massnahmen', 'meilensteine')),
            recorded_at  TIMESTAMP NOT NULL,
            recorded_by  VARCHAR NOT NULL,
            reason       VARCHAR NOT NULL
        );
        -- One row per version of a Maßnahme (key: kommune + nr). massnahme NULL = withdrawn
        -- (a revert of a first listing). Dates are ISO text, 'YYYY-MM' or 'YYYY-MM-DD': the
        -- precision the coordinator wrote is part of the data.
        CREATE SEQUENCE massnahme_version_seq START 1;
        CREATE TABLE massnahme_versions (
            seq                    BIGINT NOT NULL DEFAULT nextval('massnahme_version_seq'),
            kommune                VARCHAR NOT NULL,
            nr                     VARCHAR NOT NULL,
            massnahme              VARCHAR,
            art                    VARCHAR,
            laenge_km              DOUBLE,
            prio_verwaltung        INTEGER,
            prio_politik           INTEGER,
            phase                  VARCHAR,
            projektleitung         VARCHAR,
            steckbrief             BOOLEAN,
            planungsbeginn         VARCHAR,
            beschluss_geplant      VARCHAR,
            beschluss              VARCHAR,
            fertigstellung_geplant VARCHAR,
            fertigstellung         VARCHAR,
            upload_id              BIGINT NOT NULL,
            recorded_at            TIMESTAMP NOT NULL,
            recorded_by            VARCHAR NOT NULL,
            reason                 VARCHAR
        );
        -- Ereignisse (Abstimmungsschleife, Richtungsänderung) per Maßnahme, append-only:
        -- present false = withdrawn by a revert. occurrence numbers identical rows.
        CREATE SEQUENCE massnahme_event_seq START 1;
        CREATE TABLE massnahme_events (
            seq         BIGINT NOT NULL DEFAULT nextval('massnahme_event_seq'),
            kommune     VARCHAR NOT NULL,
            nr          VARCHAR NOT NULL,
            datum       VARCHAR NOT NULL,
            ereignis    VARCHAR NOT NULL CHECK (ereignis IN ('Abstimmungsschleife', 'Richtungsänderung')),
            anlass      VARCHAR NOT NULL,
            occurrence  INTEGER NOT NULL,
            present     BOOLEAN NOT NULL,
            upload_id   BIGINT NOT NULL,
            recorded_at TIMESTAMP NOT NULL,
            recorded_by VARCHAR NOT NULL
        );
        """,
    ),
    (
        5,
        "network: benchmark packages received, users' Kommune",
        """
        -- One row per benchmark package stored (its values are readings of upload_id, kommune =
        -- the sending city). Append-only: a corrected package is a new row and new versions.
        CREATE TABLE network_packages (
            upload_id   BIGINT NOT NULL,
            kommune     VARCHAR NOT NULL,
            name        VARCHAR NOT NULL,
            einwohner   BIGINT NOT NULL,
            created     TIMESTAMP NOT NULL,
            as_of       DATE NOT NULL,
            sha256      VARCHAR NOT NULL,
            definitions VARCHAR NOT NULL,  -- JSON list of {id, einheit, richtung, aggregation}
            targets     VARCHAR NOT NULL,  -- JSON list of {indikator, jahr, wert}
            received_at TIMESTAMP NOT NULL,
            received_by VARCHAR NOT NULL
        );
        -- Which Kommune a person belongs to in a shared installation (newest row wins, no row =
        -- the installation's own Kommune). Append-only, so the audit trail keeps moves.
        CREATE TABLE user_kommunen (
            username    VARCHAR NOT NULL,
            kommune     VARCHAR NOT NULL,
            assigned_at TIMESTAMP NOT NULL,
            assigned_by VARCHAR NOT NULL
        );
        """,
    ),
    (
        6,
        "plausible monthly maximum per indicator",
        """
        -- Above it the upload preview warns (1.234 km in one month is German thousands notation for
        -- 1234 km, but implausible), far above it (IMPOSSIBLE_FACTOR) the value is refused.
        ALTER TABLE indicators ADD COLUMN plausible_max DOUBLE
        """,
    ),
]


def applied_versions(db: Database) -> set[int]:
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return {row[0] for row in db.rows("SELECT version FROM schema_migrations")}


def apply_migrations(db: Database) -> list[int]:
    """Apply pending migrations, each in its own transaction; returns the versions applied."""
    done = applied_versions(db)
    applied: list[int] = []
    for version, name, sql in MIGRATIONS:
        if version in done:
            continue
        with db.transaction():
            for statement in (s.strip() for s in sql.split(";")):
                if statement and not all(
                    line.strip().startswith("--") for line in statement.splitlines() if line.strip()
                ):
                    db.execute(statement)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
        applied.append(version)
    if applied:
        db.checkpoint()
    return applied
