"""Who may do what: roles and the write check, access modes, local and SSO login, accounts, audit log.

Every kora write function asks `kora.access.roles.authorize` before it touches data, so the server
refuses what the UI merely hides. May import: kora.db, kora.errors, kora.periods, kora.fmt, kora.labels.
Never streamlit (the web glue in kora.web calls in here).
"""
