"""Generated data that is not the city's: labelled Beispieldaten for a first start, and synthetic
network databases for benchmarks and scale tests. Never used by a write path on real data.

`demo` generates the Beispieldaten, `beispieldaten` loads and removes them (Admin only, through
kora.readings.versions), `network` builds synthetic network-scale databases. May import:
kora.readings, kora.plan, kora.access, kora.db and the base modules. Nothing but the CLI, web
glue, pages, tests and benchmarks imports kora.samples.
"""
