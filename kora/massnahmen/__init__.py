"""The Maßnahmenliste: the city's list of cycling projects as the source of process indicators.

Modules: `rules` (columns, phases, dates, display — pure), `check` (a file, cell by cell),
`derive` (the indicators as pure functions), `upload` (preview, commit, revert), `edit`
(corrections on the page, through upload's check and commit), `refresh`
(derived values written as reading versions), `quelle` (switching where an indicator's values
come from; the vocabulary is kora.plan.quellen), `history` (the list as of a Stand / as known at
a day, versions, delays, priorities), `template`, `charts`. The Brownbag slides and the Excel
sheet are drawn by kora.report.massnahmen from data kora.tracking.stand gathers.

The write actions are `AuditAction.MASSNAHMEN_UPLOAD`, `MASSNAHMEN_RUECKNAHME` and
`QUELLE_AENDERN`, role-checked through kora.access.roles.ACTIONS.
"""
