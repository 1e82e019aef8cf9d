"""SQL for the Maßnahmenliste: versions of Maßnahmen, Ereignisse, and the source of indicators.

Like readings, Maßnahmen are append-only versions: the current state of a Maßnahme is its
newest version (recorded_at, then seq), "as known at T" the newest recorded at or before T;
a version with massnahme NULL withdraws a Maßnahme (revert of its first listing). Ereignisse
are versioned per (nr, datum, ereignis, anlass, occurrence) with a present flag. The source of
an indicator (`indicators.quelle`) changes only together with an append-only `quelle_changes` row.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa

from kora.db.adapter import Database

VERSION_COLUMNS = (
    "kommune", "nr", "massnahme", "art", "laenge_km", "prio_verwaltung", "prio_politik", "phase",
    "projektleitung", "steckbrief", "planungsbeginn", "beschluss_geplant", "beschluss",
    "fertigstellung_geplant", "fertigstellung", "upload_id", "recorded_at", "recorded_by", "reason",
)  # fmt: skip
EVENT_COLUMNS = (
    "kommune", "nr", "datum", "ereignis", "anlass", "occurrence", "present", "upload_id", "recorded_at", "recorded_by",
)  # fmt: skip
FIELDS = VERSION_COLUMNS[1:15]

# The newest version per Nr = the highest seq: versions are appended in time order (uploads
# stamp "now"; back-dated Beispieldaten load only into an empty list, in order). A group-by on
# seq is several times faster than a window over 120 000 versions.
_LATEST_VERSION = """
    SELECT v.*, u.filename, u.kind
    FROM massnahme_versions v
    JOIN (SELECT nr, max(seq) AS seq FROM massnahme_versions
          WHERE kommune = $k AND ($known_at IS NULL OR recorded_at <= $known_at) GROUP BY nr) latest USING (nr, seq)
    JOIN uploads u ON u.id = v.upload_id
"""

_LATEST_EVENT = """
    SELECT * FROM massnahme_events
    WHERE kommune = $k AND ($known_at IS NULL OR recorded_at <= $known_at)
    QUALIFY row_number() OVER (PARTITION BY nr, datum, ereignis, anlass, occurrence
                               ORDER BY recorded_at DESC, seq DESC) = 1
"""


def insert_versions(db: Database, frame: pd.DataFrame | pa.Table) -> None:
    if len(frame):
        db.insert_df("massnahme_versions", VERSION_COLUMNS, frame)


def insert_events(db: Database, frame: pd.DataFrame | pa.Table) -> None:
    if len(frame):
        db.insert_df("massnahme_events", EVENT_COLUMNS, frame)


def current_list_df(db: Database, *, kommune: str, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Newest version per Maßnahme (withdrawn ones excluded), ordered by Nr."""
    return db.df(
        f"SELECT * FROM ({_LATEST_VERSION}) WHERE massnahme IS NOT NULL ORDER BY nr",  # noqa: S608
        {"k": kommune, "known_at": known_at},
    )


def current_versions_df(db: Database, *, kommune: str) -> pd.DataFrame:
    """Newest version per Maßnahme including withdrawn ones (the diff of an upload needs both)."""
    return db.df(f"SELECT * FROM ({_LATEST_VERSION}) ORDER BY nr", {"k": kommune, "known_at": None})  # noqa: S608


def versions_df(
    db: Database, *, kommune: str, nr: str | None = None, known_at: dt.datetime | None = None
) -> pd.DataFrame:
    """Every version (oldest first per Nr): the history page and the delay detection read it."""
    return db.df(
        """
        SELECT v.*, u.filename, u.kind
        FROM massnahme_versions v JOIN uploads u ON u.id = v.upload_id
        WHERE v.kommune = $k AND ($nr IS NULL OR v.nr = $nr) AND ($known_at IS NULL OR v.recorded_at <= $known_at)
        ORDER BY v.nr, v.recorded_at, v.seq
        """,
        {"k": kommune, "nr": nr, "known_at": known_at},
    )


def _idx(column: str, name: str | None = None) -> str:
    """SQL for a date column's month index (year·12 + month − 1) as `<name or column>_idx`: computed
    by DuckDB, because 120 000 versions × 4 dates is too many strings to slice in pandas."""
    return (
        f"CAST(substr({column}, 1, 4) AS INTEGER) * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1 "
        f"AS {name or column}_idx"
    )


def delay_versions_df(db: Database, *, kommune: str, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Only what the delay detection needs of every version: month indices, no date text (all rows)."""
    return db.df(
        f"""
        SELECT nr, recorded_at, massnahme IS NULL AS withdrawn,
               {_idx("beschluss_geplant")}, {_idx("beschluss")}, {_idx("fertigstellung_geplant")}, {_idx("fertigstellung")}
        FROM massnahme_versions
        WHERE kommune = $k AND ($known_at IS NULL OR recorded_at <= $known_at)
        ORDER BY nr, recorded_at, seq
        """,  # noqa: S608 - only the fixed column names of _idx are formatted in
        {"k": kommune, "known_at": known_at},
    )


# --- inputs of the derivation: numbers only ---------------------------------------------------------
# The derivation reads up to 5 000 Maßnahmen, 50 000 Ereignisse and 120 000 versions on every upload.
# Text is what costs (sorting 120 000 Nr strings, turning them into Python objects, matching
# Ereignisse to Maßnahmen by string): each Nr becomes one integer code, the same in all three
# frames (-1: an Ereignis of a Nr that has no version, which the upload check never lets in), and
# dates become month indices. kora.massnahmen.derive works on codes as on text.

_NR_CODES = """
    nr_codes AS (
        SELECT nr, row_number() OVER (ORDER BY nr) AS code
        FROM (SELECT DISTINCT nr FROM massnahme_versions WHERE kommune = $k)
    )
"""


def _derivation_list_sql() -> str:
    return f"""
        WITH {_NR_CODES},
        latest AS (SELECT nr, max(seq) AS seq FROM massnahme_versions
                   WHERE kommune = $k AND ($known_at IS NULL OR recorded_at <= $known_at) GROUP BY nr)
        SELECT c.code AS nr, v.laenge_km, v.steckbrief, coalesce(trim(v.projektleitung), '') <> '' AS has_lead,
               {_idx("v.planungsbeginn", "planungsbeginn")}, {_idx("v.beschluss", "beschluss")},
               {_idx("v.fertigstellung", "fertigstellung")}
        FROM massnahme_versions v JOIN latest USING (nr, seq) JOIN nr_codes c USING (nr)
        WHERE v.massnahme IS NOT NULL
        ORDER BY c.code
    """  # noqa: S608 - only fixed SQL fragments are formatted in


def _derivation_events_sql() -> str:
    return f"""
        WITH {_NR_CODES},
        latest AS (
            SELECT nr, ereignis, any_value(datum) AS datum, arg_max(present, seq) AS present
            FROM massnahme_events WHERE kommune = $k AND ($known_at IS NULL OR recorded_at <= $known_at)
            GROUP BY nr, datum, ereignis, anlass, occurrence
        )
        SELECT coalesce(c.code, -1) AS nr, e.ereignis, {_idx("e.datum", "datum")}
        FROM latest e LEFT JOIN nr_codes c USING (nr) WHERE e.present
    """  # noqa: S608 - only fixed SQL fragments are formatted in


def _derivation_versions_sql() -> str:
    return f"""
        WITH {_NR_CODES}
        SELECT c.code AS nr, v.recorded_at, v.massnahme IS NULL AS withdrawn,
               {_idx("v.beschluss_geplant", "beschluss_geplant")}, {_idx("v.beschluss", "beschluss")},
               {_idx("v.fertigstellung_geplant", "fertigstellung_geplant")}, {_idx("v.fertigstellung", "fertigstellung")}
        FROM massnahme_versions v JOIN nr_codes c USING (nr)
        WHERE v.kommune = $k AND ($known_at IS NULL OR v.recorded_at <= $known_at)
        ORDER BY c.code, v.recorded_at, v.seq
    """  # noqa: S608 - only fixed SQL fragments are formatted in


def derivation_inputs(
    db: Database,
    *,
    kommune: str,
    known_at: dt.datetime | None = None,
    list_and_events: bool = True,
    versions: bool = True,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame | None]:
    """(current list, present Ereignisse, every version) as kora.massnahmen.derive reads them, with
    `nr` an integer code shared by the three and `<date>_idx` month indices (see above)."""
    params = {"k": kommune, "known_at": known_at}
    current = db.df(_derivation_list_sql(), params) if list_and_events else None
    events = db.df(_derivation_events_sql(), params) if list_and_events else None
    history = db.df(_derivation_versions_sql(), params) if versions else None
    return current, events, history


def current_events_df(db: Database, *, kommune: str, known_at: dt.datetime | None = None) -> pd.DataFrame:
    """Ereignisse present now (or at `known_at`)."""
    return db.df(
        f"SELECT nr, datum, ereignis, anlass, occurrence, upload_id, recorded_at, {_idx('datum')} FROM ({_LATEST_EVENT}) "  # noqa: S608
        "WHERE present ORDER BY nr, datum, ereignis",
        {"k": kommune, "known_at": known_at},
    )


def all_event_keys_df(db: Database, *, kommune: str) -> pd.DataFrame:
    """Newest version of every event key, present or withdrawn (for the diff of an upload)."""
    return db.df(
        f"SELECT nr, datum, ereignis, anlass, occurrence, present, upload_id FROM ({_LATEST_EVENT})",  # noqa: S608
        {"k": kommune, "known_at": None},
    )


def list_state(db: Database, *, kommune: str) -> tuple[int, int]:
    """(max version seq, max event seq): changes whenever anyone writes the list."""
    row = db.one(
        """
        SELECT (SELECT coalesce(max(seq), 0) FROM massnahme_versions WHERE kommune = $k),
               (SELECT coalesce(max(seq), 0) FROM massnahme_events WHERE kommune = $k)
        """,
        {"k": kommune},
    )
    assert row is not None
    return int(row[0]), int(row[1])


def list_revert_plan(db: Database, *, upload_id: int) -> pd.DataFrame:
    """Per Maßnahme an upload wrote: whether its current version is the upload's, and the version before."""
    return db.df(
        """
        WITH mine AS (SELECT kommune, nr, min(seq) AS first_seq FROM massnahme_versions WHERE upload_id = $u
                      GROUP BY kommune, nr),
        cur AS (
            SELECT v.nr, v.upload_id FROM massnahme_versions v JOIN mine USING (kommune, nr)
            QUALIFY row_number() OVER (PARTITION BY v.nr ORDER BY v.recorded_at DESC, v.seq DESC) = 1
        ),
        before AS (
            SELECT v.* FROM massnahme_versions v JOIN mine m USING (kommune, nr) WHERE v.seq < m.first_seq
            QUALIFY row_number() OVER (PARTITION BY v.nr ORDER BY v.seq DESC) = 1
        )
        SELECT m.kommune, m.nr, cur.upload_id AS current_upload, b.* EXCLUDE (kommune, nr, seq, upload_id,
               recorded_at, recorded_by, reason), b.seq IS NOT NULL AS had_before
        FROM mine m JOIN cur USING (nr) LEFT JOIN before b USING (nr)
        ORDER BY m.nr
        """,
        {"u": upload_id},
    )


def event_revert_plan(db: Database, *, upload_id: int) -> pd.DataFrame:
    """Event keys an upload wrote and whether the upload's version is still the current one."""
    return db.df(
        """
        WITH mine AS (SELECT DISTINCT kommune, nr, datum, ereignis, anlass, occurrence FROM massnahme_events
                      WHERE upload_id = $u)
        SELECT e.kommune, e.nr, e.datum, e.ereignis, e.anlass, e.occurrence, e.upload_id AS current_upload, e.present
        FROM massnahme_events e JOIN mine USING (kommune, nr, datum, ereignis, anlass, occurrence)
        QUALIFY row_number() OVER (PARTITION BY e.nr, e.datum, e.ereignis, e.anlass, e.occurrence
                                   ORDER BY e.recorded_at DESC, e.seq DESC) = 1
        """,
        {"u": upload_id},
    )


def list_uploads_df(db: Database, *, kommune: str) -> pd.DataFrame:
    """Uploads that wrote Maßnahmen or Ereignisse, newest first, with who reverted them."""
    return db.df(
        """
        SELECT u.id, u.kind, u.filename, u.user_name, u.created_at, u.reason, u.n_new, u.n_changed, u.n_unchanged,
               u.reverts_upload, (SELECT max(r.id) FROM uploads r WHERE r.reverts_upload = u.id) AS reverted_by
        FROM uploads u
        WHERE u.kommune = $k AND (EXISTS (SELECT 1 FROM massnahme_versions v WHERE v.upload_id = u.id)
                                  OR EXISTS (SELECT 1 FROM massnahme_events e WHERE e.upload_id = u.id))
        ORDER BY u.created_at DESC, u.id DESC
        """,
        {"k": kommune},
    )


def last_list_upload_with_hash(db: Database, *, kommune: str, sha256: str) -> int | None:
    value = db.scalar(
        """
        SELECT max(u.id) FROM uploads u WHERE u.kommune = ? AND u.sha256 = ?
          AND EXISTS (SELECT 1 FROM massnahme_versions v WHERE v.upload_id = u.id
                      UNION ALL SELECT 1 FROM massnahme_events e WHERE e.upload_id = u.id)
        """,
        [kommune, sha256],
    )
    return None if value is None else int(value)


DERIVED_REASON = "abgeleitet aus der Maßnahmenliste"
"""The reason of every derived reading version (kora.massnahmen.refresh writes it, the readings' revert reads it)."""


def derived_uploads(db: Database, *, kommune: str) -> dict[int, str]:
    """Uploads whose readings a readings revert must not undo alone: id -> "liste" (the upload wrote
    Maßnahmen or Ereignisse) or "abgeleitet" (it wrote only derived values: source switch, re-derivation)."""
    rows = db.rows(
        """
        SELECT upload_id, 'liste' FROM massnahme_versions WHERE kommune = $k
        UNION SELECT upload_id, 'liste' FROM massnahme_events WHERE kommune = $k
        UNION SELECT upload_id, 'abgeleitet' FROM readings WHERE kommune = $k AND reason = $r
        """,
        {"k": kommune, "r": DERIVED_REASON},
    )
    out: dict[int, str] = {}
    for upload_id, kind in rows:
        if out.get(int(upload_id)) != "liste":
            out[int(upload_id)] = str(kind)
    return out


def count_versions(db: Database, *, kommune: str) -> int:
    return int(db.scalar("SELECT count(*) FROM massnahme_versions WHERE kommune = ?", [kommune]))


def remove_demo(db: Database, *, kommune: str) -> None:
    """Beispieldaten of the list (versions and events of demo uploads); caller holds the transaction."""
    ids = "SELECT id FROM uploads WHERE kommune = $k AND kind = 'demo'"
    db.execute(f"DELETE FROM massnahme_versions WHERE upload_id IN ({ids})", {"k": kommune})  # noqa: S608
    db.execute(f"DELETE FROM massnahme_events WHERE upload_id IN ({ids})", {"k": kommune})  # noqa: S608


# --- source (quelle) of indicators --------------------------------------------------------------


def quellen(db: Database, *, kommune: str) -> dict[str, str]:
    return dict(db.rows("SELECT id, quelle FROM indicators WHERE kommune = ? ORDER BY sort", [kommune]))


def quellen_of(db: Database, *, kommunen: list[str]) -> dict[str, dict[str, str]]:
    """`quellen` for several Kommunen in one query (status at network scale asked 400 times: 0,27 s)."""
    out: dict[str, dict[str, str]] = {k: {} for k in kommunen}
    for kommune, indicator_id, quelle in db.rows(
        "SELECT kommune, id, quelle FROM indicators WHERE list_contains(?, kommune) ORDER BY kommune, sort", [kommunen]
    ):
        out[kommune][indicator_id] = quelle
    return out


def quelle_changes_of(db: Database, *, kommunen: list[str]) -> pd.DataFrame:
    """`quelle_changes_df` for several Kommunen in one query, with a `kommune` column; oldest first."""
    return db.df(
        """
        SELECT kommune, seq, indicator_id, old_quelle, new_quelle, recorded_at, recorded_by, reason
        FROM quelle_changes WHERE list_contains(?, kommune) ORDER BY recorded_at, seq
        """,
        [kommunen],
    )


def set_quelle(db: Database, *, kommune: str, indicator_id: str, quelle: str) -> None:
    db.execute("UPDATE indicators SET quelle = ? WHERE kommune = ? AND id = ?", [quelle, kommune, indicator_id])


def record_quelle_change(
    db: Database, *, kommune: str, indicator_id: str, old: str, new: str, at: dt.datetime, by: str, reason: str
) -> None:
    db.execute(
        """
        INSERT INTO quelle_changes (kommune, indicator_id, old_quelle, new_quelle, recorded_at, recorded_by, reason)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [kommune, indicator_id, old, new, at, by, reason],
    )


def quelle_changes_df(db: Database, *, kommune: str) -> pd.DataFrame:
    """All switches, oldest first."""
    return db.df(
        """
        SELECT seq, indicator_id, old_quelle, new_quelle, recorded_at, recorded_by, reason
        FROM quelle_changes WHERE kommune = ? ORDER BY recorded_at, seq
        """,
        [kommune],
    )
