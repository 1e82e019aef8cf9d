"""Monthly readings from file to stored versions.

`ingest` turns bytes as German Excel writes them into records; `catalogue` is what they are
checked against; `check` validates them (steps in `check_columns`, `check_values`, `duplicates`,
reporting `findings`) and collects every problem; `preview` compares with what is stored;
`commit` writes a new version per cell and `revert` undoes an upload, both through `versions`
(the one write-plus-audit path); `history` lists uploads and versions; `templates` builds the
download templates. May import: kora.db, kora.access, kora.plan, kora.errors, kora.periods,
kora.fmt, kora.labels. Never streamlit, never kora.samples.
"""
