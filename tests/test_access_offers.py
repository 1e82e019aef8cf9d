"""Issue 15, item 7: pages offer only the actions a person may take (the server keeps refusing the rest).

`can_revert` gives the Historie page the same answer `revert_upload` would give, and the page shows
the "Zurücknehmen" button only where it is yes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kora.access.roles import Actor
from kora.db import audit_store, open_database
from kora.errors import KoraError
from kora.readings.commit import import_file
from kora.readings.offers import can_revert
from kora.readings.revert import revert_upload
from tests import test_access_app
from tests.conftest import KOMMUNE, OPERATOR, TODAY
from tests.test_access_app import login, start

people = test_access_app.people  # the fixture: Leser*in lea, Koordinator*in kim (Vorhaben 2), Admin ada
HISTORIE = "pages/messwerte/historie.py"
OWN = b"Indikator;Monat;Wert;Kommentar\r\nzuarbeit_stunden;01.2025;14;\r\n"
FOREIGN = b"Indikator;Monat;Wert;Kommentar\r\nkritik_extern;01.2025;40;\r\n"
LATER = b"Indikator;Monat;Wert;Kommentar\r\nzuarbeit_stunden;03.2025;15;\r\n"
MIXED = b"Indikator;Monat;Wert;Kommentar\r\nzuarbeit_stunden;02.2025;9;\r\nkritik_extern;02.2025;41;\r\n"


def person(name: str) -> Actor:
    return Actor(name=name, role="leser", source="lokal")  # role and scope are re-read from the DB


@pytest.fixture
def uploads(people: Path) -> dict[str, int]:
    """Admin uploads: inside kim's scope, outside it, mixed; one more that was reverted; the revert."""
    db = open_database(people)
    try:
        ids = {}
        for key, data in (("own", OWN), ("foreign", FOREIGN), ("mixed", MIXED), ("reverted", LATER)):
            outcome = import_file(db, data, filename=f"{key}.csv", actor=OPERATOR, today=TODAY, kommune=KOMMUNE)
            assert outcome.result is not None and outcome.result.upload_id is not None, outcome.error
            ids[key] = outcome.result.upload_id
        ids["revert"] = revert_upload(
            db, ids["reverted"], actor=OPERATOR, reason="Tippfehler", kommune=KOMMUNE
        ).revert_id
    finally:
        db.close()
    return ids


def test_can_revert_matches_what_revert_upload_accepts(people: Path, uploads: dict[str, int]) -> None:
    db = open_database(people)
    try:
        kim, lea, ada = person("kim"), person("lea"), person("ada")
        audit_rows = len(audit_store.audit_df(db))
        assert can_revert(db, kim, uploads["own"], kommune=KOMMUNE).allowed
        assert not can_revert(db, kim, uploads["foreign"], kommune=KOMMUNE).allowed
        mixed = can_revert(db, kim, uploads["mixed"], kommune=KOMMUNE)
        assert not mixed.allowed and "kritik_extern" in mixed.why_not and "zuarbeit" not in mixed.why_not
        assert "nur Koordinator*innen und Admins" in can_revert(db, lea, uploads["own"], kommune=KOMMUNE).why_not
        assert can_revert(db, None, uploads["own"], kommune=KOMMUNE).allowed is False
        assert "bereits" in can_revert(db, ada, uploads["reverted"], kommune=KOMMUNE).why_not
        assert all(can_revert(db, ada, uploads[k], kommune=KOMMUNE).allowed for k in ("own", "foreign", "mixed"))
        assert "gibt es nicht" in can_revert(db, ada, 9999, kommune=KOMMUNE).why_not
        assert len(audit_store.audit_df(db)) == audit_rows  # asking writes no audit row
        for key in ("foreign", "mixed"):  # and the server agrees with the "no"
            with pytest.raises(KoraError, match="Keine Berechtigung"):
                revert_upload(db, uploads[key], actor=kim, reason="Versuch", kommune=KOMMUNE)
        revert_upload(db, uploads["own"], actor=kim, reason="eigener Fehler", kommune=KOMMUNE)
    finally:
        db.close()


def revert_buttons(at: object) -> set[str]:
    return {b.key for b in at.button if (b.key or "").startswith("revert_")}  # type: ignore[attr-defined]


def test_historie_offers_the_revert_button_only_where_the_person_may(people: Path, uploads: dict[str, int]) -> None:
    at = login(start(), "kim").switch_page(HISTORIE).run()
    assert not at.exception and not at.error
    assert revert_buttons(at) == {f"revert_{uploads[k]}" for k in ("own", "revert")}  # the revert is kim's scope too
    captions = " ".join(c.value for c in at.caption)
    assert "außerhalb Ihrer Zuständigkeit" in captions and "bereits" in captions
    at = login(start(), "ada").switch_page(HISTORIE).run()
    assert revert_buttons(at) == {f"revert_{uploads[k]}" for k in ("own", "foreign", "mixed", "revert")}
    at = login(start(), "lea").switch_page(HISTORIE).run()
    assert not at.exception and revert_buttons(at) == set()


def test_read_only_mode_offers_no_revert_and_says_why(
    people: Path, uploads: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15: in the read-only mode the Historie drew "Zurücknehmen" although every write is refused."""
    monkeypatch.setenv("KORA_READONLY", "1")
    db = open_database(people)
    try:
        offer = can_revert(db, person("ada"), uploads["own"], kommune=KOMMUNE)
        assert not offer.allowed and "nur zum Lesen" in offer.why_not
        with pytest.raises(KoraError, match="nur zum Lesen"):  # and the server agrees
            revert_upload(db, uploads["own"], actor=OPERATOR, reason="Versuch", kommune=KOMMUNE)
    finally:
        db.close()
