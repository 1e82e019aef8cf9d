"""Goal attainment over time: `status` assembles the StatusReport (as of a month, as known at a
day) from the database and `kora.metrics`; `changes` says what changed since the last Termin.
May import: kora.db, kora.metrics, kora.plan, kora.periods, kora.fmt, kora.labels.
"""
