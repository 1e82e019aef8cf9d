"""Goal attainment over time, and what changed since the last Termin.

Result types without database code (`kora.report` imports only these): `results` (StatusReport,
Changes, Stand), `compare` (pure comparisons of two Stände) and `change_table` (the German table
of changes). Builders that query the database: `status` (StatusReport as of a month, as known at
a day, from `kora.metrics`/`kora.rollups`), `changes` (Changes since a Termin) and `stand` (one
Stand gathered for an export). May import: kora.db, kora.metrics, kora.rollups, kora.milestones,
kora.plan, kora.periods, kora.fmt, kora.labels.
"""
