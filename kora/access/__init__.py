"""Who may do what: roles and the write check, access modes, local and SSO login, accounts, audit log.

- `roles`: the acting person (`Actor`), the permission table and `authorize` — every kora write
  function asks it before it touches data, so the server refuses what the UI merely hides.
- `passwords`: password rules, argon2id hashing and verification.
- `login`: local login with a brake on guessing, SSO claims → Actor, login/logout audit rows.
- `modes`: the access mode (SSO, local accounts, Einzelplatz) decided from configuration.
- `accounts`: adding, changing and disabling accounts and coordinator assignments (Admin only).
- `audit`: the audit log as a German table with filters (Admin only); files: kora.report.export.audit_log.

May import: kora.db (the audit action vocabulary `AuditAction` lives in kora.db.audit_store),
kora.plan.files, kora.errors, kora.periods, kora.fmt, kora.labels. Never streamlit (the web glue
in kora.web calls in here) and never kora.report (presentation sits above access).
"""
