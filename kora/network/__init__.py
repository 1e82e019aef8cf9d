"""The KoRa network: Kommunen, indicators comparable across cities, benchmark packages, comparison.

German cities keep their data in their own IT, so benchmarking works by a file one city sends to
another (a Frictionless Data Package in a zip, `package`) as well as inside one shared
installation; both paths end in the same `readings` rows keyed by Kommune, so the comparison
(`compare`, pure functions) shows the same numbers either way.

Modules: `kommunen` (registry `data/kommunen.toml`, the instance's own Kommune), `indicators`
(shared indicators and their normalisation), `package` (writing and validating the zip, no DB),
`compare` (yearly values, per 100 000 Einwohner, ranks, quartiles — DataFrames in/out),
`service` (export/import/comparison against the DB, role checks, audit), `members` (which
Kommune a user belongs to), `report` (the Brownbag slide and the XLSX sheet), `charts`.
May import: kora.db, kora.access, kora.plan, kora.readings.ingest.problems, kora.errors,
kora.periods, kora.fmt.
"""
