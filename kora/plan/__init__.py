"""The Aktionsplan as data: model, the rules for its fields, reading the TOML files, admin edits, setup.

`model` holds the dataclasses; `rules` the checks shared by file loading and admin edits (one
source of truth for ranges); `files` reads and validates `data/*.toml`; `edits` changes targets,
baselines, weights and milestones as append-only plan changes; `setup` creates/migrates the
database and loads the plan. May import: kora.db, kora.access, kora.errors, kora.periods, kora.fmt.
"""
