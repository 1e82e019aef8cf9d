"""The Maßnahmenliste: the city's list of cycling projects as the source of process indicators.

Modules: `rules` (columns, phases, dates), `check` (a file, cell by cell), `derive` (the
indicators as pure functions), `upload` (preview, commit, revert), `refresh` (derived values
written as reading versions), `quelle` (where an indicator's values come from), `history`
(the list as of a Stand / as known at a day, versions, delays, priorities), `template`.

The write actions are registered with kora.access here, next to the code that checks them, so
kora/access/auth.py needs no edit for this package (Koordinator*innen and Admins may upload or
revert a list; only Admins switch a source).
"""

from __future__ import annotations

from kora.access.auth import ACTIONS, Action

ACTIONS.setdefault("massnahmen_upload", Action("die Maßnahmenliste hochladen und korrigieren", "indikator"))
ACTIONS.setdefault("massnahmen_ruecknahme", Action("Uploads der Maßnahmenliste zurücknehmen", "indikator"))
ACTIONS.setdefault("quelle_aendern", Action("die Quelle eines Indikators umstellen", "admin"))
