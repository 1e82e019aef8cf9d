"""Where the Maßnahmenliste meets the rest: milestone edits re-derive `meilensteine_erreicht`,
the readings Historie refuses to revert derived values alone, and titles reach Plotly escaped."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kora import fmt
from kora.db import Database, audit_store, plan_store, readings_store
from kora.errors import KoraError
from kora.massnahmen import charts, history, quelle, refresh
from kora.milestones import milestone_summary
from kora.plan import edits
from kora.readings.offers import can_revert
from kora.readings.revert import revert_upload
from tests.conftest import OPERATOR, TODAY
from tests.test_massnahmen_import import ROWS, K, current, do_import, files, liste

# --- meilensteine_erreicht follows milestone edits ------------------------------------------------


def _expected(db: Database, month: str) -> float:
    share = milestone_summary(plan_store.milestones_df(db, K), as_of=pd.Timestamp(month + "-01").date())
    return 100 * share["share_on_time"]


def test_milestone_edit_rederives_meilensteine_erreicht_in_one_step(demo_db: Database) -> None:
    quelle.set_quelle(demo_db, OPERATOR, "meilensteine_erreicht", "meilensteine", reason="aus Meilensteinen",
                      kommune=K, today=TODAY)  # fmt: skip
    before = current(demo_db, "meilensteine_erreicht")["2026-10"]
    uploads_before = len(readings_store.uploads_df(demo_db, kommune=K))
    change = edits.set_milestone(
        demo_db, OPERATOR, "M1.3", status="erreicht", reached_on=dt.date(2026, 6, 20), reason="Nachweis liegt vor",
        kommune=K, today=TODAY, then=refresh.rederive_milestones,
    )  # fmt: skip
    assert change.status == "erreicht"
    after = current(demo_db, "meilensteine_erreicht")
    assert after["2026-10"] > before
    assert after["2026-10"] == pytest.approx(_expected(demo_db, "2026-10"))
    assert after["2026-05"] == pytest.approx(_expected(demo_db, "2026-05"))  # not yet due then: unchanged
    assert len(readings_store.uploads_df(demo_db, kommune=K)) == uploads_before + 1
    audit = audit_store.audit_df(demo_db, action="meilenstein_aendern")
    assert set(audit["object"]) == {"Meilenstein M1.3: abgeleitete Werte", "Meilenstein M1.3"}


@pytest.mark.parametrize("switch", [False, True])
def test_milestone_edit_writes_no_derived_upload_when_nothing_depends_on_it(demo_db: Database, switch: bool) -> None:
    """Typed indicator: nothing derived. Derived but unchanged (a milestone not yet due): no empty upload."""
    if switch:
        quelle.set_quelle(demo_db, OPERATOR, "meilensteine_erreicht", "meilensteine", reason="x", kommune=K,
                          today=TODAY)  # fmt: skip
    n = len(readings_store.uploads_df(demo_db, kommune=K))
    edits.set_milestone(demo_db, OPERATOR, "M6.2", status="offen", due=dt.date(2027, 9, 30), reason="später",
                        kommune=K, today=TODAY, then=refresh.rederive_milestones)  # fmt: skip
    assert len(readings_store.uploads_df(demo_db, kommune=K)) == n
    objects = set(audit_store.audit_df(demo_db, action="meilenstein_aendern")["object"])
    assert objects == {"Meilenstein M6.2"}


def test_a_failing_rederivation_rolls_back_the_milestone_change(demo_db: Database) -> None:
    def broken(*_a: object, **_k: object) -> int:
        raise KoraError("kaputt")

    before = plan_store.milestones_df(demo_db, K).set_index("id").loc["M1.3", "status"]
    with pytest.raises(KoraError, match="kaputt"):
        edits.set_milestone(demo_db, OPERATOR, "M1.3", status="erreicht", reached_on=dt.date(2026, 6, 20),
                            reason="x", kommune=K, today=TODAY, then=broken)  # fmt: skip
    assert plan_store.milestones_df(demo_db, K).set_index("id").loc["M1.3", "status"] == before


# --- the readings Historie does not revert derived values alone ---------------------------------


def _list_upload_with_derived_values(db: Database) -> int:
    do_import(db, files())
    quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune=K, today=TODAY)
    changed = ROWS[1].replace(";;B. Meyer", ";umgesetzt;B. Meyer").replace("12.2026;", "12.2026;10.2025")
    second = do_import(db, [("liste.csv", liste(ROWS[0], changed, ROWS[2]))])
    assert second.result is not None and second.result.derived > 0
    assert second.result.upload_id is not None
    return second.result.upload_id


def test_readings_revert_of_a_list_upload_is_refused_and_points_to_the_list_revert(db: Database) -> None:
    upload_id = _list_upload_with_derived_values(db)
    offer = can_revert(db, OPERATOR, upload_id, kommune=K)
    assert not offer.allowed and "Maßnahmen" in offer.why_not and "massnahmen revert" in offer.why_not
    values = current(db, "km_umgesetzt")
    with pytest.raises(KoraError, match="nur zusammen mit der Liste"):
        revert_upload(db, upload_id, actor=OPERATOR, reason="falsch", kommune=K)
    assert current(db, "km_umgesetzt") == values
    refused = audit_store.audit_df(db, action="upload_ruecknahme", outcome="abgelehnt")
    assert len(refused) == 1


def test_readings_revert_of_a_source_switch_is_refused(db: Database) -> None:
    do_import(db, files())
    quelle.set_quelle(db, OPERATOR, "km_umgesetzt", "massnahmen", reason="Liste", kommune=K, today=TODAY)
    switch_upload = int(readings_store.uploads_df(db, kommune=K)["id"].max())
    offer = can_revert(db, OPERATOR, switch_upload, kommune=K)
    assert not offer.allowed and "abgeleitet" in offer.why_not and "Quelle" in offer.why_not


# --- Plotly labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('<a href="https://x.example">klick</a>', '&lt;a href="https://x.example"&gt;klick&lt;/a&gt;'),
        ("Rad & Fuß <br> Ring", "Rad &amp; Fuß &lt;br&gt; Ring"),
        ("&lt;b&gt;", "&amp;lt;b&amp;gt;"),
        ("Straße\u202e", "Straße‹U+202E›"),
        ("Jülicher Straße", "Jülicher Straße"),
    ],
)
def test_plotly_text_escapes_html_and_bidi(text: str, shown: str) -> None:
    assert fmt.plotly_text(text) == shown


def test_zeitschiene_shows_hostile_titles_as_text(db: Database) -> None:
    hostile = ROWS[0].replace("Radfahrstreifen Jülicher Straße", "<b>fett</b> <a href='https://x.example'>Link</a>")
    do_import(db, [("liste.csv", liste(hostile, *ROWS[1:]))])
    frame = history.massnahmen_list(db, kommune=K)
    fig = charts.zeitschiene(history.timeline(frame), order=frame["nr"].tolist())
    labels = [a.text for a in fig.layout.annotations]  # each row's name, drawn above its line
    hovers = [h for trace in fig.data for h in (trace.hovertext or ())]
    for texts in (labels, hovers):
        assert any("&lt;b&gt;fett" in t for t in texts)
        assert not any("<b>" in t or "<a " in t for t in texts)


def test_zeitschiene_rows_have_their_names_above_and_the_dates_the_full_width(db: Database) -> None:
    """On a phone the names as y tick labels left the dates 40 px: each name stands above its row."""
    do_import(db, [("liste.csv", liste(*ROWS))])
    frame = history.massnahmen_list(db, kommune=K)
    fig = charts.zeitschiene(history.timeline(frame), order=frame["nr"].tolist())
    assert fig.layout.yaxis.showticklabels is False
    assert [a.text.split(" · ")[0] for a in fig.layout.annotations] == frame["nr"].tolist()
    assert all(a.xref == "paper" and a.x == 0 and a.xanchor == "left" for a in fig.layout.annotations)
    rows = {y for trace in fig.data for y in (trace.y or ()) if y is not None}
    assert rows == set(range(len(frame)))


def test_zeitschiene_names_months_in_words(db: Database) -> None:
    """Like the Meilensteine timeline (issue 11): 'Juli<br>2025', never '07.2025'."""
    do_import(db, [("liste.csv", liste(*ROWS))])
    frame = history.massnahmen_list(db, kommune=K)
    axis = charts.zeitschiene(history.timeline(frame), order=frame["nr"].tolist()).layout.xaxis
    assert axis.type == "date" and axis.tickformat is None
    assert "Januar<br>2025" in axis.ticktext and "Juli<br>2025" in axis.ticktext
    assert not any("." in t or "/" in t for t in axis.ticktext)


# --- the derivation's numeric inputs give the same values as the text frames -------------------


def test_coded_derivation_inputs_equal_the_text_frames(db: Database) -> None:
    from kora.db import massnahmen_store
    from kora.massnahmen import check, derive, diff, upload
    from kora.plan import quellen
    from tests.test_massnahmen_bench_data import big_files

    first = pd.Timestamp("2024-11-05 08:00")
    for k in range(6):  # back-dated monthly lists that move dates (as bench/bench_massnahmen.py builds them)
        liste_bytes, events = big_files(n=120, n_events=400, seed=5, shift=k // 2)
        parsed = check.check_files([("l.csv", liste_bytes), ("e.csv", events)], known_nrs=set(), today=TODAY)
        assert not parsed.problems and parsed.massnahmen is not None and parsed.events is not None
        at = (first + pd.DateOffset(months=3 * k)).to_pydatetime()
        with db.transaction():
            uid = readings_store.new_upload(db, kommune=K, kind="upload", user="t", at=at, filename="Maßnahmenliste")
            massnahmen_store.insert_versions(
                db, upload._version_rows(parsed.massnahmen, kommune=K, upload_id=uid, at=at, user="t", reason=None)
            )
            if k == 0:
                ev = diff.diff_events(parsed.events, massnahmen_store.all_event_keys_df(db, kommune=K))
                massnahmen_store.insert_events(
                    db, upload._event_rows(ev, kommune=K, upload_id=uid, at=at, user="t", present=True)
                )
    ids = list(quellen.DERIVED)
    months = refresh.months(db, kommune=K, today=TODAY)
    coded = massnahmen_store.derivation_inputs(db, kommune=K)
    text = (
        massnahmen_store.current_list_df(db, kommune=K),
        massnahmen_store.current_events_df(db, kommune=K),
        massnahmen_store.delay_versions_df(db, kommune=K),
    )
    assert coded[0] is not None and coded[2] is not None and len(coded[2]) == len(text[2])
    got = [
        derive.derive(indicator_ids=ids, months=months, current=c, events=e, versions=v) for c, e, v in (coded, text)
    ]
    pd.testing.assert_frame_equal(got[0], got[1])
    warned = got[0][got[0]["indicator_id"] == "fruehwarnungen"]
    assert got[0]["value"].notna().sum() > 20 and warned["value"].notna().any()
