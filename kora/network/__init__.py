"""The KoRa network: Kommunen, indicators comparable across cities, benchmark packages, comparison.

German cities keep their data in their own IT, so benchmarking works by a file one city sends to
another (a Frictionless Data Package in a zip, `package`) as well as inside one shared
installation; both paths end in the same `readings` rows keyed by Kommune, so the comparison
(`compare`, pure functions) shows the same numbers either way.

Modules: `indicators` (shared indicators and their normalisation), `package` and `validate`
(writing and checking the zip, no DB), `compare` (yearly values, per 100 000 Einwohner, ranks,
quartiles — DataFrames in/out), `results` (what the operations return, no DB), `service`
(export/import/comparison against the DB, role checks, audit; values are written through
kora.readings.versions), `members` (which Kommune a user belongs to). The registry of Kommunen
and the installation's own Kommune are `kora.kommunen` (below kora.access, which needs it);
the page's chart and table and the Brownbag slide are `kora.report.network`.
May import: kora.readings, kora.plan, kora.access, kora.db, kora.kommunen and the base modules.
Never kora.tracking, kora.samples, kora.report or streamlit (import-linter layers).
"""
