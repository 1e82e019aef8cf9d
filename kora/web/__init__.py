"""The one place that imports streamlit: the glue between Streamlit and the kora library.

- `state`: the cached DuckDB connection, a cursor per session, cached loaders, cache clearing
  after writes, and the Stand (as-of month) selector shared by every page.
- `gate`: the access gate — mode, who is acting, local/SSO login and logout in the session.
- `serve`: `kora serve` — the access preflight, starting Streamlit in-process, routing every URL
  through app.py.
- `style`: the chart helper and the projector style of the Präsentationsmodus (static CSS only).

Pages call these and `kora.report`; nothing else in kora imports streamlit (import-linter and
tests/test_boundaries.py enforce it). May import every kora package below it.
"""
