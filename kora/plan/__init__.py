"""The Aktionsplan as data: model, the rules for its fields, reading the TOML files, admin edits, setup.

`model` holds the dataclasses and allowed values (imports nothing of kora); `rules` the checks of
baselines, targets, weights and years shared by file loading and admin edits (one source of truth
for ranges; imports kora.fmt); `files` reads and validates `data/*.toml` with those rules; `edits`
changes targets, baselines, weights and milestones as append-only plan changes; `setup`
creates/migrates the database and loads the plan. Layers (import-linter): model < rules < files <
kora.db < kora.access < setup/edits.
"""
