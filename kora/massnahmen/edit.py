"""Small corrections of single Maßnahmen on the page, by exactly the upload's rules.

The page's table editor shows the stored list as the template's text cells (German headers,
`1,2` km, `03.2025`). The rows someone changed are written into a German-Excel CSV with the
template's header and go through `upload.preview_list` / `upload.commit_list` — the same check
(line by line, column by column), the same diff, the same append-only versions, derived indicators
and audit row as a file upload, under the source name `EDIT_SOURCE`. Only the error table differs:
it names the Nr instead of a CSV line the person never saw. Differences from an upload: a reason
(Korrekturgrund) is required, only stored Maßnahmen can be edited (new ones come by upload), and
an edit started on a list that someone else has changed since is refused (it would silently
restore the other person's fields).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd

from kora.access.roles import Actor, authorize
from kora.db import Database
from kora.db.audit_store import AuditAction
from kora.errors import KoraError, ValidationError
from kora.massnahmen import upload
from kora.massnahmen.rules import LIST_COLUMNS
from kora.massnahmen.template import cells, csv_line
from kora.readings import findings
from kora.readings.ingest import Problem

EDIT_SOURCE = "Bearbeitung auf der Seite"
HEADERS = tuple(c.header for c in LIST_COLUMNS)
NR = HEADERS[0]
MAX_EDITED_ROWS = 500  # small corrections; a bigger change is an upload
_LABEL = re.compile(r"^[A-Z]+ \((.*)\)$")  # "G (Phase)" -> "Phase"


def editable_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The stored list as the editor shows it: the template's German headers, every cell as text."""
    return pd.DataFrame(cells(frame), columns=list(HEADERS), dtype=object)


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells, stripped; None/NaN (a cleared cell) and "" are the same empty cell."""
    out = frame.reindex(columns=list(HEADERS)).astype(object)
    return out.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip())


def changed_rows(original: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame:
    """The rows of `edited` (same row positions as `original`) in which any cell differs."""
    if len(original) != len(edited):
        raise ValidationError(
            "Zeilen können hier weder hinzugefügt noch gelöscht werden; neue Maßnahmen bitte hochladen."
        )
    before, after = _normalised(original).reset_index(drop=True), _normalised(edited).reset_index(drop=True)
    return after[(before != after).any(axis=1).to_numpy()].reset_index(drop=True)


@dataclasses.dataclass
class EditPreview:
    """The upload preview of the edited rows, and which Nr each checked line was."""

    preview: upload.ListPreview
    nr_of_line: dict[int, str]

    @property
    def errors(self) -> list[Problem]:
        return self.preview.errors

    def message(self) -> str:
        if self.preview.errors:
            return f"Die Änderungen wurden nicht gespeichert: {len(self.preview.errors)} Fehler. Bitte korrigieren."
        if self.preview.noop:
            return "Keine Änderung: die Maßnahmen sind bereits so gespeichert."
        return f"Vorschau: {self.preview.count('changed')} Maßnahmen geändert."

    def error_table(self) -> pd.DataFrame:
        """German table: Nr, Spalte, Wert, Meldung (the Nr of the edited row, the column's header)."""
        table = findings.error_table(self.preview.errors)
        nrs = [
            self.nr_of_line.get(int(line), "") if not pd.isna(line) else (value if column == NR else "")
            for line, column, value in zip(table["Zeile"], table["Spalte"], table["Wert"], strict=True)
        ]
        spalte = [m.group(1) if (m := _LABEL.match(s)) else s for s in table["Spalte"]]
        return pd.DataFrame({"Nr": nrs, "Spalte": spalte, "Wert": table["Wert"], "Meldung": table["Meldung"]})

    def table(self) -> pd.DataFrame:
        """Nr, Maßnahme, Änderungen (field: alt → neu) of the rows that would change."""
        return self.preview.table(only_changes=True).drop(columns=["Zeile", "Status"])


def _as_csv(normal: pd.DataFrame) -> bytes:
    lines = [csv_line(HEADERS), *(csv_line(r) for r in normal.itertuples(index=False))]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _unknown(normal: pd.DataFrame, stored: frozenset[str]) -> list[Problem]:
    return [
        Problem(None, NR, nr, f"Die Maßnahme „{nr}“ ist nicht gespeichert. Neue Maßnahmen bitte als Datei hochladen.")
        for nr in normal[NR]
        if nr.casefold() not in stored
    ]


def preview_edit(
    db: Database,
    rows: pd.DataFrame,
    *,
    actor: Actor | None,
    kommune: str,
    today: dt.date | None = None,
    audit_rejection: bool = False,
) -> EditPreview:
    """Check the changed rows (German headers, as from `changed_rows`) like an uploaded list; writes
    nothing (the page shows this on every rerun) unless `audit_rejection` records a refusal."""
    who = authorize(db, actor, AuditAction.MASSNAHMEN_UPLOAD, kommune=kommune, object=EDIT_SOURCE)
    if rows.empty:
        raise ValidationError("Es wurde keine Maßnahme geändert.")
    if len(rows) > MAX_EDITED_ROWS:
        raise ValidationError(
            f"{len(rows)} Maßnahmen auf einmal geändert; hier sind höchstens {MAX_EDITED_ROWS} möglich. "
            "Größere Änderungen bitte als Datei hochladen."
        )
    normal = _normalised(rows)
    preview = upload.preview_list(db, [(EDIT_SOURCE, _as_csv(normal))], actor=actor, kommune=kommune, today=today,
                                  audit_rejection=False)  # fmt: skip
    preview.errors = [*_unknown(normal, preview.stored_nrs), *preview.errors]  # the list the diff read, not again
    preview.notes = []  # "Maßnahmen missing from this file stay" is true of every edit: no news
    preview.descriptions = [f"{EDIT_SOURCE}: {len(rows)} Maßnahmen"]
    if preview.errors and audit_rejection:
        upload._audit_rejection(db, preview, user=who.audit_name, why="Fehler in der Bearbeitung")
    nr_of_line = {i + 2: str(nr) for i, nr in enumerate(normal[NR])}  # line 1 = the header
    return EditPreview(preview, nr_of_line)


def save_edit(
    db: Database,
    rows: pd.DataFrame,
    *,
    actor: Actor | None,
    kommune: str,
    reason: str,
    state: tuple[int, int] | None = None,
    today: dt.date | None = None,
) -> upload.ListCommit:
    """Check and store the changed rows as one list version (like an upload), with a required reason.

    `state`: `massnahmen_store.list_state` when the editor was filled; a different state now means
    someone stored the list meanwhile, and the edit is refused (nothing stored, audited).
    """
    who = authorize(db, actor, AuditAction.MASSNAHMEN_UPLOAD, kommune=kommune, object=EDIT_SOURCE)
    text = (reason or "").strip()
    with db.write_lock:
        checked = preview_edit(db, rows, actor=who, kommune=kommune, today=today, audit_rejection=True)
        preview = checked.preview
        if not text and not preview.errors:
            raise ValidationError("Bitte einen Korrekturgrund angeben; er wird mit den neuen Versionen gespeichert.")
        if state is not None and tuple(state) != preview.state and not preview.errors:
            upload._audit_rejection(db, preview, user=who.audit_name, why="Liste wurde zwischenzeitlich geändert")
            raise KoraError(
                "Während Sie bearbeitet haben, hat jemand anderes die Maßnahmenliste gespeichert. Es wurde nichts "
                "gespeichert. Bitte die Seite neu laden und die Änderung erneut eintragen."
            )
        if preview.errors:
            raise ValidationError(checked.message(), _with_nr(preview.errors, checked.nr_of_line))
        return upload.commit_list(db, preview, actor=who, reason=text, today=today)


def _with_nr(problems: Sequence[Problem], nr_of_line: dict[int, str]) -> list[Problem]:
    """The problems with the Nr in the message (the line of the hidden CSV means nothing to anyone)."""
    return [
        dataclasses.replace(p, message=f"Maßnahme {nr_of_line[p.line]}: {p.message}") if p.line in nr_of_line else p
        for p in problems
    ]
