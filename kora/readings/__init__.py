"""Monthly readings from file to stored versions.

`ingest` turns bytes as German Excel writes them into records; `check` validates them against the
catalogue and collects every problem; `preview` compares with what is stored; `commit` writes a
new version per cell (and reverts uploads); `history` lists uploads and versions; `templates`
builds the download templates. May import: kora.db, kora.access, kora.plan, kora.errors,
kora.periods, kora.fmt. Never streamlit.
"""
