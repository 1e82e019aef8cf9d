"""The Brownbag slide deck as plain data: the Präsentationsmodus page, PPTX and HTML draw it.

One deck, several renderers: every title, number and list item is decided here, once, so the
slides on the projector, the PowerPoint file and the e-mailed HTML report always agree (and
agree with `python -m kora status --json`, because the numbers come from the same
`StatusReport`). Everything is plain text — renderers escape it for their format; nothing
here is Markdown or HTML, since reading comments are typed by users.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kora import fmt, periods
from kora.fmt import as_date, is_missing, status_text
from kora.labels import STATUS_ICONS
from kora.metrics import STATUS_ORDER
from kora.network.results import Comparison
from kora.report.deck import Chart, Deck, Item, Metric, Section, Slide, Table, attainment_chart, then_and_now_chart
from kora.report.network import network_slides
from kora.report.then_now import now_label, plan_line, since_line, then_label
from kora.tracking.compare import local_time, reached_in_year
from kora.tracking.results import Changes, StatusReport

MAX_ITEMS = 6  # list items per section on a slide; the rest is counted ("… und 4 weitere")
MAX_CHANGE_ITEMS = 4  # the Änderungen slide has four sections next to a chart
DETAIL_WIDTH = 120  # comments are cut on slides; the Excel export has them in full
MAX_CHART_BARS = 10
LABEL_WIDTH = 46
FIELD_LABEL_WIDTH = 60  # "C · Ziele, integratives Arbeiten und Planungsabläufe" whole, not "…Planungs…" (issue 11)


# --- small text helpers ---------------------------------------------------------------------


def short(text: str, width: int = LABEL_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def datenstand_text(known_at: dt.datetime | None) -> str:
    if known_at is None:
        return "aktuell (alle gespeicherten Korrekturen)"
    local = local_time(known_at)
    assert local is not None
    return f"wie bekannt am {fmt.date(local.date())}"


def _capped(items: list[Item], limit: int = MAX_ITEMS) -> tuple[tuple[Item, ...], int]:
    return tuple(items[:limit]), max(0, len(items) - limit)


def _section(heading: str, items: list[Item], empty: str, limit: int = MAX_ITEMS) -> Section:
    shown, more = _capped(items, limit)
    return Section(heading=heading, items=shown, more=more, empty=empty)


# --- the slides -------------------------------------------------------------------------------


def _indicator_ids(report: StatusReport, nrs: set[int]) -> list[str]:
    links = report.indicator_vorhaben
    wanted = set(links.loc[links["nr"].isin(nrs), "indicator_id"])
    return [i for i in report.indicators["id"] if i in wanted]


def _title_slide(report: StatusReport, changes: Changes, deck: dict[str, Any]) -> Slide:
    plan = report.plan
    ind = report.indicators
    ms = report.milestones
    felder = report.aktionsfelder
    n_on = int((ind["status"] == "on_track").sum())
    on_time = f"{ms['reached_on_time']} von {ms['due']}" if ms.get("due") else "–"
    return Slide(
        key="titel",
        title=f"KoRa-Monitor {deck['kommune_name']}",
        subtitle=f"{deck['plan_title']} · Stand {fmt.month_name(report.as_of)} · Brownbag Lunch am {fmt.date(deck['made_on'])}",
        metrics=(
            Metric(
                "Zielerreichung gesamt",
                fmt.attainment(plan["attainment"], plan.get("attainment_raw")),
                status_text(plan["status"]),
            ),
            Metric("Indikatoren im Plan", f"{n_on} von {len(ind)}"),
            Metric(
                "Meilensteine fristgerecht",
                on_time,
                f"{fmt.percent(ms.get('share_on_time'))} der fälligen" if ms.get("due") else "",
            ),
            Metric("Meilensteine überfällig", str(ms.get("overdue", 0))),
        ),
        chart=attainment_chart(
            "Zielerreichung je Aktionsfeld",
            felder,
            [
                short(f"{STATUS_ICONS.get(s, '')} {c} · {t}", FIELD_LABEL_WIDTH)
                for c, t, s in zip(felder["code"], felder["title"], felder["status"], strict=True)
            ],
            list(felder["code"]),
        ),
        notes=(
            "Zielerreichung = (Wert − Start) / (Jahresziel − Start), begrenzt auf 0–100 %. "
            f"Status: {', '.join(status_text(s) for s in STATUS_ORDER)}."
            + (" Achtung: enthält Beispieldaten, keine echten Messwerte." if report.demo else "")
        ),
    )


def _attainment_metric(row: Any, note: str) -> Metric:
    """'Zielerreichung' with a regression's "unter Startwert" in the note (the value box is narrow)."""
    text = fmt.attainment(row.attainment, getattr(row, "attainment_raw", None))
    value = text.removesuffix(" (unter Startwert)")
    below = "unter Startwert" if value != text else ""
    return Metric("Zielerreichung", value, " · ".join(p for p in (below, note) if p))


def _field_slide(report: StatusReport, changes: Changes, row: Any, milestones: pd.DataFrame) -> Slide:
    vorhaben = report.vorhaben[report.vorhaben["aktionsfeld"] == row.code]
    ids = _indicator_ids(report, set(vorhaben["nr"]))
    ind = report.indicators.set_index("id").loc[ids].reset_index()
    n_on = int((ind["status"] == "on_track").sum())
    cmp = changes.aktionsfelder.set_index("code")
    delta = cmp["delta"].get(row.code) if row.code in cmp.index else None
    ms = milestones[milestones["aktionsfeld"] == row.code] if len(milestones) else milestones
    n_ms_reached = int((ms["status"] == "erreicht").sum()) if len(ms) else 0
    rows = [
        (
            r.name,
            status_text(r.status),
            fmt.value_with_unit(r.value, r.unit, direction=r.direction),
            "–" if r.direction == "yesno" else fmt.value_with_unit(r.expected, r.unit, direction=r.direction),
            fmt.value_with_unit(r.target, r.unit, direction=r.direction),
        )
        for r in ind.itertuples(index=False)
    ]
    return Slide(
        key=f"feld-{row.code}",
        title=f"Aktionsfeld {row.code}: {row.title}",
        subtitle="Vorhaben: " + " · ".join(f"{v.nr}. {short(v.title, 60)}" for v in vorhaben.itertuples(index=False)),
        metrics=(
            _attainment_metric(
                row, "" if is_missing(delta) else f"{fmt.signed_points(delta)} seit {fmt.date(changes.since)}"
            ),
            Metric("Status", status_text(row.status)),
            Metric("Indikatoren im Plan", f"{n_on} von {len(ind)}"),
            Metric("Meilensteine erreicht", f"{n_ms_reached} von {len(ms)}"),
        ),
        chart=attainment_chart(
            "Zielerreichung je Indikator",
            ind,
            [short(f"{STATUS_ICONS.get(s, '')} {n}") for n, s in zip(ind["name"], ind["status"], strict=True)],
            list(ind["id"]),
        ),
        table=Table(
            columns=("Indikator", "Status", "Wert", "Soll heute", "Jahresziel"),
            rows=tuple(rows),
            widths=(3.0, 1.9, 1.4, 1.4, 1.4),
        ),
        notes=f"Werte seit Jahresbeginn {report.as_of.year} (Summe, Mittel oder letzter Stand je Indikator). "
        "Soll heute = Zielpfad zum Stand.",
    )


def _improved_items(better: pd.DataFrame) -> list[Item]:
    """Improved indicators: attainment then → now (+Pp.), or the statuses across a year change."""
    items = []
    for r in better.itertuples(index=False):
        if is_missing(r.delta):
            text = f"{r.name}: {status_text(r.status_before)} → {status_text(r.status_after)}"
        else:
            text = (
                f"{r.name}: {fmt.signed_percent(r.attainment_before)} → {fmt.signed_percent(r.attainment_after)} "
                f"({fmt.signed_points(r.delta)})"
            )
        items.append(Item(text, status=r.status_after))
    return items


def _on_track_items(on_track: pd.DataFrame) -> list[Item]:
    """Indicators im Plan with their value and Jahresziel."""
    return [
        Item(
            f"{r.name}: {fmt.value_with_unit(r.value, r.unit, direction=r.direction)}",
            f"Jahresziel {fmt.value_with_unit(r.target, r.unit, direction=r.direction)}",
            status="on_track",
        )
        for r in on_track.itertuples(index=False)
    ]


def _reached_items(reached: pd.DataFrame, new_ids: set[str]) -> list[Item]:
    """Milestones reached this year; those reached since the last Termin are marked (neu)."""
    return [
        Item(
            f"{r.id} erreicht am {fmt.date(as_date(r.reached_on))}" + (" (neu)" if r.id in new_ids else ""),
            short(r.text, 110),
        )
        for r in reached.itertuples(index=False)
    ]


def _successes_chart(report: StatusReport, changes: Changes, on_track: pd.DataFrame) -> Chart | None:
    """Then-and-now bars of the most improved indicators, else the indicators im Plan, else none."""
    better = changes.improved
    since = fmt.date(changes.since)
    top = better[better["delta"].notna()].head(MAX_CHART_BARS) if len(better) else better
    if len(top):
        return then_and_now_chart(
            f"Zielerreichung am {since} und heute",
            [short(n) for n in top["name"]],
            list(top["id"]),
            top,
            then=then_label(changes),
            now=now_label(changes),
            now_color="#009E73",
        )
    if len(on_track):
        return attainment_chart(
            "Indikatoren im Plan",
            on_track.head(MAX_CHART_BARS),
            [short(n) for n in on_track["name"].head(MAX_CHART_BARS)],
            list(on_track["id"].head(MAX_CHART_BARS)),
        )
    return None


def _successes_notes(changes: Changes) -> str:
    since = fmt.date(changes.since)
    if changes.comparable:
        return (
            "Verbessert = besserer Status oder mindestens +0,5 Prozentpunkte Zielerreichung "
            f"(Stand {fmt.month_name(changes.previous_as_of)} wie am {since} bekannt, gegen heute)."
        )
    return (
        "Der letzte Termin lag im Vorjahr: Zielerreichungen beziehen sich auf verschiedene Jahresziele, "
        "verglichen wird daher nur der Status."
    )


def _successes_slide(report: StatusReport, changes: Changes) -> Slide:
    better = changes.improved
    ind = report.indicators
    on_track = ind[ind["status"] == "on_track"]
    reached = reached_in_year(changes.milestone_state, report.as_of)
    new_ids = set(changes.milestones_reached["id"])
    since = fmt.date(changes.since)
    year = report.as_of.year
    return Slide(
        key="erfolge",
        title="Erfolge",
        subtitle=f"Was gut läuft · Stand {fmt.month_name(report.as_of)}",
        metrics=(
            Metric(f"Verbessert seit {since}", str(len(better)), "Indikatoren"),
            Metric("Im Plan", f"{len(on_track)} von {len(ind)}", "Indikatoren"),
            Metric(f"Meilensteine erreicht {year}", str(len(reached)), f"davon {len(new_ids)} neu" if new_ids else ""),
        ),
        chart=_successes_chart(report, changes, on_track),
        sections=(
            _section(
                f"Besser geworden seit {since}", _improved_items(better), "Seitdem hat sich kein Indikator verbessert."
            ),
            _section("Im Plan", _on_track_items(on_track), "Noch kein Indikator ist im Plan."),
            _section(
                f"Meilensteine erreicht {year}",
                _reached_items(reached, new_ids),
                f"{year} wurde bis {fmt.month_name(report.as_of)} noch kein Meilenstein erreicht.",
            ),
        ),
        notes=_successes_notes(changes),
    )


def _new_reading_items(new: pd.DataFrame) -> list[Item]:
    items = []
    for (name, unit, direction), part in new.groupby(["name", "unit", "direction"], sort=False):
        values = " · ".join(
            f"{fmt.month_short(as_date(m) or m)}: {fmt.value_with_unit(v, unit, direction=direction)}"
            for m, v in zip(part["month"], part["value"], strict=True)
        )
        comments = [str(c) for c in part["comment"] if not is_missing(c)]
        items.append(
            Item(f"{name} — {values}", short("Kommentar: " + " | ".join(comments), DETAIL_WIDTH) if comments else "")
        )
    return items


def _status_change_items(status_changes: pd.DataFrame) -> list[Item]:
    """Indicators whose status changed, with the attainment then and now when there is one."""
    return [
        Item(
            f"{r.name}: {status_text(r.status_before)} → {status_text(r.status_after)}",
            ""
            if is_missing(r.attainment_after)
            else f"Zielerreichung {fmt.signed_percent(r.attainment_before)} → {fmt.signed_percent(r.attainment_after)}",
            status=r.status_after,
        )
        for r in status_changes.itertuples(index=False)
    ]


def _milestone_head(r: Any) -> str:
    """'M1.2 erreicht am 03.03.2026', 'M2.1 verschoben auf 30.06.2027' or 'M3.1: offen → …'."""
    if r.status_after == "erreicht":
        when = as_date(r.reached_on)
        return f"{r.id} erreicht" + (f" am {fmt.date(when)}" if when else "")
    if r.status_after == "verschoben":
        due = as_date(r.due_after)
        return f"{r.id} verschoben" + (f" auf {fmt.date(due)}" if due else "")
    return f"{r.id}: {r.status_before} → {r.status_after}"


def _correction_text(r: Any) -> str:
    """What a correction did to one cell: withdrawn, value before → after, or only the comment."""
    month = fmt.month_short(as_date(r.month) or r.month)
    before = fmt.value_with_unit(r.value_before, r.unit, direction=r.direction)
    if r.withdrawn:
        return f"{r.name}, {month}: {before} zurückgezogen"
    if r.value_changed:
        return f"{r.name}, {month}: {before} → {fmt.value_with_unit(r.value_after, r.unit, direction=r.direction)}"
    return f"{r.name}, {month}: Kommentar geändert"


def correction_note(*, reason: Any, comment: Any) -> str:
    """'Korrekturgrund: … · Kommentar: …': the reason a person gave for correcting a value is
    labelled as such, never as a comment (issue 11); either part is left out when absent."""
    parts = [f"{label}: {' '.join(str(text).split())}" for label, text in (("Korrekturgrund", reason), ("Kommentar", comment))
             if not is_missing(text) and str(text).strip()]  # fmt: skip
    return short(" · ".join(parts), DETAIL_WIDTH) if parts else ""


def _correction_items(corrections: pd.DataFrame) -> list[Item]:
    return [
        Item(_correction_text(r), correction_note(reason=r.reason, comment=r.comment))
        for r in corrections.itertuples(index=False)
    ]


def _changes_chart(changes: Changes) -> Chart | None:
    """Aktionsfelder then and now; none when the last Termin lay in another year."""
    felder = changes.aktionsfelder
    if not (changes.comparable and len(felder)):
        return None
    return then_and_now_chart(
        "Zielerreichung je Aktionsfeld: damals und heute",
        [short(f"{c} · {t}", FIELD_LABEL_WIDTH) for c, t in zip(felder["code"], felder["title"], strict=True)],
        list(felder["code"]),
        felder,
        then=then_label(changes),
        now=now_label(changes),
        now_color="#0072B2",
    )


def _changes_slide(report: StatusReport, changes: Changes) -> Slide:
    since = fmt.date(changes.since)
    counts = changes.counts()
    ms_items = [Item(_milestone_head(r), short(r.text, 110)) for r in changes.milestones.itertuples(index=False)]
    return Slide(
        key="aenderungen",
        title="Was hat sich seit dem letzten Termin geändert?",
        subtitle=f"{since_line(changes)} · {plan_line(changes)}",
        metrics=(
            Metric("Neue Messwerte", str(counts["new_readings"])),
            Metric("Statusänderungen", str(counts["status_changes"])),
            # "neu": the Erfolge slide counts the milestones of the whole year, this one those since the Termin
            # (the title says since when; "… seit 01.11.2026" was cut in a quarter-width box beside the sidebar)
            Metric("Meilensteine neu erreicht", str(counts["milestones_reached"])),
            Metric("Korrekturen", str(counts["corrections"])),
        ),
        chart=_changes_chart(changes),
        sections=(
            _section(
                "Neue Messwerte", _new_reading_items(changes.new_readings), f"Seit dem {since} keine neuen Messwerte."
            ),
            _section(
                "Statusänderungen",
                _status_change_items(changes.status_changes),
                "Kein Indikator hat seinen Status geändert.",
            ),
            _section("Meilensteine", ms_items, "Keine Meilensteine erreicht oder verschoben."),
            _section(
                "Korrekturen", _correction_items(changes.corrections), "Keine Korrekturen bereits gemeldeter Werte."
            ),
        ),
        notes=(
            f"Verglichen wird der Datenstand am Ende des {since} mit dem Datenstand "
            f"{datenstand_text(changes.until)}. Neue Messwerte und Korrekturen: Monate bis "
            f"{fmt.month_name(changes.as_of)}. Vollständige Liste: Excel-Export, Blatt „Änderungen“."
        ),
    )


def _support_slide(report: StatusReport, plan: dict[str, Any]) -> Slide:
    ind = report.indicators
    off = ind[ind["status"] == "off_track"]
    links = report.indicator_vorhaben
    rows = []
    warnings = 0
    for v in plan["vorhaben"]:
        ids = set(links.loc[links["nr"] == v["nr"], "indicator_id"])
        mine = off[off["id"].isin(ids)]
        if mine.empty:
            continue
        texts = []
        for r in mine.itertuples(index=False):
            soll = (
                f"Ziel {fmt.value_with_unit(r.target, r.unit, direction=r.direction)}"
                if r.direction == "yesno"
                else f"Soll {fmt.value_with_unit(r.expected, r.unit, direction=r.direction)}"
            )
            texts.append(f"{r.name}: {fmt.value_with_unit(r.value, r.unit, direction=r.direction)} ({soll})")
        cities = ", ".join(v["partner_cities"]) or "keine genannt"
        rows.append((f"{v['nr']}. {short(v['title'], 70)}", "\n".join(texts), cities))
    warnings = int(off["warning_since"].map(lambda w: not is_missing(w)).sum())
    return Slide(
        key="unterstuetzung",
        title="Wo wir Unterstützung brauchen",
        subtitle="Indikatoren nicht im Plan – und welche Partnerstädte laut Aktionsplan Erfahrung damit haben",
        metrics=(
            Metric("Nicht im Plan", f"{len(off)} von {len(ind)}", "Indikatoren"),
            Metric("mit Frühwarnung", str(warnings), "Zielverfehlung absehbar"),
            Metric("Vorhaben betroffen", f"{len(rows)} von {len(plan['vorhaben'])}"),
        ),
        table=Table(
            columns=("Vorhaben", "Nicht im Plan (Wert seit Jahresbeginn, Soll heute)", "Partnerstädte fragen"),
            rows=tuple(rows),
            widths=(3.0, 4.6, 2.6),
        )
        if rows
        else None,
        sections=() if rows else (Section("Alles im Plan", (), empty="Kein Indikator ist derzeit nicht im Plan."),),
        notes="Partnerstädte: die Städte, die der Aktionsplan beim jeweiligen Vorhaben für einen Erfahrungstransfer nennt.",
    )


def build_deck(
    report: StatusReport,
    changes: Changes,
    plan: dict[str, Any],
    *,
    made_on: dt.date | None = None,
    network: Comparison | None = None,
) -> Deck:
    """The deck for one Stand: title, one slide per Aktionsfeld, Erfolge, Änderungen, Unterstützung.

    `report` is `build_status(...)` for the Stand (as_of, known_at); `changes` the matching
    `build_changes(...)`; `plan` is `ops.plan_dict` (titles, partner cities); `network` the
    Städtevergleich (kora.network.service.deck_comparison) or None.
    """
    made_on = made_on or periods.today_local()
    filters = [
        ("Kommune", plan["kommune_name"]),
        ("Stand", fmt.month_name(report.as_of)),
        ("Datenstand", datenstand_text(report.known_at)),
        ("Letzter Termin", fmt.date(changes.since)),
        ("Erstellt", fmt.date(made_on)),
    ]
    if report.demo:
        filters.append(("Daten", "Beispieldaten, keine echten Messwerte"))
    info = {"kommune_name": plan["kommune_name"], "plan_title": plan["title"], "made_on": made_on}
    milestones = changes.milestone_state
    slides = [_title_slide(report, changes, info)]
    slides += [_field_slide(report, changes, row, milestones) for row in report.aktionsfelder.itertuples(index=False)]
    slides += [_successes_slide(report, changes), _changes_slide(report, changes), _support_slide(report, plan)]
    slides += network_slides(network)  # "Wo stehen wir im Netzwerk?"
    return Deck(
        kommune=plan["kommune"],
        kommune_name=plan["kommune_name"],
        plan_title=plan["title"],
        as_of=report.as_of,
        known_at=report.known_at,
        since=changes.since,
        made_on=made_on,
        demo=bool(report.demo),
        filters=tuple(filters),
        slides=tuple(slides),
    )


# --- navigation (used by the page; pure so it is tested without Streamlit) ------------------


def step(index: int, n: int, delta: int, *, wrap: bool = False) -> int:
    """Next slide index: clamped to [0, n-1], or wrapping around (autoplay loops)."""
    if n <= 0:
        return 0
    if wrap:
        return (index + delta) % n
    return max(0, min(n - 1, index + delta))


def slide_label(deck: Deck, index: int) -> str:
    return f"{index + 1}. {deck.slides[index].title}"
