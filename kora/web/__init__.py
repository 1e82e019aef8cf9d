"""The one place that imports streamlit: cached connection and loaders, session state, access
gate, server start and page style. Pages call this and `kora.report`; nothing else in kora
imports streamlit (import-linter and tests/test_boundaries.py enforce it).
"""
